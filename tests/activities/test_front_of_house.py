"""Issue 8 in the activities: the pages where a user was misled or one click from a mistake.

A claim decision shows the real error on its field, a cancelled session's sign-ups read as cancelled,
a full session says the sign-up goes on the waiting list, nobody is signed up twice, "Afmeld" asks
first, attendance starts empty, and the hours page explains its number.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from activities.models import ClaimStatus, HourClaim, Registration, RegistrationStatus
from tests.activities.service_factories import make_activity, make_session, participate
from tests.helpers import english, login

CPR_TEXT = "Patienten 010190-1234 var med"


@pytest.fixture
def world(closed_round, leader):
    participation, user = participate(closed_round, leader)
    activity = make_activity(closed_round, title="Webinar om sårbare patienter", hours="1.5")
    return {
        "round": closed_round,
        "practice": participation.practice,
        "participation": participation,
        "user": user,
        "doctor": participation.application.doctor_coordinator,
        "staff": participation.application.staff_coordinator,
        "activity": activity,
        "session": make_session(activity, capacity=10),
    }


def html(response) -> str:
    return response.content.decode()


# --- A claim decision names the real problem, on its field ------------------------------------------


@pytest.fixture
def claim(world):
    return HourClaim.objects.create(
        round=world["round"],
        practice=world["practice"],
        person=world["staff"],
        description="Kursus i Vejle",
        occurred_on=dt.date(2026, 11, 20),
        hours=Decimal("3"),
        submitted_by=world["user"],
    )


@pytest.mark.django_db
def test_rejecting_with_a_cpr_number_in_the_reason_shows_the_cpr_message_on_the_reason(
    client, world, leader, claim
):
    """Danish (the default): the CPR message is shown at the reason field, not "Vælg godkend eller afvis."."""
    response = login(client, leader).post(
        reverse("activities:claims_decide", args=[claim.round_id]),
        {"claims": [claim.pk], "decision": "reject", "reason": CPR_TEXT},
        follow=True,
    )
    page = html(response)
    assert "Vælg godkend eller afvis" not in page
    assert "CPR-nummer" in page
    form = response.context["form"]
    assert "reason" in form.errors  # on the field, where its Danish label stands
    assert "* reason" not in page
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING


@pytest.mark.django_db
def test_rejecting_without_a_reason_shows_the_message_at_the_reason(client, world, leader, claim):
    response = login(english(client), leader).post(
        reverse("activities:claims_decide", args=[claim.round_id]),
        {"claims": [claim.pk], "decision": "reject"},
        follow=True,
    )
    form = response.context["form"]
    assert form.errors["reason"] == ["Give a reason for rejecting the claim."]


@pytest.mark.django_db
def test_no_decision_chosen_asks_for_one_at_the_decision(client, world, leader, claim):
    response = login(english(client), leader).post(
        reverse("activities:claims_decide", args=[claim.round_id]),
        {"claims": [claim.pk], "reason": "Fint"},
        follow=True,
    )
    form = response.context["form"]
    assert "decision" in form.errors and "reason" not in form.errors
    assert form["reason"].value() == "Fint"  # what was typed is kept


@pytest.mark.django_db
def test_a_cpr_number_in_a_cancellation_reason_names_the_field_not_a_missing_reason(client, world, leader):
    response = login(client, leader).post(
        reverse("activities:session_cancel", args=[world["session"].pk]), {"reason": CPR_TEXT}, follow=True
    )
    page = html(response)
    assert "Giv en begrundelse" not in page
    assert "CPR-nummer" in page
    assert "* reason" not in page
    world["session"].refresh_from_db()
    assert not world["session"].is_cancelled


# --- A cancelled session, a full session, someone signed up already ------------------------------------


def _register(session, person, practice, status=RegistrationStatus.CONFIRMED):
    return Registration.objects.create(session=session, person=person, practice=practice, status=status)


@pytest.mark.django_db
def test_a_cancelled_sessions_sign_ups_read_as_cancelled_without_a_cancel_button(client, world, leader):
    from activities import services

    reg = _register(world["session"], world["doctor"], world["practice"])
    services.session_cancel(user=leader, session=world["session"], reason="Underviseren er syg")
    page = html(login(english(client), world["user"]).get(
        reverse("activities:practice_hours", args=[world["practice"].pk])
    ))  # fmt: skip
    row = page[page.index('data-row="registration"') :].split("</tr>")[0]
    assert "Session cancelled" in row and "Confirmed" not in row
    assert reverse("activities:registration_cancel", args=[reg.pk]) not in page
    # and the service says the same
    response = login(english(client), world["user"]).post(
        reverse("activities:registration_cancel", args=[reg.pk]), follow=True
    )
    assert "The session is cancelled, so there is no place to give up." in html(response)
    reg.refresh_from_db()
    assert reg.status == RegistrationStatus.CONFIRMED


@pytest.mark.django_db
def test_a_full_session_says_the_sign_up_goes_on_the_waiting_list(client, world):
    from tests.activities.service_factories import make_person

    full = make_session(world["activity"], capacity=1)
    _register(full, make_person(world["practice"]), world["practice"])
    client = login(english(client), world["user"])
    for url in (
        reverse("activities:catalogue"),
        reverse("activities:activity", args=[world["activity"].pk]),
        reverse("activities:practice_hours", args=[world["practice"].pk]),
        reverse("activities:signup", args=[full.pk]),
    ):
        page = html(client.get(url))
        assert "Sign up for the waiting list" in page, url
    signup_page = html(client.get(reverse("activities:signup", args=[world["session"].pk])))
    assert "Sign up for the waiting list" not in signup_page  # places left: a plain sign-up


@pytest.mark.django_db
def test_people_already_signed_up_are_shown_disabled_on_the_sign_up_form(client, world):
    _register(world["session"], world["doctor"], world["practice"])
    _register(world["session"], world["staff"], world["practice"], status=RegistrationStatus.WAITLISTED)
    response = login(english(client), world["user"]).get(
        reverse("activities:signup", args=[world["session"].pk])
    )
    page = html(response)
    for person, note in (
        (world["doctor"], "already signed up"),
        (world["staff"], "already on the waiting list"),
    ):
        box = re.search(rf'<input[^>]*value="{person.pk}"[^>]*>\s*<label[^>]*>([^<]*)</label>', page)
        assert box and "disabled" in box.group(0) and note in box.group(1), box
    # a crafted POST is refused by the service, on the field, in Danish by default
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    response = client.post(
        reverse("activities:signup", args=[world["session"].pk]),
        {"practice": world["practice"].pk, "persons": [world["doctor"].pk]},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["persons"] == [
        f"{world['doctor'].name} er allerede tilmeldt dette hold (bekræftet eller på venteliste) og kan "
        "ikke tilmeldes igen."
    ]
    assert world["session"].registrations.count() == 2


# --- "Afmeld" asks first ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_cancel_asks_first_and_says_who_gets_the_place(client, world):
    from tests.activities.service_factories import make_person

    session = make_session(world["activity"], capacity=1)
    reg = _register(session, world["doctor"], world["practice"])
    _register(
        session, make_person(world["practice"]), world["practice"], status=RegistrationStatus.WAITLISTED
    )
    client = login(english(client), world["user"])
    hours = html(client.get(reverse("activities:practice_hours", args=[world["practice"].pk])))
    url = reverse("activities:registration_cancel", args=[reg.pk])
    assert f'href="{url}"' in hours  # a link to the question, not a form that cancels at once

    page = html(client.get(url))
    assert "The place goes to the first on the waiting list (1 person waits)" in page
    assert f'<form method="post" action="{url}">' in page
    reg.refresh_from_db()
    assert reg.status == RegistrationStatus.CONFIRMED  # asking changes nothing

    assert client.post(url).status_code == 302
    reg.refresh_from_db()
    assert reg.status == RegistrationStatus.CANCELLED


@pytest.mark.django_db
def test_the_cancel_page_after_the_deadline_offers_no_button(client, world):
    session = make_session(world["activity"], deadline_before=dt.timedelta(days=20))  # deadline passed
    reg = _register(session, world["doctor"], world["practice"])
    page = html(
        login(english(client), world["user"]).get(reverse("activities:registration_cancel", args=[reg.pk]))
    )
    assert "has passed" in page and "Yes, cancel the registration" not in page


# --- Attendance starts empty ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_attendance_starts_with_nobody_ticked_and_a_mark_all_button_loaded_from_a_file(client, world, leader):
    running = make_session(world["activity"], starts_at=timezone.now() - dt.timedelta(minutes=10))
    reg = _register(running, world["doctor"], world["practice"])
    client = login(english(client), leader)
    url = reverse("activities:attendance", args=[running.pk])
    page = html(client.get(url))
    assert f'name="attended_{reg.pk}"' in page
    box = page[page.index(f'name="attended_{reg.pk}"') :].split(">")[0]
    assert "checked" not in box
    assert "Mark all present" in page and "data-mark-all" in page
    assert '<script src="/static/js/attendance.js" defer></script>' in page
    assert "onclick" not in page
    # without JavaScript the form still works: tick by hand and record
    client.post(url, {f"attended_{reg.pk}": "on", "walkin-TOTAL_FORMS": "0", "walkin-INITIAL_FORMS": "0"})
    reg.refresh_from_db()
    assert reg.attended is True
    box = html(client.get(url)).split(f'name="attended_{reg.pk}"')[1].split(">")[0]
    assert "checked" in box  # once recorded, the form shows what was recorded


# --- The hours page explains its number -------------------------------------------------------------------


def _attended(session, person, practice):
    reg = _register(session, person, practice)
    Registration.objects.filter(pk=reg.pk).update(attended=True)
    return reg


@pytest.mark.django_db
def test_the_hours_page_explains_whose_hours_count_what_does_not_and_the_deadline(client, world):
    from activities.models import ActivityKind
    from ligepraksis import formatting
    from tests.activities.service_factories import make_person

    round_obj = world["round"]
    today = timezone.localdate()
    round_obj.hour_window_start, round_obj.hour_window_end = (
        today - dt.timedelta(days=60),
        today - dt.timedelta(days=5),
    )
    round_obj.save()
    start, end = round_obj.hour_window()
    inside = timezone.make_aware(dt.datetime.combine(end, dt.time(12))) - dt.timedelta(days=2)
    after = timezone.make_aware(dt.datetime.combine(end, dt.time(12))) + dt.timedelta(days=2)
    colleague = make_person(world["practice"], name="Kollega Karlsen")
    held = make_session(world["activity"], starts_at=inside, deadline_before=dt.timedelta(hours=1))
    late = make_session(world["activity"], starts_at=after, deadline_before=dt.timedelta(hours=1))
    startup = make_session(
        make_activity(round_obj, title="Opstartsmøde", kind=ActivityKind.STARTUP, hours="1.5"),
        starts_at=inside, deadline_before=dt.timedelta(hours=1),
    )  # fmt: skip
    counted = _attended(held, world["doctor"], world["practice"])
    colleagues = _attended(held, colleague, world["practice"])
    too_late = _attended(late, world["staff"], world["practice"])
    not_counting_kind = _attended(startup, world["staff"], world["practice"])

    response = login(client, world["user"]).get(
        reverse("activities:practice_hours", args=[world["practice"].pk])
    )
    page = html(response)
    rules = page[page.index('data-testid="hour-rules"') :].split("</ul>")[0]
    assert "koordinatorer" in rules and world["doctor"].name in rules and world["staff"].name in rules
    assert "opstartsmødet" in rules.lower() and "temapraksisdag" in rules.lower()
    assert formatting.day(end) in rules and formatting.day(start) in rules
    assert "1,5 af 10 timer" in page  # only the coordinator's 1.5 hours inside the window count

    # Each mark comes from the ledger's own rule, and says why; past sign-ups are on the history page.
    history = client.get(reverse("activities:practice_history", args=[world["practice"].pk]))
    rows = {r.pk: r for r in [*history.context["past"], *response.context["upcoming"]]}
    assert rows[counted.pk].not_counting is None
    assert rows[colleagues.pk].not_counting == "person"
    assert rows[not_counting_kind.pk].not_counting == "kind"
    assert rows[too_late.pk].not_counting == "outside_window"
    # three attended sessions (history), and the session open for sign-up in two weeks: after the
    # hour deadline (the hours page)
    assert html(history).count('data-testid="not-counting"') == 3
    assert page.count('data-testid="not-counting"') == 1
    (open_session,) = [s for s, _free in response.context["open_rows"]]
    assert open_session == world["session"] and open_session.not_counting == "outside_window"


@pytest.mark.django_db
def test_the_hours_page_says_every_members_hours_count_when_the_round_says_so(client, world):
    world["round"].hours_count_for = "members"
    world["round"].save()
    page = html(login(english(client), world["user"]).get(
        reverse("activities:practice_hours", args=[world["practice"].pk])
    ))  # fmt: skip
    assert "The hours of every member of the practice count" in page
    assert "Only the hours of the practice" not in page
    assert "0 of 10 hours" in page  # the plural by ngettext, through hours_text
