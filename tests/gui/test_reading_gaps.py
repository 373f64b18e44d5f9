"""The reading pane marks where the source lost text (issue 14, item 1): the placeholder
left by the ingest becomes "[text missing in the source]" in a tinted italic, a line above
the text says so, and the result row carries a small flag."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtGui import QTextCursor  # noqa: E402

from briefer.gui.main_window import MainWindow  # noqa: E402
from briefer.gui.results_pane import HTML_ROLE, _paragraph_html  # noqa: E402
from briefer.ingest.pipeline import parse_document  # noqa: E402
from briefer.ir.blocks import MISSING_TEXT  # noqa: E402
from briefer.library import Library  # noqa: E402

REPORT = """REPORT OF THE MEETING

I. INTRODUCTION

The meeting was opened by the Chair, who welcomed the participants and recalled the purpose of the consultations on remittances held over the past year.

Mr. Ratha showed that remittances had increased steadily and that they were less volatile than the flows of foreign direct investment (FID) oriTc 1.1607 Tw 1.160e5d

II. SECURITY

Mr. Schoenholtz, Associate Professor of Georgetown University, discussed concrete actions that States might take to prevent te

III. CLOSING

The Chair closed the meeting after thanking the interpreters and the secretariat for their work on the consultations.
"""


@pytest.fixture
def window(qtbot, tmp_path: Path) -> MainWindow:
    source = tmp_path / "damaged.txt"
    source.write_text(REPORT, encoding="utf-8")
    Library.open(tmp_path / "library").add_documents([parse_document(source)])
    window = MainWindow(tmp_path / "library", fill_with_samples=False)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.results_shown, timeout=20000):
        window.show()
    qtbot.waitUntil(
        lambda: window.pack_pane.pack() is not None and window.worker._running == 0, timeout=10000
    )
    return window


def _show(window, qtbot, words: str) -> str:
    with qtbot.waitSignal(window.results_shown, timeout=10000):
        window.library_pane.search.setText(words)
    reader = window.results.reader
    qtbot.waitUntil(lambda: words.split()[-1] in reader.toPlainText(), timeout=5000)
    return reader.toPlainText()


def _format_at(reader, position: int):
    cursor = QTextCursor(reader.document())
    cursor.setPosition(position + 1)
    return cursor.charFormat()


def test_lost_text_is_marked_in_the_reading_pane(window, qtbot) -> None:
    text = _show(window, qtbot, "foreign direct investment")
    assert "investment (FID) " + MISSING_TEXT in text
    assert "[…]" not in text
    assert "Text is missing in the source" in text
    where = text.index(MISSING_TEXT)
    mark = _format_at(window.results.reader, where)
    assert mark.fontItalic() and mark.background().color().name() == "#fbe3c4"
    plain = _format_at(window.results.reader, text.index("Mr. Ratha"))
    assert not plain.fontItalic()
    row = window.results.table.item(0, 0).data(HTML_ROLE)
    assert "text missing in the source" in row


def test_a_sentence_cut_short_is_marked_at_its_end(window, qtbot) -> None:
    text = _show(window, qtbot, "Schoenholtz")
    assert "to prevent te " + MISSING_TEXT in text


def test_a_clean_section_has_no_mark_nor_flag(window, qtbot) -> None:
    text = _show(window, qtbot, "interpreters")
    assert MISSING_TEXT not in text and "missing" not in text
    assert "missing" not in window.results.table.item(0, 0).data(HTML_ROLE)


def test_the_mark_takes_the_placeholders_place() -> None:
    assert _paragraph_html("a [\u2026] b", [(2, 3)]).count(MISSING_TEXT) == 1
    assert "\u2026" not in _paragraph_html("a [\u2026] b", [(2, 3)])
    assert _paragraph_html("cut te", [(6, 0)]).startswith("cut te <span")
    assert _paragraph_html("Ms. x <y>", [(3, 0)]).endswith("</span> x &lt;y&gt;")
