"""Moving a session (time, place or online link) sends an updated invitation to the confirmed and a
note to the waiting list, through the outbox; its calendar version (SEQUENCE) is stored on the session,
raised by each move and by cancelling, and the feeds write the same number."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.core import mail
from django.utils import timezone

from activities import services
from activities.calendar import calendar_bytes
from activities.feeds import person_feed_url
from activities.models import Registration, RegistrationStatus, Session
from ligepraksis.models import OutboxMessage
from tests.activities.service_factories import make_activity, make_person, make_session, practice_user
from tests.conftest import make_practice, make_round, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_up(region, django_capture_on_commit_callbacks):
    """A session with one place: Ida confirmed, Bo on the waiting list (both with an address)."""
    round_obj = make_round(region, open_=False)
    practice = make_practice(region)
    user = practice_user(practice)
    activity = make_activity(round_obj, title="Sundhedsfremme for sårbare", online=False)
    session = make_session(activity, capacity=1, place="Aarhus Rådhus")
    ida, bo = make_person(practice, name="Ida Læge"), make_person(practice, name="Bo Sekretær")
    ida.email, bo.email = "ida@praksis.example", "bo@praksis.example"
    ida.save()
    bo.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_signup(user=user, session=session, practice=practice, persons=[ida, bo])
    leader = make_user(role="project_leader", round=round_obj)
    mail.outbox.clear()
    return session, leader, ida, bo


def _event(content: bytes) -> tuple[icalendar.Calendar, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(content)
    (event,) = cal.walk("VEVENT")
    return cal, event


def _move(session, leader, callbacks, **changes):
    session = Session.objects.select_related("activity").get(pk=session.pk)  # as the form loads it
    for name, value in changes.items():
        setattr(session, name, value)
    with callbacks(execute=True):
        services.session_save(user=leader, session=session)
    return session


def test_moving_the_time_sends_an_updated_invitation_to_the_confirmed_and_a_note_to_the_waiting(
    signed_up, django_capture_on_commit_callbacks
):
    session, leader, ida, bo = signed_up
    original = calendar_bytes([session], "x", method="PUBLISH")  # what Ida's sign-up mail held
    _, first = _event(original)
    later = (session.starts_at + dt.timedelta(days=2)).replace(microsecond=0)

    moved = _move(
        session,
        leader,
        django_capture_on_commit_callbacks,
        starts_at=later,
        ends_at=later + dt.timedelta(hours=2),
        signup_deadline=later - dt.timedelta(days=1),
    )

    assert Session.objects.get(pk=session.pk).sequence == moved.sequence == 1
    by_to = {m.to[0]: m for m in mail.outbox}
    assert set(by_to) == {"ida@praksis.example", "bo@praksis.example"}
    (attachment,) = by_to["ida@praksis.example"].attachments
    assert attachment[0] == "invitation.ics"
    cal, event = _event(attachment[1])
    assert str(cal["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == str(first["UID"])
    assert int(event["SEQUENCE"]) > int(first["SEQUENCE"])
    assert event.decoded("DTSTART") == later
    assert "ida@praksis.example" in str(event["ATTENDEE"])
    assert by_to["bo@praksis.example"].attachments == []  # the waiting list: a note, no invitation
    assert "venteliste" in by_to["bo@praksis.example"].body
    assert "Ida Læge" in by_to["ida@praksis.example"].body


def test_each_move_raises_the_version_and_is_written_once_per_person_and_version(
    signed_up, django_capture_on_commit_callbacks
):
    session, leader, _ida, _bo = signed_up
    _move(session, leader, django_capture_on_commit_callbacks, place="MidtKraft, Olof Palmes Allé 15")
    _move(session, leader, django_capture_on_commit_callbacks, online_link="https://møde.example/abc")
    assert Session.objects.get(pk=session.pk).sequence == 2
    keys = sorted(
        OutboxMessage.objects.filter(key__startswith="session-moved:").values_list("key", flat=True)
    )
    assert (
        len(keys) == 4
        and sum(k.endswith(":1") for k in keys) == 2
        and sum(k.endswith(":2") for k in keys) == 2
    )
    sequences = [int(_event(m.attachments[0][1])[1]["SEQUENCE"]) for m in mail.outbox if m.attachments]
    assert sequences == [1, 2]


def test_a_change_of_anything_else_tells_nobody(signed_up, django_capture_on_commit_callbacks):
    session, leader, _ida, _bo = signed_up
    _move(session, leader, django_capture_on_commit_callbacks, capacity=1,
          signup_deadline=session.signup_deadline - dt.timedelta(hours=1))  # fmt: skip
    assert mail.outbox == []
    assert Session.objects.get(pk=session.pk).sequence == 0


def test_the_stored_version_counts_not_the_one_the_form_loaded(signed_up, django_capture_on_commit_callbacks):
    session, leader, _ida, _bo = signed_up
    stale = Session.objects.select_related("activity").get(pk=session.pk)  # a second editor's copy
    _move(session, leader, django_capture_on_commit_callbacks, place="Lokale 1")
    stale.place = "Lokale 2"
    with django_capture_on_commit_callbacks(execute=True):
        services.session_save(user=leader, session=stale)
    assert Session.objects.get(pk=session.pk).sequence == 2


def test_cancelling_raises_the_version_above_the_last_invitation(
    signed_up, django_capture_on_commit_callbacks
):
    session, leader, _ida, _bo = signed_up
    _move(session, leader, django_capture_on_commit_callbacks, place="Lokale 1")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.session_cancel(user=leader, session=session, reason="Underviseren er syg")
    (cancelling,) = [m for m in mail.outbox if m.attachments]
    cal, event = _event(cancelling.attachments[0][1])
    assert str(cal["METHOD"]) == "CANCEL"
    assert int(event["SEQUENCE"]) == 2 == Session.objects.get(pk=session.pk).sequence


def test_a_cancelled_or_ended_session_moved_tells_nobody(region, django_capture_on_commit_callbacks):
    round_obj = make_round(region, open_=False)
    leader = make_user(role="project_leader", round=round_obj)
    practice = make_practice(region)
    person = make_person(practice)
    person.email = "p@praksis.example"
    person.save()
    past = make_session(make_activity(round_obj), starts_at=timezone.now() - dt.timedelta(days=3))
    Registration.objects.create(
        session=past, person=person, practice=practice, status=RegistrationStatus.CONFIRMED
    )
    mail.outbox.clear()
    _move(past, leader, django_capture_on_commit_callbacks, place="Rettet efter mødet")
    assert mail.outbox == []
    assert Session.objects.get(pk=past.pk).sequence == 1  # the feeds still show the newer version


def test_the_feed_writes_the_stored_sequence(client, signed_up, django_capture_on_commit_callbacks):
    session, leader, ida, _bo = signed_up
    _move(session, leader, django_capture_on_commit_callbacks, place="Lokale 1")
    _move(session, leader, django_capture_on_commit_callbacks, place="Lokale 2")
    cal = icalendar.Calendar.from_ical(client.get(person_feed_url(ida)).content)
    (event,) = cal.walk("VEVENT")
    assert str(event["UID"]) == f"session-{session.pk}@lige-praksis"
    assert int(event["SEQUENCE"]) == 2
    assert str(event["LOCATION"]) == "Lokale 2"


def test_a_move_in_the_admin_tells_those_signed_up_too(signed_up, rf, django_capture_on_commit_callbacks):
    from django.contrib import admin

    session, _leader, _ida, _bo = signed_up
    request = rf.post("/admin/")
    model_admin = admin.site._registry[Session]
    obj = Session.objects.get(pk=session.pk)
    obj.place = "Lokale 7"
    with django_capture_on_commit_callbacks(execute=True):
        model_admin.save_model(request, obj, form=None, change=True)
    assert Session.objects.get(pk=session.pk).sequence == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["bo@praksis.example", "ida@praksis.example"]
    obj.capacity = 2  # not a move
    with django_capture_on_commit_callbacks(execute=True):
        model_admin.save_model(request, obj, form=None, change=True)
    assert Session.objects.get(pk=session.pk).sequence == 1
    assert len(mail.outbox) == 2
