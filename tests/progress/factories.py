"""Factories of the progress tests: a participating practice (through the application services) and
its records (through progress's services)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from progress.models import FocusCategory, PatientGroup
from progress.services import records as services
from tests.activities.service_factories import participate  # noqa: F401


def clinic_module_data(**kw) -> dict:
    data = {
        "held_on": timezone.localdate(),
        "doctors": 2,
        "staff": 5,
        "patient_group": PatientGroup.objects.get_or_create(name="Socialt udsatte borgere")[0],
        "patient_group_text": "",
        "challenges": "Udeblivelser og korte konsultationer",
        "focus": FocusCategory.objects.get_or_create(name="Proaktiv kontakt")[0],
        "focus_text": "",
    }
    data.update(kw)
    return data


def record_clinic_module(participation, user, **kw):
    return services.clinic_module_save(
        participation=participation, user=user, version=None, data=clinic_module_data(**kw)
    )


def record_followup(participation, user, **kw):
    data = {"held_on": timezone.localdate(), "participants": "Hele personalet", "decisions": "Vi ringer op"}
    data.update(kw)
    return services.followup_save(participation=participation, user=user, version=None, data=data)


def record_intervention(participation, user, **kw):
    data = {"aims": "Færre udeblivelser", "changes_planned": "SMS-påmindelse", "participants": "Sekretærerne"}
    data.update(kw)
    return services.intervention_save(participation=participation, user=user, version=None, data=data)


def pdsa_data(**kw) -> dict:
    today = timezone.localdate()
    data = {
        "plan_on": today - dt.timedelta(days=20),
        "plan": "Ring til patienter der udebliver",
        "do_on": today - dt.timedelta(days=10),
        "do": "Ringede til 12",
        "study_on": today - dt.timedelta(days=5),
        "study": "Halvdelen kom næste gang",
        "act_on": None,
        "act": "",
        "measure": "Udeblivelser pr. uge",
        "measure_before": Decimal("8"),
        "measure_after": Decimal("5"),
    }
    data.update(kw)
    return data
