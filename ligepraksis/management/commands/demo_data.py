"""Load demo data: Region Midtjylland, two programme rounds, ~40 invented practices and demo logins.

    python manage.py demo_data [--quiet]

Runs every app's demo builder (`<app>/demo.py`, registered in the app's `portal.py` through
`ligepraksis.registry.demo_builder`) in order, in one transaction, with e-mail suppressed through the
outbox's switch (`ligepraksis.mail.suppressed`): the addresses are invented. Idempotent: a builder
adds only what is missing, so a second run changes nothing and prints the logins again.

Round "Lige Praksis i Midt 2026" has its deadline in the past (review and selection are open) and
holds 40 submitted applications with reviews, recommendations and some decisions (8 of 12 places
taken). Round "Lige Praksis i Midt 2027" is open for applications. The 2026 round also has its
activity catalogue, sign-ups, attendance and hours in every state.
"""

from __future__ import annotations

import logging

from django.core.management.base import BaseCommand
from django.db import transaction

from ligepraksis import mail
from ligepraksis.demo import LOGINS, PASSWORD, DemoContext
from ligepraksis.registry import registry


class Command(BaseCommand):
    help = "Load demo data (two programme rounds, invented practices, demo logins). Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Print nothing.")

    def handle(self, *args, quiet=False, **options):
        self.quiet = quiet
        ctx = DemoContext(say=self.say)
        trace_logger = logging.getLogger("celery.app.trace")
        level = trace_logger.level
        trace_logger.setLevel(logging.WARNING)
        try:
            with mail.suppressed(), transaction.atomic():
                for _order, _name, build in registry.demo:
                    build(ctx)
        finally:
            trace_logger.setLevel(level)
        self.say(
            "The demo data already exists; nothing was changed." if ctx.existing else "Demo data created."
        )
        self.print_logins()

    def say(self, text: str = "") -> None:
        if not self.quiet:
            self.stdout.write(text)

    def print_logins(self) -> None:
        rows = [("Role", "E-mail", "Password", "Scope"), *[(r, e, PASSWORD, s) for r, e, s in LOGINS]]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        self.say()
        for n, row in enumerate(rows):
            self.say("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
            if n == 0:
                self.say("  ".join("-" * w for w in widths))
