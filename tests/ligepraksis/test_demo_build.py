"""The demo_data command on an empty database: a complete, valid demo, built by each app's builder
through the registry, and a second run changes nothing. (The tests that only use the demo are in
test_demo_data.py, on one demo built for the module.)"""

import re

import pytest
from django.apps import apps
from django.core.management import call_command

from activities.models import Activity, Registration
from applications.models import PLACE_HOLDING, Application, ApplicationStatus
from ligepraksis.models import Area, Municipality, ProgrammeRound
from ligepraksis.validators import cvr_is_valid
from practices.models import Practice, PracticeType, ProviderNumber

ROUND_A = "Lige Praksis i Midt 2026"
ROUND_B = "Lige Praksis i Midt 2027"


def _counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


@pytest.mark.django_db
def test_demo_data_is_complete_and_idempotent(capsys):
    call_command("demo_data", "--quiet")
    before = _counts()
    call_command("demo_data", "--quiet")
    assert _counts() == before  # the second run creates nothing
    assert capsys.readouterr().out == ""  # --quiet is quiet

    assert Municipality.objects.filter(region__code="midt").count() == 19
    round_a = ProgrammeRound.objects.get(name=ROUND_A)
    round_b = ProgrammeRound.objects.get(name=ROUND_B)
    for round_obj in (round_a, round_b):
        assert round_obj.areas.count() == 5
        assert round_obj.size_bands.count() == 3
        assert round_obj.criteria.count() == 3
        assert round_obj.current_terms() is not None
        # every municipality is in exactly one area
        assert sorted(Area.municipalities.through.objects.filter(area__round=round_obj).values_list(
            "municipality__name", flat=True
        )) == sorted(Municipality.objects.values_list("name", flat=True))  # fmt: skip

    # Round a is in review, round b open for applications.
    assert round_a.review_is_open() and not round_a.is_open_for_applications()
    assert round_b.is_open_for_applications() and not round_b.review_is_open()
    assert not round_b.applications.exists()

    practices = Practice.objects.all()
    assert practices.count() >= 40
    assert set(practices.values_list("form", flat=True)) == set(PracticeType.values)
    assert practices.values("municipality").distinct().count() == 19
    assert all(cvr_is_valid(cvr) for cvr in practices.values_list("cvr", flat=True))
    numbers = list(ProviderNumber.objects.values_list("number", flat=True))
    assert all(re.fullmatch(r"\d{6}", n) for n in numbers)
    assert any(n.startswith("0") for n in numbers)
    for practice in practices.filter(form=PracticeType.COOPERATING):
        assert practice.provider_numbers.count() == 2

    applications = Application.objects.filter(round=round_a)
    assert applications.count() >= 40
    assert not applications.filter(status=ApplicationStatus.DRAFT).exists()
    assert (
        applications.filter(status__in=[ApplicationStatus.SELECTED, ApplicationStatus.ACCEPTED]).count() == 8
    )
    # Seven accepted the terms; the practice of praksis@demo.dk can still accept them.
    assert applications.filter(status=ApplicationStatus.ACCEPTED).count() == 7
    assert applications.get(status=ApplicationStatus.SELECTED).created_by.email == "praksis@demo.dk"
    assert applications.filter(status=ApplicationStatus.WAITLISTED).count() == 5
    assert applications.filter(status=ApplicationStatus.REJECTED).count() == 5
    assert applications.filter(status__in=PLACE_HOLDING).count() <= round_a.places
    for application in applications:
        assert application.submitted_at < round_a.application_deadline
        assert application.doctor_coordinator and application.staff_coordinator
    assert applications.filter(reviews__conflict_of_interest=True).count() == 1


def test_the_demo_builders_come_from_the_apps_through_the_registry():
    """The core's demo_data command imports no app: each app's portal.py registers its builder."""
    from ligepraksis.registry import registry

    assert [name for _order, name, _fn in registry.demo] == [
        "core",
        "practices",
        "applications",
        "activities",
        "progress.milestones",
        "progress.consultants",
        "progress.reports",
        "progress.material",
        "finance",
        "evaluation",
        "evaluation.sharing",
    ]
    assert [fn.__module__ for _order, _name, fn in registry.demo] == [
        "ligepraksis.demo",
        "practices.demo",
        "applications.demo",
        "activities.demo",
        "progress.portals.milestones_data",
        "progress.portals.consultants",
        "progress.portals.reports_data",
        "progress.portals.material",
        "finance.demo",
        "evaluation.demo",
        "evaluation.demo",
    ]


@pytest.mark.django_db
def test_a_builder_added_later_fills_in_only_its_part(monkeypatch):
    from ligepraksis.registry import registry

    monkeypatch.setattr(registry, "demo", [b for b in registry.demo if b[1] != "activities"])
    call_command("demo_data", "--quiet")
    assert not Activity.objects.exists()
    monkeypatch.undo()

    call_command("demo_data", "--quiet")  # adds the catalogue, the participations and the hours
    assert Activity.objects.count() >= 13 and Registration.objects.exists()
    assert Application.objects.filter(status=ApplicationStatus.ACCEPTED).count() == 7
    before = _counts()
    call_command("demo_data", "--quiet")
    assert _counts() == before
