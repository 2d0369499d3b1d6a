"""Background work of evaluation/: thin tasks that call a service (Celery beat, CELERY_BEAT_SCHEDULE).
Acknowledged late, so each may run twice: the reminder marks its invitation and writes the outbox in
one transaction (evaluation/services/questionnaires.py)."""

from celery import shared_task

from evaluation.services import questionnaires


@shared_task
def send_questionnaire_reminders() -> int:
    """Daily: one reminder to each invitee who has not answered."""
    return questionnaires.questionnaire_reminders_send()
