"""The same answer link submitted eight times at once on PostgreSQL: one response is written, the
others get the Danish "already answered" page (410), and none fails."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from evaluation.models import Answer, Invitation, Response
from evaluation.services import questionnaires as services
from ligepraksis.models import Role
from tests.conftest import make_user
from tests.evaluation.factories import participate, post_data, questionnaire, token

THREADS = 8

pytestmark = pytest.mark.services


@pytest.mark.django_db(transaction=True)
def test_eight_submits_of_one_link_write_one_response(closed_round):
    if connection.vendor != "postgresql":
        pytest.skip(
            "Concurrent answers need PostgreSQL (SQLite has no row locks): set "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/ligepraksis (see README)"
        )
    evaluator = make_user(role=Role.EVALUATOR, round=closed_round)
    participate(closed_round)
    q = questionnaire(closed_round, evaluator)
    services.questionnaire_send(user=evaluator, questionnaire=q)
    inv = Invitation.objects.filter(questionnaire=q).first()
    url = reverse("evaluation:answer", args=[q.pk, token(inv)])
    data = post_data(q, text="Samtidigt")
    barrier = threading.Barrier(THREADS)
    statuses, lock = [], threading.Lock()

    def work():
        try:
            client = Client()
            barrier.wait(timeout=30)
            response = client.post(url, data)
            with lock:
                statuses.append(response.status_code)
        except Exception as exc:  # noqa: BLE001 - a 500 raises in the test client
            with lock:
                statuses.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(statuses, key=str) == [200] + [410] * (THREADS - 1)
    assert Response.objects.count() == 1 and Answer.objects.count() == 4
