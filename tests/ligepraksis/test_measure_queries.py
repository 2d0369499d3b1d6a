import io

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import make_application


@pytest.mark.django_db
def test_measure_queries_reports_every_page_answering_200(closed_round, leader):
    make_application(closed_round)
    out = io.StringIO()
    call_command("measure_queries", stdout=out)
    lines = [line for line in out.getvalue().splitlines() if "queries" in line]
    # The start page (anonymous and the leader's), 4 pages of applications/, and of activities/ the
    # anonymous catalogue and the leader's catalogue, overview, claims and my activities (no
    # participation yet: no practice pages; no activity: no activity page); of progress/ the public
    # material list, the leader's status reports of the round and the leader's milestone dashboard; of
    # finance/ the leader's money entries to decide, the money history and what the round pays for; of
    # evaluation/ the public postcards (no evaluator and no participation yet: no other evaluation page)
    assert len(lines) == 18
    assert all(line.strip().startswith("200") for line in lines)


@pytest.mark.django_db
def test_measure_queries_needs_a_project_leader():
    with pytest.raises(CommandError):
        call_command("measure_queries", stdout=io.StringIO())
