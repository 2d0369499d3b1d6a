"""Background work for activities: thin tasks that take ids and call a service.

Queued on commit by activities/services.py (the names are part of that contract) or run by
Celery beat (CELERY_BEAT_SCHEDULE). Acknowledged late, so each may run twice: the services claim
before they send.
"""

from celery import shared_task

from activities import notifications, reminders

# Retry only what is transient (the mail server or the network); a bug fails at once.
TRANSIENT = (ConnectionError, TimeoutError, OSError)
RETRY = {"autoretry_for": TRANSIENT, "retry_backoff": 30, "retry_backoff_max": 600, "max_retries": 8}


@shared_task(**RETRY)
def notify_registration(registration_id: int) -> bool:
    return notifications.registration_notify(registration_id=registration_id)


@shared_task(**RETRY)
def notify_session_cancelled(session_id: int) -> int:
    return notifications.session_cancelled_notify(session_id=session_id)


@shared_task(**RETRY)
def notify_claim_decided(claim_id: int) -> bool:
    return notifications.claim_decided_notify(claim_id=claim_id)


@shared_task
def send_session_reminders() -> int:
    """Hourly: a day before a session, to those confirmed. A failure waits for the next run."""
    return reminders.session_reminders_send()


@shared_task
def nudge_practices_under_target() -> int:
    """Daily: practices under their hour target, in the weeks before the hour deadline."""
    return reminders.hour_nudges_send()
