"""Issue 8: a locked-out login gets a Danish, branded page (error_base.html) that says when it can try
again and how to get back in by e-mail now; a new password chosen by the e-mailed link lifts the lock."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from ligepraksis.services import user_get_or_create
from tests.conftest import PASSWORD, make_user

IP = "192.0.2.7"


def _lock(email: str) -> Client:
    client = Client(REMOTE_ADDR=IP)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": email, "password": "forkert"})
    return client


@pytest.mark.django_db
def test_the_lockout_page_is_danish_with_the_time_and_the_ways_back():
    make_user("laast@example.org")
    client = _lock("laast@example.org")
    response = client.post(reverse("login"), {"username": "laast@example.org", "password": PASSWORD})
    body = response.content.decode()
    assert response.status_code == 429
    assert 'lang="da"' in body and "For mange forsøg på at logge ind" in body
    assert "15 minutter" in body and re.search(r"kl\. \d\d\.\d\d", body)  # when it unlocks
    assert f'href="{reverse("password_reset")}"' in body and f'href="{reverse("signin_link")}"' in body
    assert 'href="/"' in body  # error_base.html's way home
    assert "Account locked" not in body


@pytest.mark.django_db
def test_a_new_password_by_e_mail_lifts_the_lock(django_capture_on_commit_callbacks):
    user = make_user("laast@example.org")
    client = _lock("laast@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "laast@example.org"})
    link = re.search(r"https?://[^/\s]+(/adgangskode/ny/\S+/)", mail.outbox[-1].body).group(1)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    new = "Et-helt-nyt-kodeord-77"
    client.post(set_url, {"new_password1": new, "new_password2": new})
    response = client.post(reverse("login"), {"username": "laast@example.org", "password": new})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_an_account_without_a_password_gets_back_in_by_link_while_locked(django_capture_on_commit_callbacks):
    applicant = user_get_or_create(email="ansoeger@example.org")
    client = _lock("ansoeger@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("signin_link"), {"email": "ansoeger@example.org"})
    link = re.search(r"https?://[^/\s]+(/log-ind/link/\S+/)", mail.outbox[-1].body).group(1)
    client.post(link)
    assert client.session["_auth_user_id"] == str(applicant.pk)
