"""The reading pane shows a section's table as a table (cells in a grid, the header row as
headers, markup characters as text), and the pack pane counts its words as the estimate does."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtGui import QFont, QTextCursor  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402

from briefer.gui.main_window import MainWindow  # noqa: E402
from briefer.library import Library  # noqa: E402
from briefer.packs.estimate import section_words  # noqa: E402
from tests.library.tables import AFTER, BEFORE, ROWS, table_document  # noqa: E402


@pytest.fixture
def window(qtbot, tmp_path: Path) -> MainWindow:
    Library.open(tmp_path / "library").add_documents([table_document()])
    window = MainWindow(tmp_path / "library", fill_with_samples=False)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.results_shown, timeout=20000):
        window.show()
    qtbot.waitUntil(
        lambda: window.pack_pane.pack() is not None and window.worker._running == 0, timeout=10000
    )
    return window


def _tables(document) -> list:
    """The rich-text tables of a document, in order."""
    found, block = [], document.begin()
    while block.isValid():
        table = QTextCursor(block).currentTable()
        if table is not None and table not in found:
            found.append(table)
        block = block.next()
    return found


def _cell(table, row: int, column: int):
    return table.cellAt(row, column).firstCursorPosition().block()


def test_the_reading_pane_shows_a_table_as_a_table(window, qtbot) -> None:
    with qtbot.waitSignal(window.results_shown, timeout=10000):
        window.library_pane.search.setText("Ecuador")
    reader = window.results.reader
    qtbot.waitUntil(lambda: BEFORE in reader.toPlainText(), timeout=5000)
    text = reader.toPlainText()
    assert " | " not in text
    assert text.index(BEFORE) < text.index("Spain – Ecuador & <Peru>") < text.index(AFTER)
    (table,) = _tables(reader.document())
    assert (table.rows(), table.columns()) == (len(ROWS), 3)
    cells = [[_cell(table, r, c).text() for c in range(3)] for r in range(len(ROWS))]
    assert cells == [row + [""] * (3 - len(row)) for row in ROWS]
    bold = QFont.Weight.Bold.value
    assert _weight(table, 0, 0) >= bold and _weight(table, 1, 0) < bold  # the header row stands out


def _weight(table, row: int, column: int) -> int:
    return _cell(table, row, column).begin().fragment().charFormat().fontWeight()


def test_the_pack_pane_counts_a_tables_cell_words(window, qtbot, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    library = Library.open(tmp_path / "library")
    section = next(s for s in library.sections() if s.heading == "Costs by corridor")
    window.results.select(section.id)
    with qtbot.waitSignal(window.pack_pane.pack_changed, timeout=10000):
        window.results.add_requested.emit([section.id])
    qtbot.waitUntil(lambda: section.id in window.pack_pane.session.sections, timeout=5000)
    assert window.pack_pane.session.sections[section.id].words == section_words(section)
