"""Print how many database queries the busiest pages take on the current data (a benchmark, not a test).

    python manage.py demo_data && python manage.py measure_queries

The pages come from the apps (`ligepraksis.registry.measured_pages` in each app's portal.py). The
tests assert that these counts do not grow with the number of rows; this shows the real numbers.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ligepraksis.registry import registry


class Command(BaseCommand):
    help = "Query counts of the main pages, as the users who see them, on the data in the database."

    def handle(self, *args, **options):
        pages = [page for fn in registry.measured_pages for page in fn()]
        if not pages:
            raise CommandError("Nothing to measure; run `manage.py demo_data` first.")
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        for user, url in pages:
            client = Client()
            client.force_login(user)
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            self.stdout.write(
                f"  {response.status_code}  {len(ctx.captured_queries):3d} queries  {url}  ({user.email})"
            )
