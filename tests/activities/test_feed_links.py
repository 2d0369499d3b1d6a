"""Calendar-feed links are random keys stored on the row, can be revoked, and end when a person leaves
(security finding 18)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from activities.feeds import person_feed_url, person_token, practice_token
from activities.models import Registration, RegistrationStatus
from ligepraksis.errors import DomainError
from ligepraksis.models import Role
from practices import services as practice_services
from practices.models import Membership, Person, Practice
from tests.activities.service_factories import make_activity, make_person, make_session, practice_user
from tests.conftest import make_practice, make_round, make_user

BACKEND = "ligepraksis.auth.EmailBackend"


@pytest.fixture
def world(region):
    round_obj = make_round(region, open_=False)
    practice = make_practice(region)
    activity = make_activity(round_obj, title="Traumebevidst praksis")
    return round_obj, practice, activity


def _register(session, person, practice):
    return Registration.objects.create(
        session=session, person=person, practice=practice, status=RegistrationStatus.CONFIRMED
    )


def _uids(response) -> set[str]:
    return {str(ev["UID"]) for ev in icalendar.Calendar.from_ical(response.content).walk("VEVENT")}


def _client(user) -> Client:
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def _person_url(person) -> str:
    return reverse("calendar:person", args=[person_token(person)])


def _practice_url(practice) -> str:
    return reverse("calendar:practice", args=[practice_token(practice)])


@pytest.mark.django_db
def test_feed_keys_are_random_stored_on_the_row_and_not_derived_from_the_id(world):
    _, practice, _ = world
    anna, bo = make_person(practice), make_person(practice)

    tokens = {person_token(anna), person_token(bo), practice_token(practice)}

    assert len(tokens) == 3
    assert all(len(t) >= 43 for t in tokens)
    assert Person.objects.get(pk=anna.pk).feed_token == person_token(anna)
    assert Practice.objects.get(pk=practice.pk).feed_token == practice_token(practice)
    assert not any(t.startswith(f"{anna.pk}.") or t.startswith(f"{practice.pk}.") for t in tokens)


@pytest.mark.django_db
def test_a_registered_practice_has_its_key_from_the_start(world):
    _, practice, _ = world
    assert Practice.objects.get(pk=practice.pk).feed_token


@pytest.mark.django_db
def test_a_signed_id_token_of_the_old_kind_is_refused(client, world):
    from django.core import signing

    _, practice, _ = world
    person = make_person(practice)
    old = signing.Signer(salt="activities.feeds.person", sep=".").sign(str(person.pk))
    assert client.get(reverse("calendar:person", args=[old])).status_code == 404


@pytest.mark.django_db
def test_leaving_the_practice_ends_the_persons_feed(client, world):
    _, practice, activity = world
    person = make_person(practice)
    _register(make_session(activity), person, practice)
    url = _person_url(person)
    assert client.get(url).status_code == 200

    practice_services.membership_end(user=practice_user(practice), practice=practice, person=person)

    assert client.get(url).status_code == 404
    assert Person.objects.get(pk=person.pk).feed_token is None


@pytest.mark.django_db
def test_a_membership_ended_in_the_admin_ends_the_persons_feed_too(client, world):
    _, practice, activity = world
    person = make_person(practice)
    _register(make_session(activity), person, practice)
    url = _person_url(person)
    Membership.objects.filter(person=person).update(ended_on=timezone.localdate() - dt.timedelta(days=1))

    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_practice_feed_no_longer_lists_sessions_of_people_who_left(client, world):
    _, practice, activity = world
    stays, leaves = make_person(practice, name="Anna Bliver"), make_person(practice, name="Bo Rejser")
    kept, gone = make_session(activity), make_session(activity)
    _register(kept, stays, practice)
    _register(gone, leaves, practice)
    shared = make_session(activity)
    _register(shared, stays, practice)
    _register(shared, leaves, practice)
    url = _practice_url(practice)
    assert _uids(client.get(url)) == {f"session-{s.pk}@lige-praksis" for s in (kept, gone, shared)}

    practice_services.membership_end(user=practice_user(practice), practice=practice, person=leaves)

    response = client.get(url)
    assert _uids(response) == {f"session-{s.pk}@lige-praksis" for s in (kept, shared)}
    assert "Bo Rejser" not in response.content.decode("utf-8").replace("\r\n ", "")


@pytest.mark.django_db
def test_the_practice_makes_a_new_practice_link_and_the_old_one_stops(world):
    _, practice, activity = world
    user = practice_user(practice)
    anonymous = Client()
    old = _practice_url(practice)
    assert anonymous.get(old).status_code == 200

    response = _client(user).post(reverse("practices:feed_reset", args=[practice.pk]))

    assert response.status_code == 302
    practice.refresh_from_db()
    assert anonymous.get(old).status_code == 404
    assert anonymous.get(_practice_url(practice)).status_code == 200


@pytest.mark.django_db
def test_the_practice_makes_a_new_link_for_one_person_only(world):
    _, practice, activity = world
    user = practice_user(practice)
    anna, bo = make_person(practice), make_person(practice)
    anonymous = Client()
    anna_old, bo_old, practice_old = _person_url(anna), _person_url(bo), _practice_url(practice)

    response = _client(user).post(
        reverse("practices:person_access", args=[practice.pk, anna.pk]), {"action": "feed"}
    )

    assert response.status_code == 302
    anna.refresh_from_db()
    assert anonymous.get(anna_old).status_code == 404
    assert anonymous.get(_person_url(anna)).status_code == 200
    assert anonymous.get(bo_old).status_code == 200
    assert anonymous.get(practice_old).status_code == 200


@pytest.mark.django_db
def test_a_leader_who_may_see_the_practice_cannot_reset_its_links(world):
    round_obj, practice, _ = world
    leader = make_user(role=Role.PROJECT_LEADER, round=round_obj)
    old = practice_token(practice)
    with pytest.raises(DomainError):
        practice_services.feed_token_reset(user=leader, practice=practice)
    practice.refresh_from_db()
    assert practice.feed_token == old


@pytest.mark.django_db
def test_the_people_page_offers_the_reset_buttons(world):
    _, practice, _ = world
    user = practice_user(practice)
    person = make_person(practice)
    person_token(person)

    page = _client(user).get(reverse("practices:people", args=[practice.pk])).content.decode()

    assert reverse("practices:feed_reset", args=[practice.pk]) in page
    assert 'value="feed"' in page


@pytest.mark.django_db
def test_feed_links_are_shown_only_to_those_acting_for_the_practice(world):
    round_obj, practice, _ = world
    from tests.activities.service_factories import participate

    leader = make_user(role=Role.PROJECT_LEADER, round=round_obj)
    participation, user = participate(round_obj, leader, practice=practice)
    token = practice_token(practice)
    url = reverse("activities:practice_hours", args=[practice.pk])

    assert token in _client(user).get(url).content.decode()
    leader_page = _client(leader).get(url)
    assert leader_page.status_code == 200
    assert token not in leader_page.content.decode()


@pytest.mark.django_db
def test_admin_action_makes_new_links(world):
    _, practice, _ = world
    person = make_person(practice)
    old_person, old_practice = person_token(person), practice_token(practice)
    admin = make_user("admin@example.org")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = _client(admin)

    client.post(
        reverse("admin:practices_person_changelist"),
        {"action": "reset_feed_links", "_selected_action": [person.pk]},
    )
    client.post(
        reverse("admin:practices_practice_changelist"),
        {"action": "reset_feed_links", "_selected_action": [practice.pk]},
    )

    person.refresh_from_db()
    practice.refresh_from_db()
    assert person.feed_token and person.feed_token != old_person
    assert practice.feed_token and practice.feed_token != old_practice
    anonymous = Client()
    assert anonymous.get(reverse("calendar:person", args=[old_person])).status_code == 404
    assert anonymous.get(reverse("calendar:practice", args=[old_practice])).status_code == 404


@pytest.mark.django_db
def test_confirmation_mail_link_works_again_for_a_person_signed_up_after_rejoining(client, world):
    """A person whose key was cleared gets a new one when a link is needed again."""
    _, practice, activity = world
    person = make_person(practice)
    _register(make_session(activity), person, practice)
    Person.objects.filter(pk=person.pk).update(feed_token=None)
    person.refresh_from_db()

    url = person_feed_url(person)

    assert person.feed_token
    assert client.get(urlsplit(url).path).status_code == 200
