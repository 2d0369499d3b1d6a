"""Celery beat's reminders: a day before a session, and a nudge to practices under their target."""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from activities import reminders, tasks
from activities.models import ClaimStatus, HourClaim, HourNudge, Registration, RegistrationStatus
from ligepraksis import mail as mail_outbox
from ligepraksis.celery import app as celery_app
from ligepraksis.models import OutboxMessage, OutboxState, Role
from tests.activities.service_factories import (
    make_activity,
    make_person,
    make_session,
    participate,
)
from tests.conftest import make_practice, make_round, make_user

NOW = timezone.now()


@pytest.fixture
def practice_and_activity(region):
    round_obj = make_round(region, open_=False)
    practice = make_practice(region)
    return practice, make_activity(round_obj, title="Samtalen om livsstil")


def _registration(session, practice, *, status=RegistrationStatus.CONFIRMED, email="p@praksis.example"):
    person = make_person(practice)
    person.email = email
    person.save()
    return Registration.objects.create(session=session, person=person, practice=practice, status=status)


# --- A day before a session ------------------------------------------------------------------------


@pytest.mark.django_db
def test_reminder_goes_once_to_those_confirmed_for_a_session_within_24_hours(
    practice_and_activity, django_capture_on_commit_callbacks
):
    practice, activity = practice_and_activity
    soon = make_session(
        activity, starts_at=NOW + dt.timedelta(hours=20), deadline_before=dt.timedelta(hours=1)
    )
    later = make_session(activity, starts_at=NOW + dt.timedelta(hours=30))
    cancelled = make_session(
        activity,
        starts_at=NOW + dt.timedelta(hours=10),
        deadline_before=dt.timedelta(hours=1),
        cancelled_at=NOW - dt.timedelta(days=1),
        cancel_reason="Aflyst",
    )
    past = make_session(activity, starts_at=NOW - dt.timedelta(hours=2))
    due = _registration(soon, practice, email="due@praksis.example")
    waiting = _registration(soon, practice, status=RegistrationStatus.WAITLISTED, email="w@praksis.example")
    not_yet = _registration(later, practice, email="later@praksis.example")
    off = _registration(cancelled, practice, email="off@praksis.example")
    gone = _registration(past, practice, email="past@praksis.example")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_session_reminders.delay().get() == 1
        assert tasks.send_session_reminders.delay().get() == 0  # the next hourly run (or a redelivery)

    (message,) = mail.outbox
    assert message.to == ["due@praksis.example"]
    assert "Samtalen om livsstil" in message.subject
    assert message.attachments[0][0] == "invitation.ics"
    due.refresh_from_db()
    assert due.reminded_at is not None
    for reg in (waiting, not_yet, off, gone):
        reg.refresh_from_db()
        assert reg.reminded_at is None

    # Once the later session comes within 24 hours, its turn comes.
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.session_reminders_send(now=NOW + dt.timedelta(hours=7)) == 1
    assert mail.outbox[-1].to == ["later@praksis.example"]


@pytest.mark.django_db
def test_a_failed_reminder_stays_in_the_outbox_and_is_not_written_twice(
    practice_and_activity, monkeypatch, django_capture_on_commit_callbacks
):
    practice, activity = practice_and_activity
    soon = make_session(
        activity, starts_at=NOW + dt.timedelta(hours=5), deadline_before=dt.timedelta(hours=1)
    )
    reg = _registration(soon, practice)
    mail.outbox.clear()

    def broken_send(self, fail_silently=False):
        raise ConnectionRefusedError("mail server down")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMessage.send", broken_send)
        with django_capture_on_commit_callbacks(execute=True):
            assert reminders.session_reminders_send(now=NOW) == 1  # written; the send failed
    reg.refresh_from_db()
    assert reg.reminded_at is not None
    (message,) = OutboxMessage.objects.all()
    assert message.state == OutboxState.PENDING and "mail server down" in message.last_error
    assert reminders.session_reminders_send(now=NOW) == 0  # the sweep does not write it again

    assert mail_outbox.send(message.pk, now=message.not_before) is True  # the outbox's retry
    assert len(mail.outbox) == 1


# --- The nudge before the hour deadline ------------------------------------------------------------


def _round_with_deadline(region, deadline: dt.date, weeks=4):
    round_obj = make_round(
        region,
        open_=False,
        hour_window_start=dt.date(2026, 1, 1),
        hour_window_end=deadline,
        nudge_weeks_before=weeks,
    )
    leader = make_user(role=Role.PROJECT_LEADER, round=round_obj)
    return round_obj, leader


def _approved_hours(participation, user, hours):
    HourClaim.objects.create(
        round=participation.round,
        practice=participation.practice,
        person=participation.application.doctor_coordinator,
        description="Kursus",
        occurred_on=dt.date(2026, 3, 1),
        hours=Decimal(hours),
        submitted_by=user,
        status=ClaimStatus.APPROVED,
    )


@pytest.mark.django_db
def test_nudge_goes_once_to_practices_under_target_inside_the_window(
    region, django_capture_on_commit_callbacks
):
    today = timezone.localdate(NOW)
    round_obj, leader = _round_with_deadline(region, today + dt.timedelta(days=10), weeks=4)
    behind, behind_user = participate(round_obj, leader)
    done, done_user = participate(round_obj, leader)
    _approved_hours(behind, behind_user, "3.5")
    _approved_hours(done, done_user, "10")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.nudge_practices_under_target.delay().get() == 1
        assert tasks.nudge_practices_under_target.delay().get() == 0

    coordinators = {p.email for p in behind.application.coordinators}
    assert {m.to[0] for m in mail.outbox} == coordinators and len(mail.outbox) == 2
    body = mail.outbox[0].body
    assert "3,5" in body and "10" in body and "6,5" in body  # done, target, remaining (Danish decimals)
    assert behind.practice.name in mail.outbox[0].subject and "6,5" in mail.outbox[0].subject
    assert "/aktiviteter/" in body or settings.SITE_URL in body  # a link to the catalogue
    assert HourNudge.objects.get(participation=behind).sent_at is not None
    assert not HourNudge.objects.filter(participation=done).exists()


@pytest.mark.django_db
def test_no_nudge_before_the_window_or_after_the_deadline(region):
    today = timezone.localdate(NOW)
    early, leader = _round_with_deadline(region, today + dt.timedelta(weeks=4, days=1), weeks=4)
    participate(early, leader)
    late, leader_late = _round_with_deadline(region, today - dt.timedelta(days=1), weeks=4)
    participate(late, leader_late)
    mail.outbox.clear()

    assert reminders.hour_nudges_send(now=NOW) == 0
    assert mail.outbox == []
    assert not HourNudge.objects.exists()

    # Four weeks before the deadline exactly, the early round's practice is nudged.
    assert reminders.hour_nudges_send(now=NOW + dt.timedelta(days=1)) == 1


def test_beat_schedule_runs_the_reminder_tasks():
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "activities.tasks.send_session_reminders",
        "activities.tasks.nudge_practices_under_target",
    } <= schedule
    celery_app.loader.import_default_modules()  # what a worker and beat do at start
    for name in schedule:
        assert name in celery_app.tasks, name
