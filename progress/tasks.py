"""Background work of progress/: thin tasks that call a service. Run by Celery beat
(CELERY_BEAT_SCHEDULE); acknowledged late, so each may run twice: the reminder marks its period and
writes the outbox in one transaction (progress/services/reports.py)."""

from celery import shared_task

from progress.services import reports
from progress.services.milestones import milestones_refresh_all


@shared_task
def send_status_report_reminders() -> int:
    """Daily: one reminder per overdue status-report period."""
    return reports.status_report_reminders_send()


@shared_task
def refresh_milestones() -> int:
    """Nightly: every active participation's milestones made and the data-fed ones brought up to date
    (so the start-page counts and reports are right for practices nobody opened that day)."""
    return milestones_refresh_all()
