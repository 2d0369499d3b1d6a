"""Finding 15: django-axes locks a username only from the address that guessed its password.

Before, `AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]` locked either: anyone could lock a colleague
out from anywhere, and ten failures on a practice's shared network locked out everyone behind it.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse

from ligepraksis import middleware
from tests.conftest import PASSWORD, make_user


def _log_in(email: str, password: str, ip: str) -> tuple[int, bool]:
    client = Client(REMOTE_ADDR=ip)
    response = client.post(reverse("login"), {"username": email, "password": password})
    return response.status_code, "_auth_user_id" in client.session


@pytest.mark.django_db
def test_lockout_holds_one_username_from_one_address_only():
    make_user("a@example.org")
    make_user("b@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        status, logged_in = _log_in("a@example.org", "wrong-password", "192.0.2.1")
        assert not logged_in
    # A, from the guessing address: locked, even with the right password and another spelling.
    assert _log_in("a@example.org", PASSWORD, "192.0.2.1") == (429, False)
    assert _log_in(" A@Example.org", PASSWORD, "192.0.2.1") == (429, False)
    # B, from the same address, and A, from another address, log in.
    assert _log_in("b@example.org", PASSWORD, "192.0.2.1") == (302, True)
    assert _log_in("a@example.org", PASSWORD, "198.51.100.2") == (302, True)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_lockout_cools_off_after_15_minutes():
    from axes.helpers import get_cool_off

    assert get_cool_off().total_seconds() == 15 * 60


def test_axes_counts_an_address_in_any_case_as_one_username():
    request = RequestFactory().post("/login/", {"username": " Alice@Example.ORG "})
    assert middleware.login_username(request) == "alice@example.org"
    assert middleware.login_username(None, {"username": "BOB@example.org"}) == "bob@example.org"


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.5"),  # no proxy: a client's own header is ignored
        (1, "203.0.113.9", "203.0.113.9"),  # the proxy's entry
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # what the client wrote itself comes first
        (1, "", "10.0.0.5"),  # straight to gunicorn (the health check)
    ],
)
def test_client_address_is_taken_from_the_trusted_proxy_only(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=forwarded)
    assert middleware.client_ip_address(request) == expected
