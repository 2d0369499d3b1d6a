"""Issue 9: `manage.py benchmark_export` (activities/export_benchmark.py) measures the streamed CSV
export against csv.writer on the same rows. Its numbers are not asserted (a benchmark, not a timed
test); what is checked is that it compares like with like and leaves the database as it was."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from activities import export_benchmark
from activities.models import Registration
from practices.models import PersonKind
from practices.services import member_create
from tests.activities.service_factories import make_activity, make_session
from tests.conftest import make_practice, make_round


@pytest.fixture
def round_with_sessions(region):
    round_obj = make_round(region, open_=False)
    now = timezone.now()
    for days in (-3, 5, 9):
        make_session(make_activity(round_obj), starts_at=now + dt.timedelta(days=days))
    for _ in range(3):
        practice = make_practice(region)
        for i in range(5):
            member_create(practice=practice, name=f"Deltager {i}", kind=PersonKind.STAFF)
    return round_obj


@pytest.mark.django_db
def test_it_fills_the_round_measures_both_ways_on_the_same_rows_and_rolls_back(round_with_sessions):
    before = Registration.objects.count()
    result = export_benchmark.run(round_obj=round_with_sessions, rows=40, repeat=2, log=lambda m: None)
    assert result.rows == 40  # the export's data rows, which the run checked equal to the baseline's
    assert len(result.export_s) == len(result.baseline_s) == 2
    assert result.export_bytes > 0 and result.peak_large > 0 and result.xlsx_large > 0
    assert Registration.objects.count() == before  # the synthetic sign-ups were rolled back
    assert "ratio:" in export_benchmark.report(result)


@pytest.mark.django_db
def test_a_round_too_small_to_fill_is_refused_with_a_message(region):
    round_obj = make_round(region, open_=False)
    with pytest.raises(Exception, match="no sessions"):
        call_command("benchmark_export", "--rows", "10", "--round", str(round_obj.pk), stdout=io.StringIO())
