"""Issue 12: a KEU status report made end to end by a real Celery worker on the Redis broker (the
"files" queue), from the request on the reports page's service to the PDF on the row."""

from __future__ import annotations

import io
import time
from decimal import Decimal

import pytest
from django.db import transaction
from pypdf import PdfReader

from evaluation.services import reports
from finance.models import BudgetLine
from ligepraksis.models import FileJob, FileJobStatus
from ligepraksis.money import format_kr

WAIT_SECONDS = 60


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_makes_the_keu_report(real_worker, settings, tmp_path, closed_round, leader):
    settings.MEDIA_ROOT = tmp_path
    BudgetLine.objects.create(round=closed_round, name="Koordinering", granted=Decimal("123456.78"))
    with real_worker(queues=("files",)):
        with transaction.atomic():
            job = reports.report_request(user=leader, kind=reports.KEU_REPORT, round_obj=closed_round)
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if not job.is_pending:
                break
            time.sleep(0.3)
    assert (job.status, job.attempts, job.error) == (FileJobStatus.DONE, 1, ""), job.error
    with job.file.open("rb") as f:
        pdf = f.read()
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert closed_round.name in text and format_kr(Decimal("123456.78")) in text
    assert reader.trailer["/Root"]["/Lang"] == "da"
    assert FileJob.objects.count() == 1
