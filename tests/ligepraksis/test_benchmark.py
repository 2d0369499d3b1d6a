"""`manage.py benchmark`: the floor exists only in the benchmark's settings, the pieces of the command
read and write what they should, and one smoke test serves the portal with gunicorn on PostgreSQL."""

import io
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.urls import NoReverseMatch, Resolver404, get_resolver, resolve, reverse

from ligepraksis import bench, benchmark
from ligepraksis.management.commands.benchmark import floor_queries, many_duration, select, session_cookie
from ligepraksis.registry import MeasuredPage
from tests.conftest import make_user

BENCH_URLCONF = "ligepraksis.bench_urls"


def _names(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            ns = f"{pattern.namespace}:" if pattern.namespace else ""
            yield from _names(pattern, prefix + ns)
        elif pattern.name:
            yield prefix + pattern.name


def test_the_production_urlconf_has_no_floor():
    assert settings.ROOT_URLCONF == "ligepraksis.urls"
    with pytest.raises(Resolver404):
        resolve(bench.FLOOR_PATH, urlconf="ligepraksis.urls")
    with pytest.raises(NoReverseMatch):
        reverse("benchmark_floor", urlconf="ligepraksis.urls")
    assert not any("floor" in name for name in _names(get_resolver("ligepraksis.urls")))
    # ... and no view of the portal's URLconf is the floor, under whatever address.
    assert all(
        getattr(p, "callback", None) is not bench.floor for p in get_resolver("ligepraksis.urls").url_patterns
    )


def test_the_benchmark_urlconf_adds_only_the_floor():
    assert resolve(bench.FLOOR_PATH, urlconf=BENCH_URLCONF).func is bench.floor
    production = set(_names(get_resolver("ligepraksis.urls")))
    assert set(_names(get_resolver(BENCH_URLCONF))) == production | {"benchmark_floor"}


def test_the_benchmark_settings_turn_debug_off_and_route_the_floor():
    env = {**os.environ, "SECRET_KEY": "x" * 50, "DEBUG": "true", "DEPLOYED": "true"}
    code = (
        "import ligepraksis.bench_settings as s; "
        "print(s.DEBUG, s.DEPLOYED, s.ROOT_URLCONF, '127.0.0.1' in s.ALLOWED_HOSTS)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == ["False", "False", BENCH_URLCONF, "True"]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=BENCH_URLCONF)
def test_the_floor_is_base_html_with_20_rows_and_reads_nothing_of_its_own(client):
    response = client.get(bench.FLOOR_PATH)
    assert response.status_code == 200
    assert [t.name for t in response.templates][:2] == ["benchmark_floor.html", "base.html"]
    html = response.content.decode()
    assert html.count("<tr><td>") == 20
    assert "Lægehuset nr. 20" in html
    assert "Content-Security-Policy" in response  # through the portal's own middleware
    assert floor_queries(None) == 0


@pytest.mark.django_db
def test_a_logged_in_floor_reads_the_session_and_the_menu():
    user = make_user("floor@example.org")
    assert floor_queries(user) > 0


def test_wrk_output_is_read_from_the_script_line():
    output = (
        "Running 1s test @ http://127.0.0.1:1/\n  1 threads and 20 connections\n"
        'BENCH {"requests": 250, "duration_us": 2000000, "p50_us": 4200, "p95_us": 9100, '
        '"connect": 0, "read": 1, "write": 0, "status": 2, "timeout": 0}\n'
    )
    load = benchmark.parse_wrk(output)
    assert (load.requests, load.p50_ms, load.p95_ms, load.errors) == (250, 4.2, 9.1, 3)
    assert load.rps == 125
    with pytest.raises(RuntimeError):
        benchmark.parse_wrk("Running 1s test\n")


def _load(p50, rps):
    return benchmark.Load(requests=int(rps * 2), seconds=2, p50_ms=p50, p95_ms=p50 * 2, errors=0)


def test_the_table_compares_each_page_with_its_floor():
    rows = [
        benchmark.Row("claims queue", "project_leader", "/c/", 200, 10, _load(12, 20), _load(900, 20),
                      _load(4, 40), _load(80, 240), floor_queries=5),
        benchmark.Row("catalogue", "anonymous", "/a/", 200, 2, _load(2, 300), _load(60, 300),
                      _load(1, 600), _load(30, 600)),
    ]  # fmt: skip
    table = benchmark.markdown_table(rows, clients=20)
    lines = table.splitlines()
    assert lines[0].startswith("| page | role | queries | p50 / p95 ms @1 | p50 / p95 ms @20 | req/s @20 |")
    assert lines[2] == (
        "| claims queue | project_leader | 10 | 12.0 / 24.0 | 900 / 1,800 | 20.0 | 3.0× | 0.08 | missed |"
    )
    assert lines[3] == "| catalogue | anonymous | 2 | 2.0 / 4.0 | 60.0 / 120 | 300.0 | 2.0× | 0.50 | met |"
    floors = benchmark.floor_table({"anonymous": rows[1:], "logged in": rows[:1]}, clients=20)
    assert "| logged in | 5 | 4.0 | 8.0 | 80.0 | 240.0 | 1 |" in floors


def test_pages_are_chosen_by_name_address_or_role():
    pages = [
        MeasuredPage("public catalogue", "anonymous", "/aktiviteter/"),
        MeasuredPage("hour-claims queue", "project_leader", "/runder/1/timer/", object()),
        MeasuredPage("catalogue", "practice", "/aktiviteter/", object()),
    ]
    assert [p.name for p in select(pages, names=["claims"], roles=[])] == ["hour-claims queue"]
    assert [p.role for p in select(pages, names=["aktiviteter"], roles=["practice"])] == ["practice"]
    assert select(pages, names=[], roles=[]) == pages


def test_a_slow_page_is_loaded_long_enough_for_every_client_to_finish_requests():
    assert many_duration(5, clients=20, p50_ms=10) == 5  # the floor: the duration asked for
    assert many_duration(5, clients=20, p50_ms=200) == 12  # 3 requests of each of 20 clients
    assert many_duration(5, clients=20, p50_ms=5000) == 120  # capped


def test_database_url_names_the_same_database():
    url = benchmark.database_url(
        {"NAME": "test_lp", "USER": "postgres", "PASSWORD": "p@ss", "HOST": "127.0.0.1", "PORT": 5433}
    )
    assert url == "postgres://postgres:p%40ss@127.0.0.1:5433/test_lp"
    assert benchmark.database_url({"NAME": "lp", "USER": "", "HOST": "", "PORT": ""}) == (
        "postgres://127.0.0.1:5432/lp"
    )


@pytest.mark.django_db
def test_the_benchmark_lists_pages_anywhere_and_loads_them_only_on_postgresql(closed_round, leader):
    out = io.StringIO()
    call_command("benchmark", "--list", "--roles", "anonymous", "project_leader", stdout=out)
    assert "anonymous: public catalogue" in out.getvalue()
    assert "project_leader: hour-claims queue" in out.getvalue()
    if connection.vendor != "postgresql":
        with pytest.raises(CommandError, match="PostgreSQL"):
            call_command("benchmark", "--duration", "1", stdout=io.StringIO())


# --- The smoke test: gunicorn with the benchmark's settings on PostgreSQL -----------------------------


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_gunicorn_serves_the_floor_and_a_page_with_the_benchmarks_settings(closed_round, leader):
    if connection.vendor != "postgresql":
        pytest.skip(
            "The benchmark's server runs against PostgreSQL: set "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/ligepraksis (see README)"
        )
    started = time.monotonic()
    cookie = session_cookie(leader)
    claims = reverse("activities:claims", args=[closed_round.pk])
    with benchmark.Gunicorn(database_url=benchmark.database_url(connection.settings_dict)) as server:
        status, body = benchmark.get(server.url(bench.FLOOR_PATH))
        assert status == 200 and body.decode().count("<tr><td>") == 20
        status, body = benchmark.get(server.url(bench.FLOOR_PATH), cookie=cookie)
        assert status == 200 and "Test Bruger" in body.decode()  # logged in: the leader's name in the menu
        status, body = benchmark.get(server.url(claims), cookie=cookie)
        assert status == 200, body[:500]
        status, _body = benchmark.get(server.url(claims))
        assert status == 302  # anonymous: to the login page
        status, _body = benchmark.get(server.url("/debug-pages-are-off/"))
        assert status == 404
        if benchmark.wrk_path() is not None:
            load = benchmark.run_wrk(server.url(bench.FLOOR_PATH), clients=2, seconds=1, cookie=cookie)
            assert load.requests > 0 and 0 < load.p50_ms <= load.p95_ms and load.errors == 0
    assert server.process.poll() is not None, "gunicorn still runs"
    assert time.monotonic() - started < 20
    if benchmark.wrk_path() is None:
        pytest.skip("wrk is missing (Debian: apt-get install wrk); the server was checked without it")
