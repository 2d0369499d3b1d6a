"""progress/ consultants: writes (see progress/__init__.py). Each service validates, locks the
participation (so two sessions recorded at once cannot both squeeze under the budget) and raises a
DomainError the view can show."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Participation
from applications.permissions import ParticipationAccess, participation_access
from ligepraksis import formatting
from ligepraksis.errors import DomainError, validate_or_refuse
from progress.models.consultants import (
    ConsultantBudgetRaise,
    ConsultantKind,
    ConsultantSession,
    budget_of_round,
)

ZERO = Decimal("0")


def _lock(participation: Participation) -> Participation:
    return (
        Participation.objects.select_for_update().select_related("round", "practice").get(pk=participation.pk)
    )


def _check_kind(kind: str) -> None:
    if kind not in ConsultantKind.values:
        raise DomainError(_("Choose medical or process consultant."), field="kind", code="kind")


def _check_hours(hours) -> Decimal:
    if hours is None or Decimal(hours) <= ZERO:
        raise DomainError(_("The hours must be more than 0."), field="hours", code="hours_not_positive")
    return Decimal(hours)


def consultant_budget(participation: Participation, kind: str) -> Decimal:
    """The practice's budget of hours of a kind: the round's setting plus the leaders' raises."""
    raised = ConsultantBudgetRaise.objects.filter(participation=participation, kind=kind).aggregate(
        total=Sum("hours")
    )["total"]
    return budget_of_round(participation.round, kind) + (raised or ZERO)


def consultant_used(participation: Participation, kind: str) -> Decimal:
    used = ConsultantSession.objects.filter(participation=participation, kind=kind).aggregate(
        total=Sum("hours")
    )["total"]
    return used or ZERO


def consultant_session_record(
    *,
    participation: Participation,
    by,
    held_on: dt.date,
    hours: Decimal,
    kind: str,
    topic: str,
    note: str = "",
    now=None,
) -> ConsultantSession:
    """The assigned consultant or a project leader of the round records a session; refused if it would
    take the practice over its budget of hours of that kind."""
    now = now or timezone.now()
    _check_kind(kind)
    hours = _check_hours(hours)
    with transaction.atomic():
        participation = _lock(participation)
        access = participation_access(by, participation)
        if access not in (ParticipationAccess.LEADER, ParticipationAccess.CONSULTANT):
            raise DomainError(
                _("Only the practice's consultant or the round's project leaders can record a session."),
                code="not_allowed",
            )
        if held_on > timezone.localdate(now):
            raise DomainError(
                _("A session cannot be recorded before it is held."), field="held_on", code="future"
            )
        if held_on < timezone.localdate(participation.accepted_at):
            raise DomainError(
                _("The date is before the practice's participation began (%(day)s).")
                % {"day": formatting.day(timezone.localdate(participation.accepted_at))},
                field="held_on",
                code="before_participation",
            )
        budget = consultant_budget(participation, kind)
        used = consultant_used(participation, kind)
        if used + hours > budget:
            raise DomainError(
                _(
                    "That would exceed the practice's budget of %(kind)s hours: %(used)s of %(budget)s are "
                    "used, %(left)s are left. A project leader can raise the budget with a reason."
                )
                % {
                    "kind": ConsultantKind(kind).label.lower(),
                    "used": formatting.hours_text(used),
                    "budget": formatting.hours_text(budget),
                    "left": formatting.hours_text(max(budget - used, ZERO)),
                },
                field="hours",
                code="over_budget",
            )
        consultant_session = ConsultantSession(
            participation=participation,
            held_on=held_on,
            hours=hours,
            kind=kind,
            topic=(topic or "").strip(),
            note=(note or "").strip(),
            recorded_by=by,
            recorded_at=now,
        )
        validate_or_refuse(consultant_session, exclude=["participation", "recorded_by"])
        consultant_session._history_user = by
        consultant_session.save()
    return consultant_session


def consultant_budget_raise(
    *, participation: Participation, by, kind: str, hours: Decimal, reason: str, now=None
) -> ConsultantBudgetRaise:
    """A project leader of the round raises one practice's budget of hours of a kind, with a reason."""
    now = now or timezone.now()
    _check_kind(kind)
    hours = _check_hours(hours)
    with transaction.atomic():
        participation = _lock(participation)
        if participation_access(by, participation) != ParticipationAccess.LEADER:
            raise DomainError(
                _("Only the round's project leaders can raise a practice's budget."), code="not_allowed"
            )
        reason = (reason or "").strip()
        if not reason:
            raise DomainError(_("Give a reason for the raise."), field="reason", code="reason_missing")
        raise_row = ConsultantBudgetRaise(
            participation=participation, kind=kind, hours=hours, reason=reason, raised_by=by, raised_at=now
        )
        validate_or_refuse(raise_row, exclude=["participation", "raised_by"])
        raise_row.save()
    return raise_row
