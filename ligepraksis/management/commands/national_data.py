"""Generate the national data set: five regions, 1,700 invented practices, 9,000 people, three rounds
with 300/200/100 applications and their reviews, 120 participations (all in the first round), 400
activities with 2,000 sessions, 40,000 sign-ups with attendance and 5,000 hour claims.

    python manage.py national_data [--scale 0.01] [--seed 2026] [--quiet]

Runs every app's national builder (`<app>/national.py`, registered in the app's `portal.py` through
`ligepraksis.registry.national_builder`) in order, in one transaction, with e-mail suppressed
through the outbox's switch (`ligepraksis.mail.suppressed`): the addresses are invented. The writes
go through the services (the throttles sit in the views, so they do not slow it). `--scale` scales
every count (0.01 makes 17 practices, for CI); `--seed` makes the same data again. It refuses to run
twice on one database; it may run beside the demo data (Region Midtjylland is shared). At the end it
runs ANALYZE, so the planner knows the new tables' sizes before anything is measured.
"""

from __future__ import annotations

import logging
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from ligepraksis import mail
from ligepraksis.demo import PASSWORD
from ligepraksis.national import NationalContext, Stopwatch, exists
from ligepraksis.registry import registry


class Command(BaseCommand):
    help = "Generate the national data set through the services (--scale 0.01 for a small one)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="Scale every count (default 1).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        parser.add_argument("--quiet", action="store_true", help="Print nothing.")

    def handle(self, *args, scale=1.0, seed=2026, quiet=False, **options):
        if not 0 < scale <= 10:
            raise CommandError("--scale must be above 0 and at most 10.")
        if exists():
            raise CommandError("The national data set exists already in this database; use an empty one.")
        self.quiet = quiet
        ctx = NationalContext(scale=scale, seed=seed, say=self.say)
        trace_logger = logging.getLogger("celery.app.trace")
        level = trace_logger.level
        trace_logger.setLevel(logging.WARNING)
        debug_cursor = connection.force_debug_cursor
        connection.force_debug_cursor = False
        started = time.perf_counter()
        try:
            with mail.suppressed(), transaction.atomic():
                for _order, name, build in registry.national:
                    self.say(f"{name} ...")
                    with Stopwatch(ctx, name):
                        build(ctx)
        finally:
            trace_logger.setLevel(level)
            connection.force_debug_cursor = debug_cursor
        # Fresh planner statistics, as autovacuum would gather them in time: without them PostgreSQL
        # plans the ledger's grouped query for a handful of rows and takes seconds over 40,000 sign-ups.
        with Stopwatch(ctx, "analyze"), connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        total = time.perf_counter() - started
        self.say()
        self.say(
            f"National data created (scale {scale}, seed {seed}) in {total:.0f} s: "
            + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in ctx.timings)
            + "."
        )
        self.print_logins(ctx)

    def say(self, text: str = "") -> None:
        if not self.quiet:
            self.stdout.write(text)

    def print_logins(self, ctx) -> None:
        rows = [("Role", "E-mail", "Password", "Scope"), *[(r, e, PASSWORD, s) for r, e, s in ctx.logins]]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        self.say()
        for n, row in enumerate(rows):
            self.say("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
            if n == 0:
                self.say("  ".join("-" * w for w in widths))
