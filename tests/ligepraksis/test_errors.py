"""A refused model names the field, so forms can show the message next to it."""

from decimal import Decimal

import pytest
from django.utils import translation

from ligepraksis.errors import DomainError, validate_or_refuse
from ligepraksis.models import ProgrammeRound


@pytest.mark.django_db
def test_a_field_error_names_the_field_and_carries_it():
    round_obj = ProgrammeRound(name="R", year=2026, places=0, hour_target=Decimal("10"), offer_days=7)
    with translation.override("en"), pytest.raises(DomainError) as err:
        validate_or_refuse(round_obj, exclude=["region", "applications_open_at", "application_deadline"])
    assert err.value.field == "places"
    assert str(err.value).startswith("Places: ")


@pytest.mark.django_db
def test_the_cpr_message_is_not_prefixed_twice():
    round_obj = ProgrammeRound(
        name="R", year=2026, places=12, hour_target=Decimal("10"), offer_days=7, description="Pt 010190-1234"
    )
    with translation.override("en"), pytest.raises(DomainError) as err:
        validate_or_refuse(round_obj, exclude=["region", "applications_open_at", "application_deadline"])
    assert err.value.field == "description"
    assert str(err.value).lower().count("description") == 1
    assert "CPR" in str(err.value)
