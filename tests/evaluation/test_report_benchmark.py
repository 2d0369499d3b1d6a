"""Issue 12: `manage.py benchmark_report` runs (one repeat, a small round) and prints its figures."""

from __future__ import annotations

import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from finance.models import BudgetLine


@pytest.mark.django_db
def test_benchmark_report_prints_times_ratio_and_memory(closed_round):
    BudgetLine.objects.create(round=closed_round, name="Koordinering", granted=Decimal("1000"))
    out, err = StringIO(), StringIO()
    call_command("benchmark_report", "--round", str(closed_round.pk), "--repeat", "1", stdout=out, stderr=err)
    text = out.getvalue()
    assert closed_round.name in text
    assert re.search(r"whole report \(figures \+ HTML \+ PDF\): median \d+\.\d+ s over 1", text), text
    assert re.search(r"WeasyPrint on the final HTML alone: median \d+\.\d+ s", text), text
    ratio = float(re.search(r"ratio report / WeasyPrint: (\d+\.\d+)x", text).group(1))
    assert 0.5 < ratio < 10
    assert re.search(r"tracemalloc, one render\): report \d+\.\d MB", text) and "ru_maxrss" in text
    assert "turn 1:" in err.getvalue()


@pytest.mark.django_db
def test_benchmark_report_refuses_an_unknown_round():
    with pytest.raises(CommandError):
        call_command("benchmark_report", "--round", "999999", "--repeat", "1")


@pytest.mark.django_db
def test_the_keu_reports_queries_do_not_grow_with_the_practices(closed_round):
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from evaluation.services import reports
    from tests.evaluation.factories import participate

    BudgetLine.objects.create(round=closed_round, name="Honorarer", granted=Decimal("1000"), honoraria=True)

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as c:
            ctx = reports.build_keu_report_context(closed_round, dt.date(2026, 12, 1), aggregate=False)
        return len(c.captured_queries), len(ctx.practices)

    participate(closed_round)
    participate(closed_round)
    few = count()
    for _ in range(4):
        participate(closed_round)
    more = count()
    assert (few[1], more[1]) == (2, 6)  # the rows were there to be counted
    assert few[0] == more[0], (few, more)
