"""The iCalendar feeds: local times that survive the change to and from summer time, secret links."""

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities import services
from activities.calendar import calendar_bytes, session_event
from activities.feeds import person_feed_url, person_token, practice_token
from activities.models import Registration, RegistrationStatus
from tests.activities.service_factories import make_activity, make_person, make_session
from tests.conftest import make_practice, make_round, make_user

CPH = ZoneInfo("Europe/Copenhagen")
UTC = dt.UTC

# (local start, expected UTC start): winter, the last day before and the first day of summer time
# (29 March 2026), summer, and around the change back (25 October 2026).
TIMES = [
    (dt.datetime(2026, 1, 15, 18, 0, tzinfo=CPH), dt.datetime(2026, 1, 15, 17, 0, tzinfo=UTC)),
    (dt.datetime(2026, 3, 28, 18, 0, tzinfo=CPH), dt.datetime(2026, 3, 28, 17, 0, tzinfo=UTC)),
    (dt.datetime(2026, 3, 29, 18, 0, tzinfo=CPH), dt.datetime(2026, 3, 29, 16, 0, tzinfo=UTC)),
    (dt.datetime(2026, 7, 1, 18, 0, tzinfo=CPH), dt.datetime(2026, 7, 1, 16, 0, tzinfo=UTC)),
    (dt.datetime(2026, 10, 24, 18, 0, tzinfo=CPH), dt.datetime(2026, 10, 24, 16, 0, tzinfo=UTC)),
    (dt.datetime(2026, 10, 25, 18, 0, tzinfo=CPH), dt.datetime(2026, 10, 25, 17, 0, tzinfo=UTC)),
]


@pytest.fixture
def catalogue(region):
    round_obj = make_round(region, open_=False)
    practice = make_practice(region)
    return round_obj, practice, make_activity(round_obj, title="Traumebevidst praksis")


def _register(session, person, practice, status=RegistrationStatus.CONFIRMED):
    return Registration.objects.create(session=session, person=person, practice=practice, status=status)


def _events(content: bytes) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(content)
    return {str(ev["UID"]): ev for ev in cal.walk("VEVENT")}


@pytest.mark.django_db
def test_feed_keeps_local_times_across_summer_time(client, catalogue):
    round_obj, practice, activity = catalogue
    person = make_person(practice, name="Åse Ærø")
    sessions = [make_session(activity, starts_at=local.astimezone(UTC), hours_long=2) for local, _ in TIMES]
    for session in sessions:
        _register(session, person, practice)

    response = client.get(reverse("calendar:person", args=[person_token(person)]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    raw = response.content.decode("utf-8")
    assert "Åse Ærø" in raw  # the calendar's name, in UTF-8
    assert "DTSTART;TZID=Europe/Copenhagen:20260328T180000" in raw.replace("\r\n ", "")
    assert "DTSTART;TZID=Europe/Copenhagen:20260329T180000" in raw.replace("\r\n ", "")
    cal = icalendar.Calendar.from_ical(response.content)
    assert [tz.tz_name for tz in cal.timezones] == ["Europe/Copenhagen"]
    events = _events(response.content)
    assert len(events) == len(TIMES)
    # A reader without a time-zone database relies on the VTIMEZONE alone: it must say the same.
    vtimezone = cal.timezones[0].to_tz(lookup_tzid=False)
    for session, (local, utc) in zip(sessions, TIMES, strict=True):
        event = events[f"session-{session.pk}@lige-praksis"]
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert (start.hour, start.minute, start.date()) == (18, 0, local.date())
        assert str(event["DTSTART"].params["TZID"]) == "Europe/Copenhagen"
        assert start.astimezone(UTC) == utc
        assert end - start == dt.timedelta(hours=2)
        assert start.replace(tzinfo=None).replace(tzinfo=vtimezone).astimezone(UTC) == utc
        assert str(event["SUMMARY"]) == "Traumebevidst praksis"
        assert str(event["STATUS"]) == "CONFIRMED"


@pytest.mark.django_db
def test_cancelled_session_stays_in_the_feed_as_cancelled(client, catalogue):
    _, practice, activity = catalogue
    person = make_person(practice)
    session = make_session(activity, place="MidtKraft, Olof Palmes Allé 15, Aarhus")
    _register(session, person, practice)
    leader = make_user(role="project_leader", round=activity.round)
    services.session_cancel(user=leader, session=session, reason="Underviser syg")  # raises the version

    events = _events(client.get(person_feed_url(person)).content)

    event = events[f"session-{session.pk}@lige-praksis"]
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 1
    assert "Underviser syg" in str(event["DESCRIPTION"])
    assert str(event["LOCATION"]) == "MidtKraft, Olof Palmes Allé 15, Aarhus"


@pytest.mark.django_db
def test_feeds_hold_only_confirmed_registrations(client, catalogue):
    _, practice, activity = catalogue
    person = make_person(practice)
    confirmed, waiting, gone = (make_session(activity) for _ in range(3))
    _register(confirmed, person, practice)
    _register(waiting, person, practice, RegistrationStatus.WAITLISTED)
    _register(gone, person, practice, RegistrationStatus.CANCELLED)

    for url in (
        reverse("calendar:person", args=[person_token(person)]),
        reverse("calendar:practice", args=[practice_token(practice)]),
    ):
        assert set(_events(client.get(url).content)) == {f"session-{confirmed.pk}@lige-praksis"}


@pytest.mark.django_db
def test_practice_feed_has_one_event_per_session_naming_who_goes(client, catalogue, region):
    _, practice, activity = catalogue
    anna, bo = make_person(practice, name="Anna Læge"), make_person(practice, name="Bo Sygeplejerske")
    other_practice = make_practice(region)
    stranger = make_person(other_practice, name="Fremmed")
    session, elsewhere = make_session(activity), make_session(activity)
    for person in (anna, bo):
        _register(session, person, practice)
    _register(elsewhere, stranger, other_practice)

    response = client.get(reverse("calendar:practice", args=[practice_token(practice)]))

    assert response.status_code == 200
    events = _events(response.content)
    assert list(events) == [f"session-{session.pk}@lige-praksis"]
    description = str(events[f"session-{session.pk}@lige-praksis"]["DESCRIPTION"])
    assert "Anna Læge" in description and "Bo Sygeplejerske" in description


@pytest.mark.django_db
def test_tampered_or_misused_token_gets_404(client, catalogue):
    _, practice, _ = catalogue
    person = make_person(practice)
    token = person_token(person)
    assert client.get(reverse("calendar:person", args=[token])).status_code == 200

    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert client.get(reverse("calendar:person", args=[tampered])).status_code == 404
    # A person's key on the practice URL, and the practice's key on the person URL.
    assert client.get(reverse("calendar:practice", args=[token])).status_code == 404
    assert client.get(reverse("calendar:person", args=[practice_token(practice)])).status_code == 404
    assert client.get(reverse("calendar:person", args=["garbage"])).status_code == 404


@pytest.mark.django_db
def test_feed_query_count_does_not_grow_with_sessions(client, catalogue):
    _, practice, activity = catalogue
    person = make_person(practice)

    def queries_for(count):
        for _ in range(count):
            _register(make_session(activity), person, practice)
        urls = (  # made before counting: a person's key is written when it is first needed
            reverse("calendar:person", args=[person_token(person)]),
            reverse("calendar:practice", args=[practice_token(practice)]),
        )
        with CaptureQueriesContext(connection) as ctx:
            for url in urls:
                response = client.get(url)
                assert response.status_code == 200
        return len(ctx.captured_queries), len(_events(response.content))

    few, few_events = queries_for(2)
    many, many_events = queries_for(10)
    assert (few_events, many_events) == (2, 12)
    assert few == many


@pytest.mark.django_db
def test_session_event_uses_online_link_as_location(catalogue):
    _, _, activity = catalogue
    session = make_session(activity, online_link="https://meet.example.org/lp")
    event = session_event(session)
    assert str(event["LOCATION"]) == "https://meet.example.org/lp"
    assert str(event["UID"]) == f"session-{session.pk}@lige-praksis"
    assert str(session_event(session, uid_suffix="-x")["UID"]) == f"session-{session.pk}-x@lige-praksis"
    # An empty calendar is still a valid one.
    assert icalendar.Calendar.from_ical(calendar_bytes([], "Tom")).walk("VEVENT") == []
