"""Anonymise the people whose personal data has passed its retention period (Celery beat runs the same
service daily: practices.tasks.anonymise_expired)."""

from django.core.management.base import BaseCommand

from practices import personal_data


class Command(BaseCommand):
    help = (
        "Anonymise people whose every round ended more than the round's retention period ago and who no "
        "longer belong to a practice. Counts and amounts stay."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only say how many (and which ids) would be anonymised."
        )

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            ids = personal_data.persons_due()
            self.stdout.write(f"{len(ids)} people would be anonymised: {', '.join(map(str, ids)) or '-'}")
            return
        ids = personal_data.anonymise_expired()
        self.stdout.write(f"{len(ids)} people anonymised: {', '.join(map(str, ids)) or '-'}")
