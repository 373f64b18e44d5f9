"""Adding reports from the GUI: progress, a summary per file, cancel that writes nothing."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QPushButton, QWidget  # noqa: E402

from briefer.actions.ingest import FileReport  # noqa: E402
from briefer.errors import LibraryLockedError  # noqa: E402
from briefer.gui import import_dialog as import_module  # noqa: E402
from briefer.gui.import_dialog import CANCELLED_TEXT, ImportController, headline  # noqa: E402
from briefer.gui.tasks import SerialWorker  # noqa: E402
from briefer.library import Library  # noqa: E402
from tests.conftest import ROOT, SAMPLE_FILES  # noqa: E402

REPORTS = ROOT / "tests" / "data" / "reports"
TIMEOUT = 60_000


@pytest.fixture
def window(qtbot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


@pytest.fixture
def worker(qtbot):
    worker = SerialWorker()
    yield worker
    worker.wait()


def _controller(worker: SerialWorker, library: Library | None, window: QWidget) -> ImportController:
    return ImportController(worker, lambda: library, window)


def test_imports_files_and_lists_each_one(qtbot, tmp_path, worker, window) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("eap-two-workshops-moldova-georgia-2014.txt", "chairs-summary-micic-consultation.docx"):
        shutil.copy(REPORTS / name, inbox / name)
    (inbox / "scan.pdf").write_bytes(os.urandom(4000))  # not a PDF at all
    library = Library.open(tmp_path / "library")
    controller = _controller(worker, library, window)
    with qtbot.waitSignal(controller.imported, timeout=TIMEOUT) as imported:
        assert controller.start(sorted(inbox.iterdir()))
        assert not controller.start([inbox])  # one import at a time
    reports: list[FileReport] = imported.args[0]
    assert [(r.path.name, r.status) for r in reports] == [
        ("chairs-summary-micic-consultation.docx", "added"),
        ("eap-two-workshops-moldova-georgia-2014.txt", "added"),
        ("scan.pdf", "error"),
    ]
    added = [r for r in reports if r.ok]
    meetings, sections = sum(r.meetings for r in added), sum(r.sections for r in added)
    summary = controller.summary
    assert summary is not None and summary.isVisible()
    assert summary.headline.text() == (
        f"2 files added: {meetings} meetings, {sections} sections; 1 file could not be read"
    )
    rows = summary.row_texts()
    # five sections and the title page, kept as front matter
    assert rows[0][:4] == ["chairs-summary-micic-consultation.docx", "added", str(added[0].meetings), "6"]
    assert rows[2][:4] == ["scan.pdf", "error", "", ""]
    assert rows[2][4] and not rows[2][4].startswith(str(inbox))  # the message, without the path
    assert not summary.table.item(2, 0).icon().isNull()  # the error row is marked
    assert summary.table.item(0, 0).icon().isNull()
    assert controller.progress_dialog is None and not controller.running
    reopened = Library.open(tmp_path / "library")
    assert len(reopened.meetings()) == meetings and len(reopened.sections()) == sections


def test_adding_the_same_files_again_changes_nothing(qtbot, library_copy, worker, window) -> None:
    library = Library.open(library_copy)
    before = len(library.sections())
    controller = _controller(worker, library, window)
    with qtbot.waitSignal(controller.imported, timeout=TIMEOUT) as imported:
        controller.start(SAMPLE_FILES[:2])
    assert {r.status for r in imported.args[0]} <= {"unchanged", "duplicate"}
    assert "2 files already in the library, unchanged" in controller.summary.headline.text()
    assert len(Library.open(library_copy).sections()) == before


@pytest.mark.parametrize("how", ["button", "escape", "method"])
def test_cancel_adds_nothing(qtbot, tmp_path, library_copy, worker, window, how) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for report in sorted(REPORTS.iterdir()):
        shutil.copy(report, inbox / report.name)
    before = [s.id for s in Library.open(library_copy).sections()]
    controller = _controller(worker, Library.open(library_copy), window)
    imported: list = []
    controller.imported.connect(imported.append)
    with qtbot.waitSignal(controller.cancelled, timeout=TIMEOUT):
        controller.start(sorted(inbox.iterdir()))
        progress = controller.progress_dialog
        assert progress is not None and progress.isVisible()
        if how == "button":
            progress.findChild(QPushButton).click()
        elif how == "escape":
            qtbot.keyClick(progress, Qt.Key.Key_Escape)
        else:
            controller.cancel()
    assert controller.message_box.text() == CANCELLED_TEXT == "Import cancelled; nothing was added."
    assert not imported and controller.summary is None
    assert [s.id for s in Library.open(library_copy).sections()] == before


def test_a_library_error_is_shown_as_it_is(qtbot, tmp_path, worker, window, monkeypatch) -> None:
    def locked(*_args, **_kwargs):
        raise LibraryLockedError(tmp_path / "library")

    monkeypatch.setattr(import_module, "ingest_paths", locked)
    controller = _controller(worker, Library.open(tmp_path / "library"), window)
    with qtbot.waitSignal(controller.finished, timeout=TIMEOUT):
        controller.start([REPORTS])
    box = controller.message_box
    assert box.windowTitle() == "Import failed" and "being changed by another Briefer process" in box.text()
    assert controller.summary is None and controller.progress_dialog is None


def test_no_library_yet(qtbot, worker, window) -> None:
    controller = _controller(worker, None, window)
    with qtbot.waitSignal(controller.finished, timeout=TIMEOUT):
        controller.start([REPORTS])
    assert "the library is still opening" in controller.message_box.text()


def test_headlines() -> None:
    def report(status: str, meetings: int = 0, sections: int = 0) -> FileReport:
        return FileReport(Path(f"{status}.txt"), status, meetings, sections)

    assert headline([]) == "Nothing to add: no report files were found."
    assert headline([report("added", 1, 1)]) == "1 file added: 1 meeting, 1 section"
    assert headline([report("added", 2, 40), report("updated", 1, 12), report("error")]) == (
        "1 file added: 2 meetings, 40 sections; 1 file updated: 1 meeting, 12 sections; "
        "1 file could not be read"
    )
    assert headline([report("unchanged"), report("duplicate"), report("error"), report("error")]) == (
        "1 file already in the library, unchanged; 1 file duplicating reports already in the library; "
        "2 files could not be read"
    )
