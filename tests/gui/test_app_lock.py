"""Two app windows on one library: the second is told, and does not open."""

from __future__ import annotations

import subprocess
import sys

from briefer.app import hold_library


def test_a_second_app_on_the_same_library_is_told(tmp_path) -> None:
    first = hold_library(tmp_path)
    holder = (
        "import sys\n"
        "from pathlib import Path\n"
        "from briefer.app import hold_library\n"
        "from briefer.errors import LibraryLockedError\n"
        "try:\n"
        f"    hold_library(Path({str(tmp_path)!r}))\n"
        "except LibraryLockedError as error:\n"
        "    print(error)\n"
        "    sys.exit(3)\n"
    )
    other = subprocess.run([sys.executable, "-c", holder], capture_output=True, text=True)
    assert other.returncode == 3 and "open in another Briefer window" in other.stdout
    first.release()
    again = subprocess.run([sys.executable, "-c", holder], capture_output=True, text=True)
    assert again.returncode == 0  # free once the first app has gone
