"""The outbox (ligepraksis/mail.py): every e-mail is a row written in the transaction of the change
that causes it; the sender claims it with a lease and marks it sent only after the server accepted it.
"""

import datetime as dt
from unittest import mock

import pytest
from django.core import mail as django_mail
from django.db import transaction
from django.utils import timezone

from ligepraksis import mail
from ligepraksis.models import OutboxMessage, OutboxState


def _enqueue(**kw):
    return mail.enqueue(
        to=kw.pop("to", "a@praksis.example"),
        template="join",
        context={"link": "http://x/", "site_url": "http://x", "hours": 72},
        **kw,
    )


@pytest.fixture
def broken_smtp(monkeypatch):
    def broken_send(self, fail_silently=False):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken_send)


@pytest.mark.django_db
def test_a_message_is_sent_after_commit_and_marked_sent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = _enqueue()
        assert OutboxMessage.objects.get().state == OutboxState.PENDING
        assert django_mail.outbox == []  # nothing leaves before the change commits
    message.refresh_from_db()
    assert message.state == OutboxState.SENT and message.sent_at is not None
    assert [m.to for m in django_mail.outbox] == [["a@praksis.example"]]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_writes_no_email():
    with pytest.raises(RuntimeError), transaction.atomic():
        _enqueue()
        raise RuntimeError("the change fails")
    assert not OutboxMessage.objects.exists()
    assert django_mail.outbox == []


@pytest.mark.django_db
def test_the_same_key_is_written_once():
    assert _enqueue(key="k:1") is not None
    assert _enqueue(key="k:1") is None
    assert OutboxMessage.objects.count() == 1


@pytest.mark.django_db
def test_suppressed_writes_nothing():
    with mail.suppressed():
        assert _enqueue() is None
    assert not OutboxMessage.objects.exists()
    assert _enqueue() is not None  # the switch ends with the block


@pytest.mark.django_db
def test_a_failed_send_stays_pending_with_the_error_and_is_retried_later(broken_smtp, monkeypatch):
    message = _enqueue()
    now = timezone.now()
    assert mail.send(message.pk, now=now) is False
    message.refresh_from_db()
    assert message.state == OutboxState.PENDING
    assert "mail server down" in message.last_error and message.attempts == 1
    assert message.not_before > now  # backoff
    assert mail.due_ids(now=now) == []
    assert mail.due_ids(now=message.not_before) == [message.pk]

    monkeypatch.undo()
    assert mail.send(message.pk, now=message.not_before) is True
    assert len(django_mail.outbox) == 1


@pytest.mark.django_db
def test_after_the_last_attempt_a_message_is_failed(broken_smtp, settings):
    settings.MAIL_MAX_ATTEMPTS = 2
    message = _enqueue()
    mail.send(message.pk)
    message.refresh_from_db()
    mail.send(message.pk, now=message.not_before)
    message.refresh_from_db()
    assert message.state == OutboxState.FAILED
    assert mail.due_ids(now=message.not_before + dt.timedelta(days=1)) == []


@pytest.mark.django_db
def test_a_live_lease_keeps_a_second_sender_out_and_an_expired_one_lets_it_in(settings):
    """A worker that dies mid-send leaves its lease; after MAIL_LEASE_SECONDS the message is sent again."""
    settings.MAIL_LEASE_SECONDS = 60
    message = _enqueue()
    now = timezone.now()
    OutboxMessage.objects.filter(pk=message.pk).update(state=OutboxState.SENDING, claimed_at=now)

    assert mail.send(message.pk, now=now + dt.timedelta(seconds=30)) is False  # still leased
    assert mail.due_ids(now=now + dt.timedelta(seconds=30)) == []
    assert mail.due_ids(now=now + dt.timedelta(seconds=61)) == [message.pk]
    assert mail.send(message.pk, now=now + dt.timedelta(seconds=61)) is True
    assert len(django_mail.outbox) == 1
    assert mail.send(message.pk, now=now + dt.timedelta(seconds=200)) is False  # sent: never again


@pytest.mark.django_db
def test_a_broker_outage_only_delays_the_mail(django_capture_on_commit_callbacks, monkeypatch):
    """Finding 5: with the broker down the change is saved, the page does not break, the mail waits."""
    monkeypatch.setattr(mail, "_queue_send", mock.Mock(side_effect=ConnectionRefusedError("no broker")))
    with django_capture_on_commit_callbacks(execute=True):
        message = _enqueue()
    message.refresh_from_db()
    assert message.state == OutboxState.PENDING
    assert mail.due_ids() == [message.pk]  # the beat task sends it when the broker is back


@pytest.mark.django_db
def test_the_retry_task_queues_what_is_due(monkeypatch):
    from ligepraksis import tasks

    message = _enqueue()
    assert tasks.outbox_retry.delay().get() == 1
    message.refresh_from_db()
    assert message.state == OutboxState.SENT


@pytest.mark.django_db
def test_an_attempt_whose_worker_died_is_counted(settings):
    """The claim counts the attempt: a send that never returned (worker killed) is on the record."""
    settings.MAIL_LEASE_SECONDS = 60
    message = _enqueue()
    now = timezone.now()
    assert mail._claim(message.pk, now)  # a worker claims it and is killed before the server answers
    message.refresh_from_db()
    assert (message.state, message.attempts) == (OutboxState.SENDING, 1)

    later = now + dt.timedelta(seconds=61)
    assert mail.send(message.pk, now=later) is True
    message.refresh_from_db()
    assert (message.state, message.attempts) == (OutboxState.SENT, 2)
    assert len(django_mail.outbox) == 1


@pytest.mark.django_db
def test_a_message_that_kills_its_worker_every_time_is_failed_not_sent_for_ever(settings):
    settings.MAIL_LEASE_SECONDS = 60
    settings.MAIL_MAX_ATTEMPTS = 2
    message = _enqueue()
    now = timezone.now()
    step = dt.timedelta(seconds=61)
    assert mail._claim(message.pk, now)  # attempt 1: the worker dies
    assert mail._claim(message.pk, now + step)  # attempt 2: the worker dies again
    assert mail.due_ids(now=now + 2 * step) == [message.pk]  # the beat task queues it once more ...

    assert mail.send(message.pk, now=now + 2 * step) is False  # ... and the sender gives it up
    message.refresh_from_db()
    assert (message.state, message.attempts) == (OutboxState.FAILED, 2)
    assert "worker stopped" in message.last_error and message.claimed_at is None
    assert mail.due_ids(now=now + 3 * step) == []
    assert django_mail.outbox == []
