#!/usr/bin/env python3
"""One entry point for a fresh machine: only Python 3.11+ and pip are needed.

    python3 dev.py start     install, migrate, load demo data, print the demo logins, run the portal
    python3 dev.py test      install, run the whole test suite (extra arguments go to pytest)

Everything lives in ./.venv, which this script creates and keeps in step with pyproject.toml.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
STAMP = VENV / ".installed-from"


def _run(*args: str, env: dict | None = None) -> None:
    result = subprocess.run(args, cwd=ROOT, env=env)
    if result.returncode:
        sys.exit(result.returncode)


def ensure_venv() -> None:
    if not PY.exists():
        print("Creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text().strip() != wanted:
        print("Installing dependencies into .venv ...", flush=True)
        _run(str(PY), "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        _run(str(PY), "-m", "pip", "install", "--quiet", "-e", ".[dev]")
        STAMP.write_text(wanted)


def start(argv: list[str]) -> None:
    ensure_venv()
    _run(str(PY), "manage.py", "migrate", "--noinput")
    _run(str(PY), "manage.py", "demo_data")
    addr = argv[0] if argv else "127.0.0.1:8000"
    print(f"\nThe portal runs at http://{addr}/  (Ctrl+C stops it)\n", flush=True)
    os.execv(str(PY), [str(PY), "manage.py", "runserver", addr])


def test(argv: list[str]) -> None:
    ensure_venv()
    _run(str(PY), "-m", "pytest", *argv)


def main() -> None:
    commands = {"start": start, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
