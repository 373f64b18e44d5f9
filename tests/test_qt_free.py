"""The core never imports Qt: only briefer.gui and briefer.app may."""

from __future__ import annotations

import subprocess
import sys

CORE = ["briefer.ingest", "briefer.library", "briefer.packs", "briefer.export", "briefer.cli"]


def test_core_modules_import_no_pyside6(tmp_path) -> None:
    imports = "; ".join(f"import {name}" for name in CORE)
    # Import every submodule too, and run a CLI command end to end in the same process.
    code = (
        f"import sys, pkgutil, importlib; {imports}; "
        "import briefer.ingest.service, briefer.ingest.pipeline; "
        "[importlib.import_module(m.name) for p in ('briefer.ingest', 'briefer.library', 'briefer.packs') "
        " for m in pkgutil.iter_modules(importlib.import_module(p).__path__, p + '.')]; "
        "from briefer.cli import main; main(['--library', sys.argv[1], 'themes']); "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')); "
        "assert not bad, bad"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "library")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
