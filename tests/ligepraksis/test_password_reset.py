"""Password reset (security finding 16): "Forgotten your password" reaches accounts that never had
a password (an applicant, a colleague given a login on the practice's page of people), its mail goes
through the outbox, and the page answers the same for an unknown address."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from ligepraksis.models import OutboxMessage
from ligepraksis.services import user_get_or_create
from practices.services import person_add, person_give_access
from tests.conftest import make_practice, make_user

RESET_LINK = re.compile(r"https?://[^/\s]+(/adgangskode/ny/[^/\s]+/[^/\s]+/)")
NEW_PASSWORD = "Et-nyt-og-langt-kodeord-42"


def ask_for_reset(client, capture, email):
    mail.outbox.clear()
    with capture(execute=True):
        response = client.post(reverse("password_reset"), {"email": email})
    return response


@pytest.mark.django_db
def test_a_colleague_given_a_login_can_choose_a_password(client, region, django_capture_on_commit_callbacks):
    """The people page tells the practice that the colleague chooses a password with "Forgotten your
    password": that must work for an account that never had one."""
    practice = make_practice(region)
    owner = make_user("ejer@example.org", practice=practice)
    person = person_add(
        user=owner, practice=practice, name="Kim Kollega", kind="staff", email="kim@example.org"
    )
    assert person_give_access(user=owner, practice=practice, person=person) == "granted"
    person.refresh_from_db()
    colleague = person.user
    assert not colleague.has_usable_password()

    response = ask_for_reset(client, django_capture_on_commit_callbacks, "KIM@example.org")
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert [m.to for m in mail.outbox] == [["kim@example.org"]]
    link = RESET_LINK.search(mail.outbox[0].body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_complete")
    colleague.refresh_from_db()
    assert colleague.check_password(NEW_PASSWORD)

    fresh = Client()
    response = fresh.post(reverse("login"), {"username": "kim@example.org", "password": NEW_PASSWORD})
    assert response.status_code == 302 and fresh.session.get("_auth_user_id") == str(colleague.pk)


@pytest.mark.django_db
def test_the_reset_mail_goes_through_the_outbox(client, django_capture_on_commit_callbacks):
    user = user_get_or_create(email="ansoeger@example.org")
    ask_for_reset(client, django_capture_on_commit_callbacks, user.email)
    message = OutboxMessage.objects.get(to="ansoeger@example.org")
    assert message.subject == "Vælg din adgangskode til Lige Praksis"
    assert RESET_LINK.search(message.body)
    assert [m.subject for m in mail.outbox] == [message.subject]  # sent by the outbox's sender


@pytest.mark.django_db
def test_the_reset_mail_is_sent_only_after_the_request_commits(client):
    """The outbox row belongs to the request's transaction: nothing leaves before it commits."""
    user_get_or_create(email="ansoeger@example.org")
    client.post(reverse("password_reset"), {"email": "ansoeger@example.org"})
    assert OutboxMessage.objects.filter(to="ansoeger@example.org").count() == 1
    assert mail.outbox == []  # the test's transaction never commits, so the sender never ran


@pytest.mark.django_db
def test_an_account_with_a_password_still_gets_its_reset_mail(client, django_capture_on_commit_callbacks):
    make_user("leder@example.org")
    ask_for_reset(client, django_capture_on_commit_callbacks, "leder@example.org")
    assert [m.to for m in mail.outbox] == [["leder@example.org"]]


@pytest.mark.django_db
def test_the_page_answers_the_same_for_an_unknown_or_closed_address(django_capture_on_commit_callbacks):
    user_get_or_create(email="kendt@example.org")
    closed = user_get_or_create(email="lukket@example.org")
    closed.is_active = False
    closed.save()
    answers = {}
    for email in ("kendt@example.org", "ukendt@example.org", "lukket@example.org"):
        response = ask_for_reset(Client(), django_capture_on_commit_callbacks, email)
        answers[email] = (response.status_code, response["Location"])
        sent = [m.to for m in mail.outbox]
        assert sent == ([[email]] if email == "kendt@example.org" else []), email
    assert len(set(answers.values())) == 1, answers
