"""Saved searches in the app (issue 15): the search on screen kept in the pack, what it
pulls in shown, and what is new since the last build."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from briefer.actions.packs import list_packs  # noqa: E402
from briefer.library import Library  # noqa: E402
from tests.gui.test_main_window import _open  # noqa: E402


@pytest.fixture
def window(qtbot, library_copy: Path):
    return _open(qtbot, library_copy)


def _rows(pane) -> list[str]:
    return [pane.searches.item(r).text() for r in range(pane.searches.count())]


def test_the_search_on_screen_is_kept_in_the_pack_with_what_it_pulls_in(window, qtbot, library_copy) -> None:
    pane = window.pack_pane
    assert not pane.searches_box.isVisibleTo(pane)
    with qtbot.waitSignal(window.results_shown, timeout=10000):
        window.library_pane.search.setText("remittance costs")
    window.add_search_action.trigger()  # Edit > Add the search to the pack (Ctrl+Shift+K)
    (search,) = pane.pack().searches
    assert search.query == "remittance costs" and search.label == "remittance costs"
    qtbot.waitUntil(lambda: "section" in "".join(_rows(pane)), timeout=10000)
    found = (
        Library.open(library_copy)
        .search(
            __import__("briefer.library", fromlist=["SectionFilter"]).SectionFilter(query="remittance costs"),
            limit=0,
        )
        .total
    )
    (row,) = _rows(pane)
    assert row.startswith("remittance costs: ") and str(min(found, search.limit)) in row
    assert "new since" not in row  # never built
    assert pane.searches_box.isVisibleTo(pane)
    pane.undo_stack.undo()
    assert pane.pack().searches == [] and _rows(pane) == []
    pane.undo_stack.redo()
    pane.searches.setCurrentRow(0)
    pane.remove_search()
    assert pane.pack().searches == []
    pane.mark_saved()  # (no question when the test's window closes)


def test_a_search_without_a_rule_is_refused_and_a_rebuild_says_what_is_new(
    window, qtbot, library_copy
) -> None:
    window.library_pane.clear()
    window.packs.add_current_search()
    assert window.pack_pane.pack().searches == []
    assert "needs a rule" in window.statusBar().currentMessage()
    with qtbot.waitSignal(window.results_shown, timeout=10000):
        window.library_pane.search.setText("diaspora")
    window.packs.add_current_search()
    pack = window.pack_pane.pack()
    library = Library.open(library_copy)
    from briefer.actions.packs import save_pack
    from briefer.packs.assemble import assemble

    save_pack(library, pack)
    assembly = assemble(pack, library)
    library.record_build(pack.id, assembly.section_ids[:-2])  # the last build held two fewer
    window.packs.count_searches()
    qtbot.waitUntil(lambda: "new since the last build" in "".join(_rows(window.pack_pane)), timeout=10000)
    assert "2 new since the last build" in _rows(window.pack_pane)[0]
    assert [p.id for p in list_packs(library)] == [pack.id]
    window.pack_pane.mark_saved()
