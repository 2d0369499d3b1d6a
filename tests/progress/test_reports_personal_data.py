"""Status reports in a person's data export and erasure: the reports their login filed and their
changes (history rows) are exported; anonymising takes their name out of the reports' texts and out
of the history rows too."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from practices.personal_data import person_anonymise, person_export
from progress.models.reports import StatusReport
from progress.services import reports as services
from tests.activities.service_factories import participate

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(closed_round, leader):
    participation, _user = participate(
        closed_round, leader, accepted_at=timezone.now() - dt.timedelta(days=70)
    )
    person = participation.application.doctor_coordinator
    user = participation.application.created_by
    person.user = user
    person.save()
    name = person.name
    report = services.status_report_submit(
        user=user,
        participation=participation,
        period_number=1,
        progress=f"{name} har holdt klinikmodulet.",
        traffic_light="green",
    )
    services.status_report_update(
        user=user, report=report, version=1, progress=f"{name} har holdt klinikmodulet med alle."
    )
    return person, report, name


def test_the_export_holds_the_reports_and_their_changes(filed):
    person, report, name = filed
    data = person_export(person)["progress.reports"]
    assert [r["progress"] for r in data["status_reports"]] == [f"{name} har holdt klinikmodulet med alle."]
    assert len(data["status_report_changes"]) == 2


def test_anonymising_takes_the_name_out_of_reports_and_history(filed):
    person, report, name = filed
    with transaction.atomic():
        person_anonymise(person=person)
    report.refresh_from_db()
    assert name not in report.progress and "Anonymiseret person" in report.progress
    history = list(StatusReport.history.filter(id=report.pk).values_list("progress", flat=True))
    assert len(history) == 2 and not any(name in text for text in history)
