"""The layers of ARCHITECTURE.md, checked by import-linter (contracts in pyproject.toml):
ligepraksis <- practices <- applications <- activities <- evaluation, and no import cycle inside an
app, imports inside functions included. A wrong import fails CI here."""

import shutil
import subprocess
import sys
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_hold():
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True) == 0


def test_the_contract_catches_a_core_import_of_an_app(tmp_path):
    """The contract is not empty: a copy of the project where the core imports an app breaks it."""
    copy = tmp_path / "project"
    for name in (
        "ligepraksis",
        "practices",
        "applications",
        "activities",
        "progress",
        "finance",
        "evaluation",
    ):
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    bad = copy / "ligepraksis" / "bad_import.py"
    bad.write_text(
        "def f():\n    from applications.models import Application  # noqa\n    return Application\n"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from importlinter.cli import lint_imports; import sys; "
            "sys.exit(lint_imports(config_filename='pyproject.toml', no_cache=True, no_logo=True))",
        ],
        cwd=copy,
        env={"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0, result.stdout
    assert "ligepraksis.bad_import -> applications.models" in result.stdout
