"""Back to the source: the report a section came from, open at its page (a PDF, in the
app's preview) or its line (a text or Word file's text), with its citation to copy."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QColor, QGuiApplication, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from briefer.errors import shown_path
from briefer.gui.opening import open_externally
from briefer.gui.pdf_preview import PdfPreview

TEXT_SUFFIXES = (".txt", ".md", ".text")


class SourceViewer(QDialog):
    def __init__(
        self,
        path: Path,
        citation: str,
        page: int | None = None,
        line: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.path, self.citation = path, citation
        self.setWindowTitle(f"Source: {shown_path(path.name)}")
        where = f"page {page}" if page else f"line {line}" if line else ""
        heading = QLabel(
            f"<b>{_escape(citation)}</b><br>{_escape(shown_path(path))}{' · ' + where if where else ''}"
        )
        heading.setWordWrap(True)
        self.preview: PdfPreview | None = None
        self.text: QPlainTextEdit | None = None
        if path.suffix.lower() == ".pdf":
            self.preview = PdfPreview(self)
            self.preview.scroll.setAccessibleName("The source report")
            self.preview.load(path)
            body: QWidget = self.preview
        elif path.suffix.lower() in TEXT_SUFFIXES:
            self.text = QPlainTextEdit(self)
            self.text.setAccessibleName("The source report")
            self.text.setReadOnly(True)
            self.text.setPlainText(path.read_text(encoding="utf-8", errors="replace"))
            body = self.text
        else:  # a Word file: its own program shows it as written
            body = QLabel("Open the report in its program to read it at the cited place.", self)
        copy = QPushButton("&Copy citation", self)
        copy.setAccessibleName("Copy the citation")
        copy.clicked.connect(self.copy_citation)
        external = QPushButton("Open in its &program", self)
        external.clicked.connect(lambda: open_externally(path, self))
        row = QHBoxLayout()
        row.addWidget(copy)
        row.addWidget(external)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(body, 1)
        layout.addLayout(row)
        self.resize(860, 900)
        self._page, self._line = page, line

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        if self.preview is not None and self._page:
            self.preview.show_page(self._page - 1)
        if self.text is not None and self._line:
            self.go_to_line(self._line)

    def go_to_line(self, line: int) -> None:
        """Put the cited line at the top of the view, marked."""
        assert self.text is not None
        block = self.text.document().findBlockByNumber(max(0, line - 1))
        cursor = QTextCursor(block)
        self.text.moveCursor(QTextCursor.MoveOperation.End)  # so that the line scrolls to the top
        self.text.setTextCursor(cursor)
        selection = QTextEdit.ExtraSelection()
        selection.format = QTextCharFormat()
        selection.format.setBackground(QColor("#fff2a8"))
        selection.format.setForeground(QColor("#000000"))
        selection.format.setProperty(QTextCharFormat.Property.FullWidthSelection, True)
        selection.cursor = cursor
        self.text.setExtraSelections([selection])

    def copy_citation(self) -> None:
        QGuiApplication.clipboard().setText(self.citation)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
