"""Issue 15 in the results and library panes, driven through the widgets: new results at
their top, the keyboard never trapped, "Did you mean …?" and a hint that names what left the
results out, the search words marked in the reading pane, an empty library's first steps,
and results dragged into the pack outline and marked once there."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QPoint, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QDragEnterEvent, QDropEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from tests.gui.test_main_window import ID_ROLE, _open, _search  # noqa: E402


@pytest.fixture
def window(qtbot, library_copy: Path):
    return _open(qtbot, library_copy)


def _idle(window, qtbot) -> None:
    qtbot.waitUntil(lambda: window.worker._running == 0, timeout=10000)


def _focus(qtbot, window, widget) -> None:
    window.activateWindow()
    widget.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget, timeout=3000)


def test_new_results_show_their_top_not_the_previous_selection(window, qtbot) -> None:
    table = window.results.table
    assert table.rowCount() > 20
    table.selectRow(table.rowCount() - 1)
    table.scrollToBottom()
    qtbot.waitUntil(lambda: table.verticalScrollBar().value() > 0)
    with qtbot.waitSignal(window.results_shown, timeout=10000):
        window.library_pane.search.returnPressed.emit()  # the same search again
    assert table.verticalScrollBar().value() == 0
    table.scrollToBottom()
    with qtbot.waitSignal(window.results_shown, timeout=10000):  # a filter change
        window.library_pane.date_from.setText("2003")
        window.library_pane.date_from.editingFinished.emit()
    assert table.rowCount() > 5 and table.verticalScrollBar().value() == 0


def test_tab_leaves_the_results_and_ctrl_tab_goes_from_pane_to_pane(window, qtbot) -> None:
    table, search, tree = window.results.table, window.library_pane.search, window.pack_pane.outline.tree
    assert not table.tabKeyNavigation() and not tree.tabKeyNavigation()
    _focus(qtbot, window, table)
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not table
    _focus(qtbot, window, table)
    qtbot.keyClick(table, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is not table
    # Ctrl+Tab: library -> results -> pack -> library
    _focus(qtbot, window, search)
    qtbot.keyClick(search, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is table
    qtbot.keyClick(table, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is tree
    qtbot.keyClick(tree, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is search
    qtbot.keyClick(search, Qt.Key.Key_F6)
    assert QApplication.focusWidget() is table
    # The note takes no tab character: Tab goes on.
    note = window.results.note
    _focus(qtbot, window, note)
    qtbot.keyClick(note, Qt.Key.Key_Tab)
    assert "\t" not in note.toPlainText() and QApplication.focusWidget() is not note


def test_did_you_mean_searches_for_the_correction_with_one_click(window, qtbot) -> None:
    _search(window, qtbot, "trafficing")
    results = window.results
    assert results.table.rowCount() == 0
    assert results.suggestion() == "trafficking"
    assert results.suggestion_button.isVisible()
    assert "trafficking" in results.suggestion_button.text()
    with qtbot.waitSignal(window.results_shown, timeout=10000):
        qtbot.mouseClick(results.suggestion_button, Qt.MouseButton.LeftButton)
    assert window.library_pane.search.text() == "trafficking"
    assert results.table.rowCount() > 0
    assert not results.suggestion_button.isVisible()
    _search(window, qtbot, "remittances")
    assert not results.notice.isVisible()  # plenty found: nothing to say


def test_the_empty_hint_names_the_filter_that_left_the_matches_out(window, qtbot) -> None:
    _search(window, qtbot, "consular matricula")
    assert window.results.table.rowCount() == 1
    window.library_pane.date_from.setText("2008")
    with qtbot.waitSignal(window.results_shown, timeout=10000):
        window.library_pane.date_from.editingFinished.emit()
    results = window.results
    assert results.table.rowCount() == 0
    text = results.notice_text.text()
    assert "dates exclude" in text.lower() and "the one match" in text
    assert "theme" not in text.lower()
    assert results.clear_button.isVisible() and results.clear_button.text() == "Clear the dates"
    with qtbot.waitSignal(window.results_shown, timeout=10000):
        qtbot.mouseClick(results.clear_button, Qt.MouseButton.LeftButton)
    assert window.library_pane.date_from.text() == ""
    assert window.library_pane.search.text() == "consular matricula"
    assert results.table.rowCount() == 1 and not results.notice.isVisible()
    # Words no section holds: said so, no filter blamed.
    _search(window, qtbot, "consular xylophone")
    assert "No section has all these words" in results.notice_text.text()
    assert not results.clear_button.isVisible()


def test_the_reading_pane_marks_the_search_words(window, qtbot) -> None:
    _search(window, qtbot, "consular matricula")
    reader = window.results.reader
    qtbot.waitUntil(lambda: "consular matricula" in reader.toPlainText(), timeout=5000)
    marked = _marked_words(reader)
    assert marked and {w.lower() for w in marked} <= {"consular", "matricula"}
    assert {"consular", "matricula"} <= {w.lower() for w in marked}
    _search(window, qtbot, '"in the"')  # a phrase with "in": only the phrase is marked
    qtbot.waitUntil(lambda: {w.lower() for w in _marked_words(reader)} == {"in the"}, timeout=5000)


def _marked_words(reader) -> list[str]:
    """The runs of the reading pane with the match background."""
    found = []
    block = reader.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.charFormat().background().color().name() == "#fff1a8":
                found.append(fragment.text())
            it += 1
        block = block.next()
    return found


def test_a_new_library_says_what_to_do_first_and_loads_the_samples(qtbot, tmp_path) -> None:
    window = _open(qtbot, tmp_path / "new-library")
    results = window.results
    assert results.table.rowCount() == 0
    text = results.notice_text.text()
    assert "library is empty" in text and "dates" not in text
    assert results.samples_button.isVisible() and results.add_documents_button.isVisible()
    with qtbot.waitSignal(window.results_shown, timeout=60000):
        qtbot.mouseClick(results.samples_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: results.table.rowCount() > 20, timeout=60000)
    assert not results.samples_button.isVisible()
    assert window.library_pane.meetings.count() >= 5


def _drop_on(window, qtbot, row_ids: list[int], target) -> None:
    table = window.results.table
    data = table.mimeData([table.item(row, 0) for row in row_ids])
    tree = window.pack_pane.outline.tree
    copy = Qt.DropAction.CopyAction
    for kind in ("enter", "drop"):
        if kind == "enter":
            event = QDragEnterEvent(
                target, copy, data, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
            )
        else:
            event = QDropEvent(
                QPointF(target), copy, data, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
            )
        QApplication.sendEvent(tree.viewport(), event)
    _idle(window, qtbot)


def test_results_dragged_into_a_part_and_marked_in_pack(window, qtbot) -> None:
    results, pane = window.results, window.pack_pane
    outline = pane.outline
    ids = [results.table.item(row, 0).data(ID_ROLE) for row in range(results.table.rowCount())]
    results.table.selectRow(0)
    window.add_to_pack([ids[0]])
    _idle(window, qtbot)
    assert results.row_in_pack(0) and not results.row_in_pack(1)
    outline.tree.setCurrentIndex(outline.model.index_of(pane.pack().items[0].id))
    outline.add_heading_action.trigger()  # a part after the first section
    heading = pane.pack().items[1]
    assert heading.kind == "heading"
    outline.tree.setCurrentIndex(outline.model.index_of(heading.id))
    # Two results dropped onto the part heading: at the end of its part.
    rect = outline.tree.visualRect(outline.model.index_of(heading.id))
    _drop_on(window, qtbot, [2, 3], rect.center())
    items = pane.pack().items
    assert [item.section_id for item in items] == [ids[0], None, ids[2], ids[3]]
    assert outline.model.index_of(items[2].id).parent() == outline.model.index_of(heading.id)
    assert results.row_in_pack(2) and results.row_in_pack(3) and not results.row_in_pack(1)
    # One dropped on the upper edge of the first section: before it, at the top.
    rect = outline.tree.visualRect(outline.model.index_of(items[0].id))
    _drop_on(window, qtbot, [4], QPoint(rect.center().x(), rect.top() + 1))
    assert [item.section_id for item in pane.pack().items][:2] == [ids[4], ids[0]]
    pane.undo_stack.undo()
    pane.undo_stack.undo()
    assert not results.row_in_pack(2) and not results.row_in_pack(4) and results.row_in_pack(0)
    assert not window.results.grab().isNull()
    pane.mark_saved()


def test_pack_items_still_move_only_within_the_outline(window, qtbot) -> None:
    """An outline item's drag from another widget is refused; a section from the results
    may come in. (The outline's own moves: test_pack_pane.)"""
    pane = window.pack_pane
    ids = [window.results.table.item(row, 0).data(ID_ROLE) for row in range(3)]
    window.add_to_pack(ids)
    _idle(window, qtbot)
    before = [item.id for item in pane.pack().items]
    model = pane.outline.model
    data = model.mimeData([model.index_of(before[0])])
    target = pane.outline.tree.visualRect(model.index_of(before[2])).center()
    drop = QDropEvent(
        QPointF(target),
        Qt.DropAction.MoveAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(pane.outline.tree.viewport(), drop)
    assert [item.id for item in pane.pack().items] == before
    pane.mark_saved()
