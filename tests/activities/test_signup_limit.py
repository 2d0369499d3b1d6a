"""No practice fills a session alone: a round's limit on sign-ups per practice per session
(security finding 9a)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from activities import services
from activities.models import Registration, RegistrationStatus
from ligepraksis.errors import DomainError
from tests.activities.service_factories import make_activity, make_person, make_session, practice_user
from tests.conftest import make_practice, make_round

BACKEND = "ligepraksis.auth.EmailBackend"


@pytest.fixture
def world(region):
    round_obj = make_round(region, open_=False)
    practice = make_practice(region, name="Opdigtet Lægehus")
    user = practice_user(practice)
    session = make_session(make_activity(round_obj), capacity=80)
    return round_obj, practice, user, session


def _people(practice, count):
    return [make_person(practice) for _ in range(count)]


def _signup(user, session, practice, persons):
    return services.registration_signup(user=user, session=session, practice=practice, persons=persons)


@pytest.mark.django_db
def test_the_default_limit_is_four_people_per_practice_per_session(world):
    round_obj, practice, user, session = world
    assert round_obj.signups_per_practice_per_session == 4
    people = _people(practice, 5)
    _signup(user, session, practice, people[:4])

    with pytest.raises(DomainError) as refused:
        _signup(user, session, practice, people[4:])

    assert refused.value.code == services.PRACTICE_SESSION_LIMIT
    assert session.registrations.count() == 4


@pytest.mark.django_db
def test_one_request_over_the_limit_signs_up_nobody(world):
    _, practice, user, session = world
    with pytest.raises(DomainError) as refused:
        _signup(user, session, practice, _people(practice, 5))
    assert refused.value.code == services.PRACTICE_SESSION_LIMIT
    assert not session.registrations.exists()


@pytest.mark.django_db
def test_waiting_list_sign_ups_count_toward_the_limit(world):
    _, practice, user, session = world
    session.capacity = 2
    session.save()
    people = _people(practice, 5)
    result = _signup(user, session, practice, people[:4])
    assert (len(result.confirmed), len(result.waitlisted)) == (2, 2)

    with pytest.raises(DomainError) as refused:
        _signup(user, session, practice, people[4:])
    assert refused.value.code == services.PRACTICE_SESSION_LIMIT


@pytest.mark.django_db
def test_a_cancelled_sign_up_frees_a_place_in_the_practices_quota(world):
    _, practice, user, session = world
    people = _people(practice, 5)
    result = _signup(user, session, practice, people[:4])
    services.registration_cancel(user=user, registration=result.confirmed[0])

    _signup(user, session, practice, people[4:])

    assert session.registrations.exclude(status=RegistrationStatus.CANCELLED).count() == 4


@pytest.mark.django_db
def test_the_limit_is_a_setting_of_the_round_and_per_practice(world, region):
    round_obj, practice, user, session = world
    round_obj.signups_per_practice_per_session = 2
    round_obj.save()
    _signup(user, session, practice, _people(practice, 2))
    with pytest.raises(DomainError):
        _signup(user, session, practice, _people(practice, 1))

    other = make_practice(region)
    _signup(practice_user(other), session, other, _people(other, 2))  # another practice has its own 2
    assert Registration.objects.filter(session=session).count() == 4


@pytest.mark.django_db
def test_the_sign_up_page_shows_the_limit_in_danish(world):
    _, practice, user, session = world
    people = _people(practice, 5)
    client = Client()
    client.force_login(user, backend=BACKEND)

    with translation.override("da"):
        response = client.post(
            reverse("activities:signup", args=[session.pk]),
            {"practice": practice.pk, "persons": [p.pk for p in people]},
        )

    assert response.status_code == 200
    page = response.content.decode()
    assert "En praksis kan højst tilmelde 4 personer til det samme hold" in page
    assert not session.registrations.exists()
