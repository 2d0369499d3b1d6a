"""Sign-in links by e-mail (security finding 2): single-use, 30 minutes, bound to their purpose, only for
accounts without a password, admin flag or role grant; a page with a "Log in" button spends them.

Every entry point is tested alike: applying to a round, joining the activities, and the general
"send me a sign-in link" page that an applicant uses after the deadline.
"""

from __future__ import annotations

import re
import time

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from ligepraksis.models import Role
from ligepraksis.services import role_grant, user_get_or_create
from tests.conftest import (
    PASSWORD,
    make_application,
    make_practice,
    make_round,
    make_user,
)

LINK = re.compile(
    r"https?://[^/\s]+(/(?:ansoeg/\d+/bekraeft|aktiviteter/deltag/bekraeft|log-ind/link)/[^/\s]+/)"
)
ANY_URL = re.compile(r"https?://[^/\s]+(/\S*)")


def english(client):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def ask_url(entry: str, round_obj) -> str:
    if entry == "apply":
        return reverse("applications:apply", args=[round_obj.pk])
    return reverse("practices:join") if entry == "join" else reverse("signin_link")


def success_url(entry: str, round_obj) -> str:
    if entry == "apply":
        return reverse("applications:start", args=[round_obj.pk])
    return reverse("practices:join_practice") if entry == "join" else reverse("home")


def ask(client, capture, entry, round_obj, email):
    """Ask for a link at `entry`; returns (response, the mails sent to `email`)."""
    mail.outbox.clear()
    with capture(execute=True):
        response = client.post(ask_url(entry, round_obj), {"email": email})
    return response, [m for m in mail.outbox if email.lower() in (a.lower() for a in m.to)]


def link_in(message) -> str | None:
    match = LINK.search(message.body)
    return match.group(1) if match else None


def logged_in_as(client):
    pk = client.session.get("_auth_user_id")
    return get_user_model().objects.get(pk=pk) if pk else None


ENTRIES = ["apply", "join", "signin"]


def _leader(round_obj):
    return make_user("leder@example.org", role=Role.PROJECT_LEADER, round=round_obj)


def _leader_without_password(round_obj):
    user = user_get_or_create(email="leder@example.org")
    role_grant(user=user, role=Role.PROJECT_LEADER, round=round_obj)
    return user


def _admin_without_password(round_obj):
    user = user_get_or_create(email="admin@example.org")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def _superuser_only(round_obj):
    user = user_get_or_create(email="super@example.org")
    user.is_superuser = True
    user.save()
    return user


def _password_user(round_obj):
    return make_user("med.kode@example.org")


PASSWORD_ACCOUNTS = {
    "project-leader": _leader,
    "project-leader-without-password": _leader_without_password,
    "admin-without-password": _admin_without_password,
    "superuser-without-password": _superuser_only,
    "account-with-password": _password_user,
}


# --- Who gets a link ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("entry", ENTRIES)
@pytest.mark.parametrize("kind", PASSWORD_ACCOUNTS)
def test_an_account_with_a_password_or_a_role_gets_no_link_but_a_use_your_password_mail(
    client, open_round, django_capture_on_commit_callbacks, entry, kind
):
    user = PASSWORD_ACCOUNTS[kind](open_round)
    response, sent = ask(client, django_capture_on_commit_callbacks, entry, open_round, user.email)
    assert response.status_code == 200
    assert len(sent) == 1
    body = sent[0].body
    assert link_in(sent[0]) is None, body
    urls = {m.group(1) for m in ANY_URL.finditer(body)}
    assert reverse("login") in urls and reverse("password_reset") in urls, body
    assert sent[0].subject == "Log ind på Lige Praksis med din adgangskode"
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize("entry", ENTRIES)
def test_the_page_answers_the_same_for_every_address(
    client, open_round, django_capture_on_commit_callbacks, entry
):
    """No account enumeration: a new address, a link account, a password account, a leader and a closed
    account get the same template and status, and the same page apart from the address itself."""
    user_get_or_create(email="uden.kode@example.org")
    make_user("med.kode@example.org")
    _leader(open_round)
    closed = user_get_or_create(email="lukket@example.org")
    closed.is_active = False
    closed.save()
    pages = []
    for email in (
        "ny@example.org",
        "uden.kode@example.org",
        "med.kode@example.org",
        "leder@example.org",
        "lukket@example.org",
    ):
        response, _sent = ask(Client(), django_capture_on_commit_callbacks, entry, open_round, email)
        html = response.content.decode().replace(email, "ADDRESS")
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
        page_templates = [t.name for t in response.templates if not t.name.startswith("emails/")]
        pages.append((response.status_code, page_templates, html))
    assert all(p == pages[0] for p in pages[1:])
    assert pages[0][0] == 200


@pytest.mark.django_db
@pytest.mark.parametrize("entry", ENTRIES)
def test_a_new_address_gets_an_account_without_a_password_and_a_link(
    client, open_round, django_capture_on_commit_callbacks, entry
):
    response, sent = ask(client, django_capture_on_commit_callbacks, entry, open_round, "Ny@Klinik.example")
    assert response.status_code == 200
    user = get_user_model().objects.get(email__iexact="ny@klinik.example")
    assert not user.has_usable_password() and user.last_login is None
    link = link_in(sent[0])
    assert link
    response = client.post(link)
    assert response.status_code == 302 and response["Location"] == success_url(entry, open_round)
    assert logged_in_as(client) == user


@pytest.mark.django_db
def test_a_closed_account_gets_no_mail(client, open_round, django_capture_on_commit_callbacks):
    closed = user_get_or_create(email="lukket@example.org")
    closed.is_active = False
    closed.save()
    response, sent = ask(client, django_capture_on_commit_callbacks, "signin", open_round, closed.email)
    assert response.status_code == 200 and sent == []


# --- What a link does --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("entry", ENTRIES)
def test_opening_the_link_shows_a_log_in_button_and_logs_nobody_in(
    client, open_round, django_capture_on_commit_callbacks, entry
):
    """Mail scanners open links before people do: a GET shows the page, only the button's POST logs in."""
    _response, sent = ask(client, django_capture_on_commit_callbacks, entry, open_round, "ny@example.org")
    link = link_in(sent[0])
    for _ in range(3):
        response = Client().get(link)
        assert response.status_code == 200
        assert '<button class="btn btn-primary" type="submit">Log ind</button>' in response.content.decode()
    page = client.get(link)
    assert "_auth_user_id" not in client.session and 'method="post"' in page.content.decode()
    response = client.post(link)
    assert response.status_code == 302 and response["Location"] == success_url(entry, open_round)
    assert logged_in_as(client).email == "ny@example.org"


@pytest.mark.django_db
@pytest.mark.parametrize("entry", ENTRIES)
def test_a_link_works_once(client, open_round, django_capture_on_commit_callbacks, entry):
    _response, sent = ask(client, django_capture_on_commit_callbacks, entry, open_round, "ny@example.org")
    link = link_in(sent[0])
    assert client.post(link).status_code == 302
    assert logged_in_as(client).email == "ny@example.org"

    second = english(Client())
    response = second.post(link, follow=True)
    assert response.redirect_chain[0][0] == ask_url(entry, open_round)
    assert "This sign-in link does not work (any more)" in response.content.decode()
    assert "_auth_user_id" not in second.session
    assert second.get(link).status_code == 302  # and its page says so too


@pytest.mark.django_db
@pytest.mark.parametrize("entry", ENTRIES)
def test_a_link_lasts_30_minutes(client, open_round, django_capture_on_commit_callbacks, monkeypatch, entry):
    real_time = time.time
    for minutes_ago, works in ((29, True), (31, False)):
        monkeypatch.setattr(time, "time", lambda m=minutes_ago: real_time() - m * 60)
        _response, sent = ask(
            Client(), django_capture_on_commit_callbacks, entry, open_round, f"ny{minutes_ago}@example.org"
        )
        monkeypatch.setattr(time, "time", real_time)
        user_client = english(Client())
        response = user_client.post(link_in(sent[0]))
        assert ("_auth_user_id" in user_client.session) is works, minutes_ago
        if not works:
            assert response["Location"] == ask_url(entry, open_round)
            assert "more than 30 minutes old" in user_client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_the_link_lifetime_is_the_setting(settings):
    assert settings.SIGNIN_LINK_MAX_AGE == 30 * 60
    assert settings.SESAME_ONE_TIME is True


@pytest.mark.django_db
def test_a_link_is_bound_to_its_purpose(client, region, open_round, django_capture_on_commit_callbacks):
    """An apply link for one round opens neither another round, nor joining, nor the general page."""
    other_round = make_round(region, open_=True)
    _response, sent = ask(client, django_capture_on_commit_callbacks, "apply", open_round, "ny@example.org")
    link = link_in(sent[0])
    token = link.rstrip("/").rsplit("/", 1)[1]
    for url in (
        reverse("applications:verify", args=[other_round.pk, token]),
        reverse("practices:join_verify", args=[token]),
        reverse("signin_link_confirm", args=[token]),
    ):
        assert client.get(url).status_code == 302, url
        response = client.post(url)
        assert response.status_code == 302, url
        assert "_auth_user_id" not in client.session, url
    assert client.post(link)["Location"] == success_url("apply", open_round)  # still good where it belongs


@pytest.mark.django_db
def test_a_link_stops_working_when_the_account_gets_a_password(
    client, open_round, django_capture_on_commit_callbacks
):
    _response, sent = ask(client, django_capture_on_commit_callbacks, "signin", open_round, "ny@example.org")
    user = get_user_model().objects.get(email="ny@example.org")
    user.set_password(PASSWORD)
    user.save()
    client.post(link_in(sent[0]))
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize("entry", ENTRIES)
def test_a_link_stops_working_when_the_account_gets_a_role(
    client, open_round, django_capture_on_commit_callbacks, entry
):
    """A link sent before the address became a project leader's does not log the leader in."""
    _response, sent = ask(client, django_capture_on_commit_callbacks, entry, open_round, "ny@example.org")
    user = get_user_model().objects.get(email="ny@example.org")
    role_grant(user=user, role=Role.PROJECT_LEADER, round=open_round)
    response = english(client).post(link_in(sent[0]), follow=True)
    assert response.redirect_chain[0][0] == ask_url(entry, open_round)
    assert "This account logs in with its password" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_practice_grant_does_not_stop_a_link(
    client, region, open_round, django_capture_on_commit_callbacks
):
    """A colleague given a login on the practice's page of people logs in with a link."""
    from practices.services import practice_grant

    practice = make_practice(region)
    colleague = user_get_or_create(email="kollega@example.org")
    practice_grant(user=colleague, practice=practice)
    _response, sent = ask(client, django_capture_on_commit_callbacks, "signin", open_round, colleague.email)
    client.post(link_in(sent[0]))
    assert logged_in_as(client) == colleague


# --- After the deadline ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_applicant_gets_back_in_after_the_deadline(
    client, closed_round, django_capture_on_commit_callbacks
):
    applicant = user_get_or_create(email="ansoeger@example.org")
    application = make_application(closed_round, user=applicant)
    assert not closed_round.is_open_for_applications()

    login_page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("signin_link")}"' in login_page
    _response, sent = ask(client, django_capture_on_commit_callbacks, "signin", closed_round, applicant.email)
    response = client.post(link_in(sent[0]))
    assert response["Location"] == reverse("home")
    assert logged_in_as(client) == applicant
    page = client.get(reverse("applications:detail", args=[application.pk]))
    assert page.status_code == 200


@pytest.mark.django_db
def test_a_logged_in_user_is_sent_home_from_the_link_page(client, open_round):
    client.force_login(make_user(), backend="ligepraksis.auth.EmailBackend")
    assert client.get(reverse("signin_link"))["Location"] == reverse("home")
