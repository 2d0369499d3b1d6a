"""The production-like run, checked without a Docker engine; and the settings' switches and defaults.

docker-compose.yml cannot be started here (no Docker engine on these machines), so the file is read and
every command of the portal's own services is resolved to the Python object it starts. The settings
are imported in subprocesses, each with an environment of its own, as a deployment would start them.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import secrets
import shlex
import string
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.urls import resolve

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "mail-worker", "beat")
# Settings variables a developer's shell (or CI) may have set; the subprocesses start without them.
PORTAL_VARIABLES = (
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "EMAIL_URL",
    "DEBUG",
    "DEPLOYED",
    "SECRET_KEY",
    "STATIC_MANIFEST",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_IDLE_HOURS",
    "TRUSTED_PROXY_COUNT",
    "CONN_MAX_AGE",
    "ALLOWED_HOSTS",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # check --deploy rightly refuses it (async.E001)
    "SITE_URL",
)
# Import the settings without reading a developer's .env, so only the environment given counts.
NO_DOTENV = "import environ; environ.Env.read_env = staticmethod(lambda *a, **k: None); "


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def _env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in PORTAL_VARIABLES}
    env.update(overrides)
    return env


def _python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def _random_secret_key(length: int = 60) -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(length))


# --- docker-compose.yml --------------------------------------------------------------------------


def test_compose_has_the_five_services_with_healthchecks_and_volumes(compose):
    services = compose["services"]
    assert set(services) >= {"web", "worker", "beat", "postgres", "redis"}
    for name in ("postgres", "redis", "web"):
        test = services[name].get("healthcheck", {}).get("test")
        assert test, f"{name} has no healthcheck"
    declared = set(compose.get("volumes") or {})
    assert declared >= {"pgdata", "redisdata", "media"}
    for name, service in services.items():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if not source.startswith((".", "/")):
                assert source in declared, f"{name} uses volume {source!r}, which is not declared"
    for name in APP_SERVICES:
        service = services[name]
        assert service["environment"]["DATABASE_URL"].startswith("postgres://"), name
        assert service["environment"]["CELERY_BROKER_URL"].startswith("redis://"), name
        for dependency in ("postgres", "redis"):
            assert service["depends_on"][dependency]["condition"] == "service_healthy", name


def test_compose_web_healthcheck_asks_a_url_the_portal_serves(compose):
    test = " ".join(compose["services"]["web"]["healthcheck"]["test"])
    match = re.search(r"https?://[^/'\"]+(/[^'\"\s)]*)", test)
    assert match, test
    assert resolve(match.group(1)).url_name == "health"


def _command_target(command: str) -> tuple[str, str]:
    """('gunicorn', 'module:attr') or ('celery', 'module') from a compose command."""
    args = shlex.split(command)
    program = Path(args[0]).name
    if program == "gunicorn":
        positional = [a for a in args[1:] if not a.startswith("-")]
        # Option values show up here too ("0.0.0.0:8000"); the app spec is a dotted module path, ':', a name.
        specs = [a for a in positional if re.fullmatch(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*", a)]
        assert len(specs) == 1, command
        return program, specs[0]
    if program == "celery":
        for i, arg in enumerate(args):
            if arg in ("-A", "--app"):
                return program, args[i + 1]
            if arg.startswith("--app="):
                return program, arg.split("=", 1)[1]
        raise AssertionError(f"celery command without -A/--app: {command}")
    raise AssertionError(f"unexpected program in {command!r}")


@pytest.mark.parametrize("service", APP_SERVICES)
def test_compose_command_points_at_a_module_that_imports(compose, service):
    program, target = _command_target(compose["services"][service]["command"])
    if program == "gunicorn":
        module_name, attr = target.split(":")
        application = getattr(importlib.import_module(module_name), attr)
        assert callable(application)
    else:
        from celery import Celery

        module = importlib.import_module(target)
        assert isinstance(getattr(module, "celery_app", None), Celery), f"{target} has no celery_app"


def _worker_queues(command: str) -> set[str]:
    args = shlex.split(command)
    for i, arg in enumerate(args):
        if arg in ("-Q", "--queues"):
            return set(args[i + 1].split(","))
        if arg.startswith("--queues="):
            return set(arg.split("=", 1)[1].split(","))
    return {"celery"}


def test_mail_has_its_own_worker_without_a_child_limit_and_files_keep_theirs(compose):
    """Issue 9: a mail never waits 1.4 s for a new child process; WeasyPrint's worker is recycled."""
    routes = settings.CELERY_TASK_ROUTES
    assert routes["ligepraksis.tasks.outbox_send"]["queue"] == "mail"
    assert routes["ligepraksis.tasks.outbox_retry"]["queue"] == "mail"
    assert routes["ligepraksis.tasks.file_job_run"]["queue"] == "files"
    assert settings.CELERY_TASK_DEFAULT_QUEUE == "celery"
    # A setting would apply the child limit to every worker, the mail worker too.
    assert getattr(settings, "CELERY_WORKER_MAX_TASKS_PER_CHILD", None) is None
    workers = {
        name: service["command"]
        for name, service in compose["services"].items()
        if " worker" in service.get("command", "")
    }
    served = {name: _worker_queues(command) for name, command in workers.items()}
    assert served["mail-worker"] == {"mail"}
    assert "--max-tasks-per-child" not in workers["mail-worker"]
    assert served["worker"] == {"files", "celery"}
    assert "--max-tasks-per-child=50" in workers["worker"]
    queues = {route["queue"] for route in routes.values()} | {settings.CELERY_TASK_DEFAULT_QUEUE}
    assert queues <= set().union(*served.values()), "a queue no worker serves"


def test_command_parser_rejects_a_command_without_an_app():
    with pytest.raises(AssertionError):
        _command_target("celery worker --loglevel=INFO")
    assert _command_target("gunicorn a.b:app --bind 0.0.0.0:8000") == ("gunicorn", "a.b:app")


# --- manage.py check --deploy --------------------------------------------------------------------


def _check_deploy(**env: str) -> subprocess.CompletedProcess:
    """`manage.py check --deploy --fail-level WARNING`, reading no .env (a developer's has a key)."""
    code = NO_DOTENV + (
        "import os, sys; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'ligepraksis.settings'); "
        "from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])"
    )
    return _python(code, _env(**env))


def test_check_deploy_passes_with_a_secret_key_and_debug_off():
    # SITE_URL must be the public https address (ligepraksis/checks.py; tests/ligepraksis/test_site_url.py).
    result = _check_deploy(
        DEBUG="false", SECRET_KEY=_random_secret_key(), SITE_URL="https://ligepraksis.example.org"
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_fails_with_debug_on():
    result = _check_deploy(DEBUG="true", SECRET_KEY=_random_secret_key())
    assert result.returncode != 0
    assert "security.W018" in result.stderr


def test_without_a_secret_key_check_deploy_does_not_even_start():
    result = _check_deploy(DEBUG="false")
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set" in result.stderr


def test_check_deploy_fails_with_a_weak_secret_key():
    result = _check_deploy(DEBUG="false", SECRET_KEY="short")
    assert result.returncode != 0
    assert "security.W009" in result.stderr


# --- Settings from the environment ---------------------------------------------------------------

SETUP = NO_DOTENV + (
    "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'ligepraksis.settings'; django.setup(); "
)


@pytest.mark.parametrize(
    ("variables", "mentions"),
    [
        ({"DATABASE_URL": "postgres://u@localhost/db", "CONN_MAX_AGE": "abc"}, "CONN_MAX_AGE"),
        ({"AXES_FAILURE_LIMIT": "ten"}, "AXES_FAILURE_LIMIT"),
        ({"EMAIL_URL": "nonsense://x"}, "nonsense"),
        ({"DATABASE_URL": "nonsense://x"}, "nonsense"),
    ],
    ids=["conn-max-age", "axes-limit", "email-url", "database-url"],
)
def test_a_malformed_value_stops_the_start_with_improperly_configured(variables, mentions):
    result = _python(SETUP + "print('started')", _env(SECRET_KEY=_random_secret_key(), **variables))
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert "django.core.exceptions.ImproperlyConfigured" in result.stderr
    assert mentions in result.stderr


def test_well_formed_values_start(tmp_path):
    """The control for the test above: the same switches, well formed, start the portal."""
    variables = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
        "AXES_FAILURE_LIMIT": "5",
        "EMAIL_URL": "smtp://mail.example.org:587",
    }
    result = _python(SETUP + "print('started')", _env(SECRET_KEY=_random_secret_key(), **variables))
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_with_only_a_secret_key_the_defaults_are_sqlite_eager_tasks_and_console_mail():
    code = SETUP + (
        "from django.conf import settings as s; import json; print(json.dumps({"
        "'engine': s.DATABASES['default']['ENGINE'], 'name': str(s.DATABASES['default']['NAME']), "
        "'eager': s.CELERY_TASK_ALWAYS_EAGER, 'broker': s.CELERY_BROKER_URL, "
        "'email': s.EMAIL_BACKEND, 'debug': s.DEBUG}))"
    )
    clean = {
        "HOME": os.environ.get("HOME", "/root"),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "SECRET_KEY": _random_secret_key(),
    }
    result = _python(code, clean)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "engine": "django.db.backends.sqlite3",
        "name": str(ROOT / "db.sqlite3"),
        "eager": True,
        "broker": "memory://",
        "email": "django.core.mail.backends.console.EmailBackend",
        "debug": False,
    }


# --- Celery loses nothing --------------------------------------------------------------------------


def test_celery_settings_lose_no_task():
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    assert 0 < settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert visibility > settings.CELERY_TASK_TIME_LIMIT


def test_celery_app_uses_those_settings_and_no_task_outlives_the_visibility_timeout():
    from ligepraksis import celery_app

    conf = celery_app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    visibility = conf.broker_transport_options["visibility_timeout"]
    assert visibility > conf.task_time_limit
    celery_app.loader.import_default_modules()
    ours = [t for name, t in celery_app.tasks.items() if not name.startswith("celery.")]
    assert any(t.name == "ligepraksis.tasks.outbox_send" for t in ours)
    for task in ours:
        limit = task.time_limit or conf.task_time_limit
        assert limit < visibility, task.name
        # A retry waits up to retry_backoff_max seconds (a countdown): it must come back before Redis
        # hands the message to another worker.
        if getattr(task, "autoretry_for", ()):
            assert (task.retry_backoff_max or 0) < visibility, task.name


def test_the_image_compose_builds_installs_the_project_and_serves_the_wsgi_app():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert compose["x-app"]["build"] == "."
    assert "pip install --no-cache-dir --no-deps ." in dockerfile
    assert "collectstatic" in dockerfile
    # WeasyPrint's system libraries, as .ci/run installs them.
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "fonts-dejavu-core"):
        assert package in dockerfile
    assert '"ligepraksis.wsgi:application"' in dockerfile
    assert "USER app" in dockerfile
    assert compose["x-app"]["environment"]["MEDIA_ROOT"] == "/srv/media"


# --- Reproducible installs: the lock files ------------------------------------------------------------

LOCKS = {"base": ROOT / "requirements" / "base.txt", "dev": ROOT / "requirements" / "dev.txt"}


def _pins(path: Path) -> dict[str, tuple[str, int]]:
    """name -> (version, number of hashes), from a lock file written with --generate-hashes."""
    pins: dict[str, tuple[str, int]] = {}
    text = path.read_text(encoding="utf-8")
    for block in re.split(r"\n(?=\S)", text):
        first = block.split("\n", 1)[0]
        if not first or first.startswith("#"):
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)(?:\s*;[^\\]*)?\s*\\?", first.strip())
        assert match, f"{path.name}: not an exact pin: {first!r}"
        name = match.group(1).lower().replace("_", "-")
        pins[name] = (match.group(2), len(re.findall(r"--hash=sha256:", block)))
    return pins


def _declared(requirements: list[str]) -> set[str]:
    return {re.match(r"[A-Za-z0-9._-]+", r).group(0).lower().replace("_", "-") for r in requirements}


def test_lock_files_pin_every_package_with_hashes_and_agree():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    base, dev = _pins(LOCKS["base"]), _pins(LOCKS["dev"])
    for name, pins in (("base", base), ("dev", dev)):
        unhashed = [package for package, (_v, hashes) in pins.items() if not hashes]
        assert not unhashed, f"{name}.txt has pins without hashes: {unhashed}"
    runtime = _declared(project["dependencies"])
    assert runtime <= set(base), runtime - set(base)
    assert {"django-csp"} <= runtime
    development = _declared(project["optional-dependencies"]["dev"])
    assert {"import-linter", "pytest"} <= development
    assert runtime | development <= set(dev), (runtime | development) - set(dev)
    # The image (base.txt) and the tests (dev.txt) run the same versions.
    differ = {p: (base[p][0], dev[p][0]) for p in base if p in dev and base[p][0] != dev[p][0]}
    assert not differ, differ
    assert set(base) <= set(dev), set(base) - set(dev)


def _instructions(dockerfile: str) -> list[str]:
    """The Dockerfile's instructions, continuation lines joined, comments dropped."""
    lines = [line for line in dockerfile.splitlines() if not line.lstrip().startswith("#")]
    return [" ".join(i.split()) for i in "\n".join(lines).replace("\\\n", " ").splitlines() if i.strip()]


def test_dockerfile_installs_the_lock_before_it_copies_the_code():
    steps = _instructions((ROOT / "Dockerfile").read_text())
    copy_lock = steps.index("COPY requirements/base.txt requirements/base.txt")
    install = next(i for i, s in enumerate(steps) if s.startswith("RUN ") and "-r requirements/base.txt" in s)
    assert "--require-hashes" in steps[install]
    copy_code = steps.index("COPY . .")
    assert copy_lock < install < copy_code
    project = next(i for i, s in enumerate(steps) if "pip install --no-cache-dir --no-deps ." in s)
    assert project > copy_code
    # Nothing before the code is copied depends on the code.
    assert not any(s.startswith(("COPY", "ADD")) for s in steps[:copy_lock])


# --- The TLS proxy ------------------------------------------------------------------------------------

CADDYFILE = ROOT / "deploy" / "Caddyfile"


def test_compose_puts_a_tls_proxy_with_the_regions_certificate_in_front_of_gunicorn(compose):
    services = compose["services"]
    proxy = services["proxy"]
    assert proxy["image"] == "caddy:2"
    assert any(str(p).split(":")[-1] == "443" for p in proxy["ports"])
    mounts = {v.split(":")[1]: v for v in proxy["volumes"]}
    assert mounts["/etc/caddy/Caddyfile"].startswith("./deploy/Caddyfile:")
    certs = mounts["/etc/caddy/certs"]
    assert certs.startswith("/") and certs.endswith(":ro")  # outside the build context, read-only
    assert proxy["depends_on"]["web"]["condition"] == "service_healthy"
    # gunicorn is reached through the proxy only, and knows there is one proxy in front.
    assert "ports" not in services["web"]
    assert compose["x-app"]["environment"]["TRUSTED_PROXY_COUNT"] == "1"


def test_caddyfile_serves_the_mounted_certificate_and_asks_no_acme():
    text = CADDYFILE.read_text()
    code = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
    assert re.search(r"^\s*tls\s+/etc/caddy/certs/\S+\.pem\s+/etc/caddy/certs/\S+\.pem\s*$", code, re.M)
    assert re.search(r"^\s*auto_https\s+disable_certs\s*$", code, re.M)
    assert re.search(r"^\s*ocsp_stapling\s+off\s*$", code, re.M)
    for word in ("acme", "email", "on_demand", "local_certs", "tls internal"):
        assert word not in code, word
    assert re.search(r"^\s*reverse_proxy\s+web:8000\s*$", code, re.M)
    assert "{$SITE_HOST}" in code


def test_caddy_adapts_the_caddyfile_to_a_config_without_certificate_automation():
    """Caddy itself reads the file (Debian's caddy; .ci/run installs it)."""
    import shutil

    caddy = shutil.which("caddy")
    if not caddy:
        pytest.skip("needs Caddy to read deploy/Caddyfile: apt-get install caddy")
    result = subprocess.run(
        [caddy, "adapt", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
        env={**_env(), "SITE_HOST": "ligepraksis.example.org"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    tls = config["apps"]["tls"]
    assert tls["certificates"]["load_files"] == [
        {
            "certificate": "/etc/caddy/certs/fullchain.pem",
            "key": "/etc/caddy/certs/privkey.pem",
            "tags": ["cert0"],
        }
    ]
    assert "automation" not in tls or not any(p.get("issuers") for p in tls["automation"].get("policies", []))
    (server,) = config["apps"]["http"]["servers"].values()
    assert server["listen"] == [":443"]
    assert server["automatic_https"] == {"disable_certificates": True}
    assert server["routes"][0]["match"] == [{"host": ["ligepraksis.example.org"]}]
    assert '"dial": "web:8000"' in json.dumps(server)
    assert config["admin"] == {"disabled": True}


# --- /health/ under deployed settings -------------------------------------------------------------------


def test_health_answers_over_plain_http_while_every_other_page_redirects_to_https(tmp_path):
    code = SETUP + (
        "from django.conf import settings as s; from django.test import Client; import json; "
        "c = Client(HTTP_HOST='ligepraksis.example.org'); h = c.get('/health/'); l = c.get('/login/'); "
        "print(json.dumps({'redirect': s.SECURE_SSL_REDIRECT, 'debug': s.DEBUG, 'health': h.status_code, "
        "'login': l.status_code, 'location': l.get('Location')}))"
    )
    env = _env(
        SECRET_KEY=_random_secret_key(),
        ALLOWED_HOSTS="ligepraksis.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    result = _python(code, env)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "redirect": True,
        "debug": False,
        "health": 200,
        "login": 301,
        "location": "https://ligepraksis.example.org/login/",
    }


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_compose_health_check_passes_against_gunicorn_with_deployed_settings(compose, tmp_path):
    """gunicorn as compose starts it, with a deployment's .env; the health check's own command, run as
    the container runs it (only the port differs), must pass: no HTTPS redirect, no 400 for the host."""
    import time
    import urllib.request

    port = _free_port()
    # gunicorn reads a developer's .env too: every switch that matters here is given explicitly.
    env = _env(
        DEBUG="false",
        DEPLOYED="true",
        SECRET_KEY=_random_secret_key(),
        ALLOWED_HOSTS="ligepraksis.example.org,www.ligepraksis.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    command = shlex.split(compose["services"]["web"]["command"])
    bind = command.index("--bind") + 1
    command[bind] = f"127.0.0.1:{port}"
    command[command.index("--workers") + 1] = "1"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), *command[1:]], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        for _ in range(100):  # up to 20 s for gunicorn to listen
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            except urllib.error.HTTPError:
                break  # it answered (400: the host is not allowed)
            except OSError:
                time.sleep(0.2)
        check = compose["services"]["web"]["healthcheck"]["test"]
        assert check[:3] == ["CMD", "python", "-c"]
        script = check[3].replace("127.0.0.1:8000", f"127.0.0.1:{port}")
        assert script != check[3]
        result = _python(script, env)
        assert result.returncode == 0, result.stderr
        # The control: the same request without the allowed Host header is refused.
        bare = script.replace("headers={'Host': h}", "headers={}")
        assert bare != script
        assert _python(bare, env).returncode != 0
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode(errors="replace")
    assert "Booting worker" in output, output


def test_postgresql_connections_run_without_jit():
    """Issue 9: PostgreSQL's JIT spent 100 ms compiling a 19 ms page query on the national data; every
    connection to PostgreSQL turns it off, and options given in the URL are kept."""
    code = SETUP + (
        "from django.conf import settings as s; import json; "
        "print(json.dumps(s.DATABASES['default'].get('OPTIONS', {})))"
    )
    for url, expected in (
        ("postgres://u@localhost/db", "-c jit=off"),
        (
            "postgres://u@localhost/db?options=-c%20statement_timeout%3D5000",
            "-c statement_timeout=5000 -c jit=off",
        ),
    ):
        result = _python(code, _env(DATABASE_URL=url, DEBUG="true"))
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout.strip().splitlines()[-1])["options"] == expected
    sqlite = _python(code, _env(DEBUG="true"))
    assert "jit" not in sqlite.stdout
