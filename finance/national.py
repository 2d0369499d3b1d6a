"""The national data set's money (see `ligepraksis/national.py`, order 60 after progress): rates of
every region for the rounds' years, each round's paid items and budget lines, expenses entered by the
region's KEU secretariat, and own-intervention entries of the main round's practices (about half
approved, some rejected, the rest waiting). Everything goes through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from finance.demo import ENTRY_TEXTS, EXPENSES, HONORARIA_LINE, LINES
from finance.models import ItemKind, PayItem
from finance.services import budget as budget_services
from finance.services import earnings as earning_services
from finance.services import rates as rate_services
from ligepraksis.models import Role, RoleGrant
from ligepraksis.national import NationalContext
from ligepraksis.registry import national_builder

ENTRIES_PER_PRACTICE = 2
PRACTICES_WITH_ENTRIES = 400  # at scale 1


@national_builder(order=60, name="finance")
def build_finance(ctx: NationalContext) -> None:
    years = {r.year for r in ctx.rounds} | {r.year - 1 for r in ctx.rounds} | {ctx.today.year}
    expenses = 0
    for round_obj in ctx.rounds:
        leader = ctx.users["leaders"][round_obj.pk][0]
        for year in sorted(years):
            rate_services.rate_save(
                user=leader,
                region=round_obj.region,
                year=year,
                hourly=Decimal("1098.80") + Decimal(33) * (year - 2026),
                per_km=Decimal("3.94"),
            )
        earning_services.pay_items_ensure(round_obj=round_obj)
        lines = {
            name: budget_services.budget_line_save(
                user=leader,
                round_obj=round_obj,
                name=name,
                granted=Decimal(granted),
                order=order,
                honoraria=name == HONORARIA_LINE,
            )
            for order, (name, granted) in enumerate(LINES, start=1)
        }
        keu = (
            RoleGrant.objects.filter(role=Role.KEU, region_id=round_obj.region_id)
            .select_related("user")
            .first()
        )
        for line, text, amount, status, month in EXPENSES:
            budget_services.expense_add(
                user=keu.user if keu else leader,
                line=lines[line],
                description=text,
                amount=Decimal(amount),
                incurred_on=dt.date(round_obj.year, month, 15),
                status=status,
                overspend_reason="",
            )
            expenses += 1
    entries = _entries(ctx)
    approved, paid = _instalments(ctx)
    ctx.say(
        f"  rates for {len(years)} years, {len(ctx.rounds)} budgets, {expenses} expenses, {entries} entries, "
        f"{approved} instalments approved ({paid} paid)"
    )


def _instalments(ctx: NationalContext) -> tuple[int, int]:
    """Every round's instalments; in the main round the practices with entries get their 1st
    instalment opened (its milestones closed by hand where not done) and approved, and the KEU
    secretariat pays every other one in batches of 100, so the payment list has rows to measure."""
    from finance.demo import close_for
    from finance.services import instalments as instalment_services

    for round_obj in ctx.rounds:
        instalment_services.instalments_ensure(round_obj=round_obj)
    main = ctx.main_round
    first = instalment_services.instalments_ensure(round_obj=main)[0]
    leader = ctx.users["leaders"][main.pk][0]
    keu = RoleGrant.objects.filter(role=Role.KEU, region_id=main.region_id).select_related("user").first()
    limit = max(1, round(PRACTICES_WITH_ENTRIES * ctx.scale))
    rows = []
    for participation, _practice in ctx.extra.get("participations", [])[:limit]:
        close_for(participation, leader, first, reason="Gennemført (testdata)")
        rows.append(
            instalment_services.instalment_approve(user=leader, participation=participation, instalment=first)
        )
    to_pay = rows[::2] if keu else []
    for n in range(0, len(to_pay), 100):
        instalment_services.instalments_pay(
            user=keu.user,
            round_obj=main,
            row_ids=[r.pk for r in to_pay[n : n + 100]],
            reference=f"NAT-{main.year}-{n // 100 + 1:04d}",
            paid_on=dt.date(main.year, 9, 1),
        )
    return len(rows), len(to_pay)


def _entries(ctx: NationalContext) -> int:
    main = ctx.main_round
    item = PayItem.objects.get(round=main, kind=ItemKind.OWN_INTERVENTION)
    leader = ctx.users["leaders"][main.pk][0]
    made = 0
    limit = max(1, round(PRACTICES_WITH_ENTRIES * ctx.scale))
    for participation, practice in ctx.extra.get("participations", [])[:limit]:
        for _k in range(ENTRIES_PER_PRACTICE):
            entry = earning_services.entry_log(
                user=practice.user,
                participation=participation,
                item=item,
                worked_on=min(ctx.today, dt.date(main.year, 12, 31))
                - dt.timedelta(days=ctx.rng.randint(5, 200)),
                hours=Decimal(ctx.rng.choice(("1", "1.5", "2", "3", "4"))),
                description=ctx.rng.choice(ENTRY_TEXTS),
            )
            made += 1
            draw = ctx.rng.random()
            if draw < 0.5:
                earning_services.entry_decide(user=leader, entry=entry, approve=True)
            elif draw < 0.6:
                earning_services.entry_decide(
                    user=leader, entry=entry, approve=False, reason="Ikke dokumenteret"
                )
    return made
