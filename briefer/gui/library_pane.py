"""The Library pane: the search box, themes and meetings to tick (with how many of the
current results each holds), a date range, and clear-all. It only collects the user's
choice as a `SectionFilter`; the main window runs the search."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from briefer.errors import UsageError
from briefer.gui.tick_list import TickList
from briefer.ingest.themes import Lexicon
from briefer.library import Meeting, SectionFilter
from briefer.library.query import date_bound
from briefer.packs.wording import date_range, meeting_place

TYPING_PAUSE_MS = 200  # search when the user pauses, not at every key


class LibraryPane(QWidget):
    filters_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._typing = QTimer(self, singleShot=True, interval=TYPING_PAUSE_MS)
        self._typing.timeout.connect(self.filters_changed)

        self.search = QLineEdit(self)
        self.search.setPlaceholderText('Search: words, "phrase", prefix*, -exclude')
        self.search.setAccessibleName("Search sections")
        self.search.setToolTip(
            'All words must appear, in any form ("remittance" finds "remittances"); '
            '"exact phrase"; migra* for words starting so; -word to leave out; a OR b for either'
        )
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _text: self._typing.start())
        self.search.returnPressed.connect(self._now)

        self.themes = TickList(self)
        self.themes.setAccessibleName("Themes (tick to filter)")
        self.themes.ticks_changed.connect(self._now)
        self.meetings = TickList(self)
        self.meetings.setAccessibleName("Meetings (tick to filter)")
        self.meetings.setAlternatingRowColors(True)
        self.meetings.ticks_changed.connect(self._now)

        self.date_from = QLineEdit(self)
        self.date_to = QLineEdit(self)
        for edit, name in ((self.date_from, "From"), (self.date_to, "To")):
            edit.setPlaceholderText("YYYY[-MM[-DD]]")
            edit.setAccessibleName(f"Meetings dated {name.lower()}")
            edit.setClearButtonEnabled(True)
            edit.editingFinished.connect(self._now)
        self.date_problem = QLabel(self)
        self.date_problem.setWordWrap(True)
        self.date_problem.setStyleSheet("color: #c0392b")
        self.date_problem.hide()
        self.clear_button = QPushButton("Clear all filters", self)
        self.clear_button.setAccessibleName("Clear all filters")
        self.clear_button.clicked.connect(self.clear)

        dates = QHBoxLayout()
        dates.addWidget(QLabel("From", self))
        dates.addWidget(self.date_from)
        dates.addWidget(QLabel("to", self))
        dates.addWidget(self.date_to)
        column = QVBoxLayout(self)
        column.setContentsMargins(6, 6, 6, 6)
        column.addWidget(self.search)
        column.addWidget(_title("Themes", self))
        column.addWidget(self.themes, 3)
        column.addWidget(_title("Meetings", self))
        column.addWidget(self.meetings, 3)
        column.addLayout(dates)
        column.addWidget(self.date_problem)
        column.addWidget(self.clear_button)

    def _now(self, *_args: object) -> None:
        self._typing.stop()
        self.filters_changed.emit()

    # --- filling ------------------------------------------------------------------------------

    def set_themes(self, lexicon: Lexicon) -> None:
        self.themes.set_rows([(theme.id, theme.label, theme.scope) for theme in lexicon.themes])

    def set_meetings(self, meetings: list[Meeting]) -> None:
        """The library's meetings; those ticked before stay ticked."""
        rows = []
        for meeting in meetings:
            details = " · ".join(
                p for p in (meeting_place(meeting), date_range(meeting.start_date, meeting.end_date)) if p
            )
            label = f"{meeting.label}\n{details or 'place and date unknown'}"
            rows.append((meeting.id, label, f"{label}\n{', '.join(meeting.organizers)}".strip()))
        self.meetings.set_rows(rows)

    def show_counts(self, theme_counts: dict[str, int], meeting_counts: dict[str, int]) -> None:
        """Beside each theme and meeting, how many of the current results it holds."""
        self.themes.set_counts(theme_counts)
        self.meetings.set_counts(meeting_counts)

    # --- the user's choice ----------------------------------------------------------------------

    def selection(self) -> SectionFilter:
        """The filter as chosen; a bad date is shown under the dates and left out."""
        problems = []
        bounds = []
        for edit, end in ((self.date_from, False), (self.date_to, True)):
            try:
                bounds.append(date_bound(edit.text(), end))
            except UsageError as error:
                problems.append(str(error))
                bounds.append(None)
        self.date_problem.setText("; ".join(problems))
        self.date_problem.setVisible(bool(problems))
        return SectionFilter(
            themes=self.themes.ticked(),
            meeting_ids=self.meetings.ticked(),
            date_from=bounds[0],
            date_to=bounds[1],
            query=self.search.text().strip() or None,
        )

    def has_filters(self, selection: SectionFilter) -> bool:
        return bool(selection.themes or selection.meeting_ids or selection.date_from or selection.date_to)

    def search_for(self, text: str) -> None:
        """Search for `text` now (a "Did you mean …?" clicked)."""
        self.search.blockSignals(True)
        self.search.setText(text)
        self.search.blockSignals(False)
        self._now()

    def clear_filter(self, name: str) -> None:
        """Clear one filter ("themes", "meetings", "dates", "query"), or "all", and search."""
        if name == "all":
            self.clear()
            return
        if name in ("themes", "meetings"):
            getattr(self, name).clear_ticks()
        edits = {"dates": (self.date_from, self.date_to), "query": (self.search,)}.get(name, ())
        for edit in edits:
            edit.blockSignals(True)
            edit.clear()
            edit.blockSignals(False)
        self._now()

    def clear(self) -> None:
        for widget in (self.themes, self.meetings):
            widget.clear_ticks()
        for edit in (self.search, self.date_from, self.date_to):
            edit.blockSignals(True)
            edit.clear()
            edit.blockSignals(False)
        self._now()


def _title(text: str, parent: QWidget) -> QLabel:
    label = QLabel(f"<b>{text}</b>", parent)
    label.setAccessibleName(text)
    return label
