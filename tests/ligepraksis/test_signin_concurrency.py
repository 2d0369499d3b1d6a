"""The same sign-in link pressed eight times at once on PostgreSQL (security findings 2 and 13): one
request signs in, the others are sent back with a message, and none of them fails.

Each thread is a browser of its own (a test client with its own cookies and database connection);
all are released together and POST the link's "Log in" button.
"""

import threading
import time

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from ligepraksis import signin
from ligepraksis.services import user_get_or_create
from tests.conftest import signin_token

THREADS = 8

pytestmark = pytest.mark.services


@pytest.fixture
def link(db):
    if connection.vendor != "postgresql":
        pytest.skip(
            "Concurrent sign-ins need PostgreSQL (SQLite has no row locks): set "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/ligepraksis (see README)"
        )
    user = user_get_or_create(email="ansoeger@example.org")
    return user, reverse("signin_link_confirm", args=[signin_token(user, signin.SCOPE_SIGNIN)])


def press_all_at_once(url):
    """Every thread POSTs the link at the same moment. Returns the clients that got in, the clients
    sent back (with their responses), and anything unexpected."""
    barrier = threading.Barrier(THREADS)
    signed_in, refused, unexpected = [], [], []
    lock = threading.Lock()

    def work():
        client = Client()
        client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
        try:
            barrier.wait(timeout=30)
            response = client.post(url)
            with lock:
                if response.status_code == 302 and response["Location"] == reverse("home"):
                    signed_in.append(client)
                elif response.status_code == 302 and response["Location"] == reverse("signin_link"):
                    refused.append(client)
                else:
                    unexpected.append(f"{response.status_code} {response.get('Location')}")
        except Exception as exc:  # noqa: BLE001 - a 500 raises in the test client; reported below
            with lock:
                unexpected.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a sign-in thread hung"
    return signed_in, refused, unexpected


def slow_spend(monkeypatch, seconds=0.2, *, compare=True):
    """Widen the gap between checking the token and marking it spent. With compare=False the spend
    is an unconditional write (no compare-and-set on last_login)."""
    mark_spent = signin._mark_spent

    def mark_spent_slowly(user, now):
        time.sleep(seconds)
        if compare:
            return mark_spent(user, now)
        get_user_model().objects.filter(pk=user.pk).update(last_login=now)
        return True

    monkeypatch.setattr(signin, "_mark_spent", mark_spent_slowly)


def no_row_lock(monkeypatch):
    token_user = signin._token_user
    monkeypatch.setattr(
        signin, "_token_user", lambda token, scope, *, lock: token_user(token, scope, lock=False)
    )


def assert_one_sign_in(user, signed_in, refused, unexpected):
    assert unexpected == []
    assert len(signed_in) == 1 and len(refused) == THREADS - 1
    assert signed_in[0].session["_auth_user_id"] == str(user.pk)
    messages = []
    for client in refused:
        assert "_auth_user_id" not in client.session
        page = client.get(reverse("signin_link")).content.decode()
        just_used = "This sign-in link has just been used" in page
        assert just_used or "This sign-in link does not work (any more)" in page, page
        messages.append(just_used)
    return messages


@pytest.mark.django_db(transaction=True)
def test_eight_presses_of_one_link_sign_in_once(link):
    user, url = link
    assert_one_sign_in(user, *press_all_at_once(url))
    user.refresh_from_db()
    assert user.last_login is not None


@pytest.mark.django_db(transaction=True)
def test_with_a_slow_spend_the_row_lock_still_lets_one_in(link, monkeypatch):
    """The row lock alone (the spend writes without comparing) serialises the presses."""
    user, url = link
    slow_spend(monkeypatch, compare=False)
    just_used = assert_one_sign_in(user, *press_all_at_once(url))
    assert any(just_used)  # those who waited for the lock are told the link was just used


@pytest.mark.django_db(transaction=True)
def test_with_a_slow_spend_the_compare_alone_still_lets_one_in(link, monkeypatch):
    """Without the row lock, the conditional write of last_login lets one in (the second guard)."""
    user, url = link
    no_row_lock(monkeypatch)
    slow_spend(monkeypatch, compare=True)
    assert_one_sign_in(user, *press_all_at_once(url))


@pytest.mark.django_db(transaction=True)
def test_without_the_row_lock_and_the_compare_the_same_race_signs_in_several(link, monkeypatch):
    """Shows what protects the link: with a plain read and an unconditional write, several get in."""
    _user, url = link
    no_row_lock(monkeypatch)
    slow_spend(monkeypatch, compare=False)
    signed_in, _refused, unexpected = press_all_at_once(url)
    assert unexpected == []
    assert len(signed_in) > 1
