"""Security finding 14: Arabic-Indic or full-width digits must not slip past the uniqueness of CVR
numbers and ydernumre. normalise_digits maps every Unicode digit to ASCII; the validators accept
ASCII digits only."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from ligepraksis.errors import DomainError
from ligepraksis.validators import cvr_is_valid, normalise_digits, validate_cvr, validate_provider_number
from practices import selectors as practice_selectors
from practices import services as practice_services
from practices.forms import LookupForm, PracticeRegisterForm
from practices.models import Practice, ProviderNumber

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
EXTENDED_ARABIC_INDIC = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")
SCRIPTS = {
    "arabic-indic": ARABIC_INDIC,
    "extended-arabic-indic": EXTENDED_ARABIC_INDIC,
    "full-width": FULL_WIDTH,
    "devanagari": DEVANAGARI,
}

CVR = "29190925"  # valid modulus 11
OTHER_CVR = "30000005"  # valid modulus 11
PROVIDER_NUMBER = "012345"


@pytest.mark.parametrize("script", SCRIPTS.values(), ids=SCRIPTS.keys())
def test_normalise_digits_maps_any_unicode_digit_to_ascii(script):
    assert normalise_digits("123456".translate(script)) == "123456"
    assert normalise_digits(CVR.translate(script)) == CVR


def test_normalise_digits_maps_the_example_from_the_finding():
    assert normalise_digits("١٢٣٤٥٦") == "123456"


def test_normalise_digits_drops_spaces_dashes_and_invisible_characters():
    assert normalise_digits("29 19 09 25") == "29190925"
    assert normalise_digits("29-19-09-25") == "29190925"
    assert normalise_digits("29\u00a019\u202f09\t25\n") == "29190925"
    assert normalise_digits("29\u201319\u221209\u200b25\u00ad") == "29190925"
    assert normalise_digits("０１２ ３４５") == "012345"
    assert normalise_digits("") == ""
    assert normalise_digits(None) == ""


def test_normalise_digits_keeps_letters_so_they_still_fail():
    assert normalise_digits("01234x") == "01234x"
    with pytest.raises(ValidationError):
        validate_provider_number(normalise_digits("01234x"))


@pytest.mark.parametrize("script", SCRIPTS.values(), ids=SCRIPTS.keys())
def test_validators_refuse_unnormalised_non_ascii_digits(script):
    with pytest.raises(ValidationError) as excinfo:
        validate_provider_number(PROVIDER_NUMBER.translate(script))
    assert excinfo.value.code == "provider_number"
    with pytest.raises(ValidationError) as excinfo:
        validate_cvr(CVR.translate(script))
    assert excinfo.value.code == "cvr_format"
    assert cvr_is_valid(CVR.translate(script)) is False


def test_validators_refuse_the_arabic_indic_example_from_the_finding():
    with pytest.raises(ValidationError):
        validate_provider_number("١٢٣٤٥٦")


def test_validators_still_accept_ascii_digits():
    assert validate_provider_number(PROVIDER_NUMBER) is None
    assert validate_cvr(CVR) is None
    assert cvr_is_valid(CVR) is True
    with pytest.raises(ValidationError):
        validate_cvr("29190926")  # check digit
    with pytest.raises(ValidationError):
        validate_provider_number("12345")


# --- Callers: forms, services and the model ------------------------------------------------------


def test_lookup_form_normalises_full_width_and_arabic_indic_digits():
    for typed in ("０１２３４５", "٠١٢٣٤٥", "01 23 45"):
        form = LookupForm(data={"provider_number": typed})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["provider_number"] == PROVIDER_NUMBER


def _register_data(region, **overrides):
    data = {
        "provider_numbers": PROVIDER_NUMBER,
        "name": "Lægehuset Syd",
        "cvr": CVR,
        "address": "Testvej 1",
        "postcode": "8000",
        "city": "Aarhus C",
        "municipality": region.municipalities.get(name="Aarhus").pk,
        "form": "solo",
        "doctor_capacities": "1",
        "staff_count": "2",
        "listed_patients": "1600",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_register_form_stores_ascii_digits_whatever_digits_were_typed(region):
    form = PracticeRegisterForm(
        data=_register_data(
            region,
            provider_numbers=f"{PROVIDER_NUMBER.translate(ARABIC_INDIC)}, {'654321'.translate(FULL_WIDTH)}",
            cvr=CVR.translate(EXTENDED_ARABIC_INDIC),
        ),
        region=region,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["provider_numbers"] == [PROVIDER_NUMBER, "654321"]
    assert form.cleaned_data["cvr"] == CVR


def _register(region, *, provider_numbers, cvr):
    return practice_services.practice_register(
        provider_numbers=provider_numbers,
        cvr=cvr,
        name="Lægehuset",
        address="Testvej 1",
        postcode="8000",
        city="Aarhus C",
        municipality=region.municipalities.get(name="Aarhus"),
        form="solo",
        doctor_capacities=Decimal("1"),
        staff_count=2,
        listed_patients=1600,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("script", [ARABIC_INDIC, FULL_WIDTH], ids=["arabic-indic", "full-width"])
def test_a_provider_number_in_other_digits_is_the_same_provider_number(region, script):
    _register(region, provider_numbers=[PROVIDER_NUMBER], cvr=CVR)
    with pytest.raises(DomainError) as excinfo:
        _register(region, provider_numbers=[PROVIDER_NUMBER.translate(script)], cvr=OTHER_CVR)
    assert excinfo.value.field == "provider_numbers"
    assert Practice.objects.count() == 1
    assert list(ProviderNumber.objects.values_list("number", flat=True)) == [PROVIDER_NUMBER]


@pytest.mark.django_db
@pytest.mark.parametrize("script", [ARABIC_INDIC, FULL_WIDTH], ids=["arabic-indic", "full-width"])
def test_a_cvr_number_in_other_digits_is_the_same_cvr_number(region, script):
    _register(region, provider_numbers=[PROVIDER_NUMBER], cvr=CVR)
    with pytest.raises(DomainError) as excinfo:
        _register(region, provider_numbers=["654321"], cvr=CVR.translate(script))
    assert excinfo.value.field == "cvr"
    assert list(Practice.objects.values_list("cvr", flat=True)) == [CVR]


@pytest.mark.django_db
def test_practice_find_matches_a_provider_number_typed_in_other_digits(region):
    practice = _register(region, provider_numbers=[PROVIDER_NUMBER], cvr=CVR)
    found = practice_selectors.practice_find(provider_number=PROVIDER_NUMBER.translate(ARABIC_INDIC))
    assert found == practice
    assert practice_selectors.practice_find(provider_number=PROVIDER_NUMBER.translate(FULL_WIDTH)) == practice


@pytest.mark.django_db
def test_the_model_refuses_a_cvr_number_in_non_ascii_digits(region):
    practice = Practice(
        name="Lægehuset",
        cvr=CVR.translate(ARABIC_INDIC),
        address="Testvej 1",
        postcode="8000",
        city="Aarhus C",
        municipality=region.municipalities.get(name="Aarhus"),
        form="solo",
        doctor_capacities=Decimal("1"),
        staff_count=2,
        listed_patients=1600,
    )
    with pytest.raises(ValidationError) as excinfo:
        practice.full_clean()
    assert "cvr" in excinfo.value.error_dict
