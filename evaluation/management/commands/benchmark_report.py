"""Measure the KEU status report against WeasyPrint on its own (see evaluation/report_benchmark.py).

DEBUG=true python manage.py benchmark_report                      # the demo round
DATABASE_URL=postgres://... python manage.py benchmark_report --round <id of the national round>
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from evaluation import report_benchmark
from ligepraksis.models import ProgrammeRound


class Command(BaseCommand):
    help = "Time the KEU status report's whole render against WeasyPrint rendering its final HTML alone."

    def add_arguments(self, parser):
        parser.add_argument("--round", type=int, help="the round's id (default: the demo 2026 round)")
        parser.add_argument("--as-of", help="the report's date, YYYY-MM-DD (default: today)")
        parser.add_argument("--aggregate", action="store_true", help="the aggregate-only variant")
        parser.add_argument("--repeat", type=int, default=5)

    def handle(self, *args, round, as_of, aggregate, repeat, **options):
        if repeat < 1:
            raise CommandError("--repeat must be at least 1.")
        round_obj = None
        if round is not None:
            round_obj = ProgrammeRound.objects.filter(pk=round).first()
            if round_obj is None:
                raise CommandError(f"No round with id {round}.")
        try:
            day = dt.date.fromisoformat(as_of) if as_of else None
            result = report_benchmark.run(
                round_obj=round_obj,
                as_of=day,
                aggregate=aggregate,
                repeat=repeat,
                log=lambda m: self.stderr.write(m),
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(report_benchmark.report(result))
