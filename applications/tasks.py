"""Background work for applications: thin tasks that take ids and call a service."""

from celery import shared_task

from applications import notifications, services


@shared_task(
    bind=True,
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=8,
)
def notify_application_event(self, event_id: int) -> bool:
    return notifications.application_event_notify(event_id=event_id)


@shared_task
def expire_offers() -> int:
    return services.offers_expire()
