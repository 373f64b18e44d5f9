"""A full disk while saving: a clear message, the library files exactly as before, the index
consistent with them, and the next save (space freed) works."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from briefer import atomic
from briefer.errors import LibraryError
from briefer.library import Library
from tests.conftest import SOURCES


def _files(folder: Path) -> dict[str, bytes]:
    """Every file of the library but the derived index, backups included."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith("index.sqlite3") and p.name != "library.lock"
    }


class _FullDisk:
    """`open` for the file writer (briefer/atomic.py) whose files take a few bytes, then fail with ENOSPC."""

    def __init__(self) -> None:
        self.failures = 0

    def __call__(self, file, mode="r", *args, **kwargs):
        handle = open(file, mode, *args, **kwargs)
        if "w" not in mode:
            return handle
        outer = self

        class Handle:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                handle.close()

            def write(self, data):
                handle.write(data[:7])
                handle.flush()
                outer.failures += 1
                raise OSError(errno.ENOSPC, "No space left on device")

            def __getattr__(self, name):
                return getattr(handle, name)

        return Handle()


def _fail_replace(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.fixture(params=["write", "replace"])
def full_disk(request, monkeypatch):
    def apply():
        if request.param == "write":
            monkeypatch.setattr(atomic, "open", _FullDisk(), raising=False)  # the one file writer
        else:
            monkeypatch.setattr(atomic.os, "replace", _fail_replace)

    return apply, monkeypatch.undo


def test_an_edit_on_a_full_disk(library_copy: Path, full_disk) -> None:
    fill, free = full_disk
    library = Library.open(library_copy)
    section, other = library.sections()[:2]
    library.set_section_note(section.id, "before")
    library.set_section_note(section.id, "before, again")  # so that user.json has backups
    before = _files(library_copy)
    fill()
    with pytest.raises(LibraryError, match="the disk is full") as raised:
        library.set_section_note(section.id, "after")
    assert "as it was before" in str(raised.value)
    with pytest.raises(LibraryError, match="the disk is full"):
        library.set_section_themes(other.id, add=["diaspora"])
    assert _files(library_copy) == before
    assert library.section(section.id).note == "before, again"  # the open library: unchanged
    assert "diaspora" not in library.section(other.id).theme_ids
    free()
    reopened = Library.open(library_copy)
    assert reopened.section(section.id).note == "before, again" and reopened.restored == []
    assert library.set_section_note(section.id, "after").note == "after"  # space freed: saves
    assert Library.open(library_copy).section(section.id).note == "after"


def test_an_ingest_on_a_full_disk(library_copy: Path, parsed_samples, full_disk, tmp_path: Path) -> None:
    from briefer.ingest.pipeline import parse_document

    fill, free = full_disk
    library = Library.open(library_copy)
    source = tmp_path / "changed.txt"
    source.write_text(
        (SOURCES / "gcim-regional-hearing-americas-2005.txt").read_text(encoding="utf-8")[:20000],
        encoding="utf-8",
    )
    parsed = parse_document(source)
    documents, sections = len(library.documents()), len(library.sections())
    before = _files(library_copy)
    fill()
    with pytest.raises(LibraryError, match="the disk is full"):
        library.add_documents([parsed])
    assert _files(library_copy) == before
    assert (len(library.documents()), len(library.sections())) == (documents, sections)
    free()
    reopened = Library.open(library_copy)
    assert (len(reopened.documents()), len(reopened.sections())) == (documents, sections)
    assert library.add_documents([parsed])[0].status == "added"
    assert len(Library.open(library_copy).documents()) == documents + 1
