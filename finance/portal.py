"""What finance/ adds to the start page, the menu, the demo data, the national data set, the
benchmark, the file kinds and a person's data export."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from applications.models import Participation
from applications.portal import measured_practice
from finance import (
    demo,  # noqa: F401  (registers the demo builder)
    exports,
    national,  # noqa: F401  (registers the national-data builder)
    permissions,
    personal_data,  # noqa: F401  (registers its part of a person's data)
)
from finance.selectors.earnings import earnings
from ligepraksis.models import ProgrammeRound, Region, Role, RoleGrant
from ligepraksis.money import format_kr
from ligepraksis.registry import (
    Card,
    Link,
    MeasuredPage,
    file_kind,
    measured_pages,
    practice_part,
    role_part,
    round_menu_links,
    start_cards,
)
from practices.permissions import own_practice_ids


@round_menu_links(order=40)
def round_links(user, round_obj, *, is_leader):
    if not is_leader:
        return []
    return [
        Link(_("The practices' money"), reverse("finance:round_money", args=[round_obj.pk])),
        Link(_("Money entries"), reverse("finance:entries", args=[round_obj.pk])),
        Link(_("Budget"), reverse("finance:budget", args=[round_obj.pk])),
        Link(_("What the round pays for"), reverse("finance:pay_items", args=[round_obj.pk])),
        Link(_("Instalments"), reverse("finance:instalments", args=[round_obj.pk])),
        Link(_("Payment list"), reverse("finance:payments", args=[round_obj.pk])),
        Link(_("Rates"), reverse("finance:rates", args=[round_obj.region_id])),
    ]


@start_cards
def finance_cards(request):
    user = request.user
    if not user.is_authenticated:
        return []
    cards = []
    own = own_practice_ids(user)
    if own:
        parts = Participation.objects.active().filter(practice_id__in=own).select_related("round", "practice")
        for result in earnings(parts):
            p = result.participation
            cards.append(
                Card(
                    title=_("Money"),
                    links=(
                        Link(
                            _("Earned so far"),
                            reverse("finance:money", args=[p.pk]),
                            state=format_kr(result.total),
                            description=p.round.name
                            if len(own) == 1
                            else f"{p.practice.name} · {p.round.name}",
                        ),
                    ),
                    part=practice_part(),
                    order=35,
                    key=f"money-{p.pk}",
                )
            )
    cards += _keu_cards(user)
    return cards


def _keu_cards(user) -> list[Card]:
    region_ids = permissions.keu_region_ids(user)
    if not region_ids:
        return []
    rounds_by_region: dict[int, list[ProgrammeRound]] = {}
    for r in ProgrammeRound.objects.filter(region_id__in=region_ids).order_by("-year", "name"):
        rounds_by_region.setdefault(r.region_id, []).append(r)
    cards = []
    for region in Region.objects.filter(pk__in=region_ids).order_by("name"):
        rounds = rounds_by_region.get(region.pk, [])
        cards.append(
            Card(
                title=_("Budget and money"),
                text=_("The grant from KEU by budget line: paid, committed and remaining, with exports."),
                links=tuple(
                    link
                    for r in rounds
                    for link in (
                        Link(
                            _("Budget of %(round)s") % {"round": r.name},
                            reverse("finance:budget", args=[r.pk]),
                        ),
                        Link(
                            _("The practices' money in %(round)s") % {"round": r.name},
                            reverse("finance:round_money", args=[r.pk]),
                        ),
                        Link(
                            _("Payment list of %(round)s") % {"round": r.name},
                            reverse("finance:payments", args=[r.pk]),
                        ),
                    )
                ),
                next_step=Link(_("Open the budget"), reverse("finance:budget", args=[rounds[0].pk]))
                if rounds
                else None,
                part=role_part(Role.KEU.label, region.name),
                order=70,
                key=f"keu-{region.pk}",
            )
        )
    return cards


@measured_pages
def pages():
    out = []
    keu = RoleGrant.objects.filter(role=Role.KEU).select_related("user").order_by("pk").first()
    if keu is not None:
        r = ProgrammeRound.objects.filter(region_id=keu.region_id, budget_lines__isnull=False).order_by(
            "-year", "pk"
        )
        round_id = r.values_list("pk", flat=True).first()
        if round_id is not None:
            out += [
                MeasuredPage("budget", Role.KEU.value, reverse("finance:budget", args=[round_id]), keu.user),
                MeasuredPage(
                    "the practices' money",
                    Role.KEU.value,
                    reverse("finance:round_money", args=[round_id]),
                    keu.user,
                ),
                MeasuredPage(
                    "the payment list", Role.KEU.value, reverse("finance:payments", args=[round_id]), keu.user
                ),
            ]
    leader = RoleGrant.objects.filter(role=Role.PROJECT_LEADER).select_related("user").order_by("pk").first()
    if leader is not None:
        role, r, user = Role.PROJECT_LEADER.value, leader.round_id, leader.user
        out += [
            MeasuredPage("money entries to decide", role, reverse("finance:entries", args=[r]), user),
            MeasuredPage("money history", role, reverse("finance:history", args=[r]), user),
            MeasuredPage("what the round pays for", role, reverse("finance:pay_items", args=[r]), user),
        ]
    practice = measured_practice()
    if practice is not None:
        participation, user = practice
        out.append(
            MeasuredPage(
                "the practice's money", "practice", reverse("finance:money", args=[participation.pk]), user
            )
        )
    return out


file_kind(exports.BUDGET, allowed=exports.allowed, table=exports.budget_table)
file_kind(exports.PAYMENTS, allowed=exports.payments_allowed, table=exports.payments_table)
