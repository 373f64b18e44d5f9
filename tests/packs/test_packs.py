"""Packs: the model and its file form, packs kept in the library, assemble(pack, library)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefer.actions.build import build_pack
from briefer.actions.packs import (
    delete_pack,
    duplicate_pack,
    export_pack,
    import_pack,
    list_packs,
    load_pack,
    read_pack_file,
    save_pack,
)
from briefer.errors import NotFoundError, UsageError
from briefer.ir.blocks import (
    Contents,
    Cover,
    KeyMessages,
    Note,
    NotesSpace,
    Paragraph,
    PartHeading,
    QuestionsAnswers,
    SectionHeading,
    SourceLine,
    SourcesList,
    Title,
)
from briefer.ir.templates import find_template
from briefer.library import Library, SectionFilter
from briefer.packs.assemble import assemble
from briefer.packs.model import QA, MeetingDetails, Pack, PackItem, SavedSearch
from briefer.packs.wording import date_range, number_ranges
from tests.conftest import store_files


@pytest.fixture
def library(library_copy):
    return Library.open(library_copy)


def _remittance_sections(library: Library, n: int = 3):
    return [h.section for h in library.search(SectionFilter(query="remittance costs"), limit=n).hits]


def _pack(library: Library) -> Pack:
    first, second, third = _remittance_sections(library)
    return Pack(
        "GFMD 2027: remittances",
        subtitle="Background for the delegation",
        meeting=MeetingDetails(
            "Global Forum on Migration and Development", "Geneva", "2027-01-12", "2027-01-14"
        ),
        delegation="Delegation of Côte d’Ivoire",
        author="A. Officer",
        date="2026-11-23",
        marking="RESTRICTED",
        items=[
            PackItem("objectives", text="Secure the costs paragraph.\n\nKeep 2007 language."),
            PackItem("key_messages", messages=["Remittances are private funds.", "  ", "Lower costs <5%."]),
            PackItem("qa", qa=[QA("Will you fund the secretariat?", "Under consideration.")]),
            PackItem.heading("Remittance costs"),
            PackItem.section(first.id),
            PackItem.section(second.id, numbered=False),
            PackItem.heading("Background"),
            PackItem.section(third.id),
            PackItem("notes", title="Further reading", text="See the 2007 report."),
        ],
    )


def test_a_pack_survives_its_file_form_unchanged(library, tmp_path):
    pack = _pack(library)
    pack.searches.append(
        SavedSearch("Human rights since 2005", themes=["human_rights"], date_from="2005-01-01")
    )
    path = export_pack(pack, tmp_path / "gfmd.briefer-pack.json")
    again = read_pack_file(path)
    assert again == pack
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == "briefer-pack"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": ""}, "'title' is missing"),
        ({"page_size": "A3"}, "'page_size' must be one of A4, Letter"),
        ({"date": "23/11/2026"}, "'date' is not a date"),
        ({"draft": "yes"}, "'draft' must be true or false"),
        ({"items": [{"kind": "chapter"}]}, "item 1: 'kind' must be one of"),
        ({"items": [{"kind": "section"}]}, "item 1: 'section_id' is missing"),
        ({"searches": [{"label": "all"}]}, "saved search 1 has no rule"),
        (
            {"meeting": {"start_date": "2027-01-14", "end_date": "2027-01-12"}},
            "end (2027-01-12) before it starts",
        ),
        ({"version": 99}, "newer Briefer"),
        ({"markng": "RESTRICTED"}, "unknown key 'markng'; did you mean 'marking'?"),
        (
            {"items": [{"kind": "heading", "title": "Part", "numberd": False}]},
            "item 1: unknown key 'numberd'",
        ),
        ({"format": "something-else"}, "not a Briefer pack"),
    ],
)
def test_a_bad_pack_file_is_refused_with_the_file_and_the_field(tmp_path, change, message):
    data = {**Pack("A pack", items=[PackItem.heading("Part")]).to_json(), **change}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(UsageError) as error:
        read_pack_file(path)
    assert str(path) in str(error.value)
    assert message in str(error.value)


def test_a_pack_file_that_is_not_json_or_missing_says_so(tmp_path):
    garbage = tmp_path / "garbage.json"
    garbage.write_bytes(b"\x00\xffnot json")
    with pytest.raises(UsageError, match="not a pack file"):
        read_pack_file(garbage)
    with pytest.raises(UsageError, match="no such pack file"):
        read_pack_file(tmp_path / "missing.json")


def test_packs_are_kept_in_the_library_copied_and_deleted(library, library_copy):
    pack = save_pack(library, _pack(library))
    sections_before = {k: v for k, v in store_files(library_copy).items() if k != "user.json"}
    assert [p.id for p in list_packs(Library.open(library_copy))] == [pack.id]
    assert load_pack(library, pack.id) == pack
    copy = duplicate_pack(library, pack.id, "GFMD 2028: remittances")
    assert copy.id != pack.id and copy.title == "GFMD 2028: remittances"
    assert [i.section_id for i in copy.items] == [i.section_id for i in pack.items]
    assert {i.id for i in copy.items}.isdisjoint(i.id for i in pack.items)
    assert load_pack(library, pack.id) == pack  # the original is untouched
    delete_pack(library, copy.id)
    assert [p.id for p in list_packs(library)] == [pack.id]
    with pytest.raises(NotFoundError):
        load_pack(library, copy.id)
    # packs live in the small user file: saving one never rewrites the section bodies
    assert {k: v for k, v in store_files(library_copy).items() if k != "user.json"} == sections_before


def test_importing_a_pack_twice_does_not_duplicate_it_and_a_changed_one_is_kept_beside(library, tmp_path):
    pack = _pack(library)
    path = export_pack(pack, tmp_path / "pack.json")
    import_pack(library, path)
    import_pack(library, path)
    assert len(list_packs(library)) == 1
    pack.title = "Changed by a colleague"
    export_pack(pack, path, replace=True)
    imported = import_pack(library, path)
    assert imported.id != pack.id
    assert sorted(p.title for p in list_packs(library)) == [
        "Changed by a colleague",
        "GFMD 2027: remittances",
    ]


def test_importing_the_same_changed_pack_file_again_adds_no_more_copies(library, tmp_path):
    pack = _pack(library)
    import_pack(library, export_pack(pack, tmp_path / "pack.json"))
    pack.title = "Changed by a colleague"
    path = export_pack(pack, tmp_path / "pack.json", replace=True)
    first = import_pack(library, path)
    again = [import_pack(library, path) for _ in range(2)]
    assert [p.id for p in again] == [first.id, first.id]
    assert sorted(p.title for p in list_packs(library)) == [
        "Changed by a colleague",
        "GFMD 2027: remittances",
    ]


def test_assemble_gives_cover_contents_numbered_parts_excerpts_sources_and_annex(library):
    pack = _pack(library)
    document = assemble(pack, library, find_template("briefing")).document
    blocks = document.blocks
    cover = blocks[0]
    assert isinstance(cover, Cover)
    assert (cover.title, cover.dates, cover.date, cover.marking) == (
        "GFMD 2027: remittances",
        "12–14 January 2027",
        "23 November 2026",
        "RESTRICTED",
    )
    contents = blocks[1]
    assert isinstance(contents, Contents)
    headings = document.headings()
    assert [e.anchor for e in contents.entries] == [b.anchor for b in document.anchored()]
    assert [e.text for e in contents.entries[:3]] == [
        "Objectives",
        "Key messages and lines to take",
        "If raised",
    ]
    assert len({h.anchor for h in headings}) == len(headings)
    numbers = [(type(h).__name__, h.number) for h in headings]
    assert numbers == [
        ("PartHeading", "1"),
        ("SectionHeading", "1.1"),
        ("SectionHeading", ""),  # the unnumbered item takes no number
        ("PartHeading", "2"),
        ("SectionHeading", "2.1"),
        ("PartHeading", ""),  # the sources annex
    ]
    assert headings[-1].text == "Annex: Sources" and headings[-1].new_page
    kinds = [type(b) for b in blocks]
    assert kinds.count(SourceLine) == 3 and kinds.count(SourcesList) == 1
    assert [type(b) for b in blocks[2:5]] == [Note, KeyMessages, QuestionsAnswers]
    messages = next(b for b in blocks if isinstance(b, KeyMessages))
    assert messages.items == ("Remittances are private funds.", "Lower costs <5%.")  # blank lines dropped
    first = library.section(pack.items[4].section_id)
    paragraphs = [b.text for b in blocks[blocks.index(headings[1]) + 1 :] if isinstance(b, Paragraph)]
    assert paragraphs[: len(first.text.split("\n\n"))] == first.text.split("\n\n")
    source = next(b for b in blocks if isinstance(b, SourceLine))
    meeting = library.meeting(first.meeting_id)
    assert source.text.startswith(f"Source: {meeting.label}")
    assert first.source_file not in source.text  # short: the file is in the annex
    annex = next(b for b in blocks if isinstance(b, SourcesList))
    assert sum(e.sections for e in annex.entries) == 3
    assert first.source_file in {e.document for e in annex.entries}
    listed = [x for e in annex.entries for x in e.excerpts]
    assert sorted(x.anchor for x in listed) == sorted(
        h.anchor for h in headings if isinstance(h, SectionHeading)
    )
    assert all("lines" in x.where for x in listed)  # text files: where in the file
    assert document.info.marking == "RESTRICTED" and document.info.draft


def test_excerpt_headings_drop_the_reports_own_number_only_when_the_pack_numbers_them(library):
    numbered = next(s for s in library.sections() if s.number and s.heading.startswith(s.number))
    pack = Pack(
        "Numbers", items=[PackItem.section(numbered.id), PackItem.section(numbered.id, numbered=False)]
    )
    headings = assemble(pack, library, find_template("briefing")).document.headings()
    assert headings[0].number == "1" and not headings[0].text.startswith(numbered.number)
    assert headings[1].number == "" and headings[1].text == numbered.heading


def test_templates_shape_the_assembly(library):
    pack = _pack(library)
    handout = assemble(pack, library, find_template("handout")).document.blocks
    assert not any(isinstance(b, Cover | Contents) for b in handout)
    assert handout[0] == Title(
        "GFMD 2027: remittances",
        "Background for the delegation",
        meeting="Global Forum on Migration and Development",
        place="Geneva",
        dates="12–14 January 2027",
        issued="Issued 23 November 2026",
    )
    parts = [b for b in handout if isinstance(b, PartHeading)]
    assert all(p.new_page for p in parts[1:])
    assert sum(isinstance(b, NotesSpace) for b in handout) == 3
    notes = assemble(pack, library, find_template("speaking-notes")).document.blocks
    assert isinstance(notes[0], Title) and isinstance(notes[1], KeyMessages)  # lines to take first
    assert not any(isinstance(b, SourcesList) for b in notes)
    for index, block in enumerate(notes):
        if isinstance(block, SectionHeading):  # heading, first paragraph, source
            assert isinstance(notes[index + 1], Paragraph) and isinstance(notes[index + 2], SourceLine)


def test_saved_searches_pull_sections_and_a_rebuild_reports_what_is_new(library):
    pinned = _remittance_sections(library, 1)[0]
    pack = Pack("Rights", items=[PackItem.section(pinned.id)])
    pack.searches.append(
        SavedSearch("Human rights since 2005", themes=["human_rights"], date_from="2005-01-01", limit=50)
    )
    assembly = assemble(pack, library)
    pulled = assembly.pulled["Human rights since 2005"]
    expected = {
        s.id for s in library.sections(SectionFilter(themes=["human_rights"], date_from="2005-01-01"))
    }
    assert set(pulled) == expected - {pinned.id}
    assert assembly.section_ids == [pinned.id, *pulled]
    assert assembly.new_since_last_build is None  # never built
    library.record_build(pack.id, assembly.section_ids[:-2])
    again = assemble(pack, Library.open(library.folder))
    assert again.new_since_last_build == assembly.section_ids[-2:]
    assert again.document == assembly.document  # the same pack on the same library: the same result


def test_a_pack_naming_a_missing_section_or_nothing_is_refused(library):
    pack = Pack("Broken", items=[PackItem.section("s-no-such-section")])
    with pytest.raises(NotFoundError, match="s-no-such-section"):
        assemble(pack, library)
    with pytest.raises(UsageError, match="is empty"):
        assemble(Pack("Empty"), library)


def test_wording_of_dates_and_paragraph_ranges():
    assert date_range("2007-07-09", "2007-07-11") == "9–11 July 2007"
    assert date_range("2007-06-30", "2007-07-02") == "30 June – 2 July 2007"
    assert date_range("2007-12-28", "2008-01-02") == "28 December 2007 – 2 January 2008"
    assert date_range("2007-07-09", None) == "9 July 2007"
    assert date_range(None, None) == ""
    assert number_ranges(["12", "13", "14", "17", "18", "a"]) == "12–14, 17–18, a"


def test_no_two_headings_print_the_same_number(library):
    first, second, third = _remittance_sections(library)
    pack = Pack(
        "Numbers",
        items=[
            PackItem.section(first.id),
            PackItem.heading("Costs"),
            PackItem.section(second.id),
            PackItem.heading("Annex", numbered=False),
            PackItem.section(third.id),
        ],
    )
    numbers = [h.number for h in assemble(pack, library, find_template("briefing")).document.headings()]
    assert numbers == ["1", "2", "2.1", "", "3", ""]  # the last: the sources annex


# --- hostile pack files (issue 13) ------------------------------------------------------------


@pytest.mark.parametrize("depth", [100_000, 500])  # past the JSON reader's own limit, and under it
def test_a_pack_file_nested_too_deep_is_refused_in_one_line(tmp_path, depth):
    path = tmp_path / "deep.json"
    path.write_text('{"title": "Deep", "items": ' + "[" * depth + "]" * depth + "}", encoding="utf-8")
    with pytest.raises(UsageError, match="nested too deeply") as error:
        read_pack_file(path)
    assert str(error.value).startswith(f"{path}: ") and "\n" not in str(error.value)
    deep: list = []
    for _ in range(100_000):  # a record as deep, from a library or an archive
        deep = [deep]
    with pytest.raises(UsageError, match="nested too deeply"):
        Pack.from_json({"title": "Deep", "items": [{"kind": "qa", "qa": deep}]})


def test_a_long_or_deep_wrong_value_is_named_shortly():
    deep: list = []
    for _ in range(15):
        deep = [deep]
    for value in (deep, [1] * 100_000):
        with pytest.raises(UsageError, match="must be text") as error:
            Pack.from_json({"title": "A pack", "items": [{"kind": "key_messages", "messages": [value]}]})
        assert len(str(error.value)) < 200


def test_a_marking_or_title_too_long_is_refused_with_the_field(tmp_path, library):
    for field, longest in (("marking", 100), ("title", 500)):
        data = {**Pack("A pack").to_json(), field: "X" * (longest + 1)}
        with pytest.raises(UsageError, match=f"'{field}' is {longest + 1} characters long") as error:
            Pack.from_json(data, "pack.json")
        assert len(str(error.value)) < 200
        Pack.from_json({**data, field: "X" * longest})
    with pytest.raises(UsageError, match="'title' is 30000 characters"):  # a title given to build
        build_pack(Pack("T" * 30_000), library, "pdf", tmp_path / "out.pdf")
    assert not (tmp_path / "out.pdf").exists()


def test_lone_surrogates_are_read_as_the_replacement_character(tmp_path, library):
    """A "\\ud800" escape in a pack file can be neither saved nor printed: it is read as
    U+FFFD, and the pack imports, exports and builds."""
    path = tmp_path / "odd.json"
    data = {**Pack("A pack").to_json(), "title": "Pack \ud800 one", "marking": "\udcff"}
    data["items"] = [{"kind": "key_messages", "messages": ["line \udfff"]}]
    path.write_text(json.dumps(data), encoding="ascii")  # the escapes, as an attacker writes them
    pack = import_pack(library, path)
    assert (pack.title, pack.marking, pack.items[0].messages) == (
        "Pack \ufffd one",
        "\ufffd",
        ["line \ufffd"],
    )
    export_pack(pack, tmp_path / "again.json")
    for format in ("pdf", "docx"):
        build_pack(pack, library, format, tmp_path / f"out.{format}")
    pack.title = "Given \udcff on the command line"  # (argv holds undecodable bytes so)
    assert build_pack(pack, library, "pdf", tmp_path / "given.pdf").pages
    assert save_pack(library, pack).id in {p.id for p in list_packs(library)}
    assert load_pack(library, pack.id).title == "Given \ufffd on the command line"


def test_only_a_regular_file_of_sensible_size_is_read_as_a_pack(tmp_path, monkeypatch):
    import os

    from briefer.actions import packs as pack_actions

    with pytest.raises(UsageError, match="/dev/zero: not a pack file .*device or a pipe"):
        read_pack_file("/dev/zero")  # was read until memory ran out
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(UsageError, match="device or a pipe"):
        read_pack_file(fifo)  # was waiting for ever for a writer
    with pytest.raises(UsageError, match="is a folder"):
        read_pack_file(tmp_path)
    path = tmp_path / "big.json"
    path.write_text(json.dumps(Pack("A pack").to_json()) + " " * 2000, encoding="utf-8")
    monkeypatch.setattr(pack_actions, "PACK_FILE_LIMIT", 1000)
    with pytest.raises(UsageError, match="big.json: not a pack file \\(over"):
        read_pack_file(path)


def test_a_pack_copied_for_next_years_meeting_takes_its_meeting_and_the_structure_only(library):
    pack = _pack(library)
    pack.draft = False
    pack.searches.append(SavedSearch("New on remittances", themes=["remittances"]))
    meeting = MeetingDetails("GFMD 2028", "Quito", "2028-01-10", "2028-01-12")
    whole = pack.copy("GFMD 2028", meeting, date="2027-11-30")
    assert (whole.meeting, whole.date, whole.draft) == (meeting, "2027-11-30", True)
    assert [i.kind for i in whole.items] == [i.kind for i in pack.items]
    assert whole.items[0].text == pack.items[0].text
    bones = pack.copy("GFMD 2028", meeting, contents=False)
    assert [i.kind for i in bones.items] == [i.kind for i in pack.items if i.kind != "section"]
    assert [i.title for i in bones.items] == [i.title for i in pack.items if i.kind != "section"]
    assert not any(i.text or i.messages or i.qa for i in bones.items)
    assert [s.label for s in bones.searches] == ["New on remittances"]  # rules find this year's
    assert not {i.id for i in bones.items} & {i.id for i in pack.items}
    assert pack.meeting.name == "Global Forum on Migration and Development"  # the original unchanged
    with pytest.raises(UsageError, match="before"):
        pack.copy("Wrong", MeetingDetails("X", "", "2028-01-12", "2028-01-10"))


def test_the_cli_copies_a_pack_for_a_new_meeting(library, capsys):
    from briefer.cli import main

    saved = save_pack(library, _pack(library))
    args = ["--library", str(library.folder), "pack-copy", saved.id, "--title", "GFMD 2028"]
    assert main([*args, "--meeting", "GFMD 2028", "--start", "2028-01-10", "--structure-only"]) == 0
    assert "for GFMD 2028" in capsys.readouterr().out
    copy = next(p for p in list_packs(library) if p.title == "GFMD 2028")
    assert copy.meeting.start_date == "2028-01-10" and copy.section_ids() == []
    assert main([*args, "--start", "2028-13-01"]) == 1
    assert "is no day of the calendar" in capsys.readouterr().err


def test_a_final_pack_prints_no_draft_and_its_builds_are_listed_with_their_checksums(
    library, tmp_path, capsys
):
    import hashlib

    from briefer.cli import main

    pack = save_pack(library, _pack(library))
    assert assemble(pack, library).document.info.draft
    lib = ["--library", str(library.folder)]
    first = tmp_path / "draft.pdf"
    assert main([*lib, "build", "--pack", pack.id, "--out", str(first)]) == 0
    assert main([*lib, "pack-final", pack.id]) == 0
    final = load_pack(library, pack.id)
    assert final.final and not assemble(final, library).document.info.draft
    assert not assemble(final, library, find_template("briefing")).document.blocks[0].draft  # the cover too
    second = tmp_path / "final.docx"
    assert main([*lib, "build", "--pack", pack.id, "--template", "handout", "--out", str(second)]) == 0
    builds = library.builds(pack.id)
    assert [(b["template"], b["format"], b["final"], Path(b["file"]).name) for b in builds] == [
        ("briefing", "pdf", False, "draft.pdf"),
        ("handout", "docx", True, "final.docx"),
    ]
    assert builds[1]["sha256"] == hashlib.sha256(second.read_bytes()).hexdigest()
    assert builds[0]["pages"] > 1 and builds[0]["built_at"] <= builds[1]["built_at"]
    capsys.readouterr()
    assert main([*lib, "pack-builds", pack.id]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2 and out[1].split()[1] == "final" and builds[1]["sha256"][:12] in out[1]
    assert main([*lib, "pack-final", pack.id, "--unlock"]) == 0
    assert load_pack(library, pack.id).draft and not load_pack(library, pack.id).final
    copy = load_pack(library, pack.id).copy()
    assert not copy.final


def test_the_list_of_builds_keeps_the_newest(library):
    from briefer.library import repository

    for n in range(repository.BUILDS_KEPT + 3):
        library.record_build("p1", [], {"template": "t", "format": "pdf", "file": f"f{n}", "sha256": "0"})
    files = [b["file"] for b in library.builds("p1")]
    assert len(files) == repository.BUILDS_KEPT and files[-1] == f"f{repository.BUILDS_KEPT + 2}"
