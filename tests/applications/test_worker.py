"""The decision e-mail through a real Celery worker on the Redis broker, and the notification's
once-only guarantee (tasks are acknowledged late, so a task may run twice)."""

import time

import pytest
from celery import signals
from django.conf import settings
from django.core import mail
from django.db import connections

from applications import notifications, services
from applications.models import ApplicationEvent, Status
from ligepraksis.models import Role
from tests.conftest import make_application, make_round, make_user

WAIT_SECONDS = 20


def _decision_event(app, outcome=Status.SELECTED):
    return ApplicationEvent.objects.get(
        application=app, kind=ApplicationEvent.Kind.DECISION, to_status=outcome
    )


def _close_worker_connections(**kwargs):
    """Runs in the worker thread after each task: leave no connection open to the test database."""
    connections.close_all()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_decision_email_is_sent_by_a_real_worker(region):
    if settings.CELERY_TASK_ALWAYS_EAGER:  # no broker configured
        pytest.skip(
            "A real Celery worker needs Redis: set CELERY_BROKER_URL=redis://127.0.0.1:6379/11 (see README)"
        )
    import celery.contrib.testing.tasks  # noqa: F401 - registers celery.ping for the test worker
    from celery.contrib.testing.worker import start_worker

    from ligepraksis.celery import app as celery_app

    round_obj = make_round(region, open_=False)
    leader = make_user(role=Role.PROJECT_LEADER, round=round_obj)
    application = make_application(round_obj)  # its "submitted" mail runs in process (eager)
    coordinators = {p.email for p in application.coordinators}
    assert len(coordinators) == 2

    celery_app.conf.task_always_eager = False  # the autouse fixture restores it
    celery_app.control.purge()  # leftovers from earlier runs must not interfere
    mail.outbox.clear()
    signals.task_postrun.connect(_close_worker_connections, weak=False)
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=15):
            services.application_decide(application=application, user=leader, outcome=Status.SELECTED)
            event = _decision_event(application)
            assert event.notified_at is None  # queued on commit, not sent by this thread

            deadline = time.monotonic() + WAIT_SECONDS
            while time.monotonic() < deadline:
                event.refresh_from_db()
                sent_to = {
                    address
                    for message in list(mail.outbox)
                    if application.practice.name in message.subject
                    for address in message.to
                }
                if event.notified_at is not None and coordinators <= sent_to:
                    break
                time.sleep(0.2)
    finally:
        signals.task_postrun.disconnect(_close_worker_connections)

    event.refresh_from_db()
    assert event.notified_at is not None, f"no worker sent the decision e-mail within {WAIT_SECONDS} s"
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
def test_notify_sends_the_emails_of_an_event_only_once(closed_round, leader):
    application = make_application(closed_round)
    services.application_decide(application=application, user=leader, outcome=Status.SELECTED)
    event = _decision_event(application)
    assert event.notified_at is None  # on_commit never fires inside the test's transaction
    mail.outbox.clear()

    assert notifications.application_event_notify(event_id=event.pk) is True
    first = sorted(a for m in mail.outbox for a in m.to)
    assert first == sorted(notifications.recipients(application))
    assert len(first) == 3  # two coordinators and the applicant

    assert notifications.application_event_notify(event_id=event.pk) is False
    assert sorted(a for m in mail.outbox for a in m.to) == first
    event.refresh_from_db()
    assert event.notified_at is not None


@pytest.mark.django_db
def test_a_failed_send_hands_the_event_back_for_a_retry(closed_round, leader, monkeypatch):
    application = make_application(closed_round)
    services.application_decide(application=application, user=leader, outcome=Status.REJECTED)
    event = _decision_event(application, Status.REJECTED)
    mail.outbox.clear()

    def broken_send(self, fail_silently=False):
        raise ConnectionRefusedError("mail server down")

    with monkeypatch.context() as patch:
        patch.setattr(notifications.EmailMessage, "send", broken_send)
        with pytest.raises(ConnectionRefusedError):
            notifications.application_event_notify(event_id=event.pk)
    event.refresh_from_db()
    assert event.notified_at is None
    assert mail.outbox == []

    assert notifications.application_event_notify(event_id=event.pk) is True
    assert sorted(a for m in mail.outbox for a in m.to) == sorted(notifications.recipients(application))


@pytest.mark.django_db
def test_a_recommendation_sends_no_email(closed_round, steering):
    application = make_application(closed_round)
    services.recommendation_record(application=application, user=steering, outcome="select", reason="Stærk")
    event = ApplicationEvent.objects.get(application=application, kind=ApplicationEvent.Kind.RECOMMENDATION)
    mail.outbox.clear()
    assert notifications.application_event_notify(event_id=event.pk) is False
    assert mail.outbox == []
