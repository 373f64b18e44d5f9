"""Two instances on one library: a writer waits for the other, is told clearly when it waits
too long, and no edit of one is lost by the other's save (user.json is re-read under the lock)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefer.errors import LibraryLockedError
from briefer.library import Library, storage
from tests.conftest import ROOT

HOLD_SCRIPT = """
import sys, time
from pathlib import Path
from briefer.library.storage import LibraryLock
with LibraryLock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""

WRITER_SCRIPT = """
import sys
from pathlib import Path
from briefer.library import Library
library = Library.open(Path(sys.argv[1]))
who, ids = sys.argv[2], sys.argv[3:]
print("ready", flush=True)
sys.stdin.readline()
for number, section_id in enumerate(ids):
    library.set_section_note(section_id, f"{who} {number}")
    library.set_section_note(ids[0], f"{who} last {number}")
print("done", flush=True)
"""


def _start(script: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def test_a_second_writer_waits_for_a_short_hold(library_copy: Path) -> None:
    library = Library.open(library_copy)
    section = library.sections()[0]
    holder = _start(HOLD_SCRIPT, str(library_copy), "1.0")
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        assert library.set_section_note(section.id, "waited").note == "waited"
        assert time.monotonic() - started > 0.3  # it did wait, and then saved
    finally:
        holder.wait(20)


def test_a_second_writer_held_too_long_is_told(library_copy: Path, monkeypatch) -> None:
    monkeypatch.setattr(storage, "LOCK_TIMEOUT_SECONDS", 0.5)
    monkeypatch.setattr(storage.LibraryLock.__init__, "__defaults__", (0.5,))
    library = Library.open(library_copy)
    section = library.sections()[0]
    holder = _start(HOLD_SCRIPT, str(library_copy), "5")
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(LibraryLockedError, match="another Briefer process.*try again"):
            library.set_section_note(section.id, "too soon")
    finally:
        holder.kill()
        holder.wait()
    assert library.set_section_note(section.id, "later").note == "later"


def test_two_libraries_in_one_process_see_each_others_edits(library_copy: Path) -> None:
    first, second = Library.open(library_copy), Library.open(library_copy)
    ids = [s.id for s in first.sections()[:10]]
    for number, section_id in enumerate(ids):
        writer, reader = (first, second) if number % 2 == 0 else (second, first)
        writer.set_section_note(section_id, f"note {number}")
        reader.refresh_if_changed()
        assert reader.section(section_id).note == f"note {number}"
    expected = {section_id: f"note {n}" for n, section_id in enumerate(ids)}
    for library in (first, second, Library.open(library_copy)):
        library.refresh_if_changed()
        assert {i: library.section(i).note for i in ids} == expected


def test_two_processes_writing_lose_no_edit(library_copy: Path) -> None:
    ids = [s.id for s in Library.open(library_copy).sections()[:40]]
    writers = [
        _start(WRITER_SCRIPT, str(library_copy), "a", *ids[:20]),
        _start(WRITER_SCRIPT, str(library_copy), "b", *ids[20:]),
    ]
    for writer in writers:
        assert writer.stdout.readline().strip() == "ready"
    for writer in writers:  # start both at once
        writer.stdin.write("go\n")
        writer.stdin.flush()
    for writer in writers:
        assert writer.stdout.readline().strip() == "done"
        assert writer.wait(60) == 0
    library = Library.open(library_copy)
    notes = {section_id: library.section(section_id).note for section_id in ids}
    expected = {section_id: f"a {n}" for n, section_id in enumerate(ids[:20])}
    expected |= {section_id: f"b {n}" for n, section_id in enumerate(ids[20:])}
    expected[ids[0]], expected[ids[20]] = "a last 19", "b last 19"
    assert notes == expected  # all 80 saves applied: none overwrote the other's
