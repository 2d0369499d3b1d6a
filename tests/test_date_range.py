"""Security finding 12 (dates): what the portal schedules or records lies between 2020 and 2100; a
session in year 9999 used to break every later e-mail and calendar feed with a 500."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from activities import services as activity_services
from activities.models import HourClaim, Session
from ligepraksis.errors import DomainError
from practices.models import Membership
from tests.activities.service_factories import make_activity, make_person
from tests.conftest import make_practice


def _far(year):
    return timezone.now().replace(year=year)


@pytest.mark.django_db
def test_a_session_in_year_9999_is_refused(closed_round, leader):
    activity = make_activity(closed_round)
    starts = _far(9999) - dt.timedelta(days=400)
    session = Session(
        activity=activity,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        signup_deadline=starts - dt.timedelta(days=1),
        capacity=10,
    )
    with pytest.raises(DomainError) as refused:
        activity_services.session_save(user=leader, session=session)
    assert refused.value.field in ("starts_at", "ends_at", "signup_deadline")
    assert not Session.objects.exists()


@pytest.mark.django_db
def test_round_dates_before_2020_are_refused(closed_round):
    closed_round.applications_open_at = _far(2019)
    with pytest.raises(ValidationError) as refused:
        closed_round.full_clean()
    assert "applications_open_at" in refused.value.message_dict


@pytest.mark.django_db
def test_a_claim_dated_2019_is_refused_but_a_membership_may_begin_before_2020(closed_round, region):
    practice = make_practice(region)
    person = make_person(practice)  # started 1 January 2020
    Membership.objects.filter(person=person).update(started_on=dt.date(2012, 8, 1))
    Membership.objects.get(person=person).full_clean()
    claim = HourClaim(
        round=closed_round, practice=practice, person=person, description="x",
        occurred_on=dt.date(2019, 5, 1), hours=Decimal("1"),
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        claim.full_clean(exclude=["submitted_by"])
    assert "occurred_on" in refused.value.message_dict
