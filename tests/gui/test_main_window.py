"""The desktop window, driven offscreen as a user would: filter, search, read, add a report."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402

from briefer.gui.main_window import MainWindow  # noqa: E402
from tests.conftest import SOURCES  # noqa: E402


@pytest.fixture
def window(qtbot, library_copy: Path):
    window = MainWindow(library_copy, fill_with_samples=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.library is not None and window.table.rowCount() > 0, timeout=20000)
    return window


def _rows(window) -> list[str]:
    return [window.table.item(row, 0).text() for row in range(window.table.rowCount())]


def test_opens_on_the_library(window) -> None:
    assert window.meetings.count() == 1 + len(window.library.meetings())
    assert window.table.rowCount() == len(window.library.sections())
    assert window.reader.toPlainText().strip()


def test_filter_by_theme_and_meeting(window) -> None:
    remittances = next(
        window.themes.item(i)
        for i in range(window.themes.count())
        if window.themes.item(i).data(Qt.ItemDataRole.UserRole) == "remittances"
    )
    remittances.setCheckState(Qt.CheckState.Checked)
    rows = window.table.rowCount()
    assert 0 < rows < len(window.library.sections())
    for row in range(rows):
        section = window.library.section(window.table.item(row, 0).data(Qt.ItemDataRole.UserRole))
        assert "remittances" in section.theme_ids
    hearing = next(
        i
        for i in range(window.meetings.count())
        if "Hearing for the Americas" in window.meetings.item(i).text()
    )
    window.meetings.setCurrentRow(hearing)
    assert "Migrant remittances" in _rows(window)
    assert all(
        window.table.item(r, 1).text() == "Hearing for the Americas" for r in range(window.table.rowCount())
    )


def test_search_and_read(window, qtbot) -> None:
    qtbot.keyClicks(window.search, "consular matricula")
    assert _rows(window) == ["Country of origin responsibilities"]
    text = window.reader.toPlainText()
    assert "consular matricula" in text
    assert "Source: gcim-regional-hearing-americas-2005.txt, lines" in text
    window.search.clear()
    qtbot.keyClicks(window.search, "zzzz-no-such-word")
    assert window.table.rowCount() == 0 and "No section matches" in window.reader.toPlainText()


def test_add_documents_reports_each_file(window, qtbot, tmp_path: Path, monkeypatch) -> None:
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: shown.append(text))
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    window.ingest([SOURCES / "gcim-regional-hearing-americas-2005.txt", empty])
    qtbot.waitUntil(lambda: bool(shown), timeout=20000)
    assert "gcim-regional-hearing-americas-2005.txt: unchanged" in shown[0]
    assert "empty.txt: the file is empty" in shown[0]
