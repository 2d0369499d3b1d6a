"""The demo data's status reports and material: the 2026 round's participations in several states
(one overdue, one red, others up to date), no reminder waiting for an invented address, and two
published files that anyone can download."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Participation
from ligepraksis.demo import ROUND_A
from progress.models.material import Material
from progress.models.reports import StatusReport
from progress.selectors import reports as selectors
from progress.services import reports as services

pytestmark = pytest.mark.django_db


def test_the_demo_rounds_practices_are_in_every_report_state(demo_db):
    ids = list(Participation.objects.filter(round__name=ROUND_A).values_list("pk", flat=True))
    overdue = selectors.overdue_report_counts(ids, timezone.localdate())
    assert sum(1 for n in overdue.values() if n) == 1 and sum(1 for n in overdue.values() if not n) >= 3
    lights = set(selectors.last_reports(ids)[pk].traffic_light for pk in ids)
    assert {"green", "red"} <= lights
    assert set(StatusReport.objects.values_list("traffic_light", flat=True)) == {"green", "yellow", "red"}
    assert services.status_report_reminders_send() == 0  # the overdue period counts as reminded


def test_the_demo_material_is_public(demo_db, client):
    files = Material.objects.published().order_by("file_type")
    assert [m.file_type for m in files] == ["docx", "pdf"]
    listing = client.get(reverse("progress:material")).content.decode()
    for m in files:
        assert m.title in listing
        assert client.get(reverse("progress:material_download", args=[m.pk])).status_code == 200
