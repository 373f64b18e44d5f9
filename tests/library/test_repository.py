"""The library store: stable ids, re-ingesting, user edits that survive, atomic writes, locking,
schema versions."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefer.errors import LibraryDamagedError, LibraryError, LibraryLockedError, NotFoundError, UsageError
from briefer.ingest.pipeline import parse_document
from briefer.library import Library, SectionFilter, migrations
from briefer.library.storage import LibraryLock, atomic_write_bytes, backups_of
from tests.conftest import SOURCES, as_briefer_writes, store_files

GCIM = SOURCES / "gcim-regional-hearing-americas-2005.txt"


def _snapshot(folder: Path) -> dict[str, bytes]:
    """The library's store of record (the search index is derived from it)."""
    return store_files(folder)


def _pieces(folder: Path) -> list[Path]:
    return sorted((folder / "documents").glob("*.json"))


def _as_schema_2(folder: Path, version: int = 2) -> None:
    """Turn a library folder into one written by Briefer before schema 3: all documents in
    one library.json, no documents folder, no index of this version."""
    content = json.loads(Library.open(folder).stored_files()["library.json"])
    migrations.set_version(content, version)
    (folder / "library.json").write_text(json.dumps(content), encoding="utf-8")
    user = json.loads((folder / "user.json").read_text(encoding="utf-8"))
    migrations.set_version(user, version)
    (folder / "user.json").write_text(json.dumps(user), encoding="utf-8")
    shutil.rmtree(folder / "documents")
    (folder / "index.sqlite3").unlink()


def test_ids_are_stable_across_runs(tmp_path: Path, parsed_samples) -> None:
    first = Library.open(tmp_path / "a")
    first.add_documents(parsed_samples.values())
    again = Library.open(tmp_path / "b")
    again.add_documents([parse_document(p) for p in sorted(SOURCES.glob("*.txt"))])
    assert [s.id for s in first.sections()] == [s.id for s in again.sections()]
    assert {m.id for m in first.meetings()} == {m.id for m in again.meetings()}
    assert len(set(s.id for s in first.sections())) == len(first.sections())


def test_reingesting_an_unchanged_file_changes_nothing(library_copy: Path, parsed_samples) -> None:
    before = _snapshot(library_copy)
    outcomes = Library.open(library_copy).add_documents(parsed_samples.values())
    assert {o.status for o in outcomes} == {"unchanged"}
    assert _snapshot(library_copy) == before


def test_same_content_under_another_name_is_not_added_twice(tmp_path: Path, library_copy: Path) -> None:
    copy = tmp_path / "renamed.txt"
    shutil.copy(GCIM, copy)
    outcome = Library.open(library_copy).add_documents([parse_document(copy)])[0]
    assert outcome.status == "duplicate" and GCIM.name in outcome.detail


def test_a_changed_file_keeps_the_users_edits(tmp_path: Path) -> None:
    source = tmp_path / GCIM.name
    shutil.copy(GCIM, source)
    library = Library.open(tmp_path / "library")
    library.add_documents([parse_document(source)])
    remittances = next(s for s in library.sections() if s.heading == "Migrant remittances")
    trafficking = next(s for s in library.sections() if s.heading == "Human trafficking")
    meeting = library.meeting(remittances.meeting_id)
    library.set_section_themes(remittances.id, add=["diaspora"], remove=["remittances"])
    library.set_section_note(remittances.id, "Cite para on costs")
    library.set_section_heading(trafficking.id, "Trafficking in the Americas")
    library.update_meeting(meeting.id, title="GCIM Regional Hearing for the Americas")

    # A new version: one paragraph reworded, the trafficking section dropped.
    text = source.read_text(encoding="utf-8")
    start = text.index("Human trafficking\n")
    end = text.index("The problem of xenophobia\n")
    source.write_text(
        text[:start].replace("some $16 billion", "some $17 billion") + text[end:], encoding="utf-8"
    )
    outcome = library.add_documents([parse_document(source)])[0]
    assert outcome.status == "updated"
    assert "1 of your section edits" in outcome.detail

    reopened = Library.open(tmp_path / "library")
    section = reopened.section(remittances.id)
    assert "some $17 billion" in section.text
    assert set(section.theme_ids) == {"diaspora"}
    assert [t.by_user for t in section.themes] == [True]
    assert section.note == "Cite para on costs"
    assert reopened.meeting(meeting.id).title == "GCIM Regional Hearing for the Americas"
    assert reopened.meeting(meeting.id).edited == ["title"]
    with pytest.raises(NotFoundError):
        reopened.section(trafficking.id)
    # The orphaned edit is kept: if the section comes back, so does the heading.
    shutil.copy(GCIM, source)
    reopened.add_documents([parse_document(source)])
    assert reopened.section(trafficking.id).heading == "Trafficking in the Americas"


def test_theme_edits_validate_and_undo(library_copy: Path) -> None:
    library = Library.open(library_copy)
    section = next(s for s in library.sections() if s.heading == "Migrant remittances")
    known = ["remittances", "diaspora"]
    with pytest.raises(UsageError, match="unknown theme 'nonsense'"):
        library.set_section_themes(section.id, add=["nonsense"], known=known)
    library.set_section_themes(section.id, remove=["remittances"])
    assert "remittances" not in library.section(section.id).theme_ids
    library.set_section_themes(section.id, add=["remittances"])
    restored = library.section(section.id)
    assert "remittances" in restored.theme_ids
    assert not [t for t in restored.themes if t.by_user]  # back to the automatic tag, evidence and all


def test_edits_do_not_rewrite_the_section_bodies(library_copy: Path) -> None:
    library = Library.open(library_copy)
    before = {path: path.read_bytes() for path in _pieces(library_copy)}
    section = library.sections()[0]
    library.set_section_note(section.id, "note")
    assert {path: path.read_bytes() for path in _pieces(library_copy)} == before
    assert "note" in (library_copy / "user.json").read_text(encoding="utf-8")


def test_filters(library_copy: Path) -> None:
    library = Library.open(library_copy)
    remittances = library.sections(SectionFilter(themes=["remittances"]))
    assert remittances and all("remittances" in s.theme_ids for s in remittances)
    both = library.sections(SectionFilter(themes=["remittances", "diaspora"], all_themes=True))
    assert both and all({"remittances", "diaspora"} <= set(s.theme_ids) for s in both)
    since = library.sections(SectionFilter(date_from="2006-01-01"))
    for section in since:
        assert library.meeting(section.meeting_id).start_date >= "2006-01-01"
    words = library.sections(SectionFilter(query="remittance costs"))  # any English form of each word
    assert words and all("remittance" in s.text.lower() and "cost" in s.text.lower() for s in words)
    meeting = library.meetings()[0]
    assert {s.meeting_id for s in library.sections(SectionFilter(meeting_id=meeting.id))} == {meeting.id}


# --- atomic writes, damage, locking --------------------------------------------------------


def test_a_damaged_library_file_is_reported_and_left_alone(library_copy: Path) -> None:
    path = _pieces(library_copy)[0]  # with no backup: it was written once
    path.write_bytes(path.read_bytes()[:1000])
    damaged = path.read_bytes()
    with pytest.raises(LibraryDamagedError, match="damaged"):
        Library.open(library_copy, look_at_pieces=True)
    assert path.read_bytes() == damaged


def test_a_failed_write_leaves_the_old_file(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "file.json"
    path.write_bytes(b"old")

    def no_space(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_space)
    with pytest.raises(LibraryError, match="disk is full"):
        atomic_write_bytes(path, b"new")
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["file.json"]


def _hold_lock(folder: str, ready, release) -> None:
    with LibraryLock(Path(folder)):
        ready.set()
        release.wait(10)


@pytest.mark.slow  # a second process, and a lock waited for until it gives up
def test_a_second_writer_is_told_the_library_is_busy(library_copy: Path) -> None:
    library = Library.open(library_copy)
    section = library.sections()[0]
    context = multiprocessing.get_context("spawn")
    ready, release = context.Event(), context.Event()
    holder = context.Process(target=_hold_lock, args=(str(library_copy), ready, release))
    holder.start()
    try:
        assert ready.wait(20)
        before = _snapshot(library_copy)
        with pytest.raises(LibraryLockedError, match="another Briefer process"):
            LibraryLock(library_copy, timeout=0.2).__enter__()
        started = time.monotonic()
        with pytest.raises(LibraryLockedError):
            library.set_section_note(section.id, "a note")
        assert time.monotonic() - started < 30
        assert _snapshot(library_copy) == before
    finally:
        release.set()
        holder.join(10)
    assert library.set_section_note(section.id, "a note").note == "a note"  # free again


KILL_SCRIPT = """
import sys
from pathlib import Path
from briefer.ingest.pipeline import parse_document
from briefer.library import Library
library = Library.open(Path(sys.argv[1]))
docs = [parse_document(Path(p)) for p in sys.argv[2:]]
print("ready", flush=True)
library.add_documents(docs)
print("done", flush=True)
"""


@pytest.mark.slow  # six processes, each parsing four reports
def test_killing_an_ingest_leaves_each_document_whole_or_absent(tmp_path: Path) -> None:
    """Each document is its own write: a kill keeps the documents written before it, whole,
    and the library as it was otherwise."""
    folder = tmp_path / "library"
    Library.open(folder).add_documents([parse_document(GCIM)])
    old = _snapshot(folder)
    others = [p for p in sorted(SOURCES.glob("*.txt")) if p != GCIM]
    whole = {p.name: sum(len(m.sections) for m in parse_document(p).meetings) for p in others}
    outcomes = set()
    for delay in (0.0, 0.02, 0.05, 0.1, 0.2, 0.4):
        process = subprocess.Popen(
            [sys.executable, "-c", KILL_SCRIPT, str(folder), *map(str, others)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert process.stdout.readline().strip() == "ready"
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        library = Library.open(folder)  # always opens
        files = {d["file"] for d in library.documents()}
        for name in files - {GCIM.name}:
            assert len([s for s in library.sections() if s.source_file == name]) == whole[name]
        snapshot = _snapshot(folder)
        assert {k: v for k, v in snapshot.items() if k in old} == old  # what was there is unchanged
        outcomes.add(len(files))
        if len(files) > 1:  # start again from the old state
            shutil.rmtree(folder)
            (folder / "documents").mkdir(parents=True)
            for name, data in old.items():
                (folder / name).write_bytes(data)
        assert not [p for p in folder.rglob("*") if p.name.endswith(".tmp")]
    # Some kill landed before the first save, so the old library was seen to survive.
    assert 1 in outcomes


# --- schema versions -----------------------------------------------------------------------


def test_new_library_records_its_schema(tmp_path: Path, parsed_samples) -> None:
    library = Library.open(tmp_path / "library")
    library.add_documents([parsed_samples[GCIM.name]])
    for path in [tmp_path / "library" / "user.json", *_pieces(tmp_path / "library")]:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert migrations.stored_version(data) == migrations.SCHEMA_VERSION


def test_a_library_in_one_file_is_split_into_pieces_and_kept(library_copy: Path) -> None:
    """A library written before schema 3 (every document in library.json) opens with all
    its documents, edits and packs, one file per document, the old file kept."""
    library = Library.open(library_copy)
    section = library.sections()[0]
    library.set_section_note(section.id, "kept across the upgrade")
    before = [(s.id, s.heading, s.text, s.note) for s in library.sections()]
    pieces = {path.name: json.loads(path.read_bytes()) for path in _pieces(library_copy)}
    _as_schema_2(library_copy)
    single = (library_copy / "library.json").read_bytes()

    upgraded = Library.open(library_copy)
    assert [(s.id, s.heading, s.text, s.note) for s in upgraded.sections()] == before
    assert not (library_copy / "library.json").exists()
    assert (library_copy / "library.json.v2.bak").read_bytes() == single
    assert (library_copy / "user.json.v2.bak").exists()
    after = {path.name: json.loads(path.read_bytes()) for path in _pieces(library_copy)}
    assert after.keys() == pieces.keys()
    for name, data in after.items():  # the same records; a piece's revision counts its writes
        assert data["document"] == pieces[name]["document"] and data["sections"] == pieces[name]["sections"]
    assert (
        migrations.stored_version(json.loads((library_copy / "user.json").read_bytes()))
        == migrations.SCHEMA_VERSION
    )


def test_a_split_killed_halfway_is_done_again(library_copy: Path, monkeypatch) -> None:
    from briefer.library.pieces import DocumentPieces

    expected = len(Library.open(library_copy).sections())
    _as_schema_2(library_copy)
    real_write, written = DocumentPieces.write, []

    def dies_on_the_third(self, piece, new_generation=True):
        if len(written) == 2:
            raise KeyboardInterrupt  # as a kill would stop it
        written.append(piece)
        return real_write(self, piece, new_generation)

    monkeypatch.setattr(DocumentPieces, "write", dies_on_the_third)
    with pytest.raises(KeyboardInterrupt):
        Library.open(library_copy)
    monkeypatch.undo()
    assert (library_copy / "library.json").exists() and len(_pieces(library_copy)) == 2
    assert len(Library.open(library_copy).sections()) == expected
    assert not (library_copy / "library.json").exists()


def test_an_unversioned_library_is_migrated_with_a_backup(library_copy: Path) -> None:
    expected = len(Library.open(library_copy).sections())
    _as_schema_2(library_copy)
    path = library_copy / "library.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["meta"]
    for section in data["sections"].values():
        del section["tables"]  # schema 1 had no tables
    path.write_text(json.dumps(data), encoding="utf-8")
    library = Library.open(library_copy)
    assert len(library.sections()) == expected and all(s.tables == [] for s in library.sections())
    assert (library_copy / "library.json.v0.bak").exists()
    for piece in _pieces(library_copy):
        assert migrations.stored_version(json.loads(piece.read_bytes())) == migrations.SCHEMA_VERSION


def test_migrations_run_in_order(library_copy: Path, monkeypatch) -> None:
    calls = []
    current = migrations.SCHEMA_VERSION
    pieces = _pieces(library_copy)
    headings = {s.id: s.heading for s in Library.open(library_copy).sections()}

    def mark_headings(data):
        calls.append(f"{current}->{current + 1}")
        for record in data.get("sections", {}).values():
            record["heading"] += " (next)"

    monkeypatch.setattr(migrations, "SCHEMA_VERSION", current + 1)
    monkeypatch.setitem(migrations.MIGRATIONS, current, mark_headings)
    monkeypatch.setattr("briefer.library.repository.SCHEMA_VERSION", current + 1)
    monkeypatch.setattr("briefer.library.pieces.SCHEMA_VERSION", current + 1)
    monkeypatch.setattr("briefer.library.storage.SCHEMA_VERSION", current + 1)
    library = Library.open(library_copy)
    assert calls == [f"{current}->{current + 1}"] * (1 + len(pieces))  # user.json and each piece
    assert {s.heading for s in library.sections()} == {f"{h} (next)" for h in headings.values()}
    assert (library_copy / f"user.json.v{current}.bak").exists()
    for piece in pieces:  # the old version of each piece is kept among its backups
        assert migrations.stored_version(json.loads(piece.read_bytes())) == current + 1
        assert "(next)" not in " ".join(b.read_text(encoding="utf-8") for b in backups_of(piece))
    assert Library.open(library_copy).sections()[0].heading.endswith(" (next)")


@pytest.mark.parametrize("which", ["user", "piece", "single"])
def test_a_library_from_a_newer_version_is_refused(library_copy: Path, which: str) -> None:
    if which == "single":
        _as_schema_2(library_copy)
    path = {
        "user": library_copy / "user.json",
        "piece": _pieces(library_copy)[0] if which == "piece" else None,
        "single": library_copy / "library.json",
    }[which]
    data = json.loads(path.read_text(encoding="utf-8"))
    migrations.set_version(data, migrations.SCHEMA_VERSION + 1)
    path.write_text(json.dumps(data), encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(LibraryError, match="newer version of Briefer"):
        Library.open(library_copy, look_at_pieces=True)
    assert path.read_bytes() == before


def test_a_copied_or_restored_folder_is_not_indexed_again_unless_its_content_changed(
    library_copy: Path, tmp_path: Path, monkeypatch
) -> None:
    from briefer.library.index import SearchIndex

    Library.open(library_copy).set_section_note(Library.open(library_copy).sections()[0].id, "kept")
    copy = tmp_path / "copied"
    shutil.copytree(library_copy, copy)  # new files (inodes), their times kept: as cp -a, a sync, a restore
    rebuilds: list[Path] = []
    replays: list[Path] = []
    real_rebuild, real_apply = SearchIndex.rebuild, SearchIndex.apply_user
    monkeypatch.setattr(
        SearchIndex, "rebuild", lambda self, *a: (rebuilds.append(self.path), real_rebuild(self, *a))
    )
    monkeypatch.setattr(
        SearchIndex, "apply_user", lambda self, *a: (replays.append(self.path), real_apply(self, *a))
    )
    library = Library.open(copy)
    assert rebuilds == [] and replays == []
    assert len(library.sections()) == len(Library.open(library_copy).sections())
    assert library.sections()[0].note == "kept"

    # Other content under the same size and times (a file put back from elsewhere) is indexed.
    def put_back(path: Path, old: bytes, new: bytes) -> None:
        """Another version of the file put in its place, with the same size and times."""
        stat, incoming = path.stat(), path.with_name("incoming")
        incoming.write_bytes(as_briefer_writes(path.read_bytes().replace(old, new)))
        os.utime(incoming, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        os.replace(incoming, path)

    put_back(copy / "user.json", b'"kept"', b'"lost"')
    assert Library.open(copy).sections()[0].note == "lost"
    assert rebuilds == [] and replays == [copy / "index.sqlite3"]
    replaced: list[str] = []
    real_replace = SearchIndex.replace_documents
    monkeypatch.setattr(
        SearchIndex,
        "replace_documents",
        lambda self, removed, pieces, *a: (
            replaced.extend(p.name for p in pieces),
            real_replace(self, removed, pieces, *a),
        ),
    )
    piece = next(p for p in _pieces(copy) if b"Global Forum" in p.read_bytes())
    put_back(piece, b"Global Forum", b"Global F0rum")
    assert any("Global F0rum" in s.text for s in Library.open(copy).sections())
    assert rebuilds == [] and replaced == [piece.name]  # that document alone


def test_a_piece_written_over_in_place_is_seen_when_the_pieces_are_looked_at(library_copy: Path) -> None:
    """Briefer's writes, and files renamed into the folder, are seen from four stats; a file
    written over in place by hand is seen when the app opens the library (every piece's
    signature compared)."""
    piece = next(p for p in _pieces(library_copy) if b"Global Forum" in p.read_bytes())
    piece.write_bytes(as_briefer_writes(piece.read_bytes().replace(b"Global Forum", b"Global F0rum")))
    assert any("Global F0rum" in s.text for s in Library.open(library_copy, look_at_pieces=True).sections())
    incoming = piece.with_name("incoming")
    incoming.write_bytes(as_briefer_writes(piece.read_bytes().replace(b"Global F0rum", b"Global Forum")))
    os.replace(incoming, piece)  # as a sync tool writes
    assert not any("Global F0rum" in s.text for s in Library.open(library_copy).sections())


def test_long_work_on_opening_reports_its_progress(library_copy: Path) -> None:
    told: list[tuple[int, int, str]] = []
    (library_copy / "index.sqlite3").unlink()
    Library.open(library_copy, progress=lambda *a: told.append(a))
    documents = len(_pieces(library_copy))
    assert told[-1] == (documents, documents, "Indexing the library")
    _as_schema_2(library_copy)
    told.clear()
    Library.open(library_copy, progress=lambda *a: told.append(a))
    assert told[0] == (0, documents, "Upgrading the library to one file per document")
    assert told[-1] == (documents, documents, "Indexing the library")


def test_what_a_killed_ingest_left_in_the_documents_folder_goes_with_the_next_write(
    library_copy: Path, tmp_path: Path, monkeypatch
) -> None:
    """Removed once per library opened (one listing of the folder), not once per document."""
    from briefer.library import pieces
    from tests.test_atomic import _dead_pid

    dead = _dead_pid()
    left = [library_copy / "documents" / f".d{n:010d}.json.{dead}.partial" for n in range(3)]
    for path in left:
        path.write_bytes(b"half a document")
    library = Library.open(library_copy)
    sources = []
    for place in ("Pacific", "Arctic"):
        source = tmp_path / f"hearing-{place}.txt"
        source.write_text(GCIM.read_text(encoding="utf-8").replace("Americas", place), encoding="utf-8")
        sources.append(parse_document(source))
    listed: list[Path] = []
    real_remove = pieces.remove_leftovers
    monkeypatch.setattr(
        pieces, "remove_leftovers", lambda folder, *a: (listed.append(folder), real_remove(folder, *a))
    )
    assert [o.status for o in library.add_documents(sources)] == ["added", "added"]
    assert not any(path.exists() for path in left)
    assert listed == [library_copy / "documents"]


def test_ids_that_meet_by_chance_are_made_longer(tmp_path: Path, parsed_samples, monkeypatch) -> None:
    """Short hashes collide by chance in very large libraries: the second document's
    meeting and sections then get ids twice as long, and both documents are kept."""
    from briefer.library import repository

    real = repository.stable_id

    def colliding(prefix, *parts, length=10):  # every short meeting id the same
        return "m00000000" if prefix == "m" and length == 8 else real(prefix, *parts, length=length)

    monkeypatch.setattr(repository, "stable_id", colliding)
    one, other = (parsed_samples[n] for n in sorted(parsed_samples)[:2])
    assert len(one.meetings) == len(other.meetings) == 1
    library = Library.open(tmp_path / "library")
    assert [o.status for o in library.add_documents([one, other])] == ["added", "added"]
    ids = sorted(m.id for m in library.meetings())
    assert ids[0] == "m00000000" and len(ids[1]) == 17
    assert len({s.id for s in library.sections()}) == len(library.sections())
