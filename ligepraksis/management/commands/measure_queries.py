"""Print how many database queries the busiest pages take on the current data (a benchmark, not a test).

    python manage.py demo_data && python manage.py measure_queries

The tests assert that these counts do not grow with the number of rows; this shows the real numbers.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Participation
from ligepraksis.models import Role, RoleGrant


class Command(BaseCommand):
    help = "Query counts of the main list pages for a project leader, on the data in the database."

    def handle(self, *args, **options):
        grant = RoleGrant.objects.filter(role=Role.PROJECT_LEADER).select_related("user", "round").first()
        if grant is None:
            raise CommandError("No project leader in the database; run `manage.py demo_data` first.")
        participation = Participation.objects.filter(round=grant.round).first()
        pages = [
            reverse("applications:round_list", args=[grant.round_id]),
            reverse("applications:selection", args=[grant.round_id]),
            reverse("applications:selection", args=[grant.round_id]) + "?suggest=1",
            reverse("applications:export", args=[grant.round_id]) + "?format=xlsx",
            reverse("activities:catalogue"),
            reverse("activities:overview", args=[grant.round_id]),
        ]
        if participation:
            pages.append(reverse("activities:practice_hours", args=[participation.practice_id]))
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        client = Client()
        client.force_login(grant.user)
        rows = grant.round.applications.count()
        self.stdout.write(f"Round {grant.round} with {rows} applications, as {grant.user.email}:")
        for url in pages:
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            self.stdout.write(f"  {response.status_code}  {len(ctx.captured_queries):3d} queries  {url}")
