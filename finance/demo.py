"""Demo data of finance/ (after activities, order 40): the region's rates for 2026 and 2027, the 2026
round's paid items (transport switched on), its budget lines with expenses on several of them (one past
the warning share), and entries of the participating practices, some approved and some awaiting a
decision. Every write goes through the services; the texts are invented."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from applications.models import Participation
from finance.models import BudgetLine, ExpenseStatus, ItemKind, PayItem
from finance.services import budget as budget_services
from finance.services import earnings as earning_services
from finance.services import instalments as instalment_services
from finance.services import rates as rate_services
from ligepraksis.demo import DemoContext
from ligepraksis.models import Role, RoleGrant
from ligepraksis.registry import demo_builder
from practices.models import PracticeGrant
from progress.models import Milestone
from progress.services.milestones import milestone_close, milestones_ensure

RATES = {2026: ("1098.80", "3.94"), 2027: ("1131.80", "3.94")}  # 2027: an invented figure

# (name, granted) of the 2026 round's KEU grant (invented amounts)
LINES = (
    ("Koordinering", "600000"),
    ("Facilitering og konsulenter", "900000"),
    ("Evaluering", "300000"),
    ("Arrangementer", "250000"),
    ("Praksishonorarer", "1000000"),
    ("Transport", "50000"),
    ("Materiale og formidling", "100000"),
)

HONORARIA_LINE = "Praksishonorarer"  # the practices' honoraria are paid from it

# (line, description, amount, status, month)
EXPENSES = (
    ("Koordinering", "Projektkoordinator, 1. halvår", "180000", ExpenseStatus.PAID, 6),
    ("Koordinering", "Projektkoordinator, 2. halvår", "180000", ExpenseStatus.COMMITTED, 7),
    ("Facilitering og konsulenter", "Praksiskonsulenter, forår", "215000", ExpenseStatus.PAID, 5),
    ("Arrangementer", "Temapraksisdag: lokaler og forplejning", "148500", ExpenseStatus.PAID, 4),
    ("Arrangementer", "Opstartsmøder: lokaler og forplejning", "82000", ExpenseStatus.COMMITTED, 2),
    ("Materiale og formidling", "Tryk af drejebog og klinikmodul", "23750.50", ExpenseStatus.PAID, 3),
    ("Evaluering", "Evaluator, første del", "95000", ExpenseStatus.COMMITTED, 9),
)

ENTRY_TEXTS = (
    "Møde i praksis om opsporing af sårbare patienter",
    "Gennemgang af patientlisten og plan for opfølgning",
    "PDSA-cyklus: faste telefontider for sårbare patienter",
    "Undervisning af personalet i brug af tolk",
)


@demo_builder(order=60, name="finance")
def build_finance(ctx: DemoContext) -> None:
    round_obj = ctx.round_a
    if BudgetLine.objects.filter(round=round_obj).exists():
        return
    leader = ctx.users["leaders"][0]
    keu = RoleGrant.objects.filter(role=Role.KEU, region=ctx.region).select_related("user").first().user
    for year, (hourly, per_km) in RATES.items():
        rate_services.rate_save(
            user=leader, region=ctx.region, year=year, hourly=Decimal(hourly), per_km=Decimal(per_km)
        )
    earning_services.pay_items_ensure(round_obj=round_obj)
    transport = PayItem.objects.get(round=round_obj, kind=ItemKind.TRANSPORT)
    transport.enabled, transport.cap = True, Decimal("400")
    transport._history_user = leader
    transport.save()  # a save, not update(): the change is in the money history
    earning_services.pay_items_ensure(round_obj=ctx.round_b)
    lines = {}
    for order, (name, granted) in enumerate(LINES, start=1):
        lines[name] = budget_services.budget_line_save(
            user=leader,
            round_obj=round_obj,
            name=name,
            granted=Decimal(granted),
            order=order,
            honoraria=name == HONORARIA_LINE,
        )
    for line, text, amount, status, month in EXPENSES:
        budget_services.expense_add(
            user=keu,
            line=lines[line],
            description=text,
            amount=Decimal(amount),
            incurred_on=dt.date(round_obj.year, month, 15),
            status=status,
            overspend_reason="",
        )
    _entries(ctx, round_obj, leader)
    _instalments(round_obj, leader, keu)
    ctx.say(
        f"finance: rates, {len(LINES)} budget lines, {len(EXPENSES)} expenses, entries, instalments "
        "(one paid, one payable, one withheld)"
    )


def close_for(participation, leader, instalment, reason="Gennemført (demodata)") -> None:
    """Close by hand the participation's milestones that open the instalment and are not done."""
    milestones_ensure(participations=[participation])
    for m in Milestone.objects.filter(
        participation=participation, template__kind__in=instalment.milestone_kinds, closed_at__isnull=True
    ):
        milestone_close(milestone=m, user=leader, reason=reason)


def _instalments(round_obj, leader, keu) -> None:
    """The first practice: its 1st instalment paid and its 2nd payable; the second practice: its 1st
    instalment withheld with a reason."""
    instalments = instalment_services.instalments_ensure(round_obj=round_obj)
    parts = list(Participation.objects.active().filter(round=round_obj).order_by("pk")[:2])
    if len(parts) < 2:
        return
    first, second = instalments[0], instalments[1]
    paid_part, withheld_part = parts
    close_for(paid_part, leader, first)
    row = instalment_services.instalment_approve(user=leader, participation=paid_part, instalment=first)
    instalment_services.instalments_pay(
        user=keu,
        round_obj=round_obj,
        row_ids=[row.pk],
        reference=f"DEMO-{round_obj.year}-0001",
        paid_on=dt.date(round_obj.year, 9, 1),
    )
    close_for(paid_part, leader, second)  # payable: a leader approves it next
    close_for(withheld_part, leader, first)
    instalment_services.instalment_withhold(
        user=leader,
        participation=withheld_part,
        instalment=first,
        reason="Statusrapporten for foråret mangler (tilsagnsvilkår 8.3.2).",
    )


def _entries(ctx, round_obj, leader) -> None:
    items = {i.kind: i for i in PayItem.objects.filter(round=round_obj)}
    parts = Participation.objects.active().filter(round=round_obj).order_by("pk")[:6]
    for n, participation in enumerate(parts):
        grant = PracticeGrant.objects.filter(practice_id=participation.practice_id).order_by("pk").first()
        if grant is None:
            continue
        logged = []
        for k in range(3):
            logged.append(
                earning_services.entry_log(
                    user=grant.user,
                    participation=participation,
                    item=items[ItemKind.OWN_INTERVENTION],
                    worked_on=dt.date(round_obj.year, 3 + k, 10 + n),
                    hours=Decimal(("2", "1.5", "3")[k]),
                    description=ENTRY_TEXTS[(n + k) % len(ENTRY_TEXTS)],
                )
            )
        logged.append(
            earning_services.entry_log(
                user=grant.user,
                participation=participation,
                item=items[ItemKind.TRANSPORT],
                worked_on=dt.date(round_obj.year, 4, 20),
                km=Decimal(18 + 7 * n),
                description="Kørsel til temapraksisdag",
            )
        )
        # The first two and the trip approved, the last awaiting a decision; one rejected now and then.
        for entry in logged[:2] + logged[3:]:
            earning_services.entry_decide(user=leader, entry=entry, approve=True)
        if n % 3 == 2:
            earning_services.entry_decide(
                user=leader,
                entry=logged[2],
                approve=False,
                reason="Hører under klinikmodulet, ikke egen indsats",
            )
