"""The milestones' part of the portal: the practice's and the leaders' start-page cards, the round
menu's dashboard link and the measured pages (the dashboard and a practice's progress page)."""

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
    practice_part,
    role_part,
    round_menu_links,
    start_cards,
)
from practices.permissions import own_practice_ids
from progress.selectors import milestones as selectors
from progress.services.milestones import milestones_refresh

__all__ = ["dashboard_link", "milestone_cards", "pages"]


@round_menu_links(order=25)
def dashboard_link(user, round_obj, *, is_leader):
    if not is_leader:
        return []
    return [Link(_("Progress of the practices"), reverse("progress:dashboard", args=[round_obj.pk]))]


@start_cards
def milestone_cards(request):
    user = request.user
    if not user.is_authenticated:
        return []
    today = timezone.localdate()
    cards = []
    own = own_practice_ids(user)
    if own:
        milestones_refresh(participations=Participation.objects.active().filter(practice_id__in=own))
        cards += _practice_cards(own, today)
    leader_rounds = list(rounds_for_user(user, Role.PROJECT_LEADER).order_by("-year", "name"))
    if leader_rounds:
        cards += _leader_cards(leader_rounds, today)
    return cards


def _practice_cards(own, today) -> list[Card]:
    """Per participation: the next milestone and the overdue ones."""
    found = selectors.practice_milestones(own, today=today)
    several = len(found) > 1
    cards = []
    for pm in found:
        p = pm.participation
        url = reverse("progress:progress", args=[p.pk])
        links = [
            Link(
                m.template.name,
                reverse("progress:milestone", args=[m.pk]),
                state=_("overdue since %(day)s") % {"day": formatting.day(m.due_on)},
                urgent=True,
            )
            for m in pm.overdue
        ]
        if pm.next_one is not None:
            links.append(
                Link(
                    pm.next_one.template.name,
                    reverse("progress:milestone", args=[pm.next_one.pk]),
                    state=_("next, due %(day)s") % {"day": formatting.day(pm.next_one.due_on)},
                )
            )
        title = _("Milestones in %(round)s") % {"round": p.round.name}
        if several:
            title += f" – {p.practice.name}"
        cards.append(
            Card(
                title=title,
                text="" if links else _("Every milestone is done."),
                links=tuple(links),
                next_step=Link(_("Open the progress page"), url),
                part=practice_part(),
                order=24,
                key=f"practice-milestones-{p.pk}",
            )
        )
    return cards


def _leader_cards(rounds, today) -> list[Card]:
    overdue = selectors.overdue_by_round([r.pk for r in rounds], today=today)
    cards = []
    for r in rounds:
        n = overdue.get(r.pk, 0)
        url = reverse("progress:dashboard", args=[r.pk])
        cards.append(
            Card(
                title=_("Progress of the practices"),
                links=(
                    Link(
                        ngettext("%(n)s milestone overdue", "%(n)s milestones overdue", n)
                        % {"n": formatting.number(n)},
                        url,
                        urgent=bool(n),
                    ),
                ),
                next_step=Link(_("Open the dashboard"), url),
                part=role_part(Role.PROJECT_LEADER.label, r.name),
                order=32,
                key=f"leader-progress-{r.pk}",
            )
        )
    return cards


@measured_pages
def pages():
    out = []
    leader = RoleGrant.objects.filter(role=Role.PROJECT_LEADER).select_related("user").order_by("pk").first()
    practice = measured_practice()
    if leader is not None:
        role = Role.PROJECT_LEADER.value
        out.append(
            MeasuredPage(
                "progress dashboard", role, reverse("progress:dashboard", args=[leader.round_id]), leader.user
            )
        )
        if practice is not None and practice[0].round_id == leader.round_id:
            out.append(
                MeasuredPage(
                    "a practice's progress",
                    role,
                    reverse("progress:progress", args=[practice[0].pk]),
                    leader.user,
                )
            )
    if practice is not None:
        participation, user = practice
        out.append(
            MeasuredPage(
                "the practice's progress",
                "practice",
                reverse("progress:progress", args=[participation.pk]),
                user,
            )
        )
    return out
