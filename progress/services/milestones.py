"""Milestones: a round's template, each participation's milestones, bringing data-fed ones up to date,
and a project leader's close or reopen by hand (with a reason, kept in the history).

When data-fed milestones are brought up to date: progress/ is above applications/ and activities/,
which never import it and send no signal for it. `milestones_refresh` reads their selectors (the
hours ledger, the start-up meeting) and progress's own records, and is called when a page asks (the
progress page, the dashboard, the start-page cards), when a record is saved (records services), by
the management command `progress_milestones` (and the demo and national builders). It is idempotent.

"Status reports up to date" is data-fed from the status reports (`progress.selectors.reports`): in
progress while the practice has filed at least one report and none is overdue; done (closed, and
staying closed) once every period that ends on or before the milestone's due date has a report (at
least the first period); overdue by the one rule (`MilestoneQuerySet.overdue`) when its due date passes
first. A practice that falls behind before the due date keeps "in progress" (started is not undone);
its overdue reports are shown next to it by the reports' own rule (`ReportSchedule.overdue`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from simple_history.utils import bulk_update_with_history

from activities import selectors as activity_selectors
from applications.models import Participation
from ligepraksis import formatting
from ligepraksis.errors import DomainError, validate_or_refuse
from ligepraksis.models import ProgrammeRound
from progress.events import milestones_closed
from progress.models import (
    DEFAULT_TEMPLATE,
    ClinicModule,
    ClosedBy,
    FollowupMeeting,
    Intervention,
    Milestone,
    MilestoneTemplate,
    PdsaCycle,
    default_due_date,
)
from progress.selectors import reports as report_selectors

MAX_REASON = 2000


def _reason(text) -> str:
    """A history row's change reason, stored in the portal's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


def milestone_templates_ensure(*, rounds: Iterable[ProgrammeRound]) -> int:
    """Give each round without a milestone template the default one; returns how many rows were made.
    A round that has a template (even one a leader changed) is left as it is."""
    rounds = list(rounds)
    have = set(
        MilestoneTemplate.objects.filter(round__in=rounds).values_list("round_id", flat=True).distinct()
    )
    with translation.override(settings.LANGUAGE_CODE):  # stored data: in the portal's language
        names = {kind: str(kind.label) for kind, _closes in DEFAULT_TEMPLATE}
    rows = [
        MilestoneTemplate(
            round=r,
            kind=kind,
            name=names[kind],
            order=(i + 1) * 10,
            due_date=default_due_date(kind, r.year),
            closes_by=closes_by,
        )
        for r in rounds
        if r.pk not in have
        for i, (kind, closes_by) in enumerate(DEFAULT_TEMPLATE)
    ]
    MilestoneTemplate.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def milestones_ensure(*, participations) -> int:
    """Each participation gets one milestone per template row of its round (the template made first if
    the round has none). Idempotent: returns how many milestones were made (0 the second time)."""
    parts = list(participations)
    if not parts:
        return 0
    rounds = {p.round_id: p.round for p in parts}
    milestone_templates_ensure(rounds=rounds.values())
    templates: dict[int, list[int]] = {}
    for t_id, r_id in MilestoneTemplate.objects.filter(round_id__in=rounds).values_list("pk", "round_id"):
        templates.setdefault(r_id, []).append(t_id)
    existing = dict(Milestone.objects.filter(participation__in=parts).values_list("pk", "participation_id"))
    have = set(
        Milestone.objects.filter(participation__in=parts).values_list("participation_id", "template_id")
    )
    missing = [
        Milestone(participation_id=p.pk, template_id=t)
        for p in parts
        for t in templates.get(p.round_id, [])
        if (p.pk, t) not in have
    ]
    if missing:
        with transaction.atomic():
            # A page and a task at once may both make them: the second one's rows are left out.
            Milestone.objects.bulk_create(missing, ignore_conflicts=True)
            made = list(Milestone.objects.filter(participation__in=parts).exclude(pk__in=list(existing)))
            Milestone.history.bulk_history_create(
                made, default_change_reason=_reason(gettext_lazy("made from the round's milestone template"))
            )
    return len(missing)


def _data_facts(parts, report_due: dict[int, dt.date]) -> dict[int, dict]:
    """participation id -> what the lower apps' selectors and progress's records say (fixed queries).
    `report_due`: participation id -> the due date of its open "status reports up to date" milestone."""
    facts = {p.pk: {} for p in parts}
    if report_due:
        today = timezone.localdate()
        up_to_date = report_selectors.reports_up_to_date(report_due, today)
        for pid, by_due in report_selectors.reports_by_due_date(parts, report_due).items():
            facts[pid]["reports"] = by_due
            facts[pid]["reports_current"] = up_to_date.get(pid, False) and by_due.filed
    for lg in activity_selectors.ledgers(parts):
        f = facts[lg.participation.pk]
        f["startup_done"] = lg.startup_done
        f["startup_some"] = bool(lg.startup_attended)
        f["hours_done"] = lg.done
        f["hours_some"] = lg.total > 0
        f["hours_text"] = _("%(done)s of %(target)s") % {
            "done": formatting.hours(lg.total),
            "target": formatting.hours_text(lg.target),
        }
    for cm in ClinicModule.objects.filter(participation__in=parts).values("participation_id", "held_on"):
        facts[cm["participation_id"]]["clinic_module"] = cm["held_on"]
    for fm in FollowupMeeting.objects.filter(participation__in=parts).values("participation_id", "held_on"):
        facts[fm["participation_id"]]["followup"] = fm["held_on"]
    for pid in Intervention.objects.filter(participation__in=parts).values_list(
        "participation_id", flat=True
    ):
        facts[pid]["intervention"] = True
    for row in (
        PdsaCycle.objects.filter(intervention__participation__in=parts)
        .values("intervention__participation_id")
        .annotate(first=Min("plan_on"))
        .order_by()
    ):
        facts[row["intervention__participation_id"]]["pdsa"] = row["first"]
    return facts


def _verdict(closes_by: str, f: dict) -> tuple[bool, bool, str]:
    """(done, started, evidence) of a data-fed milestone from the facts of its participation."""
    if closes_by == ClosedBy.ATTENDANCE:
        return (
            f.get("startup_done", False),
            f.get("startup_some", False),
            _("Both coordinators attended the start-up meeting."),
        )
    if closes_by == ClosedBy.HOURS_LEDGER:
        text = f.get("hours_text", "")
        return (
            f.get("hours_done", False),
            f.get("hours_some", False),
            _("The hours ledger reached the target: %(hours)s.") % {"hours": text},
        )
    if closes_by == ClosedBy.CLINIC_MODULE:
        day = f.get("clinic_module")
        return (
            day is not None,
            False,
            _("Clinic module held %(day)s.") % {"day": formatting.day(day)} if day else "",
        )
    if closes_by == ClosedBy.FOLLOWUP:
        day = f.get("followup")
        return (
            day is not None,
            False,
            _("Follow-up meeting held %(day)s.") % {"day": formatting.day(day)} if day else "",
        )
    if closes_by == ClosedBy.PDSA:
        day = f.get("pdsa")
        return (
            day is not None,
            f.get("intervention", False),
            _("First PDSA cycle planned %(day)s.") % {"day": formatting.day(day)} if day else "",
        )
    if closes_by == ClosedBy.STATUS_REPORTS:
        by_due = f.get("reports")
        return (
            by_due is not None and by_due.complete,
            f.get("reports_current", False),
            ngettext(
                "The status report of the one period up to the due date is filed.",
                "The status reports of all %(n)s periods up to the due date are filed.",
                by_due.periods if by_due else 0,
            )
            % {"n": by_due.periods if by_due else 0},
        )
    return False, False, ""


def milestones_refresh(*, participations) -> int:
    """Make the participations' milestones (`milestones_ensure`) and bring the open data-fed ones up to
    date: close those whose data says done (saying what closed them), mark started those with some
    data. Never reopens: a milestone closed by data stays closed when its data later changes. A fixed
    number of queries whatever the number of participations; returns how many milestones changed."""
    parts = list(
        participations.select_related(
            "round", "practice", "application__doctor_coordinator", "application__staff_coordinator"
        )
        if hasattr(participations, "select_related")
        else participations
    )
    if not parts:
        return 0
    milestones_ensure(participations=parts)
    open_ = list(
        Milestone.objects.filter(participation__in=parts, closed_at__isnull=True)
        .exclude(template__closes_by=ClosedBy.MANUAL)
        .select_related("template")
    )
    if not open_:
        return 0
    now = timezone.now()
    changed = []
    # What closed a milestone is stored data: written in the portal's language, whoever asked.
    with translation.override(settings.LANGUAGE_CODE):
        report_due = {
            m.participation_id: m.template.due_date
            for m in open_
            if m.template.closes_by == ClosedBy.STATUS_REPORTS
        }
        facts = _data_facts(parts, report_due)
        verdicts = {m.pk: _verdict(m.template.closes_by, facts.get(m.participation_id, {})) for m in open_}
    for m in open_:
        done, started, evidence = verdicts[m.pk]
        if done:
            m.closed_at, m.closed_by, m.evidence = now, m.template.closes_by, evidence
            m.started_at = m.started_at or now
            m._change_reason = evidence
            changed.append(m)
        elif started and m.started_at is None:
            m.started_at = now
            changed.append(m)
    if changed:
        with transaction.atomic():
            # Only rows still open are closed (a leader may have closed one meanwhile).
            still_open = set(
                Milestone.objects.select_for_update()
                .filter(pk__in=[m.pk for m in changed], closed_at__isnull=True)
                .values_list("pk", flat=True)
            )
            changed = [m for m in changed if m.pk in still_open]
            bulk_update_with_history(
                changed,
                Milestone,
                ["started_at", "closed_at", "closed_by", "evidence"],
                default_change_reason=_reason(gettext_lazy("brought up to date from the practice's data")),
            )
            _closed([m.pk for m in changed if m.closed_at is not None])
    return len(changed)


def _closed(milestone_ids: list[int]) -> None:
    """Tell the apps above (evaluation/) which milestones closed, in the closing transaction."""
    if milestone_ids:
        milestones_closed.send(sender=Milestone, milestone_ids=milestone_ids)


def milestone_close(*, milestone: Milestone, user, reason: str) -> Milestone:
    """A project leader closes a milestone by hand; the reason is kept in its history."""
    return _by_hand(milestone=milestone, user=user, reason=reason, close=True)


def milestone_reopen(*, milestone: Milestone, user, reason: str) -> Milestone:
    """A project leader reopens a milestone (also one closed by data); the reason is kept in its
    history. A reopened data-fed milestone is closed again by its data at the next refresh."""
    return _by_hand(milestone=milestone, user=user, reason=reason, close=False)


def _by_hand(*, milestone: Milestone, user, reason: str, close: bool) -> Milestone:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give a reason for the change."), field="reason", code="reason_required")
    with transaction.atomic():
        m = Milestone.objects.select_for_update().select_related("template").get(pk=milestone.pk)
        if close and m.is_done:
            raise DomainError(_("The milestone is already done."), code="already_done")
        if not close and not m.is_done:
            raise DomainError(_("The milestone is not done."), code="not_done")
        now = timezone.now()
        if close:
            m.closed_at, m.closed_by = now, ClosedBy.MANUAL
            with translation.override(settings.LANGUAGE_CODE):
                m.evidence = _("Closed by hand.")
            m.started_at = m.started_at or now
        else:
            m.closed_at, m.closed_by, m.evidence = None, "", ""
        m.changed_by, m.reason = user, reason
        validate_or_refuse(m)
        m._change_reason = reason[:100]
        m.save()
        if close:
            _closed([m.pk])
    return m


def milestones_refresh_all(*, round_ids: Iterable[int] | None = None) -> int:
    """Every active participation (of the rounds given): the management command and the builders."""
    qs = Participation.objects.active()
    if round_ids is not None:
        qs = qs.filter(round_id__in=list(round_ids))
    return milestones_refresh(participations=qs)


def milestone_template_save(*, round_obj: ProgrammeRound, rows: list[tuple[MilestoneTemplate, dict]]) -> None:
    """A project leader changes the round's milestone template: each (row, {name, order, due_date}),
    all or nothing. The hour target's due date is the round's hour deadline and is not changed here."""
    with transaction.atomic():
        locked = {
            t.pk: t
            for t in MilestoneTemplate.objects.select_for_update()
            .filter(round=round_obj)
            .select_related("round")
        }
        for template, values in rows:
            t = locked.get(template.pk)
            if t is None:
                raise DomainError(_("The milestone template changed meanwhile."), code="changed")
            t.name, t.order = values["name"], values["order"]
            if not t.reads_hour_deadline:
                if values.get("due_date") is None:
                    raise DomainError(
                        _("%(name)s: give a due date.") % {"name": t.name},
                        field="due_date",
                        code="due_date_required",
                    )
                t.due_date = values["due_date"]
            validate_or_refuse(t)
            t.save()
