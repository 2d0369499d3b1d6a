"""Which round a claimed hour counts toward is decided by the service, not the page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from activities import services
from ligepraksis.errors import DomainError
from tests.activities.service_factories import make_activity, make_person, participate, practice_user
from tests.conftest import make_practice, make_round

FIELDS = {"description": "Kursus hos kommunen", "occurred_on": dt.date(2026, 3, 1), "hours": Decimal("2")}


@pytest.mark.django_db
def test_a_claim_without_activity_counts_toward_the_newest_participation(region, closed_round, leader):
    participation, user = participate(closed_round, leader)
    person = make_person(participation.practice)
    claim = services.claim_submit(user=user, practice=participation.practice, person=person, **FIELDS)
    assert claim.round == closed_round


@pytest.mark.django_db
def test_a_claim_for_an_activity_counts_toward_the_activitys_round(region, closed_round, leader):
    participation, user = participate(closed_round, leader)
    other_round = make_round(region, open_=False)
    activity = make_activity(other_round)
    person = make_person(participation.practice)
    claim = services.claim_submit(
        user=user, practice=participation.practice, person=person, activity=activity, **FIELDS
    )
    assert claim.round == other_round


@pytest.mark.django_db
def test_a_practice_without_participation_cannot_claim(region):
    practice = make_practice(region)
    user = practice_user(practice)
    person = make_person(practice)
    with translation.override("en"), pytest.raises(DomainError, match="participating"):
        services.claim_submit(user=user, practice=practice, person=person, **FIELDS)
