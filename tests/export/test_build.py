"""Building packs end to end: from the library through assemble and a writer to a file,
through the command line as a user runs it, with the failures a user meets."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from briefer.actions import build as build_module
from briefer.actions.build import build_pack
from briefer.actions.packs import export_pack
from briefer.cli import main
from briefer.errors import BrieferError, NotFoundError, UsageError
from briefer.library import Library, SectionFilter
from briefer.packs.model import MeetingDetails, Pack, PackItem, SavedSearch

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


@pytest.fixture
def library(library_copy):
    return Library.open(library_copy)


@pytest.fixture
def out_dir(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def _pack(library: Library) -> Pack:
    hits = library.search(SectionFilter(query="remittance costs"), limit=4).hits
    return Pack(
        "Remittances & <costs>: GFMD 2027",
        meeting=MeetingDetails(
            "Global Forum on Migration and Development", "Genève", "2027-01-12", "2027-01-14"
        ),
        delegation="Delegation of Côte d’Ivoire",
        date="2026-11-23",
        marking="RESTRICTED",
        items=[
            PackItem("key_messages", messages=["Lower transfer costs.", "Remittances are private funds."]),
            PackItem.heading("Remittance costs"),
            *[PackItem.section(h.section.id) for h in hits],
        ],
    )


def _pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@needs_poppler
def test_cli_builds_a_pack_file_to_pdf_and_docx_and_leaves_the_pack_file_alone(
    library, library_copy, tmp_path, capsys
):
    pack_file = export_pack(_pack(library), tmp_path / "gfmd.briefer-pack.json")
    before = pack_file.read_bytes()
    pdf, docx = tmp_path / "pack.pdf", tmp_path / "pack.docx"
    assert main(["--library", str(library_copy), "build", "--pack", str(pack_file), "--out", str(pdf)]) == 0
    assert (
        main(
            [
                "--library",
                str(library_copy),
                "build",
                "--pack",
                str(pack_file),
                "--format",
                "docx",
                "--out",
                str(docx),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "4 sections" in out
    assert pack_file.read_bytes() == before
    text = _pdf_text(pdf)
    assert "Remittances & <costs>: GFMD 2027" in text
    assert "RESTRICTED" in text and "Annex: Sources" in text and "Source:" in text
    from docx import Document

    paragraphs = [p.text for p in Document(str(docx)).paragraphs]
    assert any("Remittance costs" in p for p in paragraphs)
    assert sum(p.startswith("Source:") for p in paragraphs) == 4


@needs_poppler
def test_cli_builds_straight_from_themes_and_sections(library, library_copy, tmp_path, capsys):
    out = tmp_path / "rights.pdf"
    code = main(
        [
            "--library",
            str(library_copy),
            "build",
            "--theme",
            "human_rights",
            "--from",
            "2005",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    expected = library.sections(SectionFilter(themes=["human_rights"], date_from="2005-01-01"))
    assert f"{len(expected)} sections" in capsys.readouterr().out
    text = _pdf_text(out)
    assert "Briefing pack: Human rights of migrants" in text
    assert expected[0].source_file in text
    first = library.sections()[0]
    out = tmp_path / "one.docx"
    assert main(["--library", str(library_copy), "build", "--section", first.id, "--out", str(out)]) == 0
    assert out.stat().st_size > 0


def test_a_saved_search_of_any_typing_builds(library, library_copy, tmp_path):
    pack = _pack(library)
    pack.searches.append(SavedSearch("Odd", query="remittances AND OR costs", limit=1000))
    pack_file = export_pack(pack, tmp_path / "pack.json")
    out = tmp_path / "odd.docx"
    assert main(["--library", str(library_copy), "build", "--pack", str(pack_file), "--out", str(out)]) == 0
    assert out.stat().st_size > 0


def test_a_rebuild_reports_what_is_new(library, library_copy, tmp_path, capsys):
    pack = _pack(library)
    pack.items = pack.items[:3]
    pack.searches.append(SavedSearch("Remittances", themes=["remittances"], limit=5))
    pack_file = export_pack(pack, tmp_path / "pack.json")
    args = [
        "--library",
        str(library_copy),
        "build",
        "--pack",
        str(pack_file),
        "--out",
        str(tmp_path / "a.docx"),
    ]
    assert main(args) == 0
    first = capsys.readouterr().out
    assert "saved search 'Remittances': 5 section(s)" in first and "new since" not in first
    built = (tmp_path / "a.docx").read_bytes()
    assert main(args) == 1  # the file is there: replaced only when the user says so
    assert "add --replace" in capsys.readouterr().err and (tmp_path / "a.docx").read_bytes() == built
    args.append("--replace")
    assert main(args) == 0
    assert "nothing new since the last build" in capsys.readouterr().out
    pack.searches[0].limit = 7
    export_pack(pack, pack_file, replace=True)
    assert main(args) == 0
    assert "new since the last build: 2 section(s)" in capsys.readouterr().out


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_a_failed_build_leaves_no_partial_file_and_the_old_output_intact(library, out_dir, monkeypatch, fmt):
    out = out_dir / f"pack.{fmt}"
    out.write_bytes(b"the previous build")
    writer = (
        "briefer.export.pdf_writer.write_pdf" if fmt == "pdf" else "briefer.export.docx_writer.write_docx"
    )

    def broken(document, template, path, progress=None):
        path.write_bytes(b"half a file")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer, broken)
    with pytest.raises(BrieferError, match="disk is full"):
        build_pack(_pack(library), library, fmt, out, replace=True)
    assert out.read_bytes() == b"the previous build"
    assert sorted(p.name for p in out_dir.iterdir()) == [out.name]


def test_an_output_open_elsewhere_is_named_and_kept(library, out_dir, monkeypatch):
    out = out_dir / "pack.docx"
    out.write_bytes(b"open in Word")

    def locked(source, target):
        raise PermissionError(13, "Permission denied", str(source), None, str(target))

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(build_module.BuildError, match="open in another program"):
        build_pack(_pack(library), library, "docx", out, replace=True)
    assert out.read_bytes() == b"open in Word"
    assert [p.name for p in out_dir.iterdir()] == ["pack.docx"]


def test_bad_requests_are_refused_before_anything_is_written(library, library_copy, out_dir, capsys):
    tmp_path = out_dir
    pack = _pack(library)
    with pytest.raises(UsageError, match="output folder does not exist"):
        build_pack(pack, library, "pdf", tmp_path / "missing" / "pack.pdf")
    with pytest.raises(
        UsageError, match="unknown template 'fancy'; the templates are: briefing, handout, speaking-notes"
    ):
        build_pack(pack, library, "pdf", tmp_path / "pack.pdf", template="fancy")
    with pytest.raises(UsageError, match="should end in .pdf"):
        build_pack(pack, library, "pdf", tmp_path / "pack.docx")
    pack.items.append(PackItem.section("s-gone"))
    pack_file = export_pack(pack, tmp_path / "pack.json")
    before = pack_file.read_bytes()
    with pytest.raises(NotFoundError, match="s-gone"):
        build_pack(pack, library, "pdf", tmp_path / "pack.pdf")
    code = main(
        ["--library", str(library_copy), "build", "--pack", str(pack_file), "--out", str(tmp_path / "p.pdf")]
    )
    assert code == 1
    assert "s-gone" in capsys.readouterr().err
    assert pack_file.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack.json"]
    assert json.loads(before)["items"][-1]["section_id"] == "s-gone"


def test_a_users_own_template_copy_is_picked_up(library, tmp_path, monkeypatch):
    from briefer import paths
    from briefer.ir.templates import available_templates, find_template

    own = paths.user_templates_dir() / "our-ministry"
    shutil.copytree(paths.templates_dir() / "handout", own)
    settings = json.loads((own / "template.json").read_text())
    (own / "template.json").write_text(json.dumps({**settings, "name": "Our ministry", "notes_space": 3}))
    assert "our-ministry" in available_templates()
    assert find_template("Our ministry").notes_space == 3
    out = tmp_path / "ours.docx"
    assert (
        build_pack(_pack(library), library, "docx", out, template="our-ministry").template == "our-ministry"
    )
    (own / "template.json").write_text("{not json")
    with pytest.raises(UsageError, match="template.json: cannot be read"):
        find_template("our-ministry")
