"""Issue 8: the way back in by e-mail on the login page, the join link for a GP without an account, the
accessibility statement (/was, WAS-Tool) and the privacy notice in every page's footer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import make_round


@pytest.mark.django_db
def test_the_login_page_names_both_ways_back_and_who_each_is_for(client):
    body = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("signin_link")}"' in body and f'href="{reverse("password_reset")}"' in body
    assert "også efter ansøgningsfristen" in body
    assert "aldrig har valgt en adgangskode" in body  # the link: no password
    assert "alle andre" in body.lower()  # the password reset: everyone else


@pytest.mark.django_db
def test_the_login_page_offers_a_new_practice_the_join_page(client):
    """An anonymous GP who pressed "Tilmeld" lands here: the join page is one click away."""
    assert reverse("practices:join") == "/aktiviteter/deltag/"
    response = client.get(reverse("login") + "?next=/aktiviteter/")
    body = response.content.decode()
    assert 'href="/aktiviteter/deltag/"' in body and "Tilmeld jeres praksis" in body
    assert client.get("/aktiviteter/deltag/").status_code == 200


def test_the_readme_names_the_real_join_page():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert "/aktiviteter/deltag/" in readme and "/aktiviteter/tilslut/" not in readme


@pytest.mark.django_db
def test_the_link_page_is_open_after_every_deadline(client, region):
    make_round(region, open_=False)
    assert client.get(reverse("signin_link")).status_code == 200
    assert f'href="{reverse("password_reset")}"' in client.get(reverse("signin_link")).content.decode()


@pytest.mark.django_db
def test_every_page_links_the_accessibility_statement_and_the_privacy_notice(client):
    body = client.get(reverse("home")).content.decode()
    assert '<a href="/was">Tilgængelighedserklæring</a>' in body
    assert '<a href="/privatliv/">Privatlivspolitik</a>' in body


@pytest.mark.django_db
def test_was_redirects_to_the_statement_in_the_was_tool(client, settings):
    response = client.get("/was")
    assert response.status_code == 302
    assert response["Location"] == settings.ACCESSIBILITY_STATEMENT_URL
    assert settings.ACCESSIBILITY_STATEMENT_URL.startswith("https://www.was.digst.dk/")
    settings.ACCESSIBILITY_STATEMENT_URL = "https://www.was.digst.dk/rm-lige-praksis"
    assert client.get("/was")["Location"] == "https://www.was.digst.dk/rm-lige-praksis"


@pytest.mark.django_db
def test_the_privacy_notice_says_what_why_how_long_and_who(region, settings):
    settings.DATA_CONTROLLER_NAME = "Region Testland"
    settings.DATA_CONTROLLER_CONTACT = "dpo@testland.example"
    round_obj = make_round(region, open_=False, name="Lige Praksis i Midt 2026")
    round_obj.year, round_obj.hour_window_end, round_obj.retention_months = 2026, dt.date(2027, 3, 31), 24
    round_obj.save()
    response = Client().get(reverse("privacy"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Region Testland" in body and "dpo@testland.example" in body
    for what in ("Ansøgninger", "navn, e-mailadresse, telefonnummer", "fremmøde og timer", "log ind"):
        assert what in body, what
    assert "aldrig patientdata" in body
    for why in ("honorar", "evaluere"):
        assert why in body, why
    # For how long: the round's own retention setting, from the end of the round.
    assert "Lige Praksis i Midt 2026" in body and "24 måneder" in body
    assert "31. marts 2027" in body and "31. marts 2029" in body
    assert f"{settings.PERSONAL_DATA_RETENTION_MONTHS} måneder efter" in body


@pytest.mark.django_db
def test_the_public_pages_are_in_english_too(client):
    from tests.helpers import english

    english(client)
    assert "Privacy notice" in client.get(reverse("privacy")).content.decode()
    assert "Get a link to log in by e-mail" in client.get(reverse("login")).content.decode()


@pytest.mark.django_db
def test_signing_up_without_a_practice_offers_the_join_page(client, open_round):
    from tests.activities.service_factories import make_activity, make_session
    from tests.conftest import make_user
    from tests.helpers import login

    session = make_session(make_activity(open_round))
    login(client, make_user("ingen.praksis@example.org"))
    body = client.get(reverse("activities:signup", args=[session.pk])).content.decode()
    assert 'href="/aktiviteter/deltag/"' in body
