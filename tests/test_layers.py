"""The layers of docs/ARCHITECTURE.md hold: `lint-imports` checks the contracts in
pyproject.toml (each layer imports only those below it; the writers only the IR; Qt only
in the app), and fails when someone adds an upward import."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(folder: Path) -> subprocess.CompletedProcess:
    if not LINT_IMPORTS.is_file():
        pytest.fail(f"{LINT_IMPORTS} is missing: run scripts/setup --test (import-linter is a test tool)")
    # The folder first on the path: the package analysed is the one in `folder`.
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(folder / "pyproject.toml"), "--no-cache"],
        cwd=folder,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(folder), "PATH": "/usr/bin:/bin"},
    )


def test_the_import_contracts_are_kept() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "briefer", tmp_path / "briefer", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("ir/blocks.py", "import briefer.packs.model", "Layers"),  # the IR reaching up to packs
        ("library/repository.py", "from briefer.actions import ingest", "Layers"),  # a stage to a use case
        ("export/pdf_writer.py", "import briefer.library.index", "The writers read the IR only"),
        ("packs/estimate.py", "import PySide6.QtCore", "Qt only in the app"),
    ],
)
def test_an_upward_import_breaks_a_contract(copy: Path, module: str, line: str, broken: str) -> None:
    path = copy / "briefer" / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    result = _lint(copy)
    assert result.returncode != 0
    assert f"{broken}" in result.stdout and "BROKEN" in result.stdout
