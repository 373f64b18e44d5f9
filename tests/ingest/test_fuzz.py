"""Fuzzing the readers and the text functions the pipeline runs: whatever the bytes, reading a
file ends in a document or in the typed InputFileError (a message the user can act on), never
another exception, never a hang (each example has a deadline); whatever the text, the layout
steps invent nothing and keep ordinary text whole."""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefer.errors import BrieferError, InputFileError
from briefer.ingest import clean, layout
from briefer.ingest.docx_reader import WordBody, lay_out_docx, shown_text
from briefer.ingest.pdf_layout import _clean_text as _clean_pdf_line
from briefer.ingest.pipeline import parse_document
from briefer.ingest.readers import RawDocument, RawLine, decode_text, read_document
from briefer.ingest.segment import build_sections, split_meetings
from briefer.ingest.typeset import BodyType, Typed, assign_levels, typeset
from briefer.ingest.units import Footnote

REPORTS = Path(__file__).resolve().parent.parent / "data" / "reports"
REAL_PDF = (REPORTS / "ecowas-workshop-migration-data-dakar-2015.pdf").read_bytes()
REAL_DOCX = (REPORTS / "expert-meeting-fair-recruitment-2017.docx").read_bytes()
REAL_TEXT = (REPORTS / "thematic-meeting-climate-rabat-2013-boldrepeat.txt").read_bytes()

FUZZ = settings(
    max_examples=250,
    deadline=2000,
    derandomize=True,  # the same inputs on every run: CI stays reproducible
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _mutated(original: bytes) -> st.SearchStrategy[bytes]:
    """A real file cut short, with bytes overwritten, or with a run of bytes removed."""

    @st.composite
    def mutate(draw) -> bytes:
        data = bytearray(original)
        for _ in range(draw(st.integers(1, 8))):
            kind = draw(st.sampled_from(["cut", "flip", "drop", "splice"]))
            if not data:
                break
            at = draw(st.integers(0, len(data) - 1))
            if kind == "cut":
                del data[at:]
            elif kind == "flip":
                data[at : at + 4] = draw(st.binary(min_size=1, max_size=4))
            elif kind == "drop":
                del data[at : at + draw(st.integers(1, 200))]
            else:
                data[at:at] = draw(st.binary(max_size=64))
        return bytes(data)

    return mutate()


def _zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _docx_with_document_xml(xml: bytes) -> bytes:
    """The real .docx with its body replaced: a valid package holding arbitrary XML."""
    source = zipfile.ZipFile(io.BytesIO(REAL_DOCX))
    members = {info.filename: source.read(info) for info in source.infolist()}
    members["word/document.xml"] = xml
    return _zip_of(members)


_XML_BODY = st.builds(
    lambda inner: (
        b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w='
        b'"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        + inner
        + b"</w:body></w:document>"
    ),
    st.lists(
        st.sampled_from(
            [
                b"<w:p><w:r><w:t>Text</w:t></w:r></w:p>",
                b"<w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl>",
                b"<w:p>",
                b"</w:p>",
                b"<w:tbl>",
                b"<w:tr>",
                b"<w:tc/>",
                b"&",
                b"<w:pPr><w:pStyle w:val='Heading1'/></w:pPr>",
                b"<w:gridSpan w:val='x'/>",
                b"<w:tcPr><w:vMerge/></w:tcPr>",
                b"\xff",
                b"<w:r><w:tab/></w:r>",
            ]
        ),
        max_size=12,
    ).map(b"".join),
)


_RAISED = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


def _characters(texts) -> Counter[str]:
    """The letters and digits of texts (a raised footnote mark counts as its digit)."""
    return Counter(ch for text in texts for ch in text.translate(_RAISED) if ch.isalnum())


def _check_reading(folder: Path, name: str, data: bytes) -> None:
    path = folder / name
    path.write_bytes(data)
    try:
        document = read_document(path)
    except InputFileError as error:
        assert str(error).startswith(str(path))
        return
    assert any(line.text.strip() for line in document.lines)
    try:
        parsed = parse_document(path)  # the whole pipeline on what could be read
    except BrieferError:
        return
    if document.kind == "text":  # (a Word file's list numbers are text Word adds)
        # The sections' text and notes hold no letter or digit that the file does not.
        given_chars = _characters(clean.normalize_characters(line.text) for line in document.lines)
        sections = [s for meeting in parsed.meetings for s in meeting.sections]
        out = [p for s in sections for p in s.paragraphs] + [n.text for s in sections for n in s.notes]
        assert _characters(out) <= given_chars


@FUZZ
@given(data=st.binary(max_size=3000))
def test_arbitrary_bytes_as_text(tmp_path: Path, data: bytes) -> None:
    _check_reading(tmp_path, "report.txt", data)


@FUZZ
@given(text=st.text(max_size=1500), encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
def test_arbitrary_text_files(tmp_path: Path, text: str, encoding: str) -> None:
    _check_reading(tmp_path, "report.txt", text.encode(encoding, errors="replace"))


@FUZZ
@given(data=_mutated(REAL_TEXT))
def test_damaged_text_reports(tmp_path: Path, data: bytes) -> None:
    """A real report with cuts and stray bytes: the whole pipeline runs on what is left."""
    _check_reading(tmp_path, "report.txt", data)


@FUZZ
@given(data=st.one_of(st.binary(max_size=2000), st.binary(max_size=2000).map(lambda b: b"%PDF-1.4\n" + b)))
def test_arbitrary_bytes_as_pdf(tmp_path: Path, data: bytes) -> None:
    _check_reading(tmp_path, "report.pdf", data)


@pytest.mark.slow
@FUZZ
@given(data=_mutated(REAL_PDF))
def test_damaged_pdfs(tmp_path: Path, data: bytes) -> None:
    _check_reading(tmp_path, "report.pdf", data)


@FUZZ
@given(data=st.one_of(st.binary(max_size=2000), st.binary(max_size=2000).map(lambda b: b"PK\x03\x04" + b)))
def test_arbitrary_bytes_as_docx(tmp_path: Path, data: bytes) -> None:
    _check_reading(tmp_path, "report.docx", data)


@FUZZ
@given(data=_mutated(REAL_DOCX))
def test_damaged_docx_files(tmp_path: Path, data: bytes) -> None:
    _check_reading(tmp_path, "report.docx", data)


@pytest.mark.slow
@FUZZ
@given(xml=st.one_of(_XML_BODY, st.binary(max_size=500)))
def test_docx_packages_with_arbitrary_bodies(tmp_path: Path, xml: bytes) -> None:
    _check_reading(tmp_path, "report.docx", _docx_with_document_xml(xml))


@FUZZ
@given(
    members=st.dictionaries(
        st.sampled_from(["[Content_Types].xml", "_rels/.rels", "word/document.xml", "x"]),
        st.binary(max_size=300),
        max_size=4,
    )
)
def test_zip_archives_that_are_not_word_documents(tmp_path: Path, members: dict[str, bytes]) -> None:
    _check_reading(tmp_path, "report.docx", _zip_of(members))


# --- the text functions the pipeline runs --------------------------------------------------------
#
# parse_document reads a text file through layout.lay_out (prepare_lines, remove_page_furniture,
# extract_footnotes, join_hyphenated_words, build_units, attach_footnotes), then
# segment.split_meetings and build_sections; a PDF's lines through pdf_layout's line cleaner and
# typeset/assign_levels; a Word file's text through shown_text and lay_out_docx. Whatever the
# text: no crash, no text invented (what comes out was in what went in), idempotence where a
# repair is one, and every word of ordinary text kept, in order.

TEXT = settings(max_examples=150, deadline=2000, derandomize=True)
TYPED = settings(max_examples=60, deadline=2000, derandomize=True)  # (each example draws a document)

# Words of ordinary report text: none a number, a roman numeral, a PDF operator or a heading keyword.
WORDS = (
    "migrants workers families countries regional cooperation dialogue policies data labour markets "
    "recruitment fees employers governments partners protection rights health education remittances "
    "costs banks transfers diaspora communities return reintegration border management capacity "
    "training experts agreed discussed noted stressed recalled welcomed urged proposed shared "
    "experiences practices challenges progress support action follow review national local global "
    "the of and to in for with on by from among between their its this that which were was"
).split()
_NOISE = list("ab AB.-*_|1()/:\u00ad\ufb01\ufb02é\u00a0\t¹²TjwR\ufffe[…]#") + ["Tj", "0 0 1 rg", "**", "__"]

any_line = st.one_of(
    st.text(max_size=120),
    st.lists(st.sampled_from(_NOISE), max_size=40).map("".join),
    st.sampled_from(
        [
            "",
            "- 3 -",
            "Page 2 of 9",
            "A/HRC/41/38",
            "GE.19-05612(E)",
            "_" * 18,
            "1 See document A/60/871.",
            "¹ World Bank data.",
            "I. Findings",
            "Session II",
            "A. Recruitment",
            "(a) Fees",
            "23. Participants agreed.",
            "REPORT",
            "Summary of discussions",
            "Annex",
            "The meeting noted the costs.1",
            "migra-",
            "tion of workers",
            "IntroductionIntroductionIntroduction",
        ]
    ),
)


@st.composite
def _repeated(draw) -> str:
    """A run drawn several times over, as PDF producers draw bold: the cleaner's hard case."""
    run = draw(st.text(alphabet=st.sampled_from(list("abAB .-*_1é")), min_size=1, max_size=12))
    return draw(st.text(max_size=10)) + run * draw(st.integers(2, 6)) + draw(st.text(max_size=10))


noisy_text = st.one_of(st.text(max_size=300), st.lists(any_line, max_size=4).map(" ".join), _repeated())


@st.composite
def _sentence(draw) -> str:
    """Ordinary text: words none of which repeats in its line, a capital and a full stop."""
    words = draw(st.lists(st.sampled_from(WORDS), min_size=2, max_size=14, unique=True))
    return " ".join([words[0].capitalize(), *words[1:]]) + draw(st.sampled_from([".", "", ":", ","]))


def _raw(lines: list[str], pages: list[int] | None = None) -> RawDocument:
    raw = [RawLine(text, n, pages[n - 1] if pages else None) for n, text in enumerate(lines, 1)]
    return RawDocument(Path("report.txt"), "text", raw, max(pages) if pages else None, "0" * 64, 0)


@st.composite
def _documents(draw, line=any_line) -> RawDocument:
    """A text file's lines, with page breaks (pdftotext) or without."""
    lines = draw(st.lists(line, max_size=40))
    if not draw(st.booleans()):
        return _raw(lines)
    breaks = draw(st.lists(st.booleans(), min_size=len(lines), max_size=len(lines)))
    pages = [1 + sum(breaks[:n]) for n in range(1, len(lines) + 1)]
    return _raw(lines, pages)


def _is_subsequence(short: str, long: str) -> bool:
    rest = iter(long)
    return all(ch in rest for ch in short)


def _solid(texts) -> str:
    """The texts' characters, spaces aside, in order."""
    return "".join("".join(text.split()) for text in texts)


@TEXT
@given(text=noisy_text)
def test_the_pdf_line_cleaner_invents_nothing_and_is_idempotent(text: str) -> None:
    """pdf_layout cleans each line of a PDF once: characters, runs drawn over, small capitals
    drawn double, operator debris, spaces."""
    cleaned = _clean_pdf_line(text)
    assert _clean_pdf_line(cleaned) == cleaned
    assert cleaned == cleaned.strip() and "  " not in cleaned
    # Only removals, and the mark that says where debris was cut out.
    assert _is_subsequence(cleaned.replace(clean.DEBRIS_MARK, ""), clean.normalize_characters(text))


@TEXT
@given(text=noisy_text)
def test_the_word_text_cleaner_invents_nothing_and_is_idempotent(text: str) -> None:
    """docx_reader.shown_text: the cleaner's characters and spaces, its (non-)joiners kept."""
    shown = shown_text(text)
    assert shown_text(shown) == shown
    assert _is_subsequence(
        shown.replace("\u200c", "").replace("\u200d", ""), clean.normalize_characters(text)
    )
    assert shown.count("\u200d") == text.count("\u200d")


@TEXT
@given(line=_sentence())
def test_ordinary_text_passes_every_line_repair_unchanged(line: str) -> None:
    assert _clean_pdf_line(line) == line
    assert shown_text(line) == line
    prepared, _ = layout.prepare_lines(_raw([line]))
    assert [(p.text, p.emphasis) for p in prepared] == [(line, False)]


@TEXT
@given(document=_documents())
def test_preparing_a_text_files_lines_invents_nothing(document: RawDocument) -> None:
    prepared, _ = layout.prepare_lines(document)
    assert [line.number for line in prepared] == [raw.number for raw in document.lines]
    for line, raw in zip(prepared, document.lines, strict=True):
        assert _is_subsequence(line.text.replace(clean.DEBRIS_MARK, ""), clean.normalize_characters(raw.text))
        assert line.text == line.text.strip()


@TEXT
@given(document=_documents())
def test_the_text_layout_invents_nothing(document: RawDocument) -> None:
    """What lay_out gives (units and footnotes) holds no letter or digit the file does not."""
    result = layout.lay_out(document)
    assert all(unit.text and unit.kind in {"heading", "paragraph"} for unit in result.units)
    assert all(unit.first_line <= unit.last_line for unit in result.units)
    starts = [unit.first_line for unit in result.units]
    assert starts == sorted(starts)  # in reading order
    given_chars = _characters(clean.normalize_characters(line.text) for line in document.lines)
    assert (
        _characters([unit.text for unit in result.units] + [n.text for n in result.footnotes]) <= given_chars
    )
    assert all(note in result.footnotes for unit in result.units for note in unit.notes)
    assert set(result.running_heads) <= {line.text for line in layout.prepare_lines(document)[0]}


@TEXT
@given(document=_documents(line=st.one_of(_sentence(), st.just(""))))
def test_the_text_layout_keeps_every_word_of_ordinary_text_in_order(document: RawDocument) -> None:
    """Without page breaks (nothing repeats at a page's edge) and without numbers (no page
    number, no footnote), every character but the spaces comes out, in order."""
    document = _raw([line.text for line in document.lines])
    units = layout.lay_out(document).units
    assert _solid(unit.text for unit in units) == _solid(line.text for line in document.lines)


@TEXT
@given(document=_documents())
def test_meetings_and_sections_keep_every_paragraph(document: RawDocument) -> None:
    """split_meetings and build_sections on what lay_out gives: each paragraph of text lands in
    one section, in order; section keys are distinct; a path never holds more than its level."""
    units = layout.lay_out(document).units
    drafts = split_meetings(units)
    assert [u for d in drafts for u in d.units if u.kind == "paragraph"] == [
        u for u in units if u.kind == "paragraph"
    ]
    for index, draft in enumerate(drafts):
        _, report = draft.split_header()
        sections = build_sections(report, first_meeting=index == 0)
        kept = [text for section in sections for text in section.paragraphs]
        assert _is_subsequence_of_items([u.text for u in report if u.kind == "paragraph"], kept)
        assert len({section.key for section in sections}) == len(sections)
        assert all(section.level >= 1 and len(section.path) < section.level for section in sections)


def _is_subsequence_of_items(short: list[str], long: list[str]) -> bool:
    rest = iter(long)
    return all(item in rest for item in short)


@st.composite
def _typed_paragraphs(draw) -> list[Typed]:
    """Paragraphs and tables with the type a PDF page gives them (lines, charts' labels) or a
    Word file (heading styles)."""
    word = draw(st.booleans())
    texts = st.one_of(
        _sentence(),
        st.text(max_size=80),
        st.builds(
            lambda number, title: f"{number} {title}",
            st.sampled_from(["I.", "II.", "A.", "B.", "1.", "2.", "1.1", "(a)", "Annex 2", "IX-", "a."]),
            _sentence(),
        ),
    )
    paragraphs = []
    for n in range(1, draw(st.integers(0, 15)) + 1):
        kind = draw(st.sampled_from(["text"] * 8 + ["table", "figure"]))
        rows = [[draw(st.text(max_size=10))]] if kind == "table" else None
        paragraphs.append(
            Typed(
                draw(texts),
                n,
                n,
                None if word else 1 + n // 8,
                None if word else 1 + n // 8,
                draw(st.sampled_from([9.0, 10.0, 10.0, 10.0, 12.0, 14.0, 18.0])),
                draw(st.booleans()),
                draw(st.booleans()),
                centered=draw(st.booleans()),
                lines=1 if word else draw(st.integers(1, 6)),
                style_level=draw(st.sampled_from([None, None, 0, 1, 2, 3])) if word else None,
                rows=rows,
                figure=kind == "figure" and not word,
            )
        )
    return paragraphs


@TYPED
@given(paragraphs=_typed_paragraphs())
def test_typesetting_keeps_each_paragraph_and_gives_headings_levels(paragraphs: list[Typed]) -> None:
    """typeset/assign_levels (PDF and Word): one unit per paragraph with its text; a table stays
    a table, a chart's labels and long paragraphs are no headings; the outline never skips a
    level going down, and assigning levels again changes nothing."""
    body = BodyType(10.0, False, False)
    units = typeset(paragraphs, body)
    assert [(u.text, u.first_line) for u in units] == [(p.text, p.first_line) for p in paragraphs]
    for unit, paragraph in zip(units, paragraphs, strict=True):
        assert (unit.kind == "table") == (paragraph.rows is not None)
        if unit.kind == "heading":
            assert not paragraph.figure and len(paragraph.text) <= 300
            assert unit.text.endswith(unit.title)
    assign_levels(units)
    levels = [u.level for u in units if u.kind == "heading"]
    assert all(level >= 1 for level in levels)
    assert all(b <= a + 1 for a, b in zip([0, *levels], levels, strict=False))
    assign_levels(units)
    assert [u.level for u in units if u.kind == "heading"] == levels


@TYPED
@given(paragraphs=_typed_paragraphs(), cited=st.lists(st.integers(0, 27), max_size=4, unique=True))
def test_a_word_files_layout_keeps_its_paragraphs_and_gives_each_note_once(
    paragraphs: list[Typed], cited: list[int]
) -> None:
    """lay_out_docx: a unit per paragraph; each note goes to the paragraph that cites it
    (Word says which), whose text loses nothing but a heading's mark."""
    notes = [Footnote(str(n), f"Note {n}.", line, None) for n, line in enumerate(cited, 1)]
    texts = [p.text for p in paragraphs]
    result = lay_out_docx(WordBody(paragraphs, notes))
    assert [u.first_line for u in result.units] == [p.first_line for p in paragraphs]
    for unit, text in zip(result.units, texts, strict=True):
        assert unit.text == text or unit.kind == "heading" and _characters([unit.text]) <= _characters([text])
    for note in notes:
        owners = [u for u in result.units if note in u.notes]
        assert len(owners) == (1 if 1 <= note.line <= len(paragraphs) else 0)
        assert all(owner.first_line == note.line for owner in owners)


@settings(max_examples=300, deadline=2000, derandomize=True)
@given(data=st.binary(max_size=2000))
def test_decoding_arbitrary_bytes(data: bytes) -> None:
    text = decode_text(data)
    assert text is None or isinstance(text, str)
