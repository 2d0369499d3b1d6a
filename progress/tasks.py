"""Background work of progress/: thin tasks that call a service. Run by Celery beat
(CELERY_BEAT_SCHEDULE); acknowledged late, so each may run twice: the reminder marks its period and
writes the outbox in one transaction (progress/services/reports.py)."""

from celery import shared_task

from progress.services import reports


@shared_task
def send_status_report_reminders() -> int:
    """Daily: one reminder per overdue status-report period."""
    return reports.status_report_reminders_send()
