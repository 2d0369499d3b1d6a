"""Reads of what the practice records (a fixed number of queries; the PDSA log is paged)."""

from __future__ import annotations

from dataclasses import dataclass

from progress.models import (
    ClinicModule,
    FocusCategory,
    FollowupMeeting,
    Intervention,
    PatientGroup,
    PdsaCycle,
)

CYCLES_PER_PAGE = 20


@dataclass
class Records:
    clinic_module: ClinicModule | None
    followup: FollowupMeeting | None
    intervention: Intervention | None


def records_of(participation) -> Records:
    return Records(
        clinic_module=ClinicModule.objects.filter(participation=participation)
        .select_related("patient_group", "focus")
        .first(),
        followup=FollowupMeeting.objects.filter(participation=participation).first(),
        intervention=Intervention.objects.filter(participation=participation).first(),
    )


def cycles_of(intervention):
    """The intervention's PDSA cycles, newest plan first (a page at a time)."""
    if intervention is None:
        return PdsaCycle.objects.none()
    return PdsaCycle.objects.filter(intervention=intervention).order_by("-plan_on", "-pk")


def patient_groups():
    return PatientGroup.objects.filter(active=True)


def focus_categories():
    return FocusCategory.objects.filter(active=True)
