"""A section's tables in the library: stored with the section, read back as a table, searched
by their words, kept through re-opening, migration, backups and library archives, and refused
in an archive when malformed."""

from __future__ import annotations

import json
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from briefer.actions.archive import export_archive, import_archive
from briefer.errors import UsageError
from briefer.library import Library, SectionFilter, Table, migrations, records
from briefer.library.storage import backups_of, encode_tables
from tests.conftest import piece_of, store_files
from tests.library.tables import AFTER, BEFORE, FIRST_TABLE, ROWS, table_document, table_text


@pytest.fixture
def library(tmp_path: Path) -> Library:
    library = Library.open(tmp_path / "library")
    library.add_documents([table_document()])
    return library


def _costs(library: Library):
    return next(s for s in library.sections() if s.heading == "Costs by corridor")


def _as_tuples(rows: list[list[str]]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(row) for row in rows)


def test_a_sections_tables_are_stored_and_read_back(library: Library) -> None:
    section = _costs(library)
    assert section.tables == [Table(1, _as_tuples(ROWS))]
    assert section.text == "\n\n".join([BEFORE, table_text(ROWS), AFTER])  # searched and read as before
    assert section.paragraphs() == [BEFORE, Table(1, _as_tuples(ROWS)), AFTER]
    stored = json.loads(piece_of(library.folder, section.source_file).read_text(encoding="utf-8"))
    record = next(r for r in stored["sections"].values() if r["id"] == section.id)
    assert record["tables"] == [{"paragraph": 1, "rows": ROWS}]
    reopened = Library.open(library.folder)
    assert _costs(reopened).tables == section.tables


def test_to_json_adds_tables_and_keeps_every_key(library: Library) -> None:
    data = _costs(library).to_json()
    assert data["tables"] == [{"paragraph": 1, "rows": ROWS}]
    interface = {"id", "meeting_id", "level", "heading", "path", "text", "paragraph_numbers", "themes"}
    assert interface | {"source", "kind", "notes", "theme_evidence", "user_note"} <= set(data)


def test_a_tables_words_are_found_by_search(library: Library) -> None:
    hits = library.search(SectionFilter(query="Ecuador")).hits
    assert [h.section.heading for h in hits] == ["Costs by corridor"]
    assert hits[0].section.tables  # a hit carries its section's tables
    assert [h.section.heading for h in library.search(SectionFilter(query="Pérez")).hits] == ["Programme"]


def test_edits_keep_the_tables(library: Library) -> None:
    section = _costs(library)
    library.set_section_note(section.id, "Cite the table")
    library.set_section_heading(section.id, "Costs, corridor by corridor")
    assert library.section(section.id).tables == section.tables


def test_a_document_written_before_tables_is_migrated_with_a_copy(library: Library) -> None:
    path = piece_of(library.folder, "corridors.pdf")
    data = json.loads(path.read_text(encoding="utf-8"))
    for record in data["sections"].values():
        del record["tables"]
    migrations.set_version(data, 1)
    path.write_text(json.dumps(data), encoding="utf-8")
    reopened = Library.open(library.folder, look_at_pieces=True)
    assert all(s.tables == [] for s in reopened.sections())
    assert [p for p in reopened.sections()[0].paragraphs() if isinstance(p, Table)] == []
    migrated = json.loads(path.read_text(encoding="utf-8"))
    assert migrations.stored_version(migrated) == migrations.SCHEMA_VERSION
    assert all(r["tables"] == [] for r in migrated["sections"].values())
    assert migrations.stored_version(json.loads(backups_of(path)[0].read_bytes())) == 1  # kept


def test_a_damaged_library_restored_from_an_older_backup_is_migrated(tmp_path: Path) -> None:
    library = Library.open(tmp_path / "library")
    library.add_documents([table_document("first.pdf")])
    library.add_documents([replace(table_document("first.pdf"), sha256="0" * 64)])  # a new version
    path = piece_of(library.folder, "first.pdf")
    backup = backups_of(path)[0]
    old = json.loads(backup.read_text(encoding="utf-8"))
    for record in old["sections"].values():
        del record["tables"]
    migrations.set_version(old, 1)
    backup.write_text(json.dumps(old), encoding="utf-8")
    path.write_text("{ cut short", encoding="utf-8")
    restored = Library.open(library.folder, look_at_pieces=True)
    assert restored.restored
    assert {s.source_file for s in restored.sections()} == {"first.pdf"}
    assert all(s.tables == [] for s in restored.sections())
    assert restored.documents()[0]["sha256"] != "0" * 64  # the version before


def test_an_archive_carries_the_tables(library: Library, tmp_path: Path) -> None:
    archive = export_archive(library, tmp_path / "tables")
    other = Library.open(tmp_path / "other")
    import_archive(other, archive)
    assert _costs(other).tables == _costs(library).tables
    programme = next(s for s in other.sections() if s.heading == "Programme")
    assert programme.tables == [Table(0, _as_tuples(FIRST_TABLE))]


def test_an_archive_from_before_tables_is_imported(library: Library, tmp_path: Path) -> None:
    def schema_1(content):
        for record in content["sections"].values():
            del record["tables"]
        migrations.set_version(content, 1)

    old = _rewritten(export_archive(library, tmp_path / "good.zip"), tmp_path / "old.zip", schema_1)
    other = Library.open(tmp_path / "other")
    import_archive(other, old)
    assert len(other.sections()) == 2 and all(s.tables == [] for s in other.sections())


def _rewritten(source: Path, target: Path, change) -> Path:
    """The archive with its library.json changed by `change(content)`."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "library.json":
                content = json.loads(data)
                change(content)
                data = encode_tables(content)  # as Briefer writes it, its checksum right
            new.writestr(info, data)
    return target


def _with_tables(source: Path, target: Path, change) -> Path:
    """The archive with the first section holding a table changed by `change(record)`."""
    return _rewritten(
        source, target, lambda content: change(next(r for r in content["sections"].values() if r["tables"]))
    )


def _set(**values):
    def change(record):
        record["tables"][0].update(values)

    return change


MALFORMED = {
    "not-a-list": lambda r: r.update(tables={"paragraph": 1}),
    "not-a-record": lambda r: r.update(tables=["1 | 2"]),
    "rows-text": _set(rows="a | b"),
    "row-text": _set(rows=["a | b"]),
    "cell-number": _set(rows=[["a", 2]]),
    "cell-nested": _set(rows=[["a", ["b"]]]),
    "paragraph-text": _set(paragraph="1"),
    "paragraph-bool": _set(paragraph=True),
    "paragraph-negative": _set(paragraph=-1),
    "paragraph-beyond": _set(paragraph=3),
    "paragraph-twice": lambda r: r["tables"].append(dict(r["tables"][0])),
    "missing-rows": lambda r: r["tables"][0].pop("rows"),
    "extra-key": _set(script="run()"),
    "too-many-rows": _set(rows=[["x"]] * (records.MAX_TABLE_ROWS + 1)),
    "too-many-columns": _set(rows=[["x"] * (records.MAX_TABLE_COLUMNS + 1)]),
    "too-many-cells": _set(
        rows=[["x"] * records.MAX_TABLE_COLUMNS] * (records.MAX_TABLE_CELLS // records.MAX_TABLE_COLUMNS + 1)
    ),
    "cell-too-long": _set(rows=[["x" * (records.MAX_CELL_CHARS + 1)]]),
}


@pytest.mark.parametrize("kind", sorted(MALFORMED))
def test_an_archive_with_malformed_tables_is_refused_whole(
    kind: str, library: Library, tmp_path: Path
) -> None:
    good = export_archive(library, tmp_path / "good.zip")
    bad = _with_tables(good, tmp_path / "bad.zip", MALFORMED[kind])
    target = Library.open(tmp_path / "target")
    target.add_documents([table_document("mine.pdf")])
    before = store_files(target.folder)
    with pytest.raises(UsageError, match="bad.zip: not a library archive.*(its sections|section s)"):
        import_archive(target, bad)
    assert store_files(target.folder) == before


def test_an_archive_with_tables_within_the_limits_is_accepted(library: Library, tmp_path: Path) -> None:
    good = export_archive(library, tmp_path / "good.zip")
    edge = _with_tables(good, tmp_path / "edge.zip", _set(rows=[[], ["", "b", "c"], ["é"]]))
    other = Library.open(tmp_path / "other")
    import_archive(other, edge)
    assert _costs(other).tables == [Table(1, ((), ("", "b", "c"), ("é",)))]


def test_a_table_record_is_checked_when_read() -> None:
    assert Table.from_json({"paragraph": 0, "rows": [["a", "b"], ["c"]]}) == Table(0, (("a", "b"), ("c",)))
    for bad in (None, [], {"paragraph": 0}, {"paragraph": 0.0, "rows": []}, {"paragraph": 0, "rows": [[1]]}):
        with pytest.raises(ValueError):
            Table.from_json(bad)
