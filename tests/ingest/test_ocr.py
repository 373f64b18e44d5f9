"""Scanned PDFs: pages drawn as pictures (Pillow, the bundled Liberation fonts, 300 dpi)
with no text layer are read with Tesseract OCR, through the same layout as any PDF: their
words land in their sections and a heading in larger type is a heading. Without Tesseract
a scan is a clear error, or a warning when other pages have text; a damaged or blank
picture, a failing or hanging Tesseract never crash or hang the ingest."""

from __future__ import annotations

import io
import logging
import re
import shutil
import textwrap
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from briefer.errors import InputFileError
from briefer.ingest import ocr
from briefer.ingest.pipeline import parse_document
from tests.conftest import ROOT

FONTS = ROOT / "resources" / "fonts"
DPI = 300

needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None, reason="Tesseract OCR is not installed (scripts/setup installs it)"
)

TITLE = "Regional Consultation on Labour Migration"
FIRST, SECOND = "I. Remittances and development", "II. Diaspora engagement"
PARAGRAPHS = {
    FIRST: [
        "The meeting was held in Geneva on the costs of sending money home. Delegates agreed "
        "that the price of transfers remains far too high for migrant workers and their "
        "families, and that competition among providers should be encouraged.",
        "Several speakers described programmes that match the savings of diaspora communities "
        "with public funds for schools, roads and clinics in their regions of origin. Others "
        "warned that such schemes must not replace public investment.",
    ],
    SECOND: [
        "Participants from Senegal, Mexico and the Philippines explained how their governments "
        "keep in touch with citizens abroad through consulates, associations and online "
        "registers, and how returning professionals are helped to find work.",
        "The participants asked the secretariat to prepare a short note on good practices, to "
        "be discussed at the next session of the forum in the spring.",
    ],
}

NEXT_STEPS = (
    "Governments will exchange data on recruitment fees before the end of the year, and the "
    "chair will report to the plenary on the progress made by each working group."
)


def _pixels(points: float) -> int:
    return round(points * DPI / 72)


def _font(name: str, points: float) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / name), _pixels(points))


def draw_page(sections: dict[str, list[str]], title: str | None = None, angle: float = 0.0) -> Image.Image:
    """An A4 page as a scanner sees it: a title in 18 pt, headings in 14 pt bold, body
    text in 11 pt, a page number; then turned by `angle` degrees, specks and a blur."""
    image = Image.new("L", (_pixels(595), _pixels(842)), 255)
    draw = ImageDraw.Draw(image)
    body = _font("LiberationSerif-Regular.ttf", 11)
    y = _pixels(72)
    if title:
        draw.text((_pixels(72), y), title, font=_font("LiberationSerif-Bold.ttf", 18), fill=0)
        y += _pixels(40)
    for heading, paragraphs in sections.items():
        draw.text((_pixels(72), y), heading, font=_font("LiberationSerif-Bold.ttf", 14), fill=0)
        y += _pixels(24)
        for paragraph in paragraphs:
            for line in textwrap.wrap(paragraph, 86):
                draw.text((_pixels(72), y), line, font=body, fill=0)
                y += _pixels(14)
            y += _pixels(8)
        y += _pixels(10)
    draw.text((_pixels(292), _pixels(800)), "2", font=body, fill=0)
    if angle:
        image = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    specks = image.load()
    for index in range(1500):  # a scanner's dust, the same on every run
        specks[(index * 7919) % image.width, (index * 104729) % image.height] = 0
    return image.filter(ImageFilter.GaussianBlur(0.6))


def scan_pdf(path: Path, images: list[Image.Image]) -> Path:
    """An image-only PDF, one picture a page, as a scanner writes it (JPEG)."""
    images[0].save(path, save_all=True, append_images=images[1:], resolution=DPI)
    return path


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def share_read(expected: str, read: str) -> float:
    """How many of the expected words were read (each as often as it occurs)."""
    wanted, got = Counter(_words(expected)), Counter(_words(read))
    return sum((wanted & got).values()) / sum(wanted.values())


def _sections(document):
    return [section for meeting in document.meetings for section in meeting.sections]


def _section(document, heading: str):
    return next(s for s in _sections(document) if share_read(heading, s.heading) >= 0.75)


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    path = scan_pdf(tmp_path_factory.mktemp("scan") / "scan.pdf", [draw_page(PARAGRAPHS, TITLE, angle=0.7)])
    return parse_document(path)


# --- read with Tesseract ----------------------------------------------------------------


@needs_tesseract
def test_scanned_pages_words_land_in_their_sections(scanned) -> None:
    assert scanned.kind == "pdf" and scanned.page_count == 1
    for heading, paragraphs in PARAGRAPHS.items():
        section = _section(scanned, heading)
        assert share_read("\n".join(paragraphs), section.text) >= 0.9, section.text
        assert len(section.paragraphs) == len(paragraphs)
        assert section.page_start == 1
    every_word = " ".join(s.heading + " " + s.text for s in _sections(scanned))
    assert share_read(" ".join(p for ps in PARAGRAPHS.values() for p in ps), every_word) >= 0.95


@needs_tesseract
def test_scanned_headings_in_larger_type_are_headings(scanned) -> None:
    headings = [s.heading for s in _sections(scanned)]
    assert any(share_read(FIRST, h) >= 0.75 for h in headings), headings
    assert any(share_read(SECOND, h) >= 0.75 for h in headings), headings
    first, second = _section(scanned, FIRST), _section(scanned, SECOND)
    assert first.level == second.level and first.number == "I" and second.number == "II"
    # The title in the largest type is the report's title, not body text.
    title = scanned.meetings[0].metadata.title or ""
    assert share_read(TITLE, title + " " + " ".join(headings)) >= 0.8
    body = [p for s in _sections(scanned) if s.kind == "body" for p in s.paragraphs]
    assert all(share_read(TITLE, p) < 0.5 for p in body)


@needs_tesseract
def test_sizes_follow_the_type_of_the_scan(tmp_path: Path) -> None:
    """The words' sizes in points, read from letter heights: 18, 14 and 11 pt type."""
    import pypdfium2 as pdfium

    from briefer.ingest import pdf_text

    path = scan_pdf(tmp_path / "sizes.pdf", [draw_page({FIRST: PARAGRAPHS[FIRST][:1]}, TITLE)])
    pdf = pdfium.PdfDocument(path)
    try:
        (page,) = pdf_text.pages(pdf)
    finally:
        pdf.close()
    sizes = {w.text: w.size for w in page.words}
    assert 16.5 <= sizes["Consultation"] <= 19.5
    assert 12.5 <= sizes["Remittances"] <= 15.5
    assert 10 <= sizes["meeting"] <= 12 and sizes["meeting"] == sizes["Delegates"] == sizes["encouraged."]
    word = next(w for w in page.words if w.text == "meeting")
    assert 60 < word.x0 < 150 and 90 < word.top < word.bottom < 150  # points, from the top left


@pytest.mark.slow  # five pages read by Tesseract, some in four turns
@needs_tesseract
def test_pages_askew_sideways_and_upside_down(tmp_path: Path) -> None:
    one = {FIRST: PARAGRAPHS[FIRST]}
    two = {SECOND: PARAGRAPHS[SECOND]}
    three = {"III. Next steps": [NEXT_STEPS]}
    images = [
        draw_page(one, angle=-2.5),  # Tesseract alone loses paragraphs at this angle
        draw_page(two).rotate(-90, expand=True),  # scanned sideways
        draw_page(three).rotate(180),  # scanned upside down
    ]
    document = parse_document(scan_pdf(tmp_path / "turned.pdf", images))
    for number, sections in ((1, one), (2, two), (3, three)):
        text = " ".join(s.heading + "\n" + s.text for s in _sections(document) if s.page_start == number)
        expected = " ".join(h + " " + " ".join(p) for h, p in sections.items())
        assert share_read(expected, text) >= 0.9, (number, text)


@needs_tesseract
def test_a_scanned_page_among_text_pages(tmp_path: Path) -> None:
    path = _mixed_pdf(tmp_path / "mixed.pdf")
    document = parse_document(path)
    assert share_read("\n".join(PARAGRAPHS[SECOND]), _section(document, SECOND).text) >= 0.9
    assert _section(document, SECOND).page_start == 2
    assert "Introduction" in [s.title for s in _sections(document)]


@needs_tesseract
def test_a_page_of_text_pasted_in_as_a_smaller_picture_is_read(tmp_path: Path) -> None:
    """No text of its own, a picture of text over two fifths of the page (a screenshot,
    a letter scanned and pasted in): the picture is read."""
    page = draw_page({FIRST: PARAGRAPHS[FIRST]})
    picture = io.BytesIO()
    page.crop((0, 0, page.width, int(page.height * 0.4))).save(picture, "PNG")
    path = tmp_path / "pasted.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.drawImage(ImageReader(io.BytesIO(picture.getvalue())), 0, 842 * 0.6, 595, 842 * 0.4)
    pdf.showPage()
    pdf.save()
    read = " ".join(s.heading + " " + s.text for s in _sections(parse_document(path)))
    assert share_read(" ".join(PARAGRAPHS[FIRST]), read) >= 0.9, read


def test_a_text_pdf_with_pictures_is_not_ocred(tmp_path: Path, monkeypatch) -> None:
    """A logo, a photograph beside the text: the page has its own words, read as they are."""
    monkeypatch.setattr(ocr, "_run", _refuse)
    path = tmp_path / "logo.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.drawImage(ImageReader(Image.new("L", (400, 400), 128)), 0, 0, 595, 842)  # a full-page backdrop
    pdf.setFont("Times-Bold", 14)
    pdf.drawString(72, 760, "I. Introduction")
    pdf.setFont("Times-Roman", 11)
    for index, line in enumerate(textwrap.wrap(" ".join(PARAGRAPHS[FIRST]), 90)):
        pdf.drawString(72, 730 - 14 * index, line)
    pdf.showPage()
    pdf.save()
    document = parse_document(path)
    assert share_read(" ".join(PARAGRAPHS[FIRST]), " ".join(s.text for s in _sections(document))) == 1.0


# --- without Tesseract, and when it fails ---------------------------------------------


def test_a_scan_without_tesseract_is_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(ocr, "tesseract", lambda: None)
    path = scan_pdf(tmp_path / "scanned report.pdf", [draw_page(PARAGRAPHS, TITLE)])
    with pytest.raises(InputFileError) as caught:
        parse_document(path)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(str(path))
    assert "scan" in message and "Tesseract OCR is not installed" in message
    assert "apt-get install tesseract-ocr" in message and "scripts/setup" in message


def test_scanned_pages_without_tesseract_among_text_pages_are_a_warning(
    tmp_path: Path, monkeypatch, caplog
) -> None:
    monkeypatch.setattr(ocr, "tesseract", lambda: None)
    path = _mixed_pdf(tmp_path / "mixed.pdf")
    with caplog.at_level(logging.WARNING, logger="briefer.ingest.readers"):
        document = parse_document(path)
    assert "Introduction" in [s.title for s in _sections(document)]
    assert not any("consulates" in s.text.casefold() for s in _sections(document))  # page 2's
    (record,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert str(path) in record.getMessage() and "not read: 2 " in record.getMessage()
    assert "Tesseract OCR is not installed" in record.getMessage()


@needs_tesseract
def test_a_blank_scan_is_an_error_not_a_crash(tmp_path: Path) -> None:
    path = scan_pdf(tmp_path / "blank.pdf", [Image.new("L", (_pixels(595), _pixels(842)), 255)])
    with pytest.raises(InputFileError, match="scan and OCR found no legible text"):
        parse_document(path)


@needs_tesseract
@pytest.mark.parametrize("kept", [600, 0], ids=["cut-off", "no-data"])
def test_a_damaged_or_empty_picture_is_an_error_not_a_crash(tmp_path: Path, kept: int) -> None:
    """The scan's JPEG data cut off after its first bytes, or all of it gone (zeros in
    its place): nothing legible to read, said in one line."""
    data = scan_pdf(tmp_path / "good.pdf", [draw_page(PARAGRAPHS)]).read_bytes()
    start = data.index(b"stream\n") + len(b"stream\n")
    end = data.index(b"endstream", start)
    path = tmp_path / "damaged.pdf"
    path.write_bytes(data[: start + kept] + bytes(end - start - kept) + data[end:])
    with pytest.raises(InputFileError) as caught:
        parse_document(path)
    message = str(caught.value)
    assert message.startswith(str(path)) and "scan" in message and "\n" not in message


def test_a_hanging_tesseract_is_stopped(tmp_path: Path, monkeypatch) -> None:
    _fake_tesseract(tmp_path, monkeypatch, "exec sleep 30")
    monkeypatch.setattr(ocr, "PAGE_TIMEOUT", 1)
    path = scan_pdf(tmp_path / "scan.pdf", [draw_page(PARAGRAPHS)])
    with pytest.raises(InputFileError, match=r"OCR could not read it: Tesseract OCR took more than 1 s"):
        parse_document(path)


def test_a_failing_tesseract_is_reported(tmp_path: Path, monkeypatch) -> None:
    _fake_tesseract(tmp_path, monkeypatch, "echo 'Error in pixReadMem: Unknown format' >&2; exit 1")
    path = scan_pdf(tmp_path / "scan.pdf", [draw_page(PARAGRAPHS)])
    with pytest.raises(InputFileError, match=r"Tesseract OCR failed \(Error in pixReadMem: Unknown format\)"):
        parse_document(path)


def test_languages_are_those_installed_among_english_french_spanish(tmp_path: Path, monkeypatch) -> None:
    executable = _fake_tesseract(tmp_path, monkeypatch, "exit 0", languages="deu\neng\nosd\nspa")
    assert ocr.languages(executable) == "eng+spa"
    none = _fake_tesseract(tmp_path / "none", monkeypatch, "exit 0", languages="deu\nosd")
    with pytest.raises(ocr.OcrError, match="no English, French or Spanish model"):
        ocr.languages(none)


def test_a_scan_without_language_models_says_to_install_them(tmp_path: Path, monkeypatch) -> None:
    _fake_tesseract(tmp_path, monkeypatch, "exit 0", languages="osd")
    path = scan_pdf(tmp_path / "scan.pdf", [draw_page(PARAGRAPHS)])
    with pytest.raises(
        InputFileError, match="no English, French or Spanish model.*apt-get install tesseract"
    ):
        parse_document(path)


# --- Tesseract's TSV ----------------------------------------------------------------------

_HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"


def _row(line: int, left: int, top: int, width: int, height: int, conf: float, text: str) -> str:
    return f"5\t1\t1\t1\t{line}\t1\t{left}\t{top}\t{width}\t{height}\t{conf}\t{text}"


def test_tsv_words_in_points_with_sizes_from_their_lines() -> None:
    tsv = "\n".join(
        [
            _HEADER,
            "1\t1\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t",
            _row(1, 300, 300, 400, 68, 96, "Heading"),  # 18 pt: 75 px to the em at 300 dpi
            _row(2, 300, 459, 69, 32, 96, "The"),
            _row(2, 384, 461, 146, 40, 95, "meeting"),
            _row(2, 543, 470, 69, 21, 91, "was"),
            _row(2, 600, 470, 30, 20, 12, "~"),  # a speck
            _row(2, 640, 470, 30, 20, 30, "ll"),  # read, but not trusted
            _row(2, 700, 459, 40, 40, 95, " "),
            _row(3, 300, 517, 67, 32, 96, "that"),
            _row(3, 381, 517, 54, 32, 97, "held"),
            _row(3, 449, 519, 90, 40, 96, "price"),
        ]
    )
    words, sideways = ocr.parse_tsv(tsv, 72 / DPI, (2480, 3508))
    assert not sideways
    assert [w.text for w in words] == ["Heading", "The", "meeting", "was", "that", "held", "price"]
    size = {w.text: w.size for w in words}
    assert 17 <= size["Heading"] <= 19
    assert size["The"] == size["meeting"] == size["was"] == size["that"] == size["price"]
    assert 10.5 <= size["The"] <= 11.5
    meeting = words[2]
    assert meeting.x0 == pytest.approx(384 * 72 / DPI) and meeting.x1 == pytest.approx(530 * 72 / DPI)
    assert meeting.top < 470 * 72 / DPI < meeting.bottom
    assert not meeting.font.bold and not meeting.font.italic and meeting.upright
    # One line, one baseline: the layout reads the words Tesseract put together as a line.
    assert len({(w.top, w.bottom) for w in words[1:4]}) == 1


def test_tsv_of_an_empty_page() -> None:
    assert ocr.parse_tsv(_HEADER + "\n1\t1\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t\n", 0.24, (2480, 3508)) == (
        [],
        False,
    )
    assert ocr.parse_tsv("", 0.24, (10, 10)) == ([], False)


def test_render_scale_keeps_memory_bounded() -> None:
    assert ocr.render_scale(595, 842) == pytest.approx(DPI / 72)
    poster = ocr.render_scale(2384, 3370)  # A0
    assert 2384 * 3370 * poster * poster <= ocr.MAX_PIXELS * 1.001


# --- helpers ------------------------------------------------------------------------------


def _refuse(*args, **kwargs):
    raise AssertionError("Tesseract was run on a page with text")


def _mixed_pdf(path: Path) -> Path:
    """Page 1 typeset text (its own words); page 2 a scan of the second part."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setFont("Times-Bold", 18)
    pdf.drawString(72, 760, TITLE)
    pdf.setFont("Times-Bold", 14)
    pdf.drawString(72, 720, "Introduction")
    pdf.setFont("Times-Roman", 11)
    for index, line in enumerate(textwrap.wrap(" ".join(PARAGRAPHS[FIRST]), 90)):
        pdf.drawString(72, 696 - 14 * index, line)
    pdf.showPage()
    scan = io.BytesIO()
    draw_page({SECOND: PARAGRAPHS[SECOND]}).save(scan, "PNG")
    pdf.drawImage(ImageReader(io.BytesIO(scan.getvalue())), 0, 0, 595, 842)
    pdf.showPage()
    pdf.save()
    return path


def _fake_tesseract(folder: Path, monkeypatch, reading: str, languages: str = "eng\nfra\nspa") -> str:
    """A stand-in `tesseract` that lists `languages` and reads a page by running `reading`."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "tesseract"
    script.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "--list-langs" ]; then\n'
        "    echo 'List of available languages in \"/fake/\" (3):'\n"
        f"    printf '%s\\n' '{languages}'\n"
        "    exit 0\n"
        "fi\n"
        "cat > /dev/null\n"
        f"{reading}\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    monkeypatch.setattr(ocr, "tesseract", lambda: str(script))
    return str(script)
