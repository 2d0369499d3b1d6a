"""Security finding 11: CPR numbers written with other separators, invisible characters or other
digits must still be refused; file names and e-mail addresses are checked too."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from ligepraksis.cpr import (
    CPR_EMAIL_MESSAGE,
    CPR_FILENAME_MESSAGE,
    contains_cpr,
    find_cpr,
    normalise_text,
    validate_email_no_cpr,
    validate_no_cpr,
    validate_no_cpr_in_filename,
)

# Ways people (and word processors) write 01.01.1990-1234.
REAL_WORLD_FORMATS = [
    "010190-1234",
    "0101901234",
    "010190 1234",
    "010190\u20131234",  # en dash
    "01.01.90-1234",
    "010190/1234",
    "010190.1234",
    "010190 - 1234",
    "010190\n1234",
    "010190\t1234",
    "010190\r\n1234",
    "010190\u200b1234",  # zero-width space
    "010190\u200c1234",  # zero-width non-joiner
    "010190\u200d1234",  # zero-width joiner
    "010190\u20601234",  # word joiner
    "010190\ufeff1234",  # byte-order mark
    "010190\u00ad1234",  # soft hyphen
    "\uff10\uff11\uff10\uff11\uff19\uff10-\uff11\uff12\uff13\uff14",  # full-width digits
    "\u0660\u0661\u0660\u0661\u0669\u0660-\u0661\u0662\u0663\u0664",  # Arabic-Indic digits
    "0101 901234",
    "01 01 90 1234",
    "01.01.90 1234",
    "010190 / 1234",
    "010190\u00a0-\u00a01234",  # no-break spaces around a dash
    "01-01-90-1234",
]


def test_there_are_at_least_22_real_world_formats():
    assert len(REAL_WORLD_FORMATS) >= 22
    assert len(set(REAL_WORLD_FORMATS)) == len(REAL_WORLD_FORMATS)


@pytest.mark.parametrize("cpr", REAL_WORLD_FORMATS)
def test_every_real_world_format_is_refused_alone_and_inside_a_sentence(cpr):
    assert find_cpr(cpr) == cpr
    assert find_cpr(f"Pt. {cpr} kom til kontrol.") == cpr
    assert find_cpr(f"Patient\n{cpr}\nset i dag") == cpr
    with pytest.raises(ValidationError):
        validate_no_cpr(f"Borger ({cpr}) henvist")


@pytest.mark.parametrize(
    "text",
    [
        "010190.1234",
        "01.01.90-1234",
        "010190\n1234",
        "010190\u200b1234",
        "\uff10\uff11\uff10\uff11\uff19\uff10-\uff11\uff12\uff13\uff14",
        "0101 901234",
        "01 01 90 1234",
    ],
)
def test_formats_that_used_to_slip_through_are_refused(text):
    assert contains_cpr(text) is True


def test_invisible_characters_inside_every_part_do_not_hide_the_number():
    text = "0\u200b1\u20600\u200c1\u00ad9\u200d0\ufeff-1\u200b2\u200b3\u200b4"
    assert find_cpr(f"cpr {text} ok") == text


def test_the_date_part_must_still_be_a_calendar_date_with_every_separator():
    assert contains_cpr("32.01.90-1234") is False
    assert contains_cpr("31.11.90 - 1234") is False
    assert contains_cpr("29 02 01 1234") is False
    assert contains_cpr("2902 001234") is True  # 29 February 2000
    assert contains_cpr("0113 901234") is False  # month 13


def test_modulus_11_is_not_required_with_the_new_separators():
    # 010190-1234 fails modulus 11; every spelling of it must still trip.
    assert contains_cpr("01.01.90/1234") is True


@pytest.mark.parametrize(
    "text",
    [
        "86 12 34 56",
        "+45 86 12 34 56",
        "86123456",
        "Tlf. 20 11 12 56 8000 Aarhus C",
        "Tlf. 20 11 12 56\n8000 Aarhus C",
        "1.098,80",
        "14.623.589",
        "61.533,00 kr",
        "22.11.2026",
        "22-11-2026",
        "2026-11-22",
        "22.11.2026 1030",
        "10:30-12:00",
        "kl. 10.30 - 12.00",
        "012345",
        "29190925",
        "8000 Aarhus C",
        "Sag 2026-123456",
        "sag 24/1234",
        "IBAN DK89 3000 1012 3456 78",
        "DK5000400440116243",
        "2026-11-22T10:30:00+01:00",
        "20261122T103000Z",
        "Periode 010126-311226",
        "Periode 01.01.26-31.12.26",
    ],
)
def test_no_false_alarms_on_numbers_that_are_not_cpr_numbers(text):
    assert contains_cpr(text) is False


def test_normalise_text_maps_digits_spaces_and_dashes_and_drops_invisible_characters():
    assert normalise_text("\uff10\u0661\u0967") == "011"
    assert normalise_text("a\u00a0b\nc\td\u2028e") == "a b c d e"
    assert normalise_text("1\u20132\u20113\u22124\uff0d5") == "1-2-3-4-5"
    assert normalise_text("1\u200b2\u00ad3\ufeff4\u20605") == "12345"
    assert normalise_text("1\u20442") == "1/2"


def test_find_cpr_returns_the_original_text_not_the_normalised_one():
    assert find_cpr("x \u0660\u0661\u0660\u0661\u0669\u0660\u200b1234 y") == (
        "\u0660\u0661\u0660\u0661\u0669\u0660\u200b1234"
    )


# --- File names -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "010190_1234.pdf",
        "scan-0101901234.pdf",
        "scan_010190-1234.pdf",
        "0101901234.pdf",
        "010190.1234.pdf",
        "attest_01_01_90_1234.jpg",
        "010190-1234.v2.pdf",
        "uploads/2026/010190_1234.pdf",
        "C:\\Users\\laege\\010190_1234.pdf",
    ],
)
def test_file_names_with_a_cpr_number_are_refused(name):
    with pytest.raises(ValidationError) as excinfo:
        validate_no_cpr_in_filename(name)
    assert excinfo.value.code == "cpr"
    with translation.override("en"):
        assert excinfo.value.messages == [str(CPR_FILENAME_MESSAGE)]


@pytest.mark.parametrize(
    "name",
    [
        "deltagerliste.pdf",
        "referat_2026-11-22.pdf",
        "IMG_20261122_103000.jpg",
        "faktura_2026-0042.pdf",
        "budget_1.098,80.xlsx",
        "ydernr_012345.pdf",
        "scan_29190925.pdf",
        "",
    ],
)
def test_ordinary_file_names_are_accepted(name):
    assert validate_no_cpr_in_filename(name) is None


def test_file_name_check_works_on_uploaded_files():
    upload = SimpleUploadedFile("kvittering_010190_1234.pdf", b"%PDF-1.4")
    with pytest.raises(ValidationError):
        validate_no_cpr_in_filename(upload)
    assert validate_no_cpr_in_filename(SimpleUploadedFile("kvittering.pdf", b"%PDF-1.4")) is None


# --- E-mail addresses -----------------------------------------------------------------------------------


@pytest.mark.parametrize("address", ["0101901234@x.dk", "010190-1234@x.dk"])
def test_validate_no_cpr_refuses_a_cpr_number_as_an_email_local_part(address):
    with pytest.raises(ValidationError):
        validate_no_cpr(address)


@pytest.mark.parametrize(
    "address",
    [
        "0101901234@x.dk",
        "010190-1234@x.dk",
        "010190_1234@x.dk",
        "jens.010190.1234@x.dk",
        "jens+0101901234@x.dk",
        "jens_01_01_90_1234@example.org",
    ],
)
def test_validate_email_no_cpr_refuses_a_cpr_number_in_the_local_part(address):
    with pytest.raises(ValidationError) as excinfo:
        validate_email_no_cpr(address)
    assert excinfo.value.code == "cpr"
    with translation.override("en"):
        assert excinfo.value.messages == [str(CPR_EMAIL_MESSAGE)]


@pytest.mark.parametrize(
    "address",
    ["jens.hansen@example.org", "laege2026@praksis.dk", "86123456@sms.dk", "praksis.012345@x.dk", "", None],
)
def test_validate_email_no_cpr_accepts_ordinary_addresses(address):
    assert validate_email_no_cpr(address) is None


def test_the_file_name_and_email_messages_are_translated_to_danish():
    for message in (CPR_FILENAME_MESSAGE, CPR_EMAIL_MESSAGE):
        with translation.override("da"):
            danish = str(message)
        with translation.override("en"):
            english = str(message)
        assert danish != english
        assert "CPR-nummer" in danish
