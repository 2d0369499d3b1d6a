"""Security finding 12 (control characters): a line break in a name or title breaks every later
e-mail header and calendar feed, so single-line guarded fields refuse control characters; multi-line
fields keep newline, carriage return and tab but refuse the rest. Forms, services, the admin and a
raw save() all go through the same rule in ligepraksis.cpr."""

import unicodedata
from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from applications.models import Application
from ligepraksis.cpr import (
    SINGLE_LINE_MESSAGE,
    GuardedCharField,
    GuardedTextField,
    GuardedURLField,
    find_control_character,
    validate_single_line,
)
from ligepraksis.errors import DomainError
from ligepraksis.models import Municipality, User
from practices import services as practice_services
from practices.forms import PracticeRegisterForm
from practices.models import Practice
from tests.conftest import make_application, make_user
from tests.helpers import login

SINGLE_LINE_BREAKERS = [
    "\n",
    "\r",
    "\r\n",
    "\t",
    "\x00",
    "\x1b",
    "\x7f",
    "\x85",  # next line (C1)
    "\x0b",  # vertical tab
    "\x0c",  # form feed
    "\u2028",  # line separator
    "\u2029",  # paragraph separator
]
MULTI_LINE_BREAKERS = ["\x00", "\x1b", "\x07", "\x08", "\x0b", "\x0c", "\x7f", "\x85", "\x9b"]


def _char_field():
    field = GuardedCharField(max_length=200, verbose_name="Titel")
    field.set_attributes_from_name("title")
    return field


def _text_field():
    field = GuardedTextField(verbose_name="Beskrivelse")
    field.set_attributes_from_name("description")
    return field


def _message(excinfo, language="en"):
    with translation.override(language):
        return excinfo.value.messages[0]


# --- The rule on the fields --------------------------------------------------------------------------


@pytest.mark.parametrize("char", SINGLE_LINE_BREAKERS, ids=repr)
def test_guarded_char_field_refuses_control_characters_and_line_separators(char):
    with pytest.raises(ValidationError) as excinfo:
        _char_field().clean(f"Temadag{char}om samarbejde", None)
    assert excinfo.value.code == "control_character"
    assert "Titel" in _message(excinfo)
    assert "single line" in _message(excinfo)


def test_guarded_char_field_accepts_ordinary_text():
    text = "Temadag: “Sårbare patienter” – 22.11.2026 kl. 10:30, tlf. 86 12 34 56"
    assert _char_field().clean(text, None) == text


def test_guarded_url_field_refuses_a_line_break():
    field = GuardedURLField(verbose_name="Link")
    field.set_attributes_from_name("link")
    with pytest.raises(ValidationError):
        field.pre_save(type("Obj", (), {"link": "https://example.org/\nX-Injected: 1"})(), add=True)


def test_guarded_text_field_keeps_newline_carriage_return_and_tab():
    text = "Første linje\r\nAnden linje\n\tindrykket\u2028sidste"
    assert _text_field().clean(text, None) == text


@pytest.mark.parametrize("char", MULTI_LINE_BREAKERS, ids=repr)
def test_guarded_text_field_refuses_other_control_characters(char):
    with pytest.raises(ValidationError) as excinfo:
        _text_field().clean(f"Tekst{char}mere tekst", None)
    assert excinfo.value.code == "control_character"
    assert "Beskrivelse" in _message(excinfo)
    assert "control character" in _message(excinfo)


def test_a_cpr_number_is_reported_before_a_control_character():
    with pytest.raises(ValidationError) as excinfo:
        _char_field().clean("Pt.\n010190-1234", None)
    assert excinfo.value.code == "cpr"


def test_the_messages_are_translated_to_danish():
    with pytest.raises(ValidationError) as single:
        _char_field().clean("a\nb", None)
    with pytest.raises(ValidationError) as multi:
        _text_field().clean("a\x00b", None)
    assert _message(single, "da") != _message(single, "en")
    assert "Titel" in _message(single, "da")
    assert _message(multi, "da") != _message(multi, "en")
    with pytest.raises(ValidationError) as plain:
        validate_single_line("a\nb")
    assert _message(plain, "da") != _message(plain, "en")


def test_get_db_prep_save_refuses_a_line_break_in_a_single_line_field():
    with pytest.raises(ValidationError) as excinfo:
        _char_field().get_db_prep_save("Titel\nBcc: alle@example.org", connection=None)
    assert excinfo.value.code == "control_character"


# --- The plain validator ------------------------------------------------------------------------------


@pytest.mark.parametrize("char", SINGLE_LINE_BREAKERS, ids=repr)
def test_validate_single_line_refuses_control_characters(char):
    with pytest.raises(ValidationError) as excinfo:
        validate_single_line(f"Jens{char}Hansen")
    assert excinfo.value.code == "control_character"
    with translation.override("en"):
        assert excinfo.value.messages == [str(SINGLE_LINE_MESSAGE)]


def test_validate_single_line_accepts_one_line_and_empty_values():
    assert validate_single_line("Jens Hansen, læge") is None
    assert validate_single_line("") is None
    assert validate_single_line(None) is None


def test_validate_single_line_works_on_a_plain_form_field():
    class NameForm(forms.Form):
        name = forms.CharField(validators=[validate_single_line])

    assert NameForm(data={"name": "Jens Hansen"}).is_valid()
    form = NameForm(data={"name": "Jens\nHansen"})
    assert not form.is_valid()
    assert form.errors.as_data()["name"][0].code == "control_character"


def test_every_unicode_control_character_is_refused_on_a_single_line():
    control = [chr(i) for i in range(0x110000) if unicodedata.category(chr(i)) == "Cc"]
    assert len(control) == 65
    assert all(find_control_character(f"a{c}b") == c for c in control)
    assert [c for c in control if find_control_character(c, multi_line=True) is None] == ["\t", "\n", "\r"]


def test_find_control_character_single_and_multi_line():
    assert find_control_character("a\tb") == "\t"
    assert find_control_character("a\tb", multi_line=True) is None
    assert find_control_character("a\x1bb", multi_line=True) == "\x1b"
    assert find_control_character(None) is None


# --- Real models: forms, services, the admin and a raw save() -------------------------------------------


def _practice(region, **overrides) -> Practice:
    values = {
        "name": "Lægehuset Syd",
        "cvr": "29190925",
        "address": "Testvej 1",
        "postcode": "8000",
        "city": "Aarhus C",
        "municipality": region.municipalities.get(name="Aarhus"),
        "form": "solo",
        "doctor_capacities": Decimal("1"),
        "staff_count": 2,
        "listed_patients": 1600,
    }
    values.update(overrides)
    return Practice(**values)


@pytest.mark.django_db
def test_practice_name_with_a_line_break_fails_full_clean_on_that_field(region):
    with pytest.raises(ValidationError) as excinfo:
        _practice(region, name="Lægehuset\nSyd").full_clean()
    assert set(excinfo.value.error_dict) == {"name"}
    assert excinfo.value.error_dict["name"][0].code == "control_character"


@pytest.mark.django_db
def test_practice_name_with_a_line_break_is_refused_by_a_raw_save(region):
    with pytest.raises(ValidationError), transaction.atomic():
        _practice(region, name="Lægehuset\r\nSyd").save()
    assert not Practice.objects.exists()


@pytest.mark.django_db
def test_person_name_with_a_line_break_is_refused_by_a_raw_save(db):
    user = make_user("navn@example.org")
    user.full_name = "Jens\nHansen"
    with pytest.raises(ValidationError), transaction.atomic():
        user.save()
    assert User.objects.get(pk=user.pk).full_name == "Test Bruger"


@pytest.mark.django_db
def test_queryset_update_cannot_write_a_line_break_into_a_single_line_field(region):
    _practice(region).save()
    with pytest.raises(ValidationError), transaction.atomic():
        Practice.objects.update(city="Aarhus\nC")
    assert Practice.objects.get().city == "Aarhus C"


@pytest.mark.django_db
def test_multi_line_text_keeps_line_breaks_but_not_escape_sequences_on_save(open_round):
    app = make_application(open_round, submit=False)
    app.motivation = "Første afsnit.\r\n\r\nAndet afsnit:\n\t- punkt"
    app.save()
    app.refresh_from_db()
    assert app.motivation == "Første afsnit.\r\n\r\nAndet afsnit:\n\t- punkt"
    app.motivation = "Rød tekst \x1b[31m her"
    with pytest.raises(ValidationError), transaction.atomic():
        app.save()
    assert "\x1b" not in Application.objects.get(pk=app.pk).motivation


@pytest.mark.django_db
def test_a_model_form_refuses_a_line_break_in_the_practice_name(region):
    data = {
        "provider_numbers": "012345",
        "name": "Lægehuset\nSyd",
        "cvr": "29190925",
        "address": "Testvej 1",
        "postcode": "8000",
        "city": "Aarhus C",
        "municipality": region.municipalities.get(name="Aarhus").pk,
        "form": "solo",
        "doctor_capacities": "1",
        "staff_count": "2",
        "listed_patients": "1600",
    }
    form = PracticeRegisterForm(data=data, region=region)
    assert not form.is_valid()
    assert [e.code for e in form.errors.as_data()["name"]] == ["control_character"]
    data["name"] = "Lægehuset Syd"
    assert PracticeRegisterForm(data=data, region=region).is_valid(), data


@pytest.mark.django_db
def test_a_service_that_calls_full_clean_refuses_a_line_break_in_a_name(region):
    with pytest.raises(DomainError) as excinfo:
        practice_services.practice_register(
            provider_numbers=["012345"],
            cvr="29190925",
            name="Lægehuset Syd\nBcc: alle@example.org",
            address="Testvej 1",
            postcode="8000",
            city="Aarhus C",
            municipality=region.municipalities.get(name="Aarhus"),
            form="solo",
            doctor_capacities=Decimal("1"),
            staff_count=2,
            listed_patients=1600,
        )
    assert excinfo.value.field == "name"
    assert not Practice.objects.exists()


@pytest.mark.django_db
def test_the_admin_refuses_a_line_break_in_a_name(client, region):
    admin_user = User.objects.create_superuser("root@example.org", "test-pass-1234")
    login(client, admin_user)
    url = reverse("admin:ligepraksis_municipality_add")
    response = client.post(url, {"region": region.pk, "name": "Aarhus\nNord"})
    assert response.status_code == 200  # the form again, with the error
    assert response.context["adminform"].form.errors.as_data()["name"][0].code == "control_character"
    assert not Municipality.objects.filter(name__startswith="Aarhus\n").exists()
    response = client.post(url, {"region": region.pk, "name": "Aarhus Nord"})
    assert response.status_code == 302
    assert Municipality.objects.filter(name="Aarhus Nord").exists()
