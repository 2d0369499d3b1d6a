"""E-mails about sign-ups, cancelled sessions and hour claims: what is sent, to whom, and only once."""

import datetime as dt
import time
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core import mail
from django.utils import timezone

from activities import notifications, services
from activities.models import ClaimStatus, HourClaim, Registration, RegistrationStatus
from ligepraksis.models import OutboxMessage
from practices.models import PersonKind
from tests.activities.service_factories import (
    make_activity,
    make_person,
    make_session,
    practice_user,
)
from tests.conftest import make_practice, make_round, make_user

CPH = ZoneInfo("Europe/Copenhagen")
# The first evening of summer time in 2027 (28 March): 18:00 in Denmark is 16:00 UTC.
SUMMER_START = dt.datetime(2027, 3, 28, 18, 0, tzinfo=CPH)


@pytest.fixture
def setup(region):
    round_obj = make_round(region, open_=False)
    practice = make_practice(region)
    user = practice_user(practice)
    activity = make_activity(round_obj, title="Sundhedsfremme for sårbare", online=False)
    session = make_session(activity, starts_at=SUMMER_START, capacity=1, place="Aarhus Rådhus")
    return practice, user, session


def _signup(user, session, practice, persons, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        return services.registration_signup(user=user, session=session, practice=practice, persons=persons)


def _ics(message) -> icalendar.Calendar:
    (attachment,) = message.attachments
    filename, content, mimetype = attachment
    assert (filename, mimetype) == ("invitation.ics", "text/calendar")
    return icalendar.Calendar.from_ical(content)


@pytest.mark.django_db
def test_confirmed_signup_mails_an_invitation_with_the_right_local_time(
    setup, django_capture_on_commit_callbacks
):
    practice, user, session = setup
    person = make_person(practice, name="Ida Læge", kind=PersonKind.DOCTOR)
    person.email = "ida@praksis.example"
    person.save()

    _signup(user, session, practice, [person], django_capture_on_commit_callbacks)

    (message,) = mail.outbox
    assert message.to == ["ida@praksis.example"]
    assert "Sundhedsfremme for sårbare" in message.subject
    # Danish dates whatever the request's language: the mail is written in settings.LANGUAGE_CODE.
    assert "søndag 28. marts 2027, 18:00–20:00" in message.body
    assert "Aarhus Rådhus" in message.body
    cal = _ics(message)
    assert str(cal["METHOD"]) == "PUBLISH"
    (event,) = cal.walk("VEVENT")
    assert str(event["UID"]) == f"session-{session.pk}@lige-praksis"
    start = event.decoded("DTSTART")
    assert (start.hour, start.minute, str(event["DTSTART"].params["TZID"])) == (18, 0, "Europe/Copenhagen")
    assert start.astimezone(dt.UTC) == dt.datetime(2027, 3, 28, 16, 0, tzinfo=dt.UTC)
    assert [tz.tz_name for tz in cal.timezones] == ["Europe/Copenhagen"]


@pytest.mark.django_db
def test_waitlisted_gets_a_waiting_list_mail_without_ics_sent_to_whoever_signed_up(
    setup, django_capture_on_commit_callbacks
):
    practice, user, session = setup
    first, second = make_person(practice), make_person(practice, name="Bo uden e-mail")

    result = _signup(user, session, practice, [first, second], django_capture_on_commit_callbacks)

    assert [r.person for r in result.waitlisted] == [second]
    # Neither person has an address, so the practice user who signed them up gets both mails.
    assert [m.to for m in mail.outbox] == [[user.email], [user.email]]
    confirmed_mail, waiting_mail = mail.outbox
    assert len(confirmed_mail.attachments) == 1
    assert waiting_mail.attachments == []
    assert "Bo uden e-mail" in waiting_mail.body
    assert waiting_mail.subject != confirmed_mail.subject


@pytest.mark.django_db
def test_promotion_from_the_waiting_list_sends_the_confirmation(setup, django_capture_on_commit_callbacks):
    practice, user, session = setup
    first, second = make_person(practice), make_person(practice)
    result = _signup(user, session, practice, [first, second], django_capture_on_commit_callbacks)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.registration_cancel(user=user, registration=result.confirmed[0])

    assert promoted.person == second
    (message,) = mail.outbox
    assert second.name in message.body
    (event,) = _ics(message).walk("VEVENT")
    assert str(event["STATUS"]) == "CONFIRMED"


@pytest.mark.django_db
def test_a_registration_is_written_to_the_outbox_once_per_status(setup, django_capture_on_commit_callbacks):
    practice, user, session = setup
    person = make_person(practice)
    reg = Registration.objects.create(
        session=session,
        person=person,
        practice=practice,
        status=RegistrationStatus.WAITLISTED,
        registered_by=user,
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.registration_enqueue(reg) is True
        assert notifications.registration_enqueue(reg) is False  # the same status again: nothing new
        reg.status = RegistrationStatus.CONFIRMED
        reg.save()
        assert notifications.registration_enqueue(reg) is True
        assert notifications.registration_enqueue(reg) is False
    assert [len(m.attachments) for m in mail.outbox] == [0, 1]

    reg.status = RegistrationStatus.CANCELLED
    reg.save()
    assert notifications.registration_enqueue(reg) is False  # cancelled meanwhile
    assert OutboxMessage.objects.count() == 2


@pytest.mark.django_db
def test_cancelled_session_mails_everyone_signed_up_with_a_cancelling_ics(
    setup, region, django_capture_on_commit_callbacks
):
    practice, user, session = setup
    confirmed, waiting = make_person(practice), make_person(practice)
    confirmed.email, waiting.email = "c@praksis.example", "w@praksis.example"
    confirmed.save()
    waiting.save()
    _signup(user, session, practice, [confirmed, waiting], django_capture_on_commit_callbacks)
    leader = make_user(role="project_leader", round=session.activity.round)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.session_cancel(user=leader, session=session, reason="Underviseren er syg")

    by_to = {m.to[0]: m for m in mail.outbox}
    assert set(by_to) == {"c@praksis.example", "w@praksis.example"}
    assert all("Underviseren er syg" in m.body for m in mail.outbox)
    assert by_to["w@praksis.example"].attachments == []  # never had the event in a calendar
    cal = _ics(by_to["c@praksis.example"])
    assert str(cal["METHOD"]) == "CANCEL"
    (event,) = cal.walk("VEVENT")
    assert str(event["UID"]) == f"session-{session.pk}@lige-praksis"
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 1
    assert "mailto:" in str(event["ORGANIZER"])

    # Writing the cancellation again (a retried sweep) mails nobody twice.
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.session_cancelled_enqueue(session) == 0
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_claim_decision_mails_the_submitter_with_the_reason(setup, django_capture_on_commit_callbacks):
    practice, user, session = setup
    round_obj = session.activity.round
    leader = make_user(role="project_leader", round=round_obj)
    claim = HourClaim.objects.create(
        round=round_obj,
        practice=practice,
        person=make_person(practice),
        description="Kursus i Vejle",
        occurred_on=dt.date(2026, 5, 4),
        hours="7.5",
        submitted_by=user,
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_decide(user=leader, claim=claim, approve=False, reason="Ingen dokumentation")

    (message,) = mail.outbox
    assert message.to == [user.email]
    assert "Ingen dokumentation" in message.body
    assert "7,5" in message.subject  # Danish decimals
    assert "den 4. maj 2026" in message.body
    assert notifications.claim_decided_enqueue(claim) is False  # written once

    pending = HourClaim.objects.create(
        round=round_obj,
        practice=practice,
        person=claim.person,
        description="Endnu et",
        occurred_on=dt.date(2026, 5, 5),
        hours="2",
        submitted_by=user,
    )
    assert pending.status == ClaimStatus.PENDING
    assert notifications.claim_decided_enqueue(pending) is False


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_signup_confirmation_is_sent_by_a_real_worker(region, real_worker):
    round_obj = make_round(region, open_=False)
    practice = make_practice(region)
    user = practice_user(practice)
    activity = make_activity(round_obj, title="Webinar set fra en worker")
    session = make_session(activity, starts_at=timezone.now() + dt.timedelta(days=10))
    person = make_person(practice)
    person.email = "worker@praksis.example"
    person.save()

    mail.outbox.clear()
    with real_worker():
        services.registration_signup(user=user, session=session, practice=practice, persons=[person])
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not any(
            "worker@praksis.example" in m.to for m in list(mail.outbox)
        ):
            time.sleep(0.2)

    messages = [m for m in mail.outbox if "worker@praksis.example" in m.to]
    assert len(messages) == 1, "no worker sent the confirmation within 20 s"
    assert "Webinar set fra en worker" in messages[0].subject
    assert messages[0].attachments[0][0] == "invitation.ics"
