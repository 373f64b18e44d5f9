"""The build report lists the excerpts printed with text missing in the source (issue 14,
item 1): heading, meeting, where to look and what to do, on the command line and in the
result a build returns; a pack of whole excerpts says nothing of it."""

from __future__ import annotations

from pathlib import Path

from briefer.actions.build import build_pack
from briefer.actions.build_report import WHAT_TO_DO, damaged_excerpts, report_lines
from briefer.cli import main
from briefer.library import Library
from briefer.packs.assemble import assemble
from briefer.packs.model import Pack, PackItem


def _damaged_and_whole(library: Library) -> tuple[str, str]:
    sections = library.sections()
    damaged = next(s for s in sections if s.gaps and s.kind == "body")
    whole = next(s for s in sections if not s.gaps and s.kind == "body" and "[…]" not in s.text)
    return damaged.id, whole.id


def test_the_damaged_excerpts_of_an_assembly(library_copy: Path) -> None:
    library = Library.open(library_copy)
    damaged, whole = _damaged_and_whole(library)
    pack = Pack("Pack", items=[PackItem.section(whole), PackItem.section(damaged)])
    [excerpt] = damaged_excerpts(assemble(pack, library), library)
    section = library.section(damaged)
    assert excerpt.section_id == damaged and excerpt.heading == section.heading
    assert excerpt.meeting == library.meeting(section.meeting_id).label
    assert excerpt.where.startswith(section.source_file) and "lines" in excerpt.where
    assert excerpt.places == len(section.gaps)
    lines = report_lines([excerpt])
    assert "1 excerpt printed with text missing in the source" in lines[0]
    assert damaged in lines[1] and section.heading in lines[1]
    assert WHAT_TO_DO in lines[-1]
    assert report_lines([]) == []


def test_a_build_returns_its_damaged_excerpts(library_copy: Path, tmp_path: Path) -> None:
    library = Library.open(library_copy)
    damaged, whole = _damaged_and_whole(library)
    pack = Pack("Pack", items=[PackItem.section(damaged)])
    result = build_pack(pack, library, "docx", tmp_path / "p.docx", record=False)
    assert [d.section_id for d in result.damaged] == [damaged]
    clean = build_pack(Pack("Clean", items=[PackItem.section(whole)]), library, "docx", tmp_path / "c.docx")
    assert clean.damaged == []


def test_the_cli_build_lists_them(library_copy: Path, tmp_path: Path, capsys) -> None:
    library = Library.open(library_copy)
    damaged, whole = _damaged_and_whole(library)
    heading = library.section(damaged).heading
    out = tmp_path / "pack.docx"
    args = [
        "--library",
        str(library_copy),
        "build",
        "--section",
        whole,
        "--section",
        damaged,
        "--out",
        str(out),
    ]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "1 excerpt printed with text missing in the source" in printed
    assert heading in printed and damaged in printed and "What to do:" in printed
    assert main([*args[:3], "--section", whole, "--out", str(tmp_path / "clean.docx")]) == 0
    assert "text missing" not in capsys.readouterr().out
