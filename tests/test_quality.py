"""Quality checks are part of the suite: lint, format, types, and the Qt boundary."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )


def test_ruff_lint_is_clean():
    result = run(str(BIN / "ruff"), "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean():
    result = run(str(BIN / "ruff"), "format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean():
    result = run(str(BIN / "mypy"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_only_the_ui_imports_qt():
    offenders = []
    for path in (ROOT / "mtcalm").rglob("*.py"):
        if (ROOT / "mtcalm" / "ui") in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(name.split(".")[0] in ("PySide6", "shiboken6") for name in names):
                offenders.append(path.relative_to(ROOT).as_posix())
    assert not offenders, f"Qt imported outside mtcalm/ui: {offenders}"


def test_the_core_works_without_qt_loaded():
    probe = (
        "import sys, mtcalm.cli, mtcalm.session.record, mtcalm.workspace, mtcalm.playlists,"
        " mtcalm.audio.backends;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pygame')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]", "importing the core loads neither Qt nor pygame"
