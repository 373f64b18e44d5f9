"""The lists to tick (themes, meetings): ticked by mouse and keyboard, counts beside each
row, ticks kept when the rows are listed again, thousands of rows."""

from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionViewItem  # noqa: E402

from briefer.gui.tick_list import TickList  # noqa: E402

ROWS = [("a", "Alpha", "the first"), ("b", "Beta", ""), ("c", "Gamma", "the third")]


@pytest.fixture
def ticks(qtbot) -> TickList:
    widget = TickList()
    qtbot.addWidget(widget)
    widget.set_rows(ROWS)
    widget.resize(300, 200)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _check_box_centre(widget: TickList, row: int):
    index = widget.model().index(row)
    option = QStyleOptionViewItem()
    widget.initViewItemOption(option)
    option.rect = widget.visualRect(index)
    option.features |= QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
    box = widget.style().subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, option, widget)
    return box.center()


def test_a_click_on_the_box_and_the_space_bar_tick(qtbot, ticks: TickList) -> None:
    with qtbot.waitSignal(ticks.ticks_changed):
        qtbot.mouseClick(ticks.viewport(), Qt.MouseButton.LeftButton, pos=_check_box_centre(ticks, 1))
    assert ticks.ticked() == ["b"]
    ticks.setFocus()
    ticks.setCurrentIndex(ticks.model().index(2))
    with qtbot.waitSignal(ticks.ticks_changed):
        qtbot.keyClick(ticks, Qt.Key.Key_Space)
    assert ticks.ticked() == ["b", "c"]


def test_counts_tips_and_ticks_kept(ticks: TickList) -> None:
    ticks.set_ticked("a")
    ticks.set_ticked("c")
    ticks.set_counts({"a": 3})
    assert ticks.text("a") == "Alpha  (3)" and ticks.text("b") == "Beta  (0)"
    model = ticks.model()
    assert model.data(model.index(0), Qt.ItemDataRole.ToolTipRole) == "the first"
    ticks.set_rows([("c", "Gamma", ""), ("d", "Delta", "")])  # listed again: "a" has gone
    assert ticks.ticked() == ["c"] and ticks.count() == 2
    ticks.clear_ticks()
    assert ticks.ticked() == []


def test_thousands_of_rows_are_listed_and_recounted(qtbot) -> None:
    widget = TickList()
    widget.setWordWrap(True)
    qtbot.addWidget(widget)
    widget.show()
    rows = [(f"m{n}", f"Meeting {n}\nGeneva · {n} May", "") for n in range(20000)]
    widget.set_rows(rows)
    widget.set_counts({f"m{n}": n for n in range(0, 20000, 2)})
    QApplication.processEvents()
    assert widget.count() == 20000 and widget.text("m4") == "Meeting 4\n(4)  Geneva · 4 May"
    widget.set_ticked("m19999")
    assert widget.ticked() == ["m19999"]
