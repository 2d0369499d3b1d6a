"""Two people save the same clinic module at the same moment (PostgreSQL, two connections): one save
wins, the other is told the record changed, and nothing of the second is written.

Run it:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ligepraksis \
        pytest tests/progress/test_records_concurrency.py
"""

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from applications.models import Participation
from ligepraksis.errors import DomainError
from progress.models import ClinicModule
from progress.services import records as services
from tests.progress.factories import clinic_module_data, participate, record_clinic_module


@pytest.mark.django_db(transaction=True)
def test_of_two_saves_at_once_the_second_is_told_it_changed(closed_round, leader):
    if connection.vendor != "postgresql":
        pytest.skip(
            "Concurrent saves need PostgreSQL (SQLite has no row locks): set "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/ligepraksis (see README)"
        )
    participation, puser = participate(
        closed_round, leader, accepted_at=timezone.now() - dt.timedelta(days=9)
    )
    cm = record_clinic_module(participation, puser)
    barrier = threading.Barrier(2)
    saved, told, unexpected = [], [], []
    lock = threading.Lock()

    def work(doctors):
        try:
            p = Participation.objects.get(pk=participation.pk)
            barrier.wait(timeout=30)
            services.clinic_module_save(
                participation=p, user=None, version=cm.version, data=clinic_module_data(doctors=doctors)
            )
            with lock:
                saved.append(doctors)
        except DomainError as exc:
            with lock:
                told.append(exc.code)
        except Exception as exc:  # noqa: BLE001 - reported below
            with lock:
                unexpected.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n,)) for n in (3, 4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert unexpected == []
    assert len(saved) == 1 and told == ["changed"]
    stored = ClinicModule.objects.get()
    assert stored.doctors == saved[0] and stored.version == cm.version + 1
