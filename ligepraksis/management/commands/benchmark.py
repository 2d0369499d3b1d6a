"""Measure the main pages of every role against the framework's own floor (a benchmark, not a test).

    apt-get install wrk            # the load generator (Debian's package)
    DATABASE_URL=postgres://... python manage.py demo_data
    DATABASE_URL=postgres://... python manage.py benchmark [--pages claims catalogue] [--duration 5]

The pages come from the apps (`ligepraksis.registry.measured_pages` in each app's portal.py), per
role, anonymous and logged in. For each page the command counts its SQL queries in this process
(`CaptureQueriesContext`, on the data in the database), then serves the portal with gunicorn (one
sync worker, DEBUG off, `ligepraksis.bench_settings`) and loads it with wrk at 1 and at --clients
concurrent clients, each page right after the floor view (base.html with a 20-row table, same
middleware, same login): floor, page, floor, page. The ratios compare a page with the floor measured
just before it. The Markdown table is printed and written to --output.
"""

from __future__ import annotations

import datetime as dt
import logging
import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client, override_settings

from ligepraksis import benchmark
from ligepraksis.bench import FLOOR_PATH
from ligepraksis.management.commands.measure_queries import count_queries
from ligepraksis.registry import MeasuredPage, collect_measured_pages


def session_cookie(user) -> str:
    """A Cookie header for a logged-in session of `user`, made with Django's test client (the session
    is stored in the database, where the server reads it)."""
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def floor_queries(user) -> int:
    """Queries of the floor view in this process, anonymous or as `user`."""
    floor = MeasuredPage("floor", "", FLOOR_PATH, user)
    with override_settings(ROOT_URLCONF=benchmark.BENCH_URLCONF):
        return count_queries(floor)[1]


# At many clients, a run lasts long enough for each client to finish this many requests of the page
# (at its 1-client p50), up to MAX_SECONDS.
REQUESTS_PER_CLIENT = 3
MAX_SECONDS = 120.0


def many_duration(seconds: float, *, clients: int, p50_ms: float) -> float:
    return min(MAX_SECONDS, max(seconds, REQUESTS_PER_CLIENT * clients * p50_ms / 1000))


def select(pages, *, names, roles):
    def wanted(page):
        text = f"{page.name} {page.url}".lower()
        return (not names or any(n.lower() in text for n in names)) and (not roles or page.role in roles)

    return [page for page in pages if wanted(page)]


class Command(BaseCommand):
    help = "Speed of every role's main pages, served by gunicorn and loaded with wrk, against the floor."

    def add_arguments(self, parser):
        parser.add_argument(
            "--pages", nargs="*", default=[], help="only pages whose name or address contains one of these"
        )
        parser.add_argument(
            "--roles", nargs="*", default=[], help="only these roles (anonymous, practice, ...)"
        )
        parser.add_argument("--duration", type=float, default=5, help="seconds per measurement (default 5)")
        parser.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
        parser.add_argument("--output", default="benchmark.md", help="where the table is written")
        parser.add_argument("--list", action="store_true", help="list the pages and their queries, no load")

    def handle(self, *args, **options):
        # The sessions made below log in through django-axes, which says so at INFO for each.
        logging.getLogger("axes").setLevel(logging.WARNING)
        pages = select(collect_measured_pages(), names=options["pages"], roles=options["roles"])
        if not pages:
            raise CommandError(
                "No page to measure; run `manage.py demo_data` first, or check --pages/--roles."
            )
        if options["list"]:
            for page in pages:
                status, queries = count_queries(page)
                self.stdout.write(f"  {status}  {queries:3d} queries  {page.role}: {page.name}  {page.url}")
            return
        if connection.vendor != "postgresql":
            raise CommandError(
                "The benchmark runs against PostgreSQL: set DATABASE_URL=postgres://... (see README)."
            )
        if benchmark.wrk_path() is None:
            raise CommandError("The load generator wrk is missing: apt-get install wrk (see README).")
        clients, seconds = options["clients"], options["duration"]

        self.stdout.write(f"{len(pages)} pages; counting queries ...")
        queries = {page: count_queries(page) for page in pages}
        cookies = {page.user.pk: session_cookie(page.user) for page in pages if page.user is not None}
        floor_q = {None: floor_queries(None)}
        for page in pages:
            if page.user is not None and page.user.pk not in floor_q:
                floor_q[page.user.pk] = floor_queries(page.user)

        started = dt.datetime.now(dt.UTC)
        load_before = os.getloadavg()[0]
        rows: list[benchmark.Row] = []
        db = benchmark.database_url(connection.settings_dict)
        connection.close()  # the server has the database to itself while it is measured
        with benchmark.Gunicorn(database_url=db) as server:
            floor_url = server.url(FLOOR_PATH)
            for page in pages:
                cookie = cookies.get(getattr(page.user, "pk", None), "")
                url = server.url(page.url)
                for warm in (floor_url, url):  # templates, translations and connections loaded
                    benchmark.get(warm, cookie=cookie)
                status, n = queries[page]
                self.stdout.write(f"  {page.role}: {page.name} ({n} queries, HTTP {status}) ...")
                floor_one = benchmark.run_wrk(floor_url, clients=1, seconds=seconds, cookie=cookie)
                one = benchmark.run_wrk(url, clients=1, seconds=seconds, cookie=cookie)
                # wrk counts the requests that finished within the run; with every client waiting in
                # gunicorn's queue, a short run of a slow page would leave most of them unfinished.
                many_seconds = many_duration(seconds, clients=clients, p50_ms=one.p50_ms)
                floor_many = benchmark.run_wrk(
                    floor_url, clients=clients, seconds=many_seconds, cookie=cookie
                )
                many = benchmark.run_wrk(url, clients=clients, seconds=many_seconds, cookie=cookie)
                rows.append(
                    benchmark.Row(
                        name=page.name,
                        role=page.role,
                        url=page.url,
                        status=status,
                        queries=n,
                        one=one,
                        many=many,
                        floor_one=floor_one,
                        floor_many=floor_many,
                        floor_queries=floor_q[getattr(page.user, "pk", None)],
                    )
                )
        load = (load_before, os.getloadavg()[0])
        report = self.report(rows, pages, clients=clients, seconds=seconds, started=started, load=load)
        with open(options["output"], "w", encoding="utf-8") as out:
            out.write(report)
        self.stdout.write("\n" + report)
        self.stdout.write(f"Written to {options['output']}")

    def report(self, rows, pages, *, clients, seconds, started, load) -> str:
        kinds = {"anonymous": [], "logged in": []}
        for row, page in zip(rows, pages, strict=True):
            kinds[page.kind].append(row)
        version = benchmark.subprocess.run(
            [benchmark.wrk_path(), "--version"], capture_output=True, text=True
        ).stdout.splitlines()
        users = get_user_model().objects.count()
        return (
            f"Benchmark of {started:%Y-%m-%d %H:%M} UTC on {benchmark.machine()}; PostgreSQL "
            f"{connection.pg_version // 10000}, gunicorn with 1 sync worker, DEBUG off; "
            f"{users:,} logins in the database; {seconds:g} s per measurement with "
            f"{version[0].split(' [')[0] if version else 'wrk'}; load average {load[0]:.1f} before, "
            f"{load[1]:.1f} after (other work on the machine slows page and floor alike).\n\n"
            + benchmark.markdown_table(rows, clients=clients)
            + "\nThe floor (base.html with a 20-row table through the same middleware, with the page's "
            "login), median of the runs interleaved with the pages:\n\n"
            + benchmark.floor_table(kinds, clients=clients)
            + f"\nQueries are counted in-process on the data in the database; a page not answering 200 says "
            f"so. At {clients} clients page and floor run for at least {seconds:g} s and long enough for "
            f"{REQUESTS_PER_CLIENT} requests per client at the page's p50 @1. Targets: p50 at 1 client "
            f"within 3× the floor, req/s at {clients} clients at least a third of the floor's.\n"
        )
