"""The admin has its own staff check: anonymous and non-staff logins are sent to the admin's login,
staff get in. (Beside the permission matrix, whose module keeps one world open for all its cases.)"""

from __future__ import annotations

import pytest
from django.urls import reverse

from ligepraksis.models import Role
from tests.conftest import make_user
from tests.helpers import login

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _client_for(user):
    from django.test import Client

    return login(Client(), user)


@pytest.mark.django_db
def test_admin_sends_anonymous_to_the_admin_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_admin_sends_a_non_staff_leader_to_the_admin_login(closed_round, settings):
    settings.PASSWORD_HASHERS = FAST_HASHER
    leader = make_user("leder@example.org", role=Role.PROJECT_LEADER, round=closed_round)
    assert not leader.is_staff
    response = _client_for(leader).get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_admin_lets_staff_in(db, settings):
    settings.PASSWORD_HASHERS = FAST_HASHER
    staff = make_user("admin@example.org")
    staff.is_staff = staff.is_superuser = True
    staff.save()
    assert _client_for(staff).get("/admin/").status_code == 200
