"""Saving what the practice records. One record of each kind per participation (a PDSA cycle per
row); each save is versioned (a second concurrent save is refused with code "changed", nothing
overwritten), validated whole before anything is written (CPR guard, dates, numbers), kept in the
history, and brings the participation's data-fed milestones up to date in the same transaction."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from applications.models import Participation
from ligepraksis.concurrency import CHANGED_MESSAGE, save_versioned
from ligepraksis.errors import DomainError, validate_or_refuse
from progress.models import ClinicModule, FollowupMeeting, Intervention, PdsaCycle
from progress.services.milestones import milestones_refresh

CLINIC_MODULE_FIELDS = (
    "held_on",
    "doctors",
    "staff",
    "patient_group",
    "patient_group_text",
    "challenges",
    "focus",
    "focus_text",
)
FOLLOWUP_FIELDS = ("held_on", "participants", "decisions")
INTERVENTION_FIELDS = ("aims", "changes_planned", "participants")
PDSA_FIELDS = (
    "plan_on",
    "plan",
    "do_on",
    "do",
    "study_on",
    "study",
    "act_on",
    "act",
    "measure",
    "measure_before",
    "measure_after",
)


def _refuse_ended(participation: Participation) -> None:
    if participation.ended_at is not None:
        raise DomainError(_("The practice no longer takes part in the round."), code="ended")


def _save_one(model, *, participation: Participation, version: int | None, data: dict, fields):
    """Create the participation's record of `model`, or change it if it is still at `version`."""
    changes = {name: data[name] for name in fields if name in data}
    with transaction.atomic():
        p = Participation.objects.select_for_update().select_related("round").get(pk=participation.pk)
        _refuse_ended(p)
        current = model.objects.filter(participation=p).first()
        if current is None:
            if version is not None:  # someone deleted it meanwhile (the admin): say it changed
                raise DomainError(CHANGED_MESSAGE, code="changed")
            obj = model(participation=p, **changes)
            validate_or_refuse(obj)
            obj.save()
        else:
            if version is None:  # two people made the record at once: the second is told
                raise DomainError(CHANGED_MESSAGE, code="changed")
            current.participation = p
            obj = save_versioned(current, version=version, changes=changes)
        milestones_refresh(participations=[p])
    return obj


def clinic_module_save(
    *, participation: Participation, user, version: int | None, data: dict
) -> ClinicModule:
    """The practice records (or corrects) its clinic module; closes the "clinic module held" milestone."""
    return _save_one(
        ClinicModule, participation=participation, version=version, data=data, fields=CLINIC_MODULE_FIELDS
    )


def followup_save(*, participation: Participation, user, version: int | None, data: dict) -> FollowupMeeting:
    """The practice records (or corrects) its follow-up meeting; closes its milestone."""
    return _save_one(
        FollowupMeeting, participation=participation, version=version, data=data, fields=FOLLOWUP_FIELDS
    )


def intervention_save(*, participation: Participation, user, version: int | None, data: dict) -> Intervention:
    """The practice describes (or changes) its own intervention."""
    return _save_one(
        Intervention, participation=participation, version=version, data=data, fields=INTERVENTION_FIELDS
    )


def pdsa_cycle_add(*, intervention: Intervention, user, data: dict) -> PdsaCycle:
    """A new PDSA cycle in the own intervention's log; closes "own intervention under way"."""
    with transaction.atomic():
        p = Participation.objects.select_for_update().get(pk=intervention.participation_id)
        _refuse_ended(p)
        cycle = PdsaCycle(intervention=intervention, **{k: data[k] for k in PDSA_FIELDS if k in data})
        validate_or_refuse(cycle)
        cycle.save()
        milestones_refresh(participations=[p])
    return cycle


def pdsa_cycle_save(*, cycle: PdsaCycle, user, version: int | None, data: dict) -> PdsaCycle:
    """Change a PDSA cycle if it is still at `version` (the do, study and act come later)."""
    _refuse_ended(cycle.intervention.participation)
    return save_versioned(cycle, version=version, changes={k: data[k] for k in PDSA_FIELDS if k in data})
