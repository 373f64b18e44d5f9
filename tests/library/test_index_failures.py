"""The index is derived: when it fails (a full disk, a read-only folder, a damaged page, a
folder or link where a file should be) no saved change is failed and every read still
answers, from an index in memory; a damaged file is built again by the next process."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from briefer.cli import main
from briefer.errors import LibraryError
from briefer.library import Library
from briefer.library.index import INDEX_FILE, SearchIndex, SectionFilter
from tests.conftest import ROOT


def _found(library: Library, query: str) -> list[str]:
    return [hit.section.id for hit in library.search(SectionFilter(query=query)).hits]


def _texts(library: Library) -> list[str]:
    return sorted(s.id + s.text + s.note for s in library.sections())


def test_a_full_disk_under_the_index_never_fails_a_saved_change(library_copy: Path, monkeypatch) -> None:
    expected = _texts(Library.open(library_copy))
    connect = SearchIndex._connect

    def full(self, path):  # SQLite itself says the disk is full: no page can be added
        connection = connect(self, path)
        if not self.in_memory:
            (pages,) = connection.execute("PRAGMA page_count").fetchone()
            connection.execute(f"PRAGMA max_page_count = {pages}")
        return connection

    monkeypatch.setattr(SearchIndex, "_connect", full)
    library = Library.open(library_copy)
    section = library.sections()[0]
    long_note = "a note long enough to need new pages in the index " * 40_000  # 2 MB
    saved = library.set_section_note(section.id, long_note)  # no sqlite3.OperationalError
    assert saved.note == long_note.strip() or saved.note == long_note
    assert library.index.in_memory
    assert library.section(section.id).note == saved.note
    monkeypatch.undo()  # space freed: the next process brings the file up to date
    again = Library.open(library_copy)
    assert not again.index.in_memory and again.section(section.id).note == saved.note
    assert len(_texts(again)) == len(expected)


def test_a_damaged_page_in_an_up_to_date_index_is_rebuilt(library_copy: Path, capsys) -> None:
    library = Library.open(library_copy)
    expected = _texts(library)
    hits = _found(library, "remittances")
    library.index.close()
    index = library_copy / INDEX_FILE
    with sqlite3.connect(index) as db:
        (page_size,) = db.execute("PRAGMA page_size").fetchone()
        (root,) = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'section_data'").fetchone()
    data = bytearray(index.read_bytes())
    start = (root - 1) * page_size
    data[start : start + page_size] = b"\xa5" * page_size  # the stamp (another page) is intact
    index.write_bytes(bytes(data))

    reopened = Library.open(library_copy)
    assert _texts(reopened) == expected
    assert _found(reopened, "remittances") == hits
    assert main(["--library", str(library_copy), "sections", "--query", "remittances", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == len(hits)
    assert not Library.open(library_copy).index.in_memory  # the file built again


@pytest.mark.parametrize("what", ["folder", "link"])
def test_a_folder_or_a_link_where_the_index_or_lock_is(library_copy: Path, tmp_path: Path, what: str) -> None:
    """The index: read and changed as ever (in memory, or built anew over the link); the
    lock: a one-line error saying what to move. Nothing is written outside the library."""
    expected = _texts(Library.open(library_copy))
    for name in (INDEX_FILE, "library.lock"):
        path = library_copy / name
        path.unlink(missing_ok=True)
        if what == "folder":
            path.mkdir()
        else:
            path.symlink_to(tmp_path / f"elsewhere-{name}")
        if name == "library.lock":
            with pytest.raises(
                LibraryError, match=f"library.lock: a {what} stands where .* keeps its lock file"
            ):
                library = Library.open(library_copy)
                library.set_section_note(library.sections()[0].id, "x")
        else:
            library = Library.open(library_copy)
            assert _texts(library) == expected
            library.set_section_note(library.sections()[0].id, f"seen with a {what}")
            assert library.sections()[0].note == f"seen with a {what}"
            expected = _texts(library)
            library.index.close()
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    assert not any(p.name.startswith("elsewhere") for p in tmp_path.iterdir())


@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="runs the reader as another user")
def test_a_read_only_library_is_read_and_searched_but_not_changed(library_copy: Path, tmp_path: Path) -> None:
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv is missing")
    shared = Path(os.environ.get("TMPDIR", "/tmp")) / f"briefer-read-only-{os.getpid()}"
    shutil.rmtree(shared, ignore_errors=True)
    shutil.copytree(library_copy, shared / "library")
    try:
        for path in [shared, *shared.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)  # readable by all, writable by root alone
        library = Library.open(shared / "library")
        expected = len(_found(library, "remittances"))
        library.index.close()
        (shared / "library" / INDEX_FILE).unlink()  # and no index to read: one in memory

        def as_nobody(*args: str) -> subprocess.CompletedProcess:
            return subprocess.run(
                ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-m", "briefer",
                 "--library", str(shared / "library"), *args],
                cwd=ROOT, capture_output=True, text=True, timeout=120,
                env={**os.environ, "HOME": str(shared), "PYTHONDONTWRITEBYTECODE": "1"},
            )  # fmt: skip

        found = as_nobody("sections", "--query", "remittances", "--json")
        if found.returncode != 0 and "Permission denied" in found.stderr and "briefer" not in found.stderr:
            pytest.skip("the program itself is not readable by another user here")
        assert found.returncode == 0, found.stderr
        assert len(json.loads(found.stdout)) == expected
        section = json.loads(found.stdout)[0]["id"]
        refused = as_nobody("note", section, "a note")
        assert refused.returncode != 0
        assert "read-only" in refused.stderr and "Traceback" not in refused.stderr
        assert len(refused.stderr.strip().splitlines()) == 1
        assert not (shared / "library" / INDEX_FILE).exists()
    finally:
        shutil.rmtree(shared, ignore_errors=True)


def test_a_library_folder_deleted_under_an_open_library_is_said_so(library_copy: Path) -> None:
    library = Library.open(library_copy)
    section = library.sections()[0]
    shutil.rmtree(library_copy)
    for read in (
        lambda: library.search(SectionFilter(query="remittances")),
        lambda: library.section("s0000000000"),
        lambda: library.set_section_note(section.id, "lost?"),
        lambda: library.refresh_if_changed(),
    ):
        with pytest.raises(LibraryError, match="the library folder has gone"):
            read()
    assert not library_copy.exists()  # not made again, empty
