"""Concurrent decisions on PostgreSQL: the round row lock keeps the places from being overbooked.

Ten threads, each with its own database connection, are released together and each tries to
select a different application in a round with three places.
"""

import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.utils import translation

from applications import selectors, services
from applications.models import Application, ApplicationStatus
from ligepraksis.errors import DomainError
from ligepraksis.models import ProgrammeRound, Role
from tests.conftest import make_application, make_round, make_user

THREADS = 10
PLACES = 3

pytestmark = pytest.mark.services


@pytest.fixture
def race(region):
    if connection.vendor != "postgresql":
        pytest.skip(
            "Concurrent decisions need PostgreSQL (SQLite has no row locks): set "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/ligepraksis (see README)"
        )
    round_obj = make_round(region, open_=False, places=PLACES)
    leader = make_user(role=Role.PROJECT_LEADER, round=round_obj)
    apps = [make_application(round_obj) for _ in range(THREADS)]
    return round_obj, leader, apps


def select_all_at_once(round_obj, leader, apps):
    """Every thread selects its own application at the same moment. Returns (successes, refusals)."""
    barrier = threading.Barrier(len(apps))
    successes, refusals, unexpected = [], [], []
    lock = threading.Lock()

    def work(app):
        try:
            user = get_user_model().objects.get(pk=leader.pk)  # no grant cache shared between threads
            application = Application.objects.get(pk=app.pk)
            barrier.wait(timeout=30)
            try:
                with translation.override("en"):
                    services.application_decide(
                        application=application, user=user, outcome=ApplicationStatus.SELECTED
                    )
            except DomainError as exc:
                with lock:
                    refusals.append((app.pk, str(exc)))
            else:
                with lock:
                    successes.append(app.pk)
        except Exception as exc:  # noqa: BLE001 - reported by the test below
            with lock:
                unexpected.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(app,)) for app in apps]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a decision thread hung"
    assert unexpected == []
    return successes, refusals


def slow_place_check(monkeypatch, seconds=0.2):
    """Widen the gap between counting the places and writing the decision."""
    check = services._check_place_free

    def check_then_wait(round_obj, now):
        check(round_obj, now)
        time.sleep(seconds)

    monkeypatch.setattr(services, "_check_place_free", check_then_wait)


@pytest.mark.django_db(transaction=True)
def test_concurrent_selections_never_exceed_the_places(race):
    round_obj, leader, apps = race
    successes, refusals = select_all_at_once(round_obj, leader, apps)
    assert len(successes) == PLACES
    assert len(refusals) == THREADS - PLACES
    assert all("places are taken" in message for _pk, message in refusals)
    assert selectors.places_taken(round_obj) == PLACES
    assert set(
        Application.objects.filter(round=round_obj, status=ApplicationStatus.SELECTED).values_list(
            "pk", flat=True
        )
    ) == set(successes)


def lock_only_the_application_row(monkeypatch):
    """_lock_application joins the round (select_related), and PostgreSQL's FOR UPDATE without OF
    locks every joined row, the round's too. Narrow it to the application row, so that only
    _lock_round serialises decisions in the round."""

    def lock_application(application_id):
        return (
            Application.objects.select_for_update(of=("self",))
            .select_related("round", "practice")
            .get(pk=application_id)
        )

    monkeypatch.setattr(services, "_lock_application", lock_application)


@pytest.mark.django_db(transaction=True)
def test_without_the_round_lock_the_same_race_overbooks(race, monkeypatch):
    """Shows that the lock is what protects the places: a plain read lets every thread through."""
    round_obj, leader, apps = race
    monkeypatch.setattr(services, "_lock_round", lambda round_id: ProgrammeRound.objects.get(pk=round_id))
    lock_only_the_application_row(monkeypatch)
    slow_place_check(monkeypatch)
    successes, _refusals = select_all_at_once(round_obj, leader, apps)
    assert len(successes) > PLACES
    assert selectors.places_taken(round_obj) > PLACES


@pytest.mark.django_db(transaction=True)
def test_the_round_lock_alone_gives_exactly_the_places_with_a_slow_check(race, monkeypatch):
    round_obj, leader, apps = race
    lock_only_the_application_row(monkeypatch)
    slow_place_check(monkeypatch)
    successes, refusals = select_all_at_once(round_obj, leader, apps)
    assert len(successes) == PLACES
    assert len(refusals) == THREADS - PLACES
    assert selectors.places_taken(round_obj) == PLACES


@pytest.mark.django_db(transaction=True)
def test_with_the_real_locks_a_slow_check_still_gives_exactly_the_places(race, monkeypatch):
    round_obj, leader, apps = race
    slow_place_check(monkeypatch)
    successes, refusals = select_all_at_once(round_obj, leader, apps)
    assert len(successes) == PLACES
    assert len(refusals) == THREADS - PLACES
    assert selectors.places_taken(round_obj) == PLACES
