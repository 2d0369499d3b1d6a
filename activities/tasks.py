"""Background work for activities: thin tasks that take ids and call a service.

Run by Celery beat (CELERY_BEAT_SCHEDULE). Acknowledged late, so each may run twice: the sweeps
mark their rows and write the outbox in one transaction.
"""

from celery import shared_task

from activities import reminders


@shared_task
def send_session_reminders() -> int:
    """Hourly: a day before a session, to those confirmed."""
    return reminders.session_reminders_send()


@shared_task
def nudge_practices_under_target() -> int:
    """Daily: practices under their hour target, in the weeks before the hour deadline."""
    return reminders.hour_nudges_send()
