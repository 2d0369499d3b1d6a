"""Exactly once on PostgreSQL: two project leaders approving the same instalment at the same moment,
and the KEU secretariat pressing "paid" twice (the same batch reference, or two members with their
own references), give one approval and one payment. Threads, each with its own database connection,
are released together by a barrier. Then the same races run with the row lock switched off (the
locking helper monkeypatched) and approve twice and pay twice: the lock is what protects the money,
and the tests can fail.

A pause of PAUSE seconds between reading the state and writing it (in the row's and the batch's
save_base, after the model's own paid-row guard has read) makes the unlocked race deterministic:
every thread reads before any thread writes.

Run it:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ligepraksis pytest tests/finance/test_concurrency.py
"""

import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.utils import translation

from applications.models import Participation
from finance.models import Instalment, InstalmentStatus, ParticipationInstalment, PaymentBatch
from finance.services import instalments as services
from ligepraksis.errors import DomainError
from ligepraksis.models import Role
from tests.conftest import make_user
from tests.finance.factories import paying_participation
from tests.finance.instalment_factories import earn, open_instalment, ready

pytestmark = pytest.mark.services

PAUSE = 0.3
PAID_ON = "2026-09-01"


@pytest.fixture
def setup(closed_round, leader):
    if connection.vendor != "postgresql":
        pytest.skip(
            "Concurrent approvals and payments need PostgreSQL (SQLite has no row locks): set "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/ligepraksis (see README)"
        )
    participation, puser = paying_participation(closed_round, leader)
    first = ready(participation)[0]
    earn(participation, puser, leader, "5")
    open_instalment(participation, leader, first)
    services.rows_ensure(participations=[participation])
    leaders = [leader.pk, make_user("leder2@example.org", role=Role.PROJECT_LEADER, round=closed_round).pk]
    keus = [make_user(f"keu{i}@example.org", role=Role.KEU, region=closed_round.region).pk for i in range(2)]
    return participation, first, leaders, keus


def all_at_once(calls):
    """Run each call (a function of no arguments) in its own thread, released together. Returns the
    error codes the refused ones got."""
    barrier = threading.Barrier(len(calls))
    codes, unexpected = [], []
    lock = threading.Lock()

    def work(call):
        try:
            prepared = call()  # loads in this thread, on its own connection
            barrier.wait(timeout=30)
            with translation.override("en"):
                prepared()
        except DomainError as exc:
            with lock:
                codes.append(exc.code)
        except Exception as exc:  # noqa: BLE001 - reported by the test
            with lock:
                unexpected.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    assert unexpected == []
    return codes


def approving(participation_pk, instalment_pk, user_pk):
    def prepare():
        user = get_user_model().objects.get(pk=user_pk)
        participation = Participation.objects.get(pk=participation_pk)
        instalment = Instalment.objects.get(pk=instalment_pk)
        return lambda: services.instalment_approve(
            user=user, participation=participation, instalment=instalment
        )

    return prepare


def paying(row_pk, user_pk, reference):
    def prepare():
        user = get_user_model().objects.get(pk=user_pk)
        row = ParticipationInstalment.objects.select_related("participation__round").get(pk=row_pk)
        return lambda: services.instalments_pay(
            user=user,
            round_obj=row.participation.round,
            row_ids=[row.pk],
            reference=reference,
            paid_on=PAID_ON,
        )

    return prepare


def unlocked(monkeypatch):
    monkeypatch.setattr(services, "lock", lambda queryset: queryset)


def pause_before_writing(monkeypatch):
    """Sleep just before the row and the batch are written (in `save_base`, after every read the
    service and the model's own paid-row guard make); returns the list of pauses taken."""
    paused = []
    for model in (ParticipationInstalment, PaymentBatch):
        save_base = model.save_base

        def slow_save_base(self, *args, _save_base=save_base, **kwargs):
            paused.append(type(self).__name__)
            time.sleep(PAUSE)
            return _save_base(self, *args, **kwargs)

        monkeypatch.setattr(model, "save_base", slow_save_base)
    return paused


def approvals(row) -> int:
    """How many saves approved the row (each writes one history row in the state "approved")."""
    return row.history.filter(status=InstalmentStatus.APPROVED).count()


def the_row(participation, first):
    return ParticipationInstalment.objects.get(participation=participation, instalment=first)


@pytest.mark.django_db(transaction=True)
def test_two_leaders_approving_at_once_give_one_approval(setup, monkeypatch):
    participation, first, leaders, _keus = setup
    pause_before_writing(monkeypatch)
    codes = all_at_once([approving(participation.pk, first.pk, pk) for pk in leaders])
    assert codes == [services.ALREADY_DECIDED]
    row = the_row(participation, first)
    assert row.status == InstalmentStatus.APPROVED and approvals(row) == 1


@pytest.mark.django_db(transaction=True)
def test_without_the_lock_the_same_race_approves_twice(setup, monkeypatch):
    participation, first, leaders, _keus = setup
    unlocked(monkeypatch)
    paused = pause_before_writing(monkeypatch)
    codes = all_at_once([approving(participation.pk, first.pk, pk) for pk in leaders])
    assert codes == [] and paused.count("ParticipationInstalment") == 2
    assert approvals(the_row(participation, first)) == 2


def _approved_row(participation, first, leaders):
    user = get_user_model().objects.get(pk=leaders[0])
    return services.instalment_approve(user=user, participation=participation, instalment=first)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("references", [("FIN-1", "FIN-1"), ("FIN-1", "FIN-2")])
def test_pressing_paid_twice_pays_once(setup, monkeypatch, references):
    participation, first, leaders, keus = setup
    row = _approved_row(participation, first, leaders)
    pause_before_writing(monkeypatch)
    codes = all_at_once([paying(row.pk, keu, ref) for keu, ref in zip(keus, references, strict=True)])
    assert len(codes) == 1 and codes[0] in (services.ALREADY_PAID, services.REFERENCE_USED)
    assert PaymentBatch.objects.count() == 1
    row.refresh_from_db()
    assert row.status == InstalmentStatus.PAID and row.batch.total == row.amount


@pytest.mark.django_db(transaction=True)
def test_without_the_lock_the_same_race_pays_twice(setup, monkeypatch):
    participation, first, leaders, keus = setup
    row = _approved_row(participation, first, leaders)
    unlocked(monkeypatch)
    pause_before_writing(monkeypatch)
    codes = all_at_once([paying(row.pk, keu, ref) for keu, ref in zip(keus, ("FIN-1", "FIN-2"), strict=True)])
    assert codes == []
    # two batches for the finance system, each paying the same instalment
    assert PaymentBatch.objects.count() == 2
    assert sum(b.total for b in PaymentBatch.objects.all()) == 2 * row.amount
