"""The national data set's part of progress/ (after activities' 40): the milestones of every
participation and some records, made through the services (the demo's `fill_participation`)."""

from __future__ import annotations

from django.utils import timezone

from applications.models import Participation
from ligepraksis.registry import national_builder
from progress.demo import fill_participation
from progress.services import milestones as milestone_services


@national_builder(order=50, name="progress.milestones")
def build_progress(ctx) -> None:
    parts = list(Participation.objects.active().select_related("round", "practice").order_by("pk"))
    if not parts:
        return
    milestone_services.milestones_ensure(participations=parts)
    leaders = ctx.users.get("leaders") or {}
    today = timezone.localdate(ctx.now)
    for i, p in enumerate(parts):
        round_leaders = leaders.get(p.round_id) or [p.accepted_by]
        level = ctx.rng.choice((0, 1, 1, 2, 2, 3))
        fill_participation(p, level=level, user=p.accepted_by, leader=round_leaders[0], index=i, today=today)
    milestone_services.milestones_refresh(participations=parts)
    ctx.say(f"progress: milestones and records for {len(parts)} participations")
