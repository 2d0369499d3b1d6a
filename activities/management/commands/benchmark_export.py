"""Measure the streamed CSV export against csv.writer (see activities/export_benchmark.py).

DATABASE_URL=postgres://... python manage.py national_data
DATABASE_URL=postgres://... python manage.py benchmark_export --rows 100000
"""

from django.core.management.base import BaseCommand, CommandError

from activities import export_benchmark
from ligepraksis.models import ProgrammeRound


class Command(BaseCommand):
    help = "Time the streamed CSV export of a round's sign-ups against csv.writer on the same rows."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100_000, help="fill the round up to this many rows")
        parser.add_argument("--round", type=int, help="the round's id (default: the one with most sign-ups)")
        parser.add_argument("--repeat", type=int, default=3)
        parser.add_argument("--output", help="also write the report to this file")

    def handle(self, *args, rows, round, repeat, output, **options):
        round_obj = None
        if round is not None:
            round_obj = ProgrammeRound.objects.filter(pk=round).first()
            if round_obj is None:
                raise CommandError(f"No round with id {round}.")
        try:
            result = export_benchmark.run(
                round_obj=round_obj, rows=rows, repeat=repeat, log=lambda m: self.stderr.write(m)
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        text = export_benchmark.report(result)
        self.stdout.write(text)
        if output:
            with open(output, "w", encoding="utf-8") as f:
                f.write(text + "\n")
