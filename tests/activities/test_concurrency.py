"""Concurrent sign-ups on PostgreSQL: the session row lock keeps a session from being overbooked.

Thirty threads, each with its own database connection, are released together by a barrier and
each signs up a different person (of thirty different practices) for a session with 5 places left.
Exactly 5 are confirmed and 25 wait. Then the same race runs with the lock switched off, and
overbooks: that shows the test can fail, and that the lock is what protects the places.

To make the unlocked race deterministic, a pause of PAUSE seconds is put between counting the
confirmed places and writing the registration (around Registration.objects.create, which is where
registration_signup writes after counting): every thread counts before any thread has written.
The locked run keeps the same pause and must still give exactly 5.

Run it:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ligepraksis pytest tests/activities/test_concurrency.py
"""

import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.utils import translation

from activities import services
from activities.models import Registration, RegistrationStatus, Session
from practices.models import Person, Practice
from tests.activities.service_factories import (
    make_activity,
    make_person,
    make_practice,
    make_session,
    practice_user,
    provider,
)

THREADS = 30
CAPACITY = 12
ALREADY_CONFIRMED = 7  # 5 places left
PLACES_LEFT = CAPACITY - ALREADY_CONFIRMED
PAUSE = 0.3

pytestmark = pytest.mark.services


@pytest.fixture
def race(closed_round):
    if connection.vendor != "postgresql":
        pytest.skip(
            "Concurrent sign-ups need PostgreSQL (SQLite has no row locks): set "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/ligepraksis (see README)"
        )
    closed_round.signups_per_practice_per_session = ALREADY_CONFIRMED  # the early practice fills 7 places
    closed_round.save()
    session = make_session(make_activity(closed_round, org=provider("MidtKraft")), capacity=CAPACITY)
    region = closed_round.region
    early = make_practice(region)
    early_user = practice_user(early)
    services.registration_signup(
        user=early_user,
        session=session,
        practice=early,
        persons=[make_person(early) for _ in range(ALREADY_CONFIRMED)],
    )
    entrants = []
    for _ in range(THREADS):
        practice = make_practice(region)
        entrants.append((practice_user(practice).pk, practice.pk, make_person(practice).pk))
    return session, entrants


@pytest.fixture(autouse=True)
def _no_mail(monkeypatch):
    """The e-mails are not what is tested here: count what the services queue instead."""
    queued = []
    lock = threading.Lock()

    def enqueue(registration, **kwargs):
        with lock:
            queued.append(("registration", registration.pk))
        return True

    monkeypatch.setattr(services.notifications, "registration_enqueue", enqueue)
    return queued


def sign_up_all_at_once(session, entrants):
    """Every thread signs its own person up at the same moment. Returns (confirmed, waitlisted) counts
    as the threads saw them."""
    barrier = threading.Barrier(len(entrants))
    confirmed, waitlisted, unexpected = [], [], []
    lock = threading.Lock()

    def work(user_id, practice_id, person_id):
        try:
            # Everything loaded in this thread, on its own connection; no grant cache is shared.
            user = get_user_model().objects.get(pk=user_id)
            practice = Practice.objects.get(pk=practice_id)
            person = Person.objects.get(pk=person_id)
            own_session = Session.objects.get(pk=session.pk)
            barrier.wait(timeout=30)
            with translation.override("en"):
                result = services.registration_signup(
                    user=user, session=own_session, practice=practice, persons=[person]
                )
            with lock:
                confirmed.extend(result.confirmed)
                waitlisted.extend(result.waitlisted)
        except Exception as exc:  # noqa: BLE001 - reported by the test below
            with lock:
                unexpected.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=entrant) for entrant in entrants]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a sign-up thread hung"
    assert unexpected == []
    return len(confirmed), len(waitlisted)


def stored_confirmed(session) -> int:
    return Registration.objects.filter(session=session, status=RegistrationStatus.CONFIRMED).count()


def unlocked(monkeypatch):
    """_lock_session as a plain read: the same query, without SELECT ... FOR UPDATE."""
    monkeypatch.setattr(
        services,
        "_lock_session",
        lambda session_id: Session.objects.select_related("activity").get(pk=session_id),
    )


def pause_between_count_and_write(monkeypatch, seconds=PAUSE):
    """Wait after counting the places and before writing the registration. Returns the list of
    pauses taken, so a test notices if the service stops writing through this path."""
    manager = Registration.objects
    create = manager.create
    paused = []

    def create_after_a_pause(**kwargs):
        paused.append(kwargs["status"])
        time.sleep(seconds)
        return create(**kwargs)

    monkeypatch.setattr(manager, "create", create_after_a_pause)
    return paused


@pytest.mark.django_db(transaction=True)
def test_thirty_simultaneous_sign_ups_for_five_places_confirm_exactly_five(race, _no_mail):
    session, entrants = race
    confirmed, waitlisted = sign_up_all_at_once(session, entrants)
    assert (confirmed, waitlisted) == (PLACES_LEFT, THREADS - PLACES_LEFT)
    assert stored_confirmed(session) == CAPACITY
    assert Registration.objects.filter(session=session, status=RegistrationStatus.WAITLISTED).count() == 25
    # one e-mail queued per registration: the 7 early ones and the 30 of the race
    assert len(_no_mail) == ALREADY_CONFIRMED + THREADS


@pytest.mark.django_db(transaction=True)
def test_without_the_session_lock_the_same_race_overbooks(race, monkeypatch):
    """Shows that the lock is what protects the places (and that the test above can fail)."""
    session, entrants = race
    unlocked(monkeypatch)
    paused = pause_between_count_and_write(monkeypatch)
    confirmed, _waitlisted = sign_up_all_at_once(session, entrants)
    assert len(paused) == THREADS
    assert confirmed > PLACES_LEFT
    assert stored_confirmed(session) > CAPACITY


@pytest.mark.django_db(transaction=True)
def test_with_the_lock_a_slow_write_still_confirms_exactly_five(race, monkeypatch):
    session, entrants = race
    paused = pause_between_count_and_write(monkeypatch)
    started = time.monotonic()
    confirmed, waitlisted = sign_up_all_at_once(session, entrants)
    assert len(paused) == THREADS
    assert (confirmed, waitlisted) == (PLACES_LEFT, THREADS - PLACES_LEFT)
    assert stored_confirmed(session) == CAPACITY
    # The sign-ups really queued behind each other on the lock (30 pauses one after another).
    assert time.monotonic() - started >= THREADS * PAUSE * 0.9
