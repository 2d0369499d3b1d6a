#!/usr/bin/env python3
"""One entry point for a fresh machine: only Python 3.11+ and pip are needed.

    python3 dev.py start     install, write .env once, migrate, load demo data, print the demo logins,
                             run the portal
    python3 dev.py test      install, run the whole test suite (extra arguments go to pytest)
    python3 dev.py lock      recompute requirements/*.txt from pyproject.toml (see README.md)

Everything lives in ./.venv, which this script creates and keeps in step with the lock file
requirements/dev.txt (exact versions with hashes); the project itself is installed editable on top.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
STAMP = VENV / ".installed-from"
LOCK = ROOT / "requirements" / "dev.txt"
ENV_FILE = ROOT / ".env"
# The tool that writes the lock files, in a throw-away venv (it is not a dependency of the portal).
UV = "uv==0.13.9"
LOCK_ARGS = (
    "--quiet",
    "--generate-hashes",
    "--python-version",
    "3.11",
    "--python-platform",
    "x86_64-manylinux_2_28",
    "--custom-compile-command",
    "python3 dev.py lock",
)
# A line of .env as django-environ reads it (environ.Env.read_env): KEY=value, optionally `export `.
_SECRET_KEY_LINE = re.compile(r"\A(?:export )?SECRET_KEY=(.*)\Z")


def _run(*args: str, env: dict | None = None) -> None:
    result = subprocess.run(args, cwd=ROOT, env=env)
    if result.returncode:
        sys.exit(result.returncode)


def ensure_venv() -> None:
    if not PY.exists():
        print("Creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    # Reinstall when the lock or the project's own metadata (entry points, packages) changes.
    digest = hashlib.sha256()
    for path in (LOCK, ROOT / "pyproject.toml"):
        digest.update(path.read_bytes())
    wanted = digest.hexdigest()
    if not STAMP.exists() or STAMP.read_text().strip() != wanted:
        print("Installing dependencies into .venv ...", flush=True)
        _run(str(PY), "-m", "pip", "install", "--quiet", "--require-hashes", "-r", str(LOCK))
        # Hash-checking mode refuses an editable install, so the project goes on top without deps.
        _run(str(PY), "-m", "pip", "install", "--quiet", "--no-deps", "-e", ".")
        STAMP.write_text(wanted)


def _has_secret_key(text: str) -> bool:
    for line in text.splitlines():
        match = _SECRET_KEY_LINE.match(line)
        if match and match.group(1).strip().strip("'\""):
            return True
    return False


def ensure_env_file(path: Path = ENV_FILE) -> bool:
    """Give the local portal a .env with a random SECRET_KEY and DEBUG=true; True if it was written.

    Written once: a key that is there already is never replaced, and a DEBUG line is left as it is.
    An empty `SECRET_KEY=` line is filled in (django-environ takes the first line of a name).
    """
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if _has_secret_key(text):
        return False
    key_line = f"SECRET_KEY={secrets.token_urlsafe(50)}"
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if _SECRET_KEY_LINE.match(line):
            lines[i] = key_line
            break
    else:
        if not lines:
            lines.append("# Written by `python3 dev.py start` for the local portal; never commit it.")
        lines.append(key_line)
    if not any(re.match(r"\A(?:export )?DEBUG=", line) for line in lines):
        lines.append("DEBUG=true")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if os.name != "nt":
        path.chmod(0o600)
    return True


# Migrations that existed only before the move into practices/ (they were made again from scratch):
# a local database that applied any of them cannot be migrated and is set aside, then rebuilt.
OLD_MIGRATIONS = {
    ("applications", "0002_initial"),
    ("activities", "0002_hourclaim_decision_notified_at_and_more"),
}
SQLITE_FILE = ROOT / "db.sqlite3"


def set_aside_old_database(path: Path = SQLITE_FILE) -> Path | None:
    """If the local SQLite database predates the remade migrations, rename it and say so."""
    import sqlite3

    if not path.exists():
        return None
    try:
        with sqlite3.connect(path) as db:
            applied = set(db.execute("SELECT app, name FROM django_migrations").fetchall())
    except sqlite3.Error:
        return None
    if not (
        applied & OLD_MIGRATIONS
        or ("applications", "0001_initial") in applied
        and not any(app == "practices" for app, _name in applied)
    ):
        return None
    backup = path.with_name(f"{path.name}.before-practices")
    path.rename(backup)
    print(
        f"The local database {path.name} was made by an older version whose migrations were remade; "
        f"it is kept as {backup.name} and a new one is built with the demo data.",
        flush=True,
    )
    return backup


def start(argv: list[str]) -> None:
    ensure_venv()
    if ensure_env_file():
        print("Wrote .env with a new random SECRET_KEY and DEBUG=true.", flush=True)
    if not os.environ.get("DATABASE_URL"):
        set_aside_old_database()
    _run(str(PY), "manage.py", "migrate", "--noinput")
    _run(str(PY), "manage.py", "demo_data")
    addr = argv[0] if argv else "127.0.0.1:8000"
    site_url = site_url_for(addr)
    # Links in e-mails and calendar feeds are made from SITE_URL (ligepraksis/links.py): they must
    # point at the address served here. An environment variable set by hand still wins.
    env = {**os.environ, "SITE_URL": os.environ.get("SITE_URL") or site_url}
    print(f"\nThe portal runs at {site_url}/  (Ctrl+C stops it)", flush=True)
    print(f"Links in e-mails point at {env['SITE_URL']}/\n", flush=True)
    os.execve(str(PY), [str(PY), "manage.py", "runserver", addr], env)


def site_url_for(addr: str) -> str:
    """The address `manage.py runserver <addr>` serves, as people open it: `8001` -> 127.0.0.1:8001,
    `0.0.0.0:8000` (every interface) -> this machine's name, since 0.0.0.0 opens nothing elsewhere."""
    import socket

    host, _sep, port = addr.rpartition(":")
    if not _sep:
        host, port = "", addr
    if not host:
        host = "127.0.0.1"
    if host in ("0.0.0.0", "[::]", "0", "::"):
        host = socket.gethostname() or "127.0.0.1"
    return f"http://{host}:{port or '8000'}"


def test(argv: list[str]) -> None:
    # The suite brings its own SECRET_KEY and switches (tests/settings.py), whatever .env says.
    ensure_venv()
    _run(str(PY), "-m", "pytest", *argv)


def lock(argv: list[str]) -> None:
    """requirements/base.txt (runtime, for the image) and requirements/dev.txt (runtime + dev extras,
    pinned to the same versions), for CPython 3.11 on Linux x86_64, from PyPI only.

    Existing pins are kept; pass --upgrade (everything) or --upgrade-package NAME to move them."""
    with tempfile.TemporaryDirectory(prefix="ligepraksis-lock-") as tmp:
        tools = Path(tmp) / "venv"
        venv.EnvBuilder(with_pip=True).create(tools)
        bin_dir = tools / ("Scripts" if os.name == "nt" else "bin")
        _run(str(bin_dir / "python"), "-m", "pip", "install", "--quiet", UV)
        uv = str(bin_dir / "uv")
        _run(uv, "pip", "compile", "pyproject.toml", *LOCK_ARGS, *argv, "-o", "requirements/base.txt")
        # The dev lock is held to the runtime lock's versions, so the image and the tests agree.
        dev = ("--extra", "dev", "-c", "requirements/base.txt")
        _run(uv, "pip", "compile", "pyproject.toml", *dev, *LOCK_ARGS, *argv, "-o", "requirements/dev.txt")


def main() -> None:
    commands = {"start": start, "test": test, "lock": lock}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
