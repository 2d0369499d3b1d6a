"""The machinery of `manage.py benchmark`: gunicorn serving the portal with the benchmark's settings,
wrk as the load generator, and the table.

- The server: gunicorn, one sync worker, `ligepraksis.bench_settings` (DEBUG off, the floor view
  routed), on a free port of 127.0.0.1, against the database this process uses.
- The load: wrk (Debian's package; `apt-get install wrk`) with a small Lua script that prints p50,
  p95, the request count and the errors as one JSON line. wrk is written in C, so on a 2-core machine
  it takes little of the CPU the server needs, and it measures each request from the moment it is
  sent, so at 20 clients the latency includes the wait in gunicorn's queue.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

from ligepraksis.bench import FLOOR_PATH

BENCH_SETTINGS = "ligepraksis.bench_settings"
BENCH_URLCONF = "ligepraksis.bench_urls"

# Printed by wrk's `done` hook; latencies in microseconds.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, ' ..
    '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


@dataclass(frozen=True)
class Load:
    """One wrk run: requests per second and latency percentiles in milliseconds."""

    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def parse_wrk(output: str) -> Load:
    """Read the line the Lua script printed (the rest of wrk's output is ignored)."""
    match = re.search(r"^BENCH (\{.*\})$", output, re.MULTILINE)
    if not match:
        raise RuntimeError(f"wrk printed no result line:\n{output}")
    data = json.loads(match.group(1))
    errors = sum(data[key] for key in ("connect", "read", "write", "status", "timeout"))
    return Load(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p95_ms=data["p95_us"] / 1000,
        errors=errors,
    )


def wrk_path() -> str | None:
    return shutil.which("wrk")


def run_wrk(url: str, *, clients: int, seconds: float, cookie: str = "", timeout_s: int = 120) -> Load:
    """Load `url` with `clients` connections for `seconds` (one wrk thread, which is plenty for one
    sync worker and leaves the CPU to the server)."""
    wrk = wrk_path()
    if wrk is None:
        raise RuntimeError("wrk is not installed (Debian: apt-get install wrk)")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        args = [wrk, "-t1", f"-c{clients}", f"-d{max(1, round(seconds))}s", f"--timeout={timeout_s}s"]
        args += ["-s", script.name]
        if cookie:
            args += ["-H", f"Cookie: {cookie}"]
        result = subprocess.run(
            [*args, url], capture_output=True, text=True, timeout=seconds + timeout_s + 30
        )
    finally:
        os.unlink(script.name)
    if result.returncode:
        raise RuntimeError(f"wrk failed ({result.returncode}): {result.stderr or result.stdout}")
    return parse_wrk(result.stdout)


def database_url(settings_dict: dict) -> str:
    """The DATABASE_URL (as django-environ reads it) of a PostgreSQL connection's settings, so the
    server uses the very database this process uses (the test database, in the tests)."""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{quote(password, safe='')}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{auth}{host}:{port}/{quote(settings_dict['NAME'], safe='')}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """gunicorn serving the portal with the benchmark's settings, as a context manager:

    with Gunicorn(database_url=...) as server:
        urllib.request.urlopen(server.url(FLOOR_PATH))
    """

    def __init__(self, *, database_url: str, port: int | None = None, start_timeout: float = 30):
        self.port = port or free_port()
        self.database_url = database_url
        self.start_timeout = start_timeout
        self.process: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile("w+", suffix=".log", prefix="benchmark-gunicorn-")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> Gunicorn:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": BENCH_SETTINGS,
            # The sessions this process makes must be valid in the server: the same key and database.
            "SECRET_KEY": settings.SECRET_KEY,
            "DATABASE_URL": self.database_url,
            "PYTHONUNBUFFERED": "1",
        }
        args = [
            sys.executable, "-m", "gunicorn", "ligepraksis.wsgi:application",
            "--bind", f"127.0.0.1:{self.port}",
            "--workers", "1", "--worker-class", "sync",
            "--timeout", "300",  # a slow page at 20 clients must not be killed as a hung worker
            "--error-logfile", "-", "--log-level", "warning",
        ]  # fmt: skip
        self.process = subprocess.Popen(
            args,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self._wait_until_up()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_until_up(self):
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start:\n{self.output()}")
            try:
                with urllib.request.urlopen(self.url(FLOOR_PATH), timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {self.start_timeout} s:\n{self.output()}")

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # the master and its worker, nothing else
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)

    def __exit__(self, *exc):
        self.stop()
        self.log.close()


def get(url: str, *, cookie: str = "", timeout: float = 120) -> tuple[int, bytes]:
    """One GET without following redirects: (status, body)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def machine() -> str:
    """`nproc` and the CPU model, for the table's heading."""
    model = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} cores (nproc), {model}"


@dataclass
class Row:
    """One page's results and those of the floor measured just before it, with the same cookie."""

    name: str
    role: str
    url: str
    status: int
    queries: int
    one: Load
    many: Load
    floor_one: Load
    floor_many: Load
    floor_queries: int = 0

    @property
    def latency_ratio(self) -> float:
        return self.one.p50_ms / self.floor_one.p50_ms if self.floor_one.p50_ms else float("inf")

    @property
    def throughput_ratio(self) -> float:
        return self.many.rps / self.floor_many.rps if self.floor_many.rps else 0.0

    @property
    def meets_targets(self) -> bool:
        """The speed issue's targets: p50 at 1 client within 3x the floor, throughput at 20 clients at
        least a third of the floor's."""
        return self.latency_ratio <= 3 and self.throughput_ratio >= 1 / 3


def _ms(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def markdown_table(rows: list[Row], *, clients: int) -> str:
    head = (
        f"| page | role | queries | p50 / p95 ms @1 | p50 / p95 ms @{clients} | req/s @{clients} "
        f"| p50 @1 ÷ floor | req/s @{clients} ÷ floor | targets |\n"
        "|---|---|--:|--:|--:|--:|--:|--:|---|\n"
    )
    lines = []
    for r in rows:
        status = "" if r.status == 200 else f" (HTTP {r.status})"
        errors = r.one.errors + r.many.errors
        err = f" ({errors} errors)" if errors else ""
        lines.append(
            f"| {r.name}{status} | {r.role} | {r.queries} "
            f"| {_ms(r.one.p50_ms)} / {_ms(r.one.p95_ms)} | {_ms(r.many.p50_ms)} / {_ms(r.many.p95_ms)} "
            f"| {r.many.rps:,.1f}{err} | {r.latency_ratio:.1f}× | {r.throughput_ratio:.2f} "
            f"| {'met' if r.meets_targets else 'missed'} |"
        )
    return head + "\n".join(lines) + "\n"


def floor_table(floors: dict[str, list[Row]], *, clients: int) -> str:
    """The floor's median over the run, per kind, from the measurements interleaved with the pages."""

    def median(values):
        values = sorted(values)
        n = len(values)
        return (values[n // 2] + values[(n - 1) // 2]) / 2 if values else 0.0

    out = (
        f"| floor | queries | p50 ms @1 | p95 ms @1 | p50 ms @{clients} | req/s @{clients} | runs |\n"
        "|---|--:|--:|--:|--:|--:|--:|\n"
    )
    for kind, rows in floors.items():
        if not rows:
            continue
        one_p50 = _ms(median(r.floor_one.p50_ms for r in rows))
        one_p95 = _ms(median(r.floor_one.p95_ms for r in rows))
        many_p50 = _ms(median(r.floor_many.p50_ms for r in rows))
        rps = median(r.floor_many.rps for r in rows)
        out += (
            f"| {kind} | {rows[0].floor_queries} | {one_p50} | {one_p95} | {many_p50} | {rps:,.1f} "
            f"| {len(rows)} |\n"
        )
    return out
