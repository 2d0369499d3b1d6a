"""Give every active participation its milestones (a round without a template gets the default one)
and bring the data-fed milestones up to date. Idempotent: run it as often as you like (after a
deployment, for the participations that existed before progress/, or nightly)."""

from django.core.management.base import BaseCommand

from applications.models import Participation
from progress.services.milestones import milestones_ensure, milestones_refresh_all


class Command(BaseCommand):
    help = "Make the milestones of every active participation and bring data-fed ones up to date."

    def add_arguments(self, parser):
        parser.add_argument(
            "--round", type=int, action="append", dest="rounds", help="only this round (repeatable)"
        )

    def handle(self, *args, rounds=None, **options):
        qs = Participation.objects.active().select_related("round")
        if rounds:
            qs = qs.filter(round_id__in=rounds)
        made = milestones_ensure(participations=qs)
        changed = milestones_refresh_all(round_ids=rounds)
        self.stdout.write(f"milestones made: {made}; brought up to date: {changed}")
