"""What status reports add to the start page, the measured pages and a person's data export and
erasure (the demo and national data are in progress/reports_data.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applications.models import Participation
from applications.portal import measured_practice
from ligepraksis import formatting
from ligepraksis.models import Role, RoleGrant
from ligepraksis.permissions import rounds_for_user
from ligepraksis.registry import (
    Card,
    Link,
    MeasuredPage,
    measured_pages,
    personal_data,
    practice_part,
    role_part,
    start_cards,
)
from practices.permissions import own_practice_ids, practices_for_user
from practices.personal_data import rewrite_texts
from progress.models.reports import StatusReport
from progress.selectors import reports as selectors


@start_cards
def report_cards(request):
    user = request.user
    if not user.is_authenticated:
        return []
    today = timezone.localdate()
    cards = []
    own = own_practice_ids(user)
    if own:
        statuses = selectors.participations_acting_for(own, today)
        several = len(statuses) > 1
        for s in statuses:
            cards.append(_practice_card(s, several))
    leader_or_steering = list(
        rounds_for_user(user, Role.PROJECT_LEADER, Role.STEERING).order_by("-year", "name")
    )
    consultant = list(rounds_for_user(user, Role.CONSULTANT).order_by("-year", "name"))
    for round_obj in leader_or_steering:
        ids = list(Participation.objects.active().filter(round=round_obj).values_list("pk", flat=True))
        cards.append(
            _round_card(
                round_obj, ids, today, Role.PROJECT_LEADER if _leads(user, round_obj) else Role.STEERING
            )
        )
    seen = {r.pk for r in leader_or_steering}
    visible = None
    for round_obj in consultant:
        if round_obj.pk in seen:
            continue
        if visible is None:
            visible = set(practices_for_user(user).values_list("pk", flat=True))
        ids = list(
            Participation.objects.active()
            .filter(round=round_obj, practice_id__in=visible)
            .values_list("pk", flat=True)
        )
        cards.append(_round_card(round_obj, ids, today, Role.CONSULTANT))
    return cards


def _leads(user, round_obj) -> bool:
    from ligepraksis.permissions import is_leader

    return is_leader(user, round_obj)


def _practice_card(s, several: bool) -> Card:
    p = s.participation
    url = reverse("progress:reports", args=[p.pk])
    links = []
    if s.overdue:
        n = len(s.overdue)
        links.append(
            Link(
                ngettext("%(n)s status report is overdue", "%(n)s status reports are overdue", n)
                % {"n": formatting.number(n)},
                url,
                description=_("Due %(day)s") % {"day": formatting.day(s.overdue[0].ends_on)},
                urgent=True,
            )
        )
    if s.next_due is not None:
        links.append(
            Link(
                _("Next status report"),
                url,
                state=_("due %(day)s") % {"day": formatting.day(s.next_due.ends_on)},
            )
        )
    step = Link(_("File a status report"), url) if s.open_periods else Link(_("See the status reports"), url)
    title = _("Status reports in %(round)s") % {"round": p.round.name}
    if several:
        title += f" – {p.practice.name}"
    return Card(
        title=title,
        links=tuple(links),
        text=_("A short report every %(n)s months: progress, challenges, support wanted and a traffic light.")
        % {"n": s.schedule.interval},
        next_step=step,
        part=practice_part(),
        order=24,
        key=f"practice-reports-{p.pk}",
    )


def _round_card(round_obj, participation_ids, today, role) -> Card:
    counts = selectors.overdue_report_counts(participation_ids, today)
    behind = sum(1 for n in counts.values() if n)
    url = reverse("progress:round_reports", args=[round_obj.pk])
    return Card(
        title=_("Status reports"),
        links=(
            Link(
                ngettext(
                    "%(n)s practice has an overdue status report",
                    "%(n)s practices have an overdue status report",
                    behind,
                )
                % {"n": formatting.number(behind)},
                url,
                urgent=bool(behind),
            ),
        ),
        # A button only when there is something to look at (an overdue report): nothing to do is
        # said plainly, without a button to nowhere.
        next_step=Link(_("See the status reports"), url) if behind else None,
        part=role_part(role.label, round_obj.name),
        order=33 if role == Role.PROJECT_LEADER else 62,
        key=f"reports-{role.value}-{round_obj.pk}",
    )


@measured_pages
def pages():
    out = []
    practice = measured_practice()
    if practice is not None:
        participation, user = practice
        url = reverse("progress:reports", args=[participation.pk])
        out.append(MeasuredPage("the practice's status reports", "practice", url, user))
    leader = RoleGrant.objects.filter(role=Role.PROJECT_LEADER).select_related("user").order_by("pk").first()
    if leader is not None:
        out.append(
            MeasuredPage(
                "status reports of a round",
                Role.PROJECT_LEADER.value,
                reverse("progress:round_reports", args=[leader.round_id]),
                leader.user,
            )
        )
    return out


# --- A person's data: the status reports they filed (their login's), with the reports' history ----------


def _user_ids(person) -> list[int]:
    return [person.user_id] if getattr(person, "user_id", None) else []


def export(person) -> dict:
    users = _user_ids(person)
    reports = (
        StatusReport.objects.filter(submitted_by_id__in=users)
        .select_related("participation__practice", "participation__round")
        .order_by("submitted_at", "pk")
    )
    changes = (
        StatusReport.history.filter(history_user_id__in=users)
        .select_related("participation__practice")
        .order_by("history_date", "history_id")
    )
    return {
        "status_reports": [
            {
                "round": r.participation.round.name,
                "practice": r.participation.practice.name,
                "period_start": r.period_start,
                "period_end": r.period_end,
                "progress": r.progress,
                "challenges": r.challenges,
                "support_wanted": r.support_wanted,
                "traffic_light": r.get_traffic_light_display(),
                "submitted_at": r.submitted_at,
            }
            for r in reports
        ],
        "status_report_changes": [
            {
                "practice": h.participation.practice.name,
                "period_start": h.period_start,
                "changed_at": h.history_date,
                "change": h.get_history_type_display(),
                "progress": h.progress,
                "challenges": h.challenges,
                "support_wanted": h.support_wanted,
            }
            for h in changes
        ],
    }


TEXTS = ("progress", "challenges", "support_wanted")


def erase(person, *, label: str) -> None:
    """The person's name goes from every status report of their practices' participations and from
    every history row of those reports (who filed a report stays: the login is anonymised by
    practices/)."""
    practice_ids = list(person.memberships.values_list("practice_id", flat=True))
    reports = StatusReport.objects.filter(participation__practice_id__in=practice_ids)
    rewrite_texts(reports, TEXTS, person.name, label)
    rewrite_texts(
        StatusReport.history.filter(participation__practice_id__in=practice_ids), TEXTS, person.name, label
    )


def rounds(person_ids):
    """A person took part in the rounds of the status reports their login filed."""
    from practices.models import Person

    users = dict(Person.objects.filter(pk__in=person_ids, user__isnull=False).values_list("user_id", "pk"))
    for user_id, round_id in (
        StatusReport.objects.filter(submitted_by_id__in=list(users))
        .values_list("submitted_by_id", "participation__round_id")
        .distinct()
    ):
        yield users[user_id], round_id


personal_data("progress.reports", export=export, erase=erase, rounds=rounds, order=50)
