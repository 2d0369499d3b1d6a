"""Background work for progress: thin tasks that call a service (run by Celery beat).

Idempotent, so a task that runs twice (acknowledged late) changes nothing the second time."""

from celery import shared_task

from progress.services.milestones import milestones_refresh_all


@shared_task
def refresh_milestones() -> int:
    """Nightly: every active participation's milestones made and the data-fed ones brought up to date
    (so the start-page counts and reports are right for practices nobody opened that day)."""
    return milestones_refresh_all()
