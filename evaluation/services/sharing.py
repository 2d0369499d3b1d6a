"""Writing interviews, the practice's own evaluation (and its consent to publish) and the
knowledge-sharing register.

Every function validates the whole row before it writes (the CPR guard included: a CPR number in a
note or a learning point is refused with a message naming the field, nothing saved), locks what it
changes and raises DomainError with a code. Interviews and evaluations are versioned
(`ligepraksis.concurrency.save_versioned`): when two save the same record at once, the second is told.
The views load the objects through evaluation/permissions.py; the services check the same rules again
(`_require`), so a command or a test cannot write past them either.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Participation
from evaluation import permissions
from evaluation.models import Interview, InterviewStatus, KnowledgeItem, PracticeEvaluation
from evaluation.selectors.sharing import linkable_hour_entries
from ligepraksis.concurrency import CHANGED_MESSAGE, save_versioned
from ligepraksis.errors import DomainError, validate_or_refuse

# DomainError codes (branch on these, never on the translated text)
FORBIDDEN = "forbidden"
CHANGED = "changed"
NO_EVALUATION = "no_evaluation"
NO_CONSENT = "no_consent"
HOURS_NOT_LINKABLE = "hours_not_linkable"
ENDED = "ended"

INTERVIEW_FIELDS = ("scheduled_at", "place", "status", "notes")
EVALUATION_FIELDS = ("example", "what_worked", "what_did_not", "learning_points", "recommendations")
KNOWLEDGE_FIELDS = ("kind", "title", "channel", "status", "happens_on", "link")


def _require(allowed: bool) -> None:
    if not allowed:
        raise DomainError(_("You may not change this."), code=FORBIDDEN)


# --- Interviews --------------------------------------------------------------------------------------


def interview_schedule(
    *,
    user,
    participation: Participation,
    scheduled_at: dt.datetime,
    place: str = "",
    status: str = InterviewStatus.PLANNED,
    notes: str = "",
) -> Interview:
    """An evaluator or project leader of the round schedules an interview with a participating practice."""
    _require(permissions.evaluates(user, participation))
    if participation.ended_at is not None:
        raise DomainError(_("The practice no longer takes part in the round."), code=ENDED)
    interview = Interview(
        participation=participation,
        evaluator=user,
        scheduled_at=scheduled_at,
        place=place,
        status=status,
        notes=notes,
    )
    validate_or_refuse(interview)
    interview._history_user = user
    interview.save()
    return interview


def interview_update(*, user, interview: Interview, version: int | None, data: dict) -> Interview:
    """Change the time, place, status or notes, if the interview is still at `version`."""
    _require(permissions.evaluates(user, interview.participation))
    changes = {name: data[name] for name in INTERVIEW_FIELDS if name in data}
    return save_versioned(interview, version=version, changes=changes)


# --- The practice's own evaluation and its consent to publish ---------------------------------------


def evaluation_save(
    *, user, participation: Participation, version: int | None, data: dict, now: dt.datetime | None = None
) -> PracticeEvaluation:
    """Those acting for the practice write (or change) its evaluation; a second concurrent save is
    refused with code "changed", nothing overwritten. Consent is not touched here."""
    _require(permissions.acts_for(user, participation.practice_id))
    changes = {name: data[name] for name in EVALUATION_FIELDS if name in data}
    changes["updated_at"] = now or timezone.now()
    with transaction.atomic():
        p = Participation.objects.select_for_update().get(pk=participation.pk)
        current = PracticeEvaluation.objects.filter(participation=p).first()
        if current is None:
            if version is not None:  # deleted meanwhile (the admin): say it changed
                raise DomainError(CHANGED_MESSAGE, code=CHANGED)
            evaluation = PracticeEvaluation(participation=p, **changes)
            validate_or_refuse(evaluation)
            evaluation._history_user = user
            evaluation.save()
            return evaluation
        if version is None:  # two people wrote the first version at once: the second is told
            raise DomainError(CHANGED_MESSAGE, code=CHANGED)
        return save_versioned(current, version=version, changes=changes)


def evaluation_consent(
    *, user, participation: Participation, give: bool, now: dt.datetime | None = None
) -> PracticeEvaluation:
    """Give or withdraw the practice's consent to publish its evaluation as a postcard.

    Giving sets `consent_given_at` now and clears a withdrawal (giving again after withdrawing is a new
    consent); withdrawing sets `consent_withdrawn_at`, which takes the postcard off the public page and
    out of later PDFs. Giving while consent stands, or withdrawing none, changes nothing."""
    _require(permissions.acts_for(user, participation.practice_id))
    now = now or timezone.now()
    with transaction.atomic():
        evaluation = (
            PracticeEvaluation.objects.select_for_update().filter(participation=participation).first()
        )
        if evaluation is None:
            raise DomainError(
                _("Write the evaluation first; then you can consent to publishing it."), code=NO_EVALUATION
            )
        if give:
            if evaluation.is_consented:
                return evaluation
            evaluation.consent_given_at, evaluation.consent_withdrawn_at = now, None
        else:
            if not evaluation.is_consented:
                raise DomainError(_("There is no consent to withdraw."), code=NO_CONSENT)
            evaluation.consent_withdrawn_at = now
        evaluation.consent_by = user
        validate_or_refuse(evaluation)
        evaluation._history_user = user
        evaluation.save(update_fields=["consent_given_at", "consent_withdrawn_at", "consent_by"])
    return evaluation


# --- The knowledge-sharing register ------------------------------------------------------------------


def _hour_entries(participation: Participation, ids) -> list:
    """The entries `ids` if every one is the practice's own (not rejected) evaluation entry of the
    participation's round; otherwise refused, nothing linked."""
    wanted = {int(pk) for pk in ids or ()}
    if not wanted:
        return []
    found = list(linkable_hour_entries(participation.pk).filter(pk__in=wanted))
    if len(found) != len(wanted):
        raise DomainError(
            _(
                'Only the practice\'s own hours logged under "Evaluation and knowledge sharing" in this '
                "round can be linked."
            ),
            field="hour_entries",
            code=HOURS_NOT_LINKABLE,
        )
    return found


def knowledge_item_add(*, user, participation: Participation, data: dict, hour_entry_ids=()) -> KnowledgeItem:
    """A new entry in the register for the practice (by the practice, or an evaluator or project leader
    of the round), optionally linked to the practice's evaluation hours."""
    _require(permissions.keeps_register(user, participation))
    with transaction.atomic():
        entries = _hour_entries(participation, hour_entry_ids)
        item = KnowledgeItem(
            participation=participation,
            created_by=user,
            **{name: data[name] for name in KNOWLEDGE_FIELDS if name in data},
        )
        validate_or_refuse(item)
        item._history_user = user
        item.save()
        item.hour_entries.set(entries)
    return item


def knowledge_item_update(*, user, item: KnowledgeItem, data: dict, hour_entry_ids=()) -> KnowledgeItem:
    """Change an entry and which evaluation hours it links to (the whole set is replaced)."""
    _require(permissions.keeps_register(user, item.participation))
    with transaction.atomic():
        current = KnowledgeItem.objects.select_for_update().select_related("participation").get(pk=item.pk)
        entries = _hour_entries(current.participation, hour_entry_ids)
        for name in KNOWLEDGE_FIELDS:
            if name in data:
                setattr(current, name, data[name])
        validate_or_refuse(current)
        current._history_user = user
        current.save()
        current.hour_entries.set(entries)
    return current
