"""Danish formats: money as 1.098,80 kr., identifiers and years unlocalized, dates typed three ways."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

from ligepraksis.models import Role
from ligepraksis.money import format_kr, to_ore
from tests.conftest import make_application, make_user
from tests.helpers import login


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("1098.80"), "1.098,80 kr."),
        (Decimal("1098.8"), "1.098,80 kr."),
        (61533, "61.533,00 kr."),
        (14623589, "14.623.589,00 kr."),
        ("999.99", "999,99 kr."),
        (Decimal("1000"), "1.000,00 kr."),
        (0, "0,00 kr."),
        (Decimal("-1234.5"), "-1.234,50 kr."),
        (Decimal("-61533"), "-61.533,00 kr."),
    ],
)
def test_format_kr_is_danish(amount, expected):
    assert format_kr(amount) == expected


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("0.005"), "0,01 kr."),
        (Decimal("0.004"), "0,00 kr."),
        (Decimal("2.675"), "2,68 kr."),  # as a float 2.675 is 2.67499..., which rounds down
        (Decimal("1098.795"), "1.098,80 kr."),
        (Decimal("-0.005"), "-0,01 kr."),  # half up means away from zero
        (Decimal("-0.004"), "0,00 kr."),  # no "-0,00"
    ],
)
def test_format_kr_rounds_half_up_to_ore(amount, expected):
    assert format_kr(amount) == expected


def test_format_kr_refuses_floats():
    with pytest.raises(TypeError):
        format_kr(1098.8)
    with pytest.raises(TypeError):
        to_ore(0.1)


def test_format_kr_refuses_what_is_not_an_amount_and_shows_nothing_for_nothing():
    with pytest.raises(ValueError):
        format_kr("tusind kroner")
    assert format_kr(None) == ""
    assert format_kr("") == ""
    assert format_kr(Decimal("61533"), suffix=False) == "61.533,00"


@pytest.mark.parametrize("language", ["da", "en"])
def test_kr_filter_renders_like_format_kr(language):
    template = Template("{{ a|kr }} | {{ b|kr }} | {{ c|kr }} | {{ d|kr }}")
    context = Context({"a": Decimal("1098.80"), "b": 14623589, "c": Decimal("-0.005"), "d": None})
    with translation.override(language):
        rendered = template.render(context)
    assert rendered == "1.098,80 kr. | 14.623.589,00 kr. | -0,01 kr. | "


def test_year_and_provider_number_render_without_thousands_separator():
    template = Template("{{ year }} {{ provider }} {{ cvr }}")
    with translation.override("da"):
        rendered = template.render(Context({"year": 2026, "provider": "012345", "cvr": "29190925"}))
    assert rendered == "2026 012345 29190925"
    assert "2.026" not in rendered


@pytest.mark.django_db
def test_a_real_page_shows_provider_numbers_unlocalized_and_counts_grouped(client, closed_round):
    app = make_application(closed_round)
    app.practice.provider_numbers.update(number="012345")
    steering = make_user(role=Role.STEERING, round=closed_round)
    login(client, steering)
    with translation.override("da"):
        response = client.get(f"/ansoegninger/{app.pk}/", HTTP_ACCEPT_LANGUAGE="da")
    assert response.status_code == 200
    page = response.content.decode()
    assert response["Content-Language"] == "da"
    assert "012345" in page and "012.345" not in page
    assert app.practice.cvr in page
    # Listed patients are a count: grouped as Danish text writes it (make_practice registers 1600).
    assert "1.600 " in page
    with translation.override("da"):
        capacities = f"1,0 {translation.gettext('doctor capacities')}"
    assert capacities in page  # a Danish decimal comma


@pytest.mark.parametrize("typed", ["22-11-2026", "22/11/2026", "22.11.2026", "2026-11-22"])
def test_danish_date_input_formats_are_accepted(typed):
    with translation.override("da"):
        assert forms.DateField().clean(typed) == dt.date(2026, 11, 22)


@pytest.mark.parametrize("typed", ["22-11-2026 14:30", "22/11/2026 14:30", "22.11.2026 14:30"])
def test_danish_datetime_input_formats_are_accepted(typed):
    with translation.override("da"):
        value = forms.DateTimeField().clean(typed)
    assert (value.date(), value.hour, value.minute) == (dt.date(2026, 11, 22), 14, 30)


@pytest.mark.parametrize("typed", ["2026/22/11", "11-22-2026", "22 november"])
def test_dates_in_other_orders_are_refused(typed):
    with translation.override("da"), pytest.raises(forms.ValidationError):
        forms.DateField().clean(typed)


def test_dates_are_shown_danish_style():
    template = Template('{{ d|date:"SHORT_DATE_FORMAT" }}')
    with translation.override("da"):
        assert template.render(Context({"d": dt.date(2026, 11, 22)})) == "22.11.2026"


# --- counts, hours and dates in running text (ligepraksis/formatting.py) ---------------------------

from ligepraksis import formatting  # noqa: E402


@pytest.mark.parametrize(
    ("language", "value", "expected"),
    [
        ("da", 5370, "5.370"),
        ("en", 5370, "5,370"),
        ("da", 12, "12"),
        ("da", 1700000, "1.700.000"),
        ("da", None, ""),
    ],
)
def test_counts_have_a_thousands_separator(language, value, expected):
    with translation.override(language):
        assert formatting.number(value) == expected


@pytest.mark.parametrize(
    ("language", "value", "expected"),
    [
        ("da", Decimal("1.5"), "1,5 timer"),
        ("da", Decimal("1.00"), "1 time"),
        ("da", 10, "10 timer"),
        ("da", Decimal("0.25"), "0,25 timer"),
        ("da", Decimal("1234.5"), "1.234,5 timer"),
        ("en", Decimal("1"), "1 hour"),
        ("en", Decimal("1.5"), "1.5 hours"),
    ],
)
def test_hours_read_with_the_right_plural(language, value, expected):
    with translation.override(language):
        assert formatting.hours_text(value) == expected


def test_moments_read_in_danish_time_in_running_text():
    # 11:00 UTC in winter is 12:00 in Copenhagen; in summer 10:00 UTC is 12:00.
    winter = dt.datetime(2027, 1, 29, 11, 0, tzinfo=dt.UTC)
    summer = dt.datetime(2026, 6, 5, 10, 0, tzinfo=dt.UTC)
    with translation.override("da"):
        assert formatting.when(winter) == "29. januar 2027 kl. 12.00"
        assert formatting.when(summer) == "5. juni 2026 kl. 12.00"
        assert formatting.day(dt.date(2027, 1, 29)) == "29. januar 2027"
    with translation.override("en"):
        assert formatting.when(winter) == "29 January 2027 at 12:00"


def test_filters_render_like_the_module():
    template = Template("{{ n|num }} · {{ h|hours_text }} · {{ t|when }}")
    context = Context({"n": 5370, "h": Decimal("1.5"), "t": dt.datetime(2027, 1, 29, 11, 0, tzinfo=dt.UTC)})
    with translation.override("da"):
        assert template.render(context) == "5.370 · 1,5 timer · 29. januar 2027 kl. 12.00"
