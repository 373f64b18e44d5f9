"""The Results pane: the matching sections as a sortable table (heading with its snippet,
matched words marked; meeting; date; themes), near-duplicates folded under one row, and a
reading pane with the selected section in full, its source, its themes with their
evidence, and the user's note. Changes are asked for by signals; the main window runs
them on the library worker."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from PySide6.QtCore import QByteArray, QEvent, QMimeData, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QAbstractTextDocumentLayout, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from briefer.ir.blocks import MISSING_TEXT
from briefer.ir.blocks import Table as TableBlock
from briefer.library import Meeting, SearchResult, Section, Table
from briefer.library.index import matches
from briefer.packs.wording import date_range, meeting_place, number_ranges, page_range

ID_ROLE = Qt.ItemDataRole.UserRole
HTML_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
SECTION_MIME = "application/x-briefer-section-ids"  # results dragged to the pack outline
IN_PACK_MARK = '<span style="color: #1e7b34">✔ in pack</span> · '
FEW = 20  # at most so many results: a "Did you mean …?" is looked for
Terms = list[tuple[tuple[str, ...], bool]]


@dataclass
class SearchAdvice:
    """What to say beside few or no results, found on the library worker: whether the
    library is empty, a corrected query, and for no results how many sections each filter
    left out ("dates": the matches with the dates cleared, and so on)."""

    empty_library: bool = False
    suggestion: str | None = None
    without: dict[str, int] = field(default_factory=dict)  # filter name -> matches without it
    words_alone: int | None = None  # matches of the words with every filter cleared
    has_query: bool = False
    has_filters: bool = False


FILTER_NAMES = {
    "themes": "the themes",
    "meetings": "the meetings",
    "dates": "the dates",
    "query": "the search",
}


class _SortableItem(QTableWidgetItem):
    """Sorts by its sort key (rank, ISO date) rather than by the text shown."""

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine, theirs = self.data(SORT_ROLE), other.data(SORT_ROLE)
        if mine is not None and theirs is not None:
            return mine < theirs
        return super().__lt__(other)


class _ResultsTable(QTableWidget):
    """The results; rows dragged out carry their section ids (to the pack outline)."""

    def mimeTypes(self) -> list[str]:  # noqa: N802 (Qt name)
        return [SECTION_MIME]

    def mimeData(self, items) -> QMimeData:  # noqa: N802 (Qt name)
        rows = sorted({item.row() for item in items})
        ids = [self.item(row, 0).data(ID_ROLE) for row in rows if self.item(row, 0) is not None]
        data = QMimeData()
        data.setData(SECTION_MIME, QByteArray("\n".join(ids).encode("utf-8")))
        data.setText("\n".join(self.item(row, 0).text() for row in rows if self.item(row, 0)))
        return data

    def supportedDropActions(self) -> Qt.DropAction:  # noqa: N802 (Qt name)
        return Qt.DropAction.CopyAction


class _HtmlDelegate(QStyledItemDelegate):
    """Draws a cell's HTML (the heading in bold, the snippet with its matched words marked;
    a section already in the pack says so first)."""

    def __init__(self, in_pack: set[str], parent=None) -> None:
        super().__init__(parent)
        self.in_pack = in_pack  # the pane's set, kept up to date by it

    def paint(self, painter, option, index) -> None:
        markup = index.data(HTML_ROLE)
        if not markup:
            super().paint(painter, option, index)
            return
        if index.data(ID_ROLE) in self.in_pack:
            markup = IN_PACK_MARK + markup
        options = QStyleOptionViewItem(option)
        self.initStyleOption(options, index)
        options.text = ""
        style = options.widget.style() if options.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, options, painter, options.widget)
        document = QTextDocument()
        document.setDefaultFont(options.font)
        document.setHtml(markup)
        document.setTextWidth(options.rect.width() - 6)
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(options.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, options.palette.color(role))
        painter.save()
        painter.translate(options.rect.left() + 3, options.rect.top() + 2)
        clip = QRectF(0, 0, options.rect.width() - 6, options.rect.height() - 4)
        painter.setClipRect(clip)
        context.clip = clip
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option, index) -> QSize:  # noqa: N802 (Qt name)
        size = super().sizeHint(option, index)
        return QSize(size.width(), option.fontMetrics.lineSpacing() * 4 + 8)


class ResultsPane(QWidget):
    section_selected = Signal(str)
    add_requested = Signal(list)  # section ids
    rename_requested = Signal(str)
    themes_requested = Signal(str)
    meeting_requested = Signal(str)  # a meeting id to correct
    note_saved = Signal(str, str)  # section id, note
    search_requested = Signal(str)  # "Did you mean …?" clicked: the corrected query
    clear_requested = Signal(str)  # a filter to clear: "themes", "meetings", "dates", "query", "all"
    add_documents_requested = Signal()
    samples_requested = Signal()  # an empty library: load the sample reports

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._section: Section | None = None
        self._terms: Terms = []  # the search's words, marked in the reading pane
        self.in_pack: set[str] = set()  # ids of the sections the pack holds
        self.table = _ResultsTable(0, 4, self)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setDragEnabled(True)
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.table.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.table.setAccessibleName("Matching sections")
        self.table.setHorizontalHeaderLabels(["Section", "Meeting", "Date", "Themes"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        self.table.setItemDelegateForColumn(0, _HtmlDelegate(self.in_pack, self.table))
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().lineSpacing() * 4 + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 190), (2, 88), (3, 150)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(column, width)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)  # best first, until the user sorts
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _index: self.add_requested.emit(self.selected_ids()))
        self.table.installEventFilter(self)  # Ctrl+Enter or Insert adds to the pack

        self.reader = QTextBrowser(self)
        self.reader.setAccessibleName("Section text")
        self.reader.setOpenLinks(False)
        self.reader.setTabChangesFocus(True)
        self.reader.anchorClicked.connect(lambda url: self.select(url.toString().removeprefix("section:")))

        self.add_button = _button("Add to pack", "Add the selected sections to the pack (Ctrl+Enter)", self)
        self.add_button.clicked.connect(lambda: self.add_requested.emit(self.selected_ids()))
        self.rename_button = _button("Heading…", "Correct this section's heading", self)
        self.rename_button.clicked.connect(lambda: self._ask(self.rename_requested))
        self.themes_button = _button("Themes…", "Add or remove themes of this section", self)
        self.themes_button.clicked.connect(lambda: self._ask(self.themes_requested))
        self.meeting_button = _button("Meeting…", "Correct the details of this section's meeting", self)
        self.meeting_button.clicked.connect(
            lambda: self._section and self.meeting_requested.emit(self._section.meeting_id)
        )
        self.note = QPlainTextEdit(self)
        self.note.setAccessibleName("Your note on this section")
        self.note.setPlaceholderText("Your note on this section (kept in the library)")
        self.note.setMaximumHeight(self.fontMetrics().lineSpacing() * 4)
        self.note.setTabChangesFocus(True)  # Tab goes on to the next field, never a tab character
        self.save_note_button = _button("Save note", "Save your note on this section", self)
        self.save_note_button.clicked.connect(self._save_note)

        buttons = QHBoxLayout()
        for button in (self.add_button, self.rename_button, self.themes_button, self.meeting_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        notes = QHBoxLayout()
        notes.addWidget(self.note, 1)
        notes.addWidget(self.save_note_button, 0, Qt.AlignmentFlag.AlignTop)
        reading = QWidget(self)
        column = QVBoxLayout(reading)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(buttons)
        column.addWidget(self.reader, 1)
        column.addLayout(notes)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(reading)
        self.splitter.setSizes([380, 420])
        self.summary = QLabel(self)
        self.summary.setAccessibleName("Result count")
        self._build_notice()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 6, 4, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.notice)
        layout.addWidget(self.splitter, 1)
        self._set_section_controls(False)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
            if event.key() == Qt.Key.Key_Insert or (
                ctrl and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            ):
                self.add_requested.emit(self.selected_ids())
                return True
        return super().eventFilter(watched, event)

    def _build_notice(self) -> None:
        """Above the results: what to do about few or none (a corrected search, the filter
        that left them out) or about an empty library. Buttons, so the keyboard reaches them."""
        self.notice = QFrame(self)
        self.notice.setObjectName("results-notice")
        self.notice.setFrameShape(QFrame.Shape.StyledPanel)
        self.notice_text = QLabel(self.notice)
        self.notice_text.setWordWrap(True)
        self.notice_text.setAccessibleName("What to do")
        self.suggestion_button = _button("", "Search for this instead", self.notice)
        self.suggestion_button.setStyleSheet("font-weight: bold")
        self.suggestion_button.clicked.connect(lambda: self.search_requested.emit(self._suggestion or ""))
        self.clear_button = _button("", "Clear the filter that leaves out the matches", self.notice)
        self.clear_button.clicked.connect(lambda: self.clear_requested.emit(self._to_clear or "all"))
        self.add_documents_button = _button(
            "Add documents…", "Add meeting reports (PDF, Word, text) to the library (Ctrl+I)", self.notice
        )
        self.add_documents_button.clicked.connect(self.add_documents_requested)
        self.samples_button = _button(
            "Load the sample reports",
            "Fill the library with the five sample reports shipped with Briefer",
            self.notice,
        )
        self.samples_button.clicked.connect(self.samples_requested)
        buttons = QHBoxLayout()
        for button in (
            self.suggestion_button,
            self.clear_button,
            self.add_documents_button,
            self.samples_button,
        ):
            buttons.addWidget(button)
            button.hide()
        buttons.addStretch(1)
        column = QVBoxLayout(self.notice)
        column.setContentsMargins(8, 6, 8, 6)
        column.addWidget(self.notice_text)
        column.addLayout(buttons)
        self.notice.hide()
        self._suggestion: str | None = None
        self._to_clear: str | None = None

    def _show_advice(self, result: SearchResult, advice: SearchAdvice | None) -> None:
        advice = advice or SearchAdvice()
        self._suggestion = advice.suggestion
        self._to_clear = None
        text = ""
        clear_label = ""
        if advice.empty_library:
            text = (
                "<b>The library is empty.</b> Add the meeting reports you work from (PDF, Word or "
                "text files; you can also drop them on this window), or load the sample reports "
                "to try Briefer first."
            )
        elif result.total == 0:
            text, self._to_clear, clear_label = _no_result_hint(advice)
        if advice.suggestion and not advice.empty_library:
            self.suggestion_button.setText(f"Did you mean: {advice.suggestion}?")
            self.suggestion_button.setAccessibleName(f"Did you mean {advice.suggestion}")
            if not text:
                text = f"Only {result.total} section{'s' if result.total != 1 else ''} match."
        self.notice_text.setText(text)
        self.suggestion_button.setVisible(bool(advice.suggestion) and not advice.empty_library)
        self.clear_button.setText(clear_label)
        self.clear_button.setAccessibleName(clear_label)
        self.clear_button.setVisible(bool(self._to_clear))
        self.add_documents_button.setVisible(advice.empty_library)
        self.samples_button.setVisible(advice.empty_library)
        self.notice.setVisible(bool(text))

    def suggestion(self) -> str | None:
        """The corrected search offered, if any."""
        return None if self.suggestion_button.isHidden() else self._suggestion

    def set_in_pack(self, section_ids: set[str]) -> None:
        """Mark the rows of the sections the pack holds (drawn as rows come into view)."""
        if section_ids == self.in_pack:
            return
        self.in_pack.clear()
        self.in_pack.update(section_ids)
        self.table.viewport().update()

    def row_in_pack(self, row: int) -> bool:
        item = self.table.item(row, 0)
        return item is not None and item.data(ID_ROLE) in self.in_pack

    # --- results ------------------------------------------------------------------------------

    def show_result(
        self,
        result: SearchResult,
        meetings: dict[str, Meeting],
        labels: dict[str, str],
        advice: SearchAdvice | None = None,
        terms: Terms | None = None,
    ) -> None:
        """The hits in rank order, the list at its top; a near-duplicate of a row already
        shown folds into it. `terms`: the search's words, to mark in the reading pane."""
        keep = self._section.id if self._section else None
        self._terms = list(terms or [])
        self._show_advice(result, advice)
        shown, folded = [], set()
        for hit in result.hits:
            if hit.section.id in folded:
                continue
            shown.append(hit)
            folded.update(hit.duplicates)
        self.table.setSortingEnabled(False)
        self.table.clearContents()
        self.table.setRowCount(len(shown))
        for row, hit in enumerate(shown):
            section, meeting = hit.section, meetings.get(hit.section.meeting_id)
            similar = len([d for d in hit.duplicates if d in folded])
            first = _SortableItem(section.heading)
            first.setData(ID_ROLE, section.id)
            first.setData(SORT_ROLE, row)  # rank order
            first.setData(HTML_ROLE, _hit_html(section, hit.snippet, hit.highlights, similar))
            first.setToolTip(" › ".join([*section.path, section.heading]))
            when = meeting.start_date if meeting else None
            date_item = _SortableItem(when or "")
            date_item.setData(SORT_ROLE, when or "9999")
            cells = [
                first,
                QTableWidgetItem(meeting.label if meeting else ""),
                date_item,
                QTableWidgetItem(", ".join(labels.get(t, t) for t in section.theme_ids)),
            ]
            for column, cell in enumerate(cells):
                self.table.setItem(row, column, cell)
        self.table.setSortingEnabled(True)
        more = f" (the best {len(result.hits)} shown)" if len(result.hits) < result.total else ""
        folded_note = (
            f", {len(result.hits) - len(shown)} near-duplicates folded"
            if len(shown) < len(result.hits)
            else ""
        )
        self.summary.setText(f"<b>{result.total}</b> sections match{more}{folded_note}")
        if not shown:
            self._section = None
            self._set_section_controls(False)
            self.note.clear()
            self.reader.clear()
            return
        if not (keep and self.select(keep, scroll=False)):
            self.table.selectRow(0)
        self.table.scrollToTop()  # the best matches, not the previous selection

    def select(self, section_id: str, scroll: bool = True) -> bool:
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.data(ID_ROLE) == section_id:
                self.table.selectRow(row)
                if scroll:
                    self.table.scrollToItem(item)
                return True
        self.section_selected.emit(section_id)  # not among the rows (a folded duplicate): show it
        return False

    def selected_ids(self) -> list[str]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.table.item(row, 0).data(ID_ROLE) for row in rows if self.table.item(row, 0)]

    def _selection_changed(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.section_selected.emit(ids[-1])

    # --- reading ------------------------------------------------------------------------------

    def show_section(
        self, section: Section, meeting: Meeting, labels: dict[str, str], similar: list[tuple[str, str]]
    ) -> None:
        """The section in full; `similar`: (id, "heading, meeting") of its near-duplicates."""
        self._section = section
        self._set_section_controls(True)
        self.reader.setHtml(_section_html(section, meeting, labels, similar, self._terms))
        self.note.setPlainText(section.note)

    def current_section(self) -> Section | None:
        return self._section

    def _set_section_controls(self, enabled: bool) -> None:
        for widget in (
            self.add_button,
            self.rename_button,
            self.themes_button,
            self.meeting_button,
            self.note,
            self.save_note_button,
        ):
            widget.setEnabled(enabled)

    def _ask(self, signal) -> None:
        if self._section is not None:
            signal.emit(self._section.id)

    def _save_note(self) -> None:
        if self._section is not None:
            self.note_saved.emit(self._section.id, self.note.toPlainText())


def _button(text: str, tip: str, parent: QWidget) -> QPushButton:
    button = QPushButton(text, parent)
    button.setToolTip(tip)
    button.setAccessibleName(text.rstrip("…"))
    return button


def _hit_html(section: Section, snippet: str, highlights: list[tuple[int, int]], similar: int) -> str:
    e = html.escape
    marked, last = [], 0
    for start, end in highlights:
        marked.append(e(snippet[last:start]) + f"<b><u>{e(snippet[start:end])}</u></b>")
        last = end
    marked.append(e(snippet[last:]))
    extra = f" <small>· ≈ {similar} similar</small>" if similar else ""
    if section.gaps:
        extra += f' <small style="{_MISSING_FLAG_STYLE}">· ⚠ text missing in the source</small>'
    heading = section.heading if len(section.heading) <= 90 else section.heading[:88].rstrip() + "…"
    return f"<b>{e(heading)}</b>{extra}<br><small>{''.join(marked)}</small>"  # the full heading: tooltip


def _no_result_hint(advice: SearchAdvice) -> tuple[str, str | None, str]:
    """For no result: what left the matches out, the filter to clear and its button's text."""
    freed = {name: n for name, n in advice.without.items() if n and name != "query"}
    if freed:
        name, n = max(freed.items(), key=lambda pair: pair[1])
        what = FILTER_NAMES[name]
        verb = "exclude" if name in ("themes", "meetings", "dates") else "excludes"
        matched = f"all {n} match{'es' if n != 1 else ''}" if n != 1 else "the one match"
        return (
            f"<b>No section matches.</b> {what.capitalize()} {verb} {matched}.",
            name,
            f"Clear {what}",
        )
    if advice.has_query and advice.has_filters and advice.words_alone:
        n = advice.words_alone
        return (
            f"<b>No section matches.</b> The filters together leave out all {n} sections with these words.",
            "all",
            "Clear all filters",
        )
    if advice.has_query and advice.has_filters and advice.without.get("query"):
        return (
            "<b>No section has all these words</b> among the sections the filters choose. "
            "Try fewer words or other ones.",
            "query",
            "Clear the search",
        )
    if advice.has_query:
        return (
            "<b>No section has all these words.</b> Try fewer words, other ones, or a prefix "
            "(migra* finds migrant, migration).",
            None,
            "",
        )
    return ("<b>No section matches these filters together.</b>", "all", "Clear all filters")


def _section_html(
    section: Section,
    meeting: Meeting,
    labels: dict[str, str],
    similar: list[tuple[str, str]],
    terms: Terms | None = None,
) -> str:
    e = html.escape
    terms = terms or []
    parts = [f"<h2>{_marked(section.heading, terms)}</h2>"]
    if section.path:
        parts.append(f"<p><small>{e(' › '.join(section.path))}</small></p>")
    details = " · ".join(
        p
        for p in (
            meeting_place(meeting),
            date_range(meeting.start_date, meeting.end_date),
            meeting.symbol or "",
        )
        if p
    )
    source = [section.source_file]
    pages = page_range(section.page_start, section.page_end)
    source.append(pages if pages else f"lines {section.line_start}–{section.line_end}")
    if section.paragraph_numbers:
        source.append(f"paras. {number_ranges(section.paragraph_numbers)}")
    parts.append(
        f"<p><b>{e(meeting.label)}</b><br>{e(details)}<br><small>Source: {e(', '.join(source))}</small></p>"
    )
    if section.themes:
        tags = []
        for tag in section.themes:
            why = "added by you" if tag.by_user else "found: " + ", ".join(tag.evidence[:6])
            tags.append(f"<b>{e(labels.get(tag.id, tag.id))}</b> <small>({e(why)})</small>")
        parts.append("<p>" + "<br>".join(tags) + "</p>")
    if similar:
        links = "<br>".join(f'<a href="section:{e(sid)}">{e(text)}</a>' for sid, text in similar)
        parts.append(f"<p><small><b>Nearly the same text elsewhere:</b><br>{links}</small></p>")
    if section.gaps:
        places = len(section.gaps)
        parts.append(
            f'<p style="{_MISSING_FLAG_STYLE}"><b>⚠ Text is missing in the source</b> '
            f"({places} place{'s' if places > 1 else ''}, marked below): check the original before "
            "quoting it; a pack prints the mark and its build lists the excerpt.</p>"
        )
    parts.append("<hr>")
    gaps: dict[int, list[tuple[int, int]]] = {}
    for paragraph, offset, length in section.gaps:
        gaps.setdefault(paragraph, []).append((offset, length))
    parts.extend(
        _table_html(p) if isinstance(p, Table) else f"<p>{_paragraph_html(p, gaps.get(index, []), terms)}</p>"
        for index, p in enumerate(section.paragraphs())
    )
    if section.notes:
        parts.append("<hr>")
        parts.extend(f"<p><small>{e(n['number'])}. {e(n['text'])}</small></p>" for n in section.notes)
    return "\n".join(parts)


_MISSING_STYLE = "background-color: #fbe3c4; color: #7a3e00; font-style: italic"
_MISSING_FLAG_STYLE = "color: #9a4a00"
_MATCH_STYLE = "background-color: #fff1a8; color: #000000"


def _marked(text: str, terms: Terms, spans: list[tuple[int, int, str]] | None = None, base: int = 0) -> str:
    """`text` escaped, the search's words in it marked as the results' snippets mark them
    (exactly what matched: `index.matches`). `spans`/`base`: matches found in the whole
    paragraph, `text` being the part of it from `base` on."""
    e = html.escape
    if spans is None:
        spans = matches(text, terms) if terms else []
    out, last = [], 0
    for start, end, _word in spans:
        start, end = start - base, end - base
        if start < last or end > len(text):
            continue
        out.append(e(text[last:start]) + f'<b style="{_MATCH_STYLE}">{e(text[start:end])}</b>')
        last = end
    out.append(e(text[last:]))
    return "".join(out)


def _paragraph_html(text: str, gaps: list[tuple[int, int]], terms: Terms | None = None) -> str:
    """A paragraph's text escaped, the search's words marked, each place the source lost
    text shown as the mark a pack prints, tinted and in italics (the placeholder the ingest
    left there dropped)."""
    spans = matches(text, terms) if terms else []

    def part(start: int, end: int) -> str:
        return _marked(text[start:end], [], [s for s in spans if s[0] >= start and s[1] <= end], start)

    out, position = [], 0
    for offset, length in sorted(gaps):
        if offset < position or offset > len(text):
            continue
        out.append(part(position, offset))
        lead = " " if offset > 0 and not text[offset - 1].isspace() else ""
        after = text[offset + length : offset + length + 1]
        tail = " " if after and not after.isspace() and after not in ".,;:)" else ""
        out.append(f'{lead}<span style="{_MISSING_STYLE}">{html.escape(MISSING_TEXT)}</span>{tail}')
        position = offset + length
    out.append(part(position, len(text)))
    return "".join(out)


def _table_html(table: Table) -> str:
    """A table as a rich-text table: a grid, the header row's cells as headers, figures to
    the right as in a built pack, text escaped."""
    printed = TableBlock(table.rows, table.header)
    aligns = ["right" if figure else "left" for figure in printed.figure_columns()]
    rows = []
    for index, row in enumerate(printed.grid()):
        tag = "th" if table.header and index == 0 else "td"
        cells = [
            f'<{tag} align="{align}">{html.escape(cell)}</{tag}>'
            for cell, align in zip(row, aligns, strict=True)
        ]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (
        '<table border="1" cellspacing="0" cellpadding="4" width="100%" '
        'style="border-collapse: collapse; border-color: #a0a0a0; margin-top: 4px; margin-bottom: 8px">'
        + "".join(rows)
        + "</table>"
    )
