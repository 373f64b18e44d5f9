"""A pack a head of unit signs off, end to end (issue 14): a realistic pack from the sample
library (two parts, objectives, key messages, if-raised answers, notes, a comment, excerpts
with footnotes and with text lost in the source, RESTRICTED, DRAFT) built in every template,
to PDF and Word, on A4 and Letter, and read back as a reader would."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from briefer.actions.build import build_pack
from briefer.ir.blocks import MISSING_TEXT, Paragraph, SourceLine
from briefer.library import Library
from briefer.packs.model import QA, MeetingDetails, Pack, PackItem

TEMPLATES = ("briefing", "handout", "speaking-notes")
INTERNAL = (
    "Secure a reference to lowering remittance transfer costs",  # objectives
    "Will your government tax remittances",  # if raised
    "Check the paragraph with the capital",  # a drafting note
    "Quote this in the opening statement",  # an internal comment on an excerpt
)


@pytest.fixture(scope="module")
def library(sample_library_dir: Path) -> Library:
    return Library.open(sample_library_dir)


def _pack(library: Library) -> Pack:
    sections = list(library.sections())
    noted = [
        s for s in sections if any(n.get("number", "") and _marker(n["number"]) in s.text for n in s.notes)
    ]
    damaged = [s for s in sections if s.gaps]
    plain = [
        s for s in sections if s.kind == "body" and s not in noted + damaged and 300 < len(s.text) < 2000
    ]
    assert len(noted) >= 3 and damaged, "the samples hold footnotes and lost text"
    first, second = noted[: len(noted) // 2] + damaged[:1], noted[len(noted) // 2 :] + damaged[1:] + plain[:6]
    commented = PackItem.section(first[0].id)
    commented.comment = "Quote this in the opening statement."
    return Pack(
        "GFMD 2027: remittances and rights",
        subtitle="Background and lines to take",
        meeting=MeetingDetails(
            "Global Forum on Migration and Development", "Geneva", "2027-01-12", "2027-01-14"
        ),
        delegation="Delegation of Côte d’Ivoire",
        date="2026-12-03",
        marking="RESTRICTED",
        draft=True,
        items=[
            PackItem(
                "objectives",
                text="Secure a reference to lowering remittance transfer costs below 3 per cent.",
            ),
            PackItem(
                "key_messages", messages=["Remittances are private funds.", "Lower costs, more competition."]
            ),
            PackItem("qa", qa=[QA("Will your government tax remittances?", "No.")]),
            PackItem.heading("Migration and development"),
            commented,
            *[PackItem.section(s.id) for s in first[1:]],
            PackItem("notes", title="Drafting note", text="Check the paragraph with the capital."),
            PackItem.heading("Human rights"),
            *[PackItem.section(s.id) for s in second],
        ],
    )


def _marker(number: str) -> str:
    return number.translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))


@pytest.fixture(scope="module", params=[(t, s) for t in TEMPLATES for s in ("A4", "Letter")], ids="-".join)
def built(request, library: Library, tmp_path_factory) -> dict:
    template, size = request.param
    pack = _pack(library)
    pack.page_size = size
    folder = tmp_path_factory.mktemp(f"{template}-{size}")
    results = {
        fmt: build_pack(pack, library, fmt, folder / f"pack.{fmt}", template=template, record=False)
        for fmt in ("pdf", "docx")
    }
    return {"template": template, **results}


def _pages(path: Path) -> list[str]:
    """Each page's text as one line: words hyphenated at a line end joined again."""
    texts = []
    for page in pdfium.PdfDocument(path):
        text = page.get_textpage().get_text_range().replace("\r\n", "\n").replace("\u00a0", " ")
        text = re.sub(r"(\w)[-\u00ad\u2010\ufffe\x02]\n(\w)", r"\1\2", text)
        texts.append(" ".join(text.split()))
    return texts


def _plain(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def _paragraphs(build) -> list[Paragraph]:
    return [b for b in build.assembly.document.blocks if isinstance(b, Paragraph)]


def test_every_footnote_prints_on_the_page_of_its_reference(built) -> None:
    pages = _pages(built["pdf"].path)
    checked = 0
    for paragraph in _paragraphs(built["pdf"]):
        for index, run in enumerate(paragraph.runs):
            if run.kind != "note":
                continue
            note = _plain(run.note)[:50]
            before = " ".join(paragraph.runs[index - 1].text.split()[-2:]) if index else ""
            holding = [n for n, page in enumerate(pages) if note in page]  # (two excerpts may cite one)
            assert any(before in pages[n] for n in holding), (before, note, holding)  # the marker's page
            checked += 1
    assert checked >= 2 or built["template"] == "speaking-notes"
    word = zipfile.ZipFile(built["docx"].path)
    notes_xml = word.read("word/footnotes.xml").decode("utf-8") if checked else ""
    references = word.read("word/document.xml").decode("utf-8").count("<w:footnoteReference ")
    assert references == sum(len(p.notes) for p in _paragraphs(built["docx"]))
    for paragraph in _paragraphs(built["docx"]):
        for note in paragraph.notes:
            assert _plain(note)[:40].replace("&", "&amp;") in notes_xml


def test_no_damaged_passage_prints_unflagged(built) -> None:
    missing = sum(run.kind == "missing" for p in _paragraphs(built["pdf"]) for run in p.runs)
    assert missing or built["template"] == "speaking-notes"
    assert built["pdf"].assembly.damaged  # and the build report lists them
    text = " ".join(_pages(built["pdf"].path))
    assert text.count(MISSING_TEXT) == missing and "[…]" not in text
    document = zipfile.ZipFile(built["docx"].path).read("word/document.xml").decode("utf-8")
    assert document.count(MISSING_TEXT) == missing and "[…]" not in document


def test_the_handout_prints_no_internal_block(built) -> None:
    pdf = " ".join(_pages(built["pdf"].path))
    document = zipfile.ZipFile(built["docx"].path).read("word/document.xml").decode("utf-8")
    for text in INTERNAL:
        if built["template"] == "handout":
            assert text not in pdf and text not in document
        elif built["template"] == "briefing":
            assert text in pdf and text in document
    if built["template"] == "handout":
        assert "Issued 3 December 2026" in pdf and "12–14 January 2027" in pdf  # the first page says when


def test_each_source_line_cites_the_paragraphs_it_prints(built) -> None:
    blocks = built["pdf"].assembly.document.blocks
    checked = 0
    for index, block in enumerate(blocks):
        if not isinstance(block, SourceLine):
            continue
        printed = []
        for earlier in reversed(blocks[:index]):
            if not isinstance(earlier, Paragraph):
                break
            printed.insert(0, earlier)
        numbers = [m.group(1) for p in printed if (m := re.match(r"\(?(\d+)[.)]\s", p.text))]
        cited = re.search(r"paras?\. (\d+(?:–\d+)?(?:, \d+(?:–\d+)?)*)(?=[,.])", block.text)
        if not numbers:
            continue
        assert cited, block.text
        shown = cited.group(1).split(", ")
        assert shown[0].split("–")[0] == numbers[0] and shown[-1].split("–")[-1] == numbers[-1], (
            block.text,
            numbers,
        )
        checked += 1
    assert checked >= 2


def test_no_draft_letters_in_the_text_layer(built) -> None:
    for page in _pages(built["pdf"].path):
        assert not re.search(r"\bDR\b|\bAF\b|\bDRAFT\b", page)
