"""Back to the source: a section's report opened at its page or line, its citation copied;
and a file no program opens said so."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtGui import QDesktopServices, QGuiApplication  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from briefer.gui import opening  # noqa: E402
from briefer.gui.source_viewer import SourceViewer  # noqa: E402
from briefer.ingest.pipeline import parse_document  # noqa: E402
from briefer.library import Library  # noqa: E402


def _pdf(path: Path, pages: int) -> Path:
    canvas = Canvas(str(path))
    for number in range(1, pages + 1):
        canvas.drawString(72, 720, f"Page {number} of the report")
        canvas.showPage()
    canvas.save()
    return path


def test_a_pdf_opens_at_the_cited_page(qtbot, tmp_path) -> None:
    viewer = SourceViewer(_pdf(tmp_path / "report.pdf", 8), "IOM, Dialogue 2009, para. 3", page=5)
    qtbot.addWidget(viewer)
    viewer.show()
    qtbot.waitUntil(lambda: 4 in viewer.preview.rendered_pages(), timeout=5000)
    top = viewer.preview.scroll.verticalScrollBar().value()
    page = viewer.preview._pages[4]
    assert abs(page.y() - top) <= 20  # page 5 at the top of the view
    viewer.copy_citation()
    assert QGuiApplication.clipboard().text() == "IOM, Dialogue 2009, para. 3"


def test_a_text_opens_at_the_cited_line_marked(qtbot, tmp_path) -> None:
    report = tmp_path / "report.txt"
    report.write_text("\n".join(f"line {n}" for n in range(1, 301)), encoding="utf-8")
    viewer = SourceViewer(report, "A citation", line=120)
    qtbot.addWidget(viewer)
    viewer.show()
    qtbot.waitExposed(viewer)
    assert viewer.text.textCursor().blockNumber() == 119
    assert viewer.text.firstVisibleBlock().blockNumber() >= 100  # scrolled there
    (marked,) = viewer.text.extraSelections()
    assert marked.cursor.block().text() == "line 120"


def test_the_library_finds_the_original_while_it_is_the_same_file(tmp_path) -> None:
    report = tmp_path / "report.txt"
    report.write_text(
        "Report of the Regional Consultation on Remittances\n\nGeneva, 3-4 May 2012\n\nI. Opening\n\n"
        "1. Participants from countries of origin and destination discussed the costs of sending money "
        "home, the role of banks and post offices, and the data needed to follow these flows.\n",
        encoding="utf-8",
    )
    library = Library.open(tmp_path / "library")
    library.add_documents([parse_document(report)])
    section = next(iter(library.sections()))
    assert library.original_file(section.id) == report
    copy = (tmp_path / "library" / "sources").resolve()
    copy.mkdir()
    (copy / "report.txt").write_bytes(report.read_bytes())
    report.write_text("changed since", encoding="utf-8")
    assert library.original_file(section.id) == copy / "report.txt"  # an archive's copy, same content
    (copy / "report.txt").unlink()
    assert library.original_file(section.id) is None


def test_a_file_no_program_opens_is_said_so_with_its_folder_offered(qtbot, tmp_path, monkeypatch) -> None:
    opened, shown = [], []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or False)

    def answer(box) -> int:
        shown.append(box.text())
        folder = next(b for b in box.buttons() if "folder" in b.text())
        folder.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", answer)
    monkeypatch.setattr(QMessageBox, "information", lambda *args: shown.append(args[2]))
    target = tmp_path / "pack.pdf"
    target.write_bytes(b"%PDF-1.4")
    assert not opening.open_externally(target)
    assert "No program on this computer opens pack.pdf" in shown[0]
    assert opened == [str(target), str(tmp_path)]  # the file, then its folder
    assert str(tmp_path) in shown[1]  # no file manager either: where it is, in words
