"""Tests for the CPR-number detector and the guarded model fields (ligepraksis.cpr)."""

import os
import re
from types import SimpleNamespace

import django
import pytest
from django.apps import apps as django_apps
from django.apps.registry import Apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Value
from django.utils import translation
from django.utils.translation import gettext_lazy

from ligepraksis.cpr import (
    CPR_MESSAGE,
    CprGuardMixin,
    GuardedCharField,
    GuardedTextField,
    contains_cpr,
    find_cpr,
    validate_no_cpr,
)

# Standalone run (`-p no:django`): minimal settings. Under pytest-django the project's settings
# are already loaded and nothing happens here.
if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
    settings.configure(USE_I18N=True, INSTALLED_APPS=[])
if not django_apps.ready:
    django.setup()


# --- Corpus -------------------------------------------------------------------------------------

FULL_WIDTH_CPR = "\uff10\uff11\uff10\uff11\uff19\uff10 \uff11\uff12\uff13\uff14"  # ０１０１９０ １２３４
ARABIC_INDIC_CPR = "\u0660\u0661\u0660\u0661\u0669\u0660-\u0661\u0662\u0663\u0664"  # ٠١٠١٩٠-١٢٣٤

# (text, the substring find_cpr must return)
MUST_TRIP = [
    ("010190-1234", "010190-1234"),  # fails modulus 11: must still trip
    ("0101901234", "0101901234"),
    ("010190 1234", "010190 1234"),
    ("CPR: 311299-4321", "311299-4321"),
    ("pt. 290200-1234", "290200-1234"),  # 29 Feb 2000 (leap)
    ("(150585-2345)", "150585-2345"),
    ("Patient\n010190-1234\nset i konsultationen", "010190-1234"),
    ("010190\u20131234", "010190\u20131234"),  # en dash
    ("Pt. (f. 290200\u20131234) kom til kontrol", "290200\u20131234"),
    ("cpr.nr. 120375-1234 ringede om recept", "120375-1234"),
    ("Borger med cprnr 0512881234 henvist til kommunen", "0512881234"),
    ("Ptx150585-2345", "150585-2345"),  # directly after a letter
    ("cpr:0101901234", "0101901234"),
    ("CPR-nr.: 241299 4321 (mor)", "241299 4321"),
    ("Barn f. 290296-1234 til vaccination", "290296-1234"),  # 29 Feb 1996
    ("290204-2222", "290204-2222"),  # 29 Feb 2004
    ("311290-1234", "311290-1234"),  # 31 Dec
    ("300490-1234", "300490-1234"),  # 30 Apr
    ("010100-0000", "010100-0000"),  # YY = 00
    ("Se journal: 280299-1234.", "280299-1234"),  # sentence-final full stop
    ("Eksempler: 010190-1234, 020290-2345", "010190-1234"),
    ("\t151050-1233\t", "151050-1233"),
    ("Navn: Jens Hansen, 150585-2345, Vestergade 12, 8000 Aarhus C", "150585-2345"),
    ("\u00ab010190-1234\u00bb", "010190-1234"),
    ("010190\u00a01234", "010190\u00a01234"),  # no-break space (Word / copy-paste)
    ("010190\u20111234", "010190\u20111234"),  # non-breaking hyphen
    ("Kontakt 86 12 34 56 ang. 010190-1234", "010190-1234"),
    ("Ydernr. 012345, cpr 311299-4321", "311299-4321"),
    ("Beløb 1.098,80 kr. \u2013 pt. 020202-2020", "020202-2020"),
    ("CPR:010190-1234/pt", "010190-1234"),
    ("Pt. har fået tid d. 22.11.2026 kl. 10:30, cpr 010203-4455", "010203-4455"),
    ("invalid 320190-1234 then valid 010190-1234", "010190-1234"),  # skips the invalid candidate
    # Separators people type (security finding 11): dots, slashes, spaced dashes, line breaks ...
    ("01.01.90-1234", "01.01.90-1234"),
    ("01.01.90 1234", "01.01.90 1234"),
    ("010190/1234", "010190/1234"),
    ("010190 / 1234", "010190 / 1234"),
    ("010190.1234", "010190.1234"),
    ("010190 - 1234", "010190 - 1234"),
    ("010190 -1234", "010190 -1234"),
    ("010190- 1234", "010190- 1234"),
    ("010190 \u2013 1234", "010190 \u2013 1234"),  # spaced en dash
    ("010190\n1234", "010190\n1234"),
    ("010190\r\n1234", "010190\r\n1234"),
    ("010190\t1234", "010190\t1234"),
    ("010190  \t 1234", "010190  \t 1234"),  # any run of whitespace
    ("010190\u20281234", "010190\u20281234"),  # line separator
    ("010190\u20141234", "010190\u20141234"),  # em dash
    ("010190\u22121234", "010190\u22121234"),  # minus sign
    ("010190\uff0d1234", "010190\uff0d1234"),  # full-width hyphen-minus
    ("010190\u202f1234", "010190\u202f1234"),  # narrow no-break space
    # ... invisible characters between the digits ...
    ("010190\u200b1234", "010190\u200b1234"),  # zero-width space
    ("010190\u200c1234", "010190\u200c1234"),  # zero-width non-joiner
    ("010190\u200d1234", "010190\u200d1234"),  # zero-width joiner
    ("010190\u20601234", "010190\u20601234"),  # word joiner
    ("010190\ufeff1234", "010190\ufeff1234"),  # byte-order mark
    ("010190\u00ad1234", "010190\u00ad1234"),  # soft hyphen
    ("01\u200b01\u200b90-12\u200b34", "01\u200b01\u200b90-12\u200b34"),  # inside the parts too
    # ... other digits, and the date written in groups.
    (f"pt. {FULL_WIDTH_CPR} i dag", FULL_WIDTH_CPR),
    (f"pt. {ARABIC_INDIC_CPR} i dag", ARABIC_INDIC_CPR),
    ("0101 901234", "0101 901234"),
    ("01 01 90 1234", "01 01 90 1234"),
    ("01\u00a001\u00a090\u00a01234", "01\u00a001\u00a090\u00a01234"),
    ("01-01-90-1234", "01-01-90-1234"),
    ("01/01/90-1234", "01/01/90-1234"),
    ("Pt. f. 01.01.90-1234, set i dag.", "01.01.90-1234"),
    ("Ydernr. 012345 01 01 90 1234", "01 01 90 1234"),  # a six-digit group before is no phone pair
]

MUST_NOT_TRIP = [
    "1.098,80",
    "14.623.589 kr",
    "61.533,00",
    "Beløb: 1.234.567,89 kr.",
    "Tilskud på 61.533,00 kr. udbetales i december",
    "86 12 34 56",
    "+45 86123456",
    "+4586123456",
    "86123456",
    "Tlf. 8612 3456",
    "Ring på 70 20 30 40 mellem kl. 8-15",
    "012345",
    "Ydernummer 012345",
    "29190925",
    "CVR 29 19 09 25",
    "CVR-nr. 29190925, ydernr. 012345",
    "22.11.2026",
    "22-11-2026",
    "2026-11-22",
    "10:30-12:00",
    "Kl. 08.00-16.00",
    "Mødet er den 22.11.2026 kl. 10:30-12:00 i Aarhus",
    "Periode 01.01.2026-31.12.2026",
    "Periode 010126-311226",
    "8000 Aarhus C",
    "Vestergade 12, 8000 Aarhus C",
    "2019-2021",
    "Faktura 2026-0042",
    "Ordrenr. 20261122",
    "Praksis har 1.450 patienter og 3 læger",
    "Reg.nr. 1234 kontonr. 0012345678",
    "IBAN DK50 0040 0440 1162 43",
    "DK5000400440116243",
    "123456789012",  # 12 digits
    "Konto 0101901234567",  # a CPR-shaped prefix inside a longer digit run
    "EAN 5798000123456",
    "320190-1234",  # day 32
    "311190-1234",  # 31 November
    "290201-1234",  # 29 Feb 1901/2001: neither is a leap year
    "300290-1234",  # 30 February
    "011390-1234",  # month 13
    "000190-1234",  # day 00
    "010090-1234",  # month 00
    "311299-432",  # only three serial digits
    "31129-4321",  # only five date digits
    "Beløb 1501851234,50 kr",  # decimal continuation after
    "Sum 12.010190,1234",  # thousands/decimal continuation before
    # False alarms the wider separators must not bring (security finding 11).
    "+45 86 12 34 56",
    "Tlf. 20 11 12 56",
    "Tlf. 20 11 12 56 8000 Aarhus C",  # a phone number in pairs, then a postcode
    "Tlf. 20 11 12 56\n8000 Aarhus C",
    "+45 20 11 12 56 8000 Aarhus C",
    "Tlf. 2011 1256 8000 Aarhus C",
    "61.533,00 kr",
    "1.010.190,12",
    "Kl. 10.30-12.00",
    "10.30 - 12.00",
    "Mødet er 22.11.2026 kl. 10.30",
    "22.11.2026 1030",  # a date with a four-digit year, then a time
    "22/11/2026",
    "2026/11/22",
    "2026-11-22 10:30",
    "2026-11-22T10:30:00+01:00",
    "2026-11-22T10:30:00.123456Z",
    "20261122T103000Z",
    "Periode 01.01.26-31.12.26",
    "1.1.2026-31.12.2026",
    "Sag 2026-123456",
    "sag 24/1234",
    "J.nr. 2026/0042",
    "J.nr. 2026/010190",
    "Uge 47, 2026",
    "Ydernr. 012345, CVR 29190925, 8000 Aarhus C",
    "IBAN DK89 3000 1012 3456 78",
    "ISBN 978-87-02-12345-6",
    "",
]


@pytest.mark.parametrize(("text", "expected"), MUST_TRIP)
def test_must_trip(text, expected):
    assert find_cpr(text) == expected
    assert contains_cpr(text) is True


@pytest.mark.parametrize("text", MUST_NOT_TRIP)
def test_must_not_trip(text):
    assert find_cpr(text) is None
    assert contains_cpr(text) is False


def test_corpus_is_large_enough():
    assert len(MUST_TRIP) >= 60
    assert len(MUST_NOT_TRIP) >= 70


def test_other_unicode_digits_are_caught():
    full_width = "\uff10\uff11\uff10\uff11\uff19\uff10-\uff11\uff12\uff13\uff14"  # ０１０１９０-１２３４
    assert find_cpr(f"pt. {full_width}") == full_width


def test_none_and_non_strings():
    assert find_cpr(None) is None
    assert contains_cpr(None) is False
    assert contains_cpr(gettext_lazy("010190-1234")) is True  # lazy strings are checked as text


@pytest.mark.parametrize("yy", [f"{yy:02d}" for yy in range(100)])
def test_29_february_follows_leap_years_in_either_century(yy):
    assert contains_cpr(f"2902{yy}-1234") is (int(yy) % 4 == 0)


def test_ambiguous_six_plus_four_number_is_refused_when_it_starts_with_a_date():
    # Danish phone numbers have 8 digits; a 10-digit 6+4 group (foreign phone, account number)
    # cannot be told apart from a CPR number and is refused on the safe side ...
    assert contains_cpr("Tlf. 121212 3434") is True
    # ... unless the first six digits are not a date.
    assert contains_cpr("Tlf. 861234 5678") is False


# --- Validator ----------------------------------------------------------------------------------


def test_validator_accepts_clean_text():
    assert validate_no_cpr("Vi vil styrke samarbejdet med kommunen om sårbare borgere.") is None
    assert validate_no_cpr("") is None
    assert validate_no_cpr(None) is None


def test_validator_refuses_cpr_with_code_and_without_echoing_the_number():
    with pytest.raises(ValidationError) as excinfo:
        validate_no_cpr("Pt. 010190-1234 har fået tid")
    assert excinfo.value.code == "cpr"
    with translation.override("en"):
        message = excinfo.value.messages[0]
        assert message == str(CPR_MESSAGE)
    assert "CPR" in message
    assert not re.search(r"\d", message)


# --- Model fields -------------------------------------------------------------------------------


def _cpr_error_message(excinfo):
    with translation.override("en"):
        return excinfo.value.messages[0]


@pytest.mark.parametrize(
    "field",
    [
        GuardedTextField(verbose_name="Motivation"),
        GuardedCharField(max_length=200, verbose_name="Motivation"),
    ],
    ids=["text", "char"],
)
def test_field_clean_names_the_field(field):
    with pytest.raises(ValidationError) as excinfo:
        field.clean("Eksempel: pt. 150585-2345 havde brug for hjælp", None)
    assert excinfo.value.code == "cpr"
    message = _cpr_error_message(excinfo)
    assert "Motivation" in message
    assert "CPR" in message
    assert "150585" not in message and "2345" not in message
    assert (
        field.clean("Helt almindelig tekst, tlf. 86 12 34 56", None)
        == "Helt almindelig tekst, tlf. 86 12 34 56"
    )


def test_field_keeps_the_standard_validation():
    with pytest.raises(ValidationError) as excinfo:
        GuardedTextField(verbose_name="Motivation").clean("", None)
    assert excinfo.value.code == "blank"


def test_field_label_falls_back_to_name_and_accepts_lazy_verbose_name():
    field = GuardedTextField()
    field.set_attributes_from_name("free_text")
    with pytest.raises(ValidationError) as excinfo:
        field.clean("0101901234", None)
    assert "free text" in _cpr_error_message(excinfo)

    lazy_field = GuardedTextField(verbose_name=gettext_lazy("Motivation"))
    with pytest.raises(ValidationError) as excinfo:
        lazy_field.clean("0101901234", None)
    assert "Motivation" in _cpr_error_message(excinfo)


def test_pre_save_refuses_cpr_even_without_full_clean():
    field = GuardedTextField(verbose_name="Note")
    field.set_attributes_from_name("note")
    assert field.pre_save(SimpleNamespace(note="Ingen persondata her"), add=True) == "Ingen persondata her"
    with pytest.raises(ValidationError) as excinfo:
        field.pre_save(SimpleNamespace(note="cpr 010190-1234"), add=False)
    assert excinfo.value.code == "cpr"
    assert "Note" in _cpr_error_message(excinfo)


def test_get_db_prep_save_refuses_plain_values_and_ignores_expressions():
    field = GuardedCharField(max_length=100, verbose_name="Titel")
    field.set_attributes_from_name("title")
    assert field.get_db_prep_save("Kursus i Aarhus", connection=None) == "Kursus i Aarhus"
    expression = Value("x")
    assert field.get_db_prep_save(expression, connection=None) is expression
    with pytest.raises(ValidationError) as excinfo:
        field.get_db_prep_save("0101901234", connection=None)
    assert excinfo.value.code == "cpr"


@pytest.mark.parametrize(
    ("field", "path", "kwargs"),
    [
        (
            GuardedTextField(verbose_name="Motivation", blank=True),
            "ligepraksis.cpr.GuardedTextField",
            {"verbose_name": "Motivation", "blank": True},
        ),
        (
            GuardedCharField(max_length=200, verbose_name="Titel"),
            "ligepraksis.cpr.GuardedCharField",
            {"max_length": 200, "verbose_name": "Titel"},
        ),
    ],
    ids=["text", "char"],
)
def test_deconstruct_for_migrations(field, path, kwargs):
    name, deconstructed_path, args, deconstructed_kwargs = field.deconstruct()
    assert deconstructed_path == path
    assert args == []
    assert deconstructed_kwargs == kwargs
    rebuilt = type(field)(*args, **deconstructed_kwargs)
    assert isinstance(rebuilt, CprGuardMixin)
    assert rebuilt.deconstruct()[1:] == (path, args, kwargs)


def test_model_full_clean_reports_the_error_on_the_field():
    isolated_apps = Apps()

    class Note(models.Model):
        title = GuardedCharField(max_length=100, verbose_name="Titel")
        body = GuardedTextField(verbose_name="Beskrivelse", blank=True)

        class Meta:
            app_label = "cpr_detector_tests"
            apps = isolated_apps

        def __str__(self):
            return self.title

    Note(title="Temadag", body="Om samarbejde, tlf. 86123456").full_clean(validate_unique=False)
    with pytest.raises(ValidationError) as excinfo:
        Note(title="Temadag", body="Pt. 150585-2345").full_clean(validate_unique=False)
    assert set(excinfo.value.error_dict) == {"body"}
    error = excinfo.value.error_dict["body"][0]
    assert error.code == "cpr"
    with translation.override("en"):
        assert "Beskrivelse" in error.messages[0]
