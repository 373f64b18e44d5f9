"""A library as one archive: exported, imported elsewhere, merged without duplicates, and an
archive from someone else refused whole (nothing written) when it is not as Briefer writes it."""

from __future__ import annotations

import json
import random
import stat
import string
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefer.actions.archive import export_archive, import_archive
from briefer.actions.packs import list_packs, save_pack
from briefer.cli import main
from briefer.errors import UsageError
from briefer.library import Library, records
from briefer.library.storage import encode_tables
from briefer.packs.model import Pack, PackItem
from tests.conftest import SAMPLE_FILES, store_files


def _files(folder: Path) -> dict[str, bytes]:
    return store_files(folder)


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def _sections(library: Library) -> dict[str, tuple]:
    return {s.id: (s.heading, s.text, s.note, sorted(t.id for t in s.themes)) for s in library.sections()}


def _packs(library: Library) -> list[dict]:
    return sorted((p.to_json() for p in list_packs(library)), key=lambda p: p["id"])


@pytest.fixture
def edited(library_copy: Path) -> Library:
    """The sample library with a note, a heading, a theme, a meeting correction, a mark, a pack."""
    library = Library.open(library_copy)
    sections = library.sections()
    library.set_section_note(sections[0].id, "their note")
    library.set_section_heading(sections[1].id, "Their heading")
    library.set_section_note(sections[2].id, "another note")
    library.update_meeting(library.meetings()[0].id, city="Geneva")
    library.mark_not_duplicate(sections[3].id, sections[4].id)
    save_pack(library, Pack("Their pack", items=[PackItem.section(sections[0].id)]))
    return library


def test_export_then_import_into_an_empty_library(edited: Library, tmp_path: Path) -> None:
    archive = export_archive(edited, tmp_path / "mine")
    assert archive.name == "mine.briefer-library.zip"
    with zipfile.ZipFile(archive) as zipped:
        names = set(zipped.namelist())
    assert names == {"manifest.json", "library.json", "user.json"} | {
        f"sources/{p.name}" for p in SAMPLE_FILES
    }

    other = Library.open(tmp_path / "other")
    report = import_archive(other, archive)
    assert report.documents_added == len(SAMPLE_FILES) and report.documents_skipped == 0
    assert report.edits_added == 4 and report.packs_added == 1 and report.sources_copied == len(SAMPLE_FILES)
    assert _sections(other) == _sections(edited)
    assert [(m.id, m.city) for m in other.meetings()] == [(m.id, m.city) for m in edited.meetings()]
    assert _packs(other) == _packs(edited)
    marked = edited.sections()[3].id
    assert other.duplicates_of(marked) == edited.duplicates_of(marked)
    assert sorted(p.name for p in (tmp_path / "other" / "sources").iterdir()) == [
        p.name for p in SAMPLE_FILES
    ]
    assert {d["path"] for d in other.documents()} == {
        str(tmp_path / "other" / "sources" / p.name) for p in SAMPLE_FILES
    }

    before, tree = _files(other.folder), _tree(tmp_path)
    again = import_archive(other, archive)
    assert _files(other.folder) == before
    assert _tree(tmp_path) == tree
    assert again.documents_added == again.edits_added == again.packs_added == again.sources_copied == 0
    assert again.documents_skipped == len(SAMPLE_FILES)
    # and a fresh process sees the same library
    assert _sections(Library.open(tmp_path / "other")) == _sections(edited)


def test_merging_into_a_library_sharing_documents(edited: Library, tmp_path: Path, parsed_samples) -> None:
    archive = export_archive(edited, tmp_path / "theirs.zip")
    mine = Library.open(tmp_path / "mine")
    noted = next(s.source_file for s in edited.sections() if s.note)
    other = next(p.name for p in SAMPLE_FILES if p.name != noted)
    shared = [parsed_samples[noted], parsed_samples[other]]
    mine.add_documents(shared)
    theirs = {s.id: s for s in edited.sections()}
    both = [s.id for s in mine.sections() if theirs.get(s.id) and theirs[s.id].note]
    assert both, "the test needs a section edited on both sides"
    mine.set_section_note(both[0], "my note")
    clash = list_packs(edited)[0]
    save_pack(mine, Pack("My pack", id=clash.id))

    report = import_archive(mine, archive)
    assert report.documents_skipped == 2 and report.documents_added == len(SAMPLE_FILES) - 2
    assert report.edits_kept_local == 1
    assert report.packs_added == 1 and report.packs_renamed == 1
    notes = {s.id: s.note for s in mine.sections()}
    assert notes[both[0]] == "my note"
    for section_id, section in theirs.items():
        if section.note and section_id != both[0]:
            assert notes[section_id] == section.note
    assert set(_sections(mine)) == set(theirs)
    titles = sorted(p.title for p in list_packs(mine))
    assert titles == ["My pack", "Their pack"]
    assert len({p.id for p in list_packs(mine)}) == 2

    before = _files(mine.folder)
    again = import_archive(mine, archive)
    assert _files(mine.folder) == before
    assert again.packs_added == again.edits_added == again.documents_added == 0


def test_a_different_version_of_a_document_keeps_the_local_one(edited: Library, tmp_path: Path) -> None:
    archive = export_archive(edited, tmp_path / "theirs.zip")
    changed = tmp_path / "in" / SAMPLE_FILES[0].name
    changed.parent.mkdir()
    changed.write_text(
        SAMPLE_FILES[0].read_text(encoding="utf-8") + "\nA local addition.\n", encoding="utf-8"
    )
    from briefer.ingest.pipeline import parse_document

    mine = Library.open(tmp_path / "mine")
    mine.add_documents([parse_document(changed)])
    local = _sections(mine)
    report = import_archive(mine, archive)
    assert report.documents_kept_local == [SAMPLE_FILES[0].name]
    assert report.documents_added == len(SAMPLE_FILES) - 1
    document = {d["file"]: d for d in mine.documents()}[SAMPLE_FILES[0].name]
    assert document["path"] == str(changed)
    for section_id, value in local.items():
        assert _sections(mine)[section_id][1] == value[1]
    assert (mine.folder / "sources" / SAMPLE_FILES[0].name).read_bytes() == SAMPLE_FILES[0].read_bytes()


# --- archives from someone else ---------------------------------------------------------------


def _rewrite(
    source: Path, target: Path, extra: list[tuple[zipfile.ZipInfo | str, bytes]] = (), drop=()
) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename not in drop:
                new.writestr(info, old.read(info))
        for name, data in extra:
            new.writestr(name, data)
    return target


def _link(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def _huge_declared(source: Path, target: Path) -> Path:
    data = bytearray(source.read_bytes())
    header = data.rfind(b"PK\x01\x02")  # the last member's central directory entry
    data[header + 24 : header + 28] = (0xFFFFFFF0).to_bytes(4, "little")  # its uncompressed size
    target.write_bytes(bytes(data))
    return target


def _damaged_member(method: int) -> Callable[[Path, Path], Path]:
    """The archive recompressed with `method`, its library.json's compressed bytes damaged."""

    def damage(source: Path, target: Path) -> Path:
        with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", method) as new:
            for info in old.infolist():
                new.writestr(info.filename, old.read(info))
        data = bytearray(target.read_bytes())
        with zipfile.ZipFile(target) as zipped:
            info = zipped.getinfo("library.json")
        start = info.header_offset + 30 + len(info.filename) + 40
        for offset in range(start, start + 200):
            data[offset] ^= 0x5A
        target.write_bytes(bytes(data))
        return target

    return damage


def _changed(name: str, change) -> Callable[[Path, Path], Path]:
    """The archive with its `name` (library.json or user.json) changed by `change(tables)`,
    its checksum made right: a crafted record, not a damaged file."""

    def rewrite(source: Path, target: Path) -> Path:
        with zipfile.ZipFile(source) as old:
            tables = json.loads(old.read(name))
        change(tables)
        return _rewrite(source, target, [(name, encode_tables(tables))], drop={name})

    return rewrite


def _first(tables: dict, table: str) -> dict:
    return next(iter(tables[table].values()))


def _many_themes(tables: dict) -> None:
    for number, section in enumerate(tables["sections"].values()):
        section["themes"] = [{"id": f"theme_{number}_{i}", "score": 5.0, "evidence": []} for i in range(3)]


def _huge_text(tables: dict) -> None:
    letters = random.Random(1).choices(string.ascii_letters + " ", k=records.MAX_TEXT_CHARS + 1)
    _first(tables, "sections")["text"] = "".join(letters)


CRAFTED = {
    "meeting-edit-organizers-a-number": _changed(
        "user.json", lambda t: _first(t, "meeting_edits")["fields"].update(organizers=5)
    ),
    "meeting-edit-unknown-field": _changed(
        "user.json", lambda t: _first(t, "meeting_edits")["fields"].update(x=1)
    ),
    "more-than-63-themes": _changed("library.json", _many_themes),
    "a-text-beyond-the-limit": _changed("library.json", _huge_text),
    "start-date-a-number": _changed("library.json", lambda t: _first(t, "meetings").update(start_date=2015)),
    "start-date-not-a-date": _changed(
        "library.json", lambda t: _first(t, "meetings").update(start_date="2015-13-45")
    ),
    "source-file-a-number": _changed(
        "library.json", lambda t: _first(t, "sections")["source"].update(file=7)
    ),
    "paragraph-numbers-numbers": _changed(
        "library.json", lambda t: _first(t, "sections").update(paragraph_numbers=[1])
    ),
    "a-footnote-without-text": _changed(
        "library.json", lambda t: _first(t, "sections").update(notes=[{"number": "1"}])
    ),
    "a-section-without-text": _changed("library.json", lambda t: _first(t, "sections").pop("text")),
    "a-section-of-no-meeting": _changed(
        "library.json", lambda t: _first(t, "sections").update(meeting_id="m0")
    ),
    "an-id-with-a-path": _changed("library.json", lambda t: _first(t, "sections").update(id="../../x")),
    "a-theme-edit-a-number": _changed(
        "user.json", lambda t: _first(t, "section_edits").update(themes_added=[7])
    ),
}

MALICIOUS = {
    "parent": lambda a, t: _rewrite(a, t, [("../evil.txt", b"x")]),
    "absolute": lambda a, t: _rewrite(a, t, [("/tmp/evil", b"x")]),
    "sources-escape": lambda a, t: _rewrite(a, t, [("sources/../../x", b"x")]),
    "backslash": lambda a, t: _rewrite(a, t, [("sources\\..\\..\\x", b"x")]),
    "drive": lambda a, t: _rewrite(a, t, [("C:/evil.txt", b"x")]),
    "unexpected": lambda a, t: _rewrite(a, t, [("plugin.py", b"import os")]),
    "symlink": lambda a, t: _rewrite(
        a,
        t,
        [(_link(f"sources/{SAMPLE_FILES[0].name}"), b"/etc/passwd")],
        drop={f"sources/{SAMPLE_FILES[0].name}"},
    ),
    "other-format": lambda a, t: _rewrite(
        a, t, [("manifest.json", b'{"format": "other", "version": 1}')], drop={"manifest.json"}
    ),
    "pickle": lambda a, t: _rewrite(a, t, [("user.json", b"\x80\x04\x95cos\nsystem\n")], drop={"user.json"}),
    "not-a-zip": lambda a, t: (t.write_bytes(b"just some text\n" * 10), t)[1],
    "bomb-ratio": lambda a, t: _rewrite(
        a,
        t,
        [(f"sources/{SAMPLE_FILES[0].name}", b"\0" * (20 * 1024**2))],
        drop={f"sources/{SAMPLE_FILES[0].name}"},
    ),
    "bomb-declared": lambda a, t: _huge_declared(a, t),
    "damaged-deflate": _damaged_member(zipfile.ZIP_DEFLATED),
    "damaged-lzma": _damaged_member(zipfile.ZIP_LZMA),
    "damaged-bzip2": _damaged_member(zipfile.ZIP_BZIP2),
}


@pytest.mark.parametrize("kind", sorted(MALICIOUS) + sorted(CRAFTED))
def test_a_malicious_archive_is_refused_with_nothing_written(
    kind: str, edited: Library, tmp_path: Path
) -> None:
    good = export_archive(edited, tmp_path / "good.zip")
    archive = {**MALICIOUS, **CRAFTED}[kind](good, tmp_path / "bad.zip")
    target = Library.open(tmp_path / "target")
    save_pack(target, Pack("Mine"))
    before, tree = _files(target.folder), _tree(tmp_path)
    with pytest.raises(UsageError, match="bad.zip") as refused:
        import_archive(target, archive)
    assert "(None)" not in str(refused.value) and "\n" not in str(refused.value)
    assert _files(target.folder) == before
    assert _tree(tmp_path) == tree
    assert not Path("/tmp/evil").exists()
    _every_command_works(target.folder, tmp_path)


def _every_command_works(folder: Path, tmp_path: Path) -> None:
    """What a user does next with the library: each command answers (a refusal at worst),
    never a traceback."""
    for arguments in (
        ["sections", "--json"],
        ["sections", "--query", "migration"],
        ["meetings"],
        ["packs"],
        ["themes"],
        ["library-export", str(tmp_path / "after.zip")],
    ):
        try:
            main(["--library", str(folder), *arguments])
        except SystemExit as stop:
            assert stop.code in (0, 1, 2, None), arguments


def test_the_cli_commands(edited: Library, tmp_path: Path, capsys) -> None:
    out = tmp_path / "lib.briefer-library.zip"
    assert main(["--library", str(edited.folder), "library-export", str(out)]) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    other = str(tmp_path / "other")
    assert main(["--library", other, "library-import", str(out)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 2 and printed[0].startswith(f"{len(SAMPLE_FILES)} document(s) added")
    assert main(["--library", other, "library-import", str(out)]) == 0
    assert capsys.readouterr().out.startswith("0 document(s) added")
    (tmp_path / "junk.zip").write_text("no zip")
    assert main(["--library", other, "library-import", str(tmp_path / "junk.zip")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "junk.zip" in err and "nothing was changed" in err


# --- any record at all ------------------------------------------------------------------------

_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
_TABLES = {
    "library.json": ["documents", "meetings", "sections"],
    "user.json": ["section_edits", "meeting_edits", "not_duplicates", "packs", "pack_builds"],
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_an_archive_with_arbitrary_records_is_imported_whole_or_refused_whole(
    edited: Library, tmp_path_factory, data
) -> None:
    """Any field of any record set to any JSON value, or a record replaced by any value: the
    import is refused with nothing written, or it lands and every command still works."""
    tmp_path = tmp_path_factory.mktemp("arbitrary")
    name = data.draw(st.sampled_from(sorted(_TABLES)))
    table = data.draw(st.sampled_from(_TABLES[name]))
    value = data.draw(_JSON)
    field = data.draw(
        st.none() | st.text(max_size=12) | st.sampled_from(["id", "text", "themes", "fields", "source"])
    )

    def change(tables: dict) -> None:
        records = tables.setdefault(table, {})
        if not records or field is None:
            records[str(len(records) + 1)] = value
        else:
            record = next(iter(records.values()))
            if isinstance(record, dict):
                record[field] = value

    good = export_archive(edited, tmp_path / "good.zip")
    archive = _changed(name, change)(good, tmp_path / "crafted.zip")
    target = Library.open(tmp_path / "target")
    before = _files(target.folder)
    try:
        import_archive(target, archive)
    except UsageError as refused:
        assert "crafted.zip" in str(refused)
        assert _files(target.folder) == before
    _every_command_works(target.folder, tmp_path)
    reopened = Library.open(target.folder)
    reopened.sections()
    list_packs(reopened)


def test_pack_export_never_writes_over_the_library_s_own_files(edited: Library, capsys) -> None:
    [pack] = _packs(edited)
    before = _files(edited.folder)
    for target in ("user.json", "documents/x.json", "library.json"):
        assert (
            main(
                [
                    "--library",
                    str(edited.folder),
                    "pack-export",
                    pack["id"],
                    str(edited.folder / target),
                    "--replace",
                ]
            )
            == 1
        )
        assert "inside the library folder" in capsys.readouterr().err
    assert _files(edited.folder) == before and Library.open(edited.folder).restored == []
