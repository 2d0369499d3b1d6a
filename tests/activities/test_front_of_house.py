"""Issue 8 in the activities: the pages where a user was misled or one click from a mistake.

A claim decision shows the real error on its field, a cancelled session's sign-ups read as cancelled,
a full session says the sign-up goes on the waiting list, nobody is signed up twice, "Afmeld" asks
first, attendance starts empty, and the hours page explains its number.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
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
        reverse("activities:claim_decide", args=[claim.pk]),
        {f"c{claim.pk}-decision": "reject", f"c{claim.pk}-reason": CPR_TEXT},
        follow=True,
    )
    page = html(response)
    assert "Vælg godkend eller afvis" not in page
    assert "CPR-nummer" in page
    form = dict(response.context["pending"])[claim]
    assert "reason" in form.errors  # on the field, where its Danish label stands
    assert "* reason" not in page
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING


@pytest.mark.django_db
def test_rejecting_without_a_reason_shows_the_message_at_the_reason(client, world, leader, claim):
    response = login(english(client), leader).post(
        reverse("activities:claim_decide", args=[claim.pk]), {f"c{claim.pk}-decision": "reject"}, follow=True
    )
    form = dict(response.context["pending"])[claim]
    assert form.errors["reason"] == ["Give a reason for rejecting the claim."]


@pytest.mark.django_db
def test_no_decision_chosen_asks_for_one_at_the_decision(client, world, leader, claim):
    response = login(english(client), leader).post(
        reverse("activities:claim_decide", args=[claim.pk]), {f"c{claim.pk}-reason": "Fint"}, follow=True
    )
    form = dict(response.context["pending"])[claim]
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
