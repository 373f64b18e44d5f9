"""Automatic backups: every save keeps the file it replaces (the newest three), and a damaged
library file is replaced by its newest good backup, with the damaged one kept and the user told."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefer import cli
from briefer.errors import LibraryDamagedError
from briefer.ingest.pipeline import parse_document
from briefer.library import Library
from briefer.library.storage import BACKUPS_KEPT, backups_of
from tests.conftest import SOURCES, as_briefer_writes, piece_of

GCIM = SOURCES / "gcim-regional-hearing-americas-2005.txt"


def _notes(library: Library) -> dict[str, str]:
    return {s.id: s.note for s in library.sections() if s.note}


def test_saves_keep_the_newest_versions(library_copy: Path) -> None:
    library = Library.open(library_copy)
    section = library.sections()[0]
    versions = []
    for number in range(6):
        library.set_section_note(section.id, f"note {number}")
        versions.append((library_copy / "user.json").read_bytes())
    kept = backups_of(library_copy / "user.json")
    assert len(kept) == BACKUPS_KEPT
    # newest first: the versions each save replaced
    assert [p.read_bytes() for p in kept] == versions[-2 : -2 - BACKUPS_KEPT : -1]
    assert not list((library_copy / "backups").glob(".*"))


def test_an_empty_new_file_is_not_backed_up(tmp_path: Path, parsed_samples) -> None:
    library = Library.open(tmp_path / "library")
    library.add_documents([parsed_samples[GCIM.name]])
    assert backups_of(piece_of(tmp_path / "library", GCIM.name)) == []
    assert backups_of(tmp_path / "library" / "user.json") == []


def _two_versions(folder: Path, tmp_path: Path) -> Path:
    """A library holding one document ingested twice (a changed file): its piece has a backup."""
    source = tmp_path / GCIM.name
    text = GCIM.read_text(encoding="utf-8")
    source.write_text(text, encoding="utf-8")
    library = Library.open(folder)
    library.add_documents([parse_document(source)])
    source.write_text(text.replace("Americas", "Amerikas"), encoding="utf-8")
    library.add_documents([parse_document(source)])
    return piece_of(folder, GCIM.name)


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b'{"documents": {"1": {"id"',
        b"\x00\xff garbage",
        b"[1, 2]",
        b"{}",
        b'{"document": {}, "sections": {}}',
    ],
)
def test_a_damaged_document_file_is_restored_from_its_backup(tmp_path: Path, parsed_samples, damage) -> None:
    folder = tmp_path / "library"
    piece = _two_versions(folder, tmp_path)
    first_version = backups_of(piece)[0].read_bytes()
    piece.write_bytes(damage)

    reopened = Library.open(folder, look_at_pieces=True)  # as the app opens it
    assert len(reopened.documents()) == 1  # the previous content, not an empty library
    assert piece.read_bytes() == first_version
    assert not any("Amerikas" in s.text for s in reopened.sections())
    [notice] = reopened.restored
    assert notice.path == piece and "damaged" in str(notice)
    assert notice.damaged_copy.read_bytes() == damage
    assert notice.damaged_copy.name.startswith(piece.name + ".damaged-")
    # the restored library works: a new ingest is indexed and saved
    reopened.add_documents(parsed_samples.values())
    assert len(Library.open(folder).documents()) == len(parsed_samples)


def test_a_damaged_user_json_is_restored_from_its_backup(library_copy: Path) -> None:
    library = Library.open(library_copy)
    first, second = library.sections()[:2]
    library.set_section_note(first.id, "first note")
    library.set_section_note(second.id, "second note")
    path = library_copy / "user.json"
    path.write_bytes(path.read_bytes()[:40])

    reopened = Library.open(library_copy)
    assert _notes(reopened) == {first.id: "first note"}  # the version before the last save
    [notice] = reopened.restored
    assert "user.json" in str(notice) and notice.damaged_copy.exists()
    assert json.loads(path.read_bytes())  # a good file again


def test_damage_found_while_saving_is_restored_and_indexed(library_copy: Path) -> None:
    """A file damaged while the library was open (the index still current) is restored on the
    next save, and the index follows the restored file."""
    library = Library.open(library_copy)
    first, second = library.sections()[:2]
    library.set_section_note(first.id, "kept")
    library.set_section_note(first.id, "lost with the damage")
    path = library_copy / "user.json"
    good = path.stat()
    path.write_bytes(b"{" + b" " * (good.st_size - 1))
    import os

    os.utime(path, ns=(good.st_atime_ns, good.st_mtime_ns))
    library._user.loaded = None  # as a new process would: the cache is not trusted
    library.set_section_note(second.id, "new")
    assert _notes(library) == {first.id: "kept", second.id: "new"}
    assert _notes(Library.open(library_copy)) == {first.id: "kept", second.id: "new"}
    assert len(library.restored) == 1


def test_without_a_good_backup_the_damage_is_reported(library_copy: Path) -> None:
    library = Library.open(library_copy)
    section = library.sections()[0]
    library.set_section_note(section.id, "a")
    library.set_section_note(section.id, "b")
    for backup in backups_of(library_copy / "user.json"):
        backup.write_bytes(b"not json")
    path = library_copy / "user.json"
    path.write_bytes(b"garbage")
    with pytest.raises(LibraryDamagedError, match="no backup of it") as raised:
        Library.open(library_copy)
    assert "damaged" in str(raised.value)
    assert path.read_bytes() == b"garbage"  # left untouched
    assert not list(library_copy.glob("user.json.damaged-*"))


def test_the_cli_prints_the_restore_notice(library_copy: Path, capsys) -> None:
    library = Library.open(library_copy)
    section = library.sections()[0]
    library.set_section_note(section.id, "a")
    library.set_section_note(section.id, "b")
    (library_copy / "user.json").write_bytes(b"")
    assert cli.main(["--library", str(library_copy), "meetings"]) == 0
    err = capsys.readouterr().err
    assert "briefer: warning:" in err and "restored from its backup" in err


# --- damage that still parses (issue 13) ----------------------------------------------------


def _without_text(data: bytes) -> bytes:
    content = json.loads(data)
    del next(iter(content["sections"].values()))["text"]
    return as_briefer_writes(json.dumps(content).encode())  # its checksum right: the record is what is wrong


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(_without_text, id="a-section-without-text"),
        pytest.param(lambda data: data.replace(b'"text":', b'"tExt":', 1), id="a-flipped-bit-in-a-key"),
        pytest.param(lambda data: data.replace(b"Amerikas", b"Amerikaz", 1), id="a-flipped-bit-in-the-text"),
        pytest.param(lambda data: data.replace(b'"level":2', b'"level":"2"', 1), id="a-wrongly-typed-field"),
    ],
)
def test_a_document_file_whose_records_are_damaged_is_restored(tmp_path: Path, damage) -> None:
    folder = tmp_path / "library"
    piece = _two_versions(folder, tmp_path)
    first_version = backups_of(piece)[0].read_bytes()
    piece.write_bytes(damage(piece.read_bytes()))
    assert piece.read_bytes() != first_version

    reopened = Library.open(folder, look_at_pieces=True)
    assert piece.read_bytes() == first_version
    [notice] = reopened.restored
    assert notice.path == piece
    assert all(s.text for s in reopened.sections())


def test_user_json_with_a_wrongly_typed_field_is_restored(library_copy: Path) -> None:
    library = Library.open(library_copy)
    meeting = library.meetings()[0]
    library.update_meeting(meeting.id, city="Geneva")
    library.update_meeting(meeting.id, city="Bern")
    path = library_copy / "user.json"
    content = json.loads(path.read_bytes())
    next(iter(content["meeting_edits"].values()))["fields"]["organizers"] = 5
    path.write_bytes(as_briefer_writes(json.dumps(content).encode()))

    reopened = Library.open(library_copy)
    assert reopened.meeting(meeting.id).city == "Geneva"  # the backup before the last save
    assert "organizers" in str(reopened.restored[0])


@pytest.mark.parametrize("damage", ["deleted", "emptied", "only-its-version"])
def test_a_user_json_that_lost_its_records_is_restored_not_read_as_empty(library_copy: Path, damage) -> None:
    library = Library.open(library_copy)
    first, second = library.sections()[:2]
    library.set_section_note(first.id, "first note")
    library.set_section_note(second.id, "second note")
    path = library_copy / "user.json"
    if damage == "deleted":
        path.unlink()
    else:
        path.write_bytes(b"{}" if damage == "emptied" else b'{"meta": {"1": {"schema": 4}}}')

    reopened = Library.open(library_copy)
    assert _notes(reopened) == {first.id: "first note"}
    assert "user.json" in str(reopened.restored[0])


def test_a_user_json_emptied_by_briefer_itself_stays_empty(library_copy: Path) -> None:
    """The user removing their only pack leaves a file with no records, which is no damage."""
    library = Library.open(library_copy)
    library.save_pack_record({"id": "p1", "title": "Only pack"})
    library.save_pack_record({"id": "p1", "title": "Only pack, renamed"})
    assert library.delete_pack_record("p1")
    reopened = Library.open(library_copy)
    assert reopened.pack_records() == [] and reopened.restored == []


def test_a_deleted_document_file_with_backups_is_restored(tmp_path: Path) -> None:
    folder = tmp_path / "library"
    piece = _two_versions(folder, tmp_path)
    first_version = backups_of(piece)[0].read_bytes()
    piece.unlink()
    reopened = Library.open(folder, look_at_pieces=True)
    assert piece.read_bytes() == first_version
    assert len(reopened.documents()) == 1 and reopened.restored[0].path == piece


def test_backups_are_ordered_by_their_sequence_not_the_clock(library_copy: Path, monkeypatch) -> None:
    from briefer.library import storage

    library = Library.open(library_copy)
    section = library.sections()[0]
    monkeypatch.setattr(storage, "_timestamp", lambda: "29991231T000000000000Z")  # a clock far ahead
    library.set_section_note(section.id, "saved while the clock was ahead")
    library.set_section_note(section.id, "one")
    monkeypatch.undo()
    versions = []
    for number in range(BACKUPS_KEPT):
        versions.append((library_copy / "user.json").read_bytes())
        library.set_section_note(section.id, f"later {number}")
    kept = backups_of(library_copy / "user.json")
    assert [p.read_bytes() for p in kept] == versions[::-1]  # the newest saves, not the one dated 2999
    (library_copy / "user.json").write_bytes(b"garbage")
    assert Library.open(library_copy).section(section.id).note == f"later {BACKUPS_KEPT - 2}"


def test_single_bit_flips_never_change_content_silently(tmp_path: Path) -> None:
    """Each flip of one bit anywhere in a document's file is read as damage and the last good
    version put back (or, where JSON reads it the same, changes nothing): never other content."""
    import random

    folder = tmp_path / "library"
    piece = _two_versions(folder, tmp_path)
    good = piece.read_bytes()
    restored = backups_of(piece)[0].read_bytes()
    texts = {s.id: s.text for s in Library.open(folder).sections()}
    for bit in random.Random(13).sample(range(len(good) * 8), 300):
        damaged = bytearray(good)
        damaged[bit // 8] ^= 1 << (bit % 8)
        piece.write_bytes(bytes(damaged))
        library = Library.open(folder, look_at_pieces=True)
        if library.restored:
            assert piece.read_bytes() == restored, bit
        else:
            assert json.loads(bytes(damaged)) == json.loads(good), bit
            assert {s.id: s.text for s in library.sections()} == texts, bit
        piece.write_bytes(good)
        for kept in folder.glob("documents/*.damaged-*"):
            kept.unlink()
