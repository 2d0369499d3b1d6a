"""The decision e-mail through the outbox and a real Celery worker on the Redis broker, and the
once-only guarantee (each message is written once, in the decision's transaction)."""

import time

import pytest
from django.core import mail

from applications import notifications, services
from applications.models import ApplicationEvent, ApplicationStatus
from ligepraksis.models import OutboxMessage, OutboxState, Role
from tests.conftest import make_application, make_round, make_user

WAIT_SECONDS = 20


def _decision_event(app, outcome=ApplicationStatus.SELECTED):
    return ApplicationEvent.objects.get(
        application=app, kind=ApplicationEvent.Kind.DECISION, to_status=outcome
    )


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_decision_email_is_sent_by_a_real_worker(region, real_worker):
    round_obj = make_round(region, open_=False)
    leader = make_user(role=Role.PROJECT_LEADER, round=round_obj)
    application = make_application(round_obj)  # its "submitted" mail runs in process (eager)
    coordinators = {p.email for p in application.coordinators}
    assert len(coordinators) == 2

    mail.outbox.clear()
    with real_worker():
        services.application_decide(application=application, user=leader, outcome=ApplicationStatus.SELECTED)
        event = _decision_event(application)
        rows = OutboxMessage.objects.filter(key__startswith=f"application-event:{event.pk}:")
        assert rows.count() == 3  # written in the decision's transaction, sent by the worker

        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            if not rows.exclude(state=OutboxState.SENT).exists():
                break
            time.sleep(0.2)

    assert not rows.exclude(state=OutboxState.SENT).exists(), (
        f"no worker sent the decision e-mail within {WAIT_SECONDS} s"
    )
    sent_to = {
        address
        for message in mail.outbox
        if application.practice.name in message.subject
        for address in message.to
    }
    assert coordinators <= sent_to
    # One mail per recipient (both coordinators and whoever started the application), sent once.
    assert sorted(a for m in mail.outbox for a in m.to) == sorted(notifications.recipients(application))


@pytest.mark.django_db
def test_a_decision_writes_each_email_once(closed_round, leader, django_capture_on_commit_callbacks):
    application = make_application(closed_round)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_decide(application=application, user=leader, outcome=ApplicationStatus.SELECTED)
    event = _decision_event(application)
    first = sorted(a for m in mail.outbox for a in m.to)
    assert first == sorted(notifications.recipients(application))
    assert len(first) == 3  # two coordinators and the applicant

    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.application_event_enqueue(event) == 0  # written before: nothing new
    assert sorted(a for m in mail.outbox for a in m.to) == first
    assert OutboxMessage.objects.filter(state=OutboxState.SENT).count() == 3


@pytest.mark.django_db
def test_a_recommendation_sends_no_email(closed_round, steering):
    application = make_application(closed_round)
    before = OutboxMessage.objects.count()
    services.recommendation_record(application=application, user=steering, outcome="select", reason="Stærk")
    event = ApplicationEvent.objects.get(application=application, kind=ApplicationEvent.Kind.RECOMMENDATION)
    assert notifications.application_event_enqueue(event) == 0
    assert OutboxMessage.objects.count() == before
