"""Throttles on sign-in e-mails, practice registrations and session sign-ups, per address or login and
per client IP (security finding 9b). They sit on the views; the services and demo data are untouched."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from activities.models import Registration
from ligepraksis.models import OutboxMessage
from practices.models import Practice
from tests.activities.service_factories import make_activity, make_person, make_session, practice_user
from tests.conftest import _cvr, _provider_number, make_practice, make_round, make_user

BACKEND = "ligepraksis.auth.EmailBackend"
IP_A, IP_B = "198.51.100.7", "203.0.113.9"


def _limit(settings, name, how_many):
    settings.THROTTLES = {**settings.THROTTLES, name: (how_many, settings.THROTTLES[name][1])}


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def _danish(response) -> str:
    return response.content.decode()


# --- The defaults -------------------------------------------------------------------------------------


def test_default_limits_are_the_ones_agreed():
    t = django_settings.THROTTLES
    assert t["sign_in_mail_per_address"] == (3, 3600)
    assert t["sign_in_mail_per_client"] == (20, 3600)
    assert t["practice_registration_per_client"] == (10, 86400)
    assert t["signup_per_user"][1] == 3600 and 1 <= t["signup_per_user"][0] <= 50


# --- Sign-in e-mails: applying and joining ------------------------------------------------------------


@pytest.fixture
def open_round_url(open_round):
    return reverse("applications:apply", args=[open_round.pk])


@pytest.mark.django_db
def test_a_fourth_sign_in_mail_to_one_address_within_the_hour_is_refused(open_round_url):
    client = Client()
    for _ in range(3):
        assert client.post(open_round_url, {"email": "ny@klinik.example"}).status_code == 200
    assert OutboxMessage.objects.filter(to="ny@klinik.example").count() == 3

    with translation.override("da"):
        response = client.post(open_round_url, {"email": "NY@klinik.example "}, REMOTE_ADDR=IP_B)

    assert response.status_code == 429
    assert "For mange e-mails med et login-link" in _danish(response)
    assert response["Retry-After"] == "3600"
    assert OutboxMessage.objects.filter(to__iexact="ny@klinik.example").count() == 3
    # Another address is fine.
    assert client.post(open_round_url, {"email": "anden@klinik.example"}).status_code == 200


@pytest.mark.django_db
def test_applying_and_joining_share_the_limit_per_address(open_round_url):
    client = Client()
    for _ in range(2):
        assert client.post(open_round_url, {"email": "ny@klinik.example"}).status_code == 200
    assert client.post(reverse("practices:join"), {"email": "ny@klinik.example"}).status_code == 200
    assert client.post(reverse("practices:join"), {"email": "ny@klinik.example"}).status_code == 429


@pytest.mark.django_db
def test_sign_in_mails_per_client_are_limited_and_another_client_is_not_affected(settings, open_round_url):
    _limit(settings, "sign_in_mail_per_client", 3)
    client = Client()
    for n in range(3):
        assert (
            client.post(reverse("practices:join"), {"email": f"p{n}@x.example"}, REMOTE_ADDR=IP_A).status_code
            == 200
        )

    refused = client.post(open_round_url, {"email": "p9@x.example"}, REMOTE_ADDR=IP_A)

    assert refused.status_code == 429
    assert OutboxMessage.objects.count() == 3
    assert client.post(open_round_url, {"email": "p9@x.example"}, REMOTE_ADDR=IP_B).status_code == 200


@pytest.mark.django_db
def test_a_mistyped_address_is_not_counted(open_round_url):
    client = Client()
    for _ in range(5):
        assert client.post(open_round_url, {"email": "ikke-en-adresse"}).status_code == 200
    assert client.post(open_round_url, {"email": "ny@klinik.example"}).status_code == 200
    assert OutboxMessage.objects.count() == 1


# --- Practice registrations -----------------------------------------------------------------------------


def _practice_data(region, **extra):
    return {
        "provider_numbers": _provider_number(),
        "name": "Opdigtet Lægehus",
        "cvr": _cvr(),
        "address": "Falskvej 1",
        "postcode": "8000",
        "city": "Aarhus C",
        "municipality": str(region.municipalities.get(name="Aarhus").pk),
        "form": "solo",
        "doctor_capacities": "1",
        "staff_count": "2",
        "listed_patients": "1500",
        **extra,
    }


def _join(client, region, **meta):
    data = _practice_data(region, person_name="Ida Ny", person_kind="staff")
    return client.post(reverse("practices:join_practice"), data, **meta)


@pytest.mark.django_db
def test_practice_registrations_per_client_are_limited(settings, region):
    _limit(settings, "practice_registration_per_client", 2)
    for _ in range(2):
        assert _join(_logged_in(make_user()), region, REMOTE_ADDR=IP_A).status_code == 302

    with translation.override("da"):
        refused = _join(_logged_in(make_user()), region, REMOTE_ADDR=IP_A)

    assert refused.status_code == 429
    assert "For mange praksis er registreret herfra i dag" in _danish(refused)
    assert Practice.objects.count() == 2
    assert _join(_logged_in(make_user()), region, REMOTE_ADDR=IP_B).status_code == 302


@pytest.mark.django_db
def test_the_default_allows_ten_practice_registrations_per_client_a_day(region):
    for _ in range(10):
        assert _join(_logged_in(make_user()), region).status_code == 302
    assert _join(_logged_in(make_user()), region).status_code == 429
    assert Practice.objects.count() == 10


@pytest.mark.django_db
def test_practice_registrations_per_login_are_limited_when_applying(settings, region, open_round):
    _limit(settings, "practice_registration_per_user", 2)
    url = reverse("applications:start", args=[open_round.pk])
    client = _logged_in(make_user())
    for n in range(2):
        response = client.post(url, _practice_data(region, step="register"), REMOTE_ADDR=f"192.0.2.{n + 1}")
        assert response.status_code == 302, response.content.decode()[:1000]

    refused = client.post(url, _practice_data(region, step="register"), REMOTE_ADDR="192.0.2.99")

    assert refused.status_code == 429
    assert Practice.objects.count() == 2
    # Looking a practice up is not registering one.
    assert client.post(url, {"step": "lookup", "provider_number": "123456"}).status_code == 200


@pytest.mark.django_db
def test_a_refused_registration_form_is_not_counted(settings, region):
    _limit(settings, "practice_registration_per_client", 1)
    client = _logged_in(make_user())
    bad = _practice_data(region, person_name="Ida Ny", person_kind="staff", cvr="12345678")
    for _ in range(3):
        assert client.post(reverse("practices:join_practice"), bad).status_code == 200
    assert _join(client, region).status_code == 302


# --- Session sign-ups -----------------------------------------------------------------------------------


@pytest.fixture
def signup_world(region):
    round_obj = make_round(region, open_=False)
    activity = make_activity(round_obj)
    sessions = [make_session(activity, capacity=80) for _ in range(4)]
    return round_obj, sessions


def _sign_up(client, session, practice, person, **meta):
    return client.post(
        reverse("activities:signup", args=[session.pk]),
        {"practice": practice.pk, "persons": [person.pk]},
        **meta,
    )


@pytest.mark.django_db
def test_sign_ups_per_login_are_limited(settings, region, signup_world):
    _limit(settings, "signup_per_user", 2)
    _, sessions = signup_world
    practice = make_practice(region)
    client = _logged_in(practice_user(practice))
    person = make_person(practice)
    for session in sessions[:2]:
        assert _sign_up(client, session, practice, person, REMOTE_ADDR=IP_A).status_code == 302

    with translation.override("da"):
        refused = _sign_up(client, sessions[2], practice, person, REMOTE_ADDR=IP_B)

    assert refused.status_code == 429
    assert "For mange tilmeldinger på kort tid" in _danish(refused)
    assert Registration.objects.count() == 2
    # The page itself still opens, and a colleague's login has its own count.
    assert client.get(reverse("activities:signup", args=[sessions[2].pk])).status_code == 200
    colleague = _logged_in(practice_user(practice))
    assert _sign_up(colleague, sessions[2], practice, person, REMOTE_ADDR=IP_B).status_code == 302


@pytest.mark.django_db
def test_sign_ups_per_client_are_limited(settings, region, signup_world):
    _limit(settings, "signup_per_client", 2)
    _, sessions = signup_world
    for _ in range(2):
        practice = make_practice(region)
        assert _sign_up(_logged_in(practice_user(practice)), sessions[0], practice, make_person(practice),
                        REMOTE_ADDR=IP_A).status_code == 302  # fmt: skip
    practice = make_practice(region)
    client = _logged_in(practice_user(practice))
    person = make_person(practice)

    assert _sign_up(client, sessions[0], practice, person, REMOTE_ADDR=IP_A).status_code == 429
    assert _sign_up(client, sessions[0], practice, person, REMOTE_ADDR=IP_B).status_code == 302
    assert Registration.objects.count() == 3


@pytest.mark.django_db
def test_a_refused_sign_up_is_not_counted(settings, region, signup_world):
    _limit(settings, "signup_per_user", 1)
    _, sessions = signup_world
    practice = make_practice(region)
    client = _logged_in(practice_user(practice))
    person = make_person(practice)
    for _ in range(3):  # nobody chosen: the form again
        assert (
            client.post(
                reverse("activities:signup", args=[sessions[0].pk]), {"practice": practice.pk}
            ).status_code
            == 200
        )
    assert _sign_up(client, sessions[0], practice, person).status_code == 302


# --- The counter and the client address -----------------------------------------------------------------


def test_the_window_slides_so_a_boundary_gives_no_double_burst(settings, monkeypatch):
    from django.core.cache import cache

    from ligepraksis import throttle

    cache.clear()
    settings.THROTTLES = {**settings.THROTTLES, "signup_per_user": (3, 3600)}
    limit = throttle.Limit("signup_per_user", throttle.user_key)
    clock = [3600 * 1000 + 3500.0]  # 100 seconds before a window boundary
    monkeypatch.setattr(throttle, "_now", lambda: clock[0])
    for _ in range(3):
        assert not throttle.is_over(limit, "user:1")
        throttle.hit(limit, "user:1")
    assert throttle.is_over(limit, "user:1")
    clock[0] += 200  # just past the boundary: most of the hour's three still count
    assert throttle.is_over(limit, "user:1")
    clock[0] += 3600  # an hour later: free again
    assert not throttle.is_over(limit, "user:1")
    cache.clear()


def test_client_address_ignores_forwarded_for_unless_proxies_are_configured(settings):
    from ligepraksis.throttle import client_ip

    rf = RequestFactory()
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 5.6.7.8")
    settings.THROTTLE_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"  # a client cannot choose its address
    settings.THROTTLE_PROXY_COUNT = 1
    assert client_ip(request) == "5.6.7.8"  # the address our one proxy saw
    settings.THROTTLE_PROXY_COUNT = 2
    assert client_ip(request) == "1.2.3.4"
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="not-an-ip")
    assert client_ip(request) == "10.0.0.1"


def test_ipv6_clients_count_per_64_network(settings):
    from ligepraksis.throttle import client_ip

    settings.THROTTLE_PROXY_COUNT = 0
    rf = RequestFactory()
    one = client_ip(rf.get("/", REMOTE_ADDR="2001:db8:1:2::1"))
    other = client_ip(rf.get("/", REMOTE_ADDR="2001:db8:1:2:ffff::9"))
    assert one == other == "2001:db8:1:2::/64"
    assert client_ip(rf.get("/", REMOTE_ADDR="2001:db8:1:3::1")) != one


@pytest.mark.django_db
def test_the_general_sign_in_link_page_is_throttled_per_address_too(client):
    """`/log-ind/link/` mails sign-in links like applying and joining, so it shares their limit."""
    from django.urls import reverse

    for _ in range(3):
        assert client.post(reverse("signin_link"), {"email": "samme@example.org"}).status_code == 200
    assert client.post(reverse("signin_link"), {"email": "samme@example.org"}).status_code == 429
