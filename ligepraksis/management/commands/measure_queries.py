"""Print how many database queries the main pages take on the current data (a benchmark, not a test).

    python manage.py demo_data && python manage.py measure_queries

The pages come from the apps (`ligepraksis.registry.measured_pages` in each app's portal.py), per
role, anonymous and logged in. The tests assert that these counts do not grow with the number of
rows; this shows the real numbers. `manage.py benchmark` measures the same pages' speed.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ligepraksis.registry import collect_measured_pages


def count_queries(page) -> tuple[int, int]:
    """(status, queries) of one GET of a measured page in this process, as its user."""
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    if page.user is not None:
        client.force_login(page.user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(page.url)
    return response.status_code, len(ctx.captured_queries)


class Command(BaseCommand):
    help = "Query counts of the main pages, as the users who see them, on the data in the database."

    def handle(self, *args, **options):
        pages = collect_measured_pages()
        if not any(page.user is not None for page in pages):
            raise CommandError("Nothing to measure; run `manage.py demo_data` first.")
        for page in pages:
            status, queries = count_queries(page)
            who = page.user.email if page.user is not None else "anonymous"
            self.stdout.write(
                f"  {status}  {queries:3d} queries  {page.url}  {page.role}: {page.name} ({who})"
            )
