"""Background work for practices: thin tasks that call a service (run by Celery beat)."""

from celery import shared_task

from practices import personal_data


@shared_task
def anonymise_expired() -> int:
    """Daily: people whose personal data has passed its rounds' retention period are anonymised."""
    return len(personal_data.anonymise_expired())
