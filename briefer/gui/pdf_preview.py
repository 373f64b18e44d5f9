"""A preview of a built PDF: its pages one under the other, each with its label.

Pages are rendered with pypdfium2 on the main thread, one page per event-loop turn and
only those near the visible area, so that a 300-page pack appears at once and the window
stays responsive. (pdfium may not be called from two threads at once, and the tests read
PDFs with it too; rendering one page takes a few milliseconds.) Pages far from view drop
their image, so memory stays bounded however far the user scrolls.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtCore import QRect, QSize, Qt, QTimer
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

log = logging.getLogger(__name__)

MARGIN = 12  # around and between pages, in pixels
KEEP_SCREENS = 3  # pages farther than this many viewport heights lose their image
RESIZE_DELAY_MS = 150  # re-render after the user stops resizing


class _Page(QWidget):
    """One page: the image (a placeholder of the right shape until rendered) and its label."""

    def __init__(self, index: int, size_pt: tuple[float, float], caption: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.index = index
        self.size_pt = size_pt
        self.rendered_width = 0  # the width of the current image; 0 when none
        self.image = QLabel(self)
        self.image.setScaledContents(True)  # an older image stretches until re-rendered
        self.image.setFrameShape(QFrame.Shape.Box)
        self.image.setStyleSheet("background: white; color: #bbb; border: 1px solid #999;")
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setAccessibleName(caption)
        self.caption = QLabel(caption, self)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.image, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.caption)

    def set_width(self, available: int, dpi: float) -> None:
        """As wide as the view allows, never beyond the page's actual size on screen."""
        w, h = self.size_pt
        width = max(1, min(available, round(w * dpi / 72)))
        self.image.setFixedSize(QSize(width, round(width * h / w)))

    def drop_image(self) -> None:
        self.image.clear()
        self.rendered_width = 0


class PdfPreview(QWidget):
    """Shows a PDF file's pages; `load(path)` to show one, `clear()` to close it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document: pdfium.PdfDocument | None = None
        self._pages: list[_Page] = []
        self._top_page: int | None = None  # asked for by show_page, kept there while laid out
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setAccessibleName("Preview of the built PDF")
        self.scroll.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # arrow keys and Page Down scroll
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setStyleSheet("QScrollArea { background: #808080; }")
        self._content = QWidget()
        self._content.setStyleSheet("background: #808080; color: white;")
        self._column = QVBoxLayout(self._content)
        self._column.setContentsMargins(MARGIN, MARGIN, MARGIN, MARGIN)
        self._column.setSpacing(MARGIN)
        self._column.addStretch()
        self.scroll.setWidget(self._content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

        self._render_timer = QTimer(self)  # one page per turn of the event loop
        self._render_timer.setInterval(0)
        self._render_timer.timeout.connect(self._render_next)
        self._resize_timer = QTimer(self)
        self._resize_timer.setSingleShot(True)
        self._resize_timer.setInterval(RESIZE_DELAY_MS)
        self._resize_timer.timeout.connect(self._relayout)
        self.scroll.verticalScrollBar().valueChanged.connect(lambda _: self._schedule())
        self.scroll.verticalScrollBar().actionTriggered.connect(self._scrolled_by_user)

    # --- public -------------------------------------------------------------------------------

    @property
    def page_count(self) -> int:
        return len(self._pages)

    def page_captions(self) -> list[str]:
        return [page.caption.text() for page in self._pages]

    def rendered_pages(self) -> list[int]:
        """Indexes of the pages that hold an image now."""
        return [page.index for page in self._pages if page.rendered_width]

    def rendered_width(self, index: int) -> int:
        """The width in pixels of page `index`'s image; 0 while it has none."""
        return self._pages[index].rendered_width

    def load(self, path: Path) -> None:
        """Show `path`. The file is read into memory, so it is never held open (Windows
        could not replace it on the next build otherwise)."""
        self.clear()
        document = pdfium.PdfDocument(Path(path).read_bytes())
        self._document = document
        count = len(document)
        width, dpi = self._page_width(), self.logicalDpiX()
        for index in range(count):
            page = _Page(index, document.get_page_size(index), _caption(document, index, count), self)
            page.set_width(width, dpi)
            self._column.insertWidget(index, page, 0, Qt.AlignmentFlag.AlignHCenter)
            self._pages.append(page)
        self.scroll.verticalScrollBar().setValue(0)
        self._schedule()

    def show_page(self, index: int) -> None:
        """Scroll page `index` (0-based) to the top of the view; it stays there as the
        pages are laid out again, until the user scrolls."""
        if 0 <= index < len(self._pages):
            self._top_page = index
            self._put_at_top_soon(index)

    def _put_at_top_soon(self, index: int) -> None:
        # Once the scroll area has taken the pages' new sizes.
        QTimer.singleShot(0, lambda: self._put_at_top(index))

    def _put_at_top(self, index: int) -> None:
        if index < len(self._pages):
            self.scroll.verticalScrollBar().setValue(self._pages[index].y() - MARGIN)
        self._schedule()

    def clear(self) -> None:
        """Drop the pages and close the pdfium document."""
        self._render_timer.stop()
        self._top_page = None
        for page in self._pages:
            self._column.removeWidget(page)
            page.deleteLater()
        self._pages = []
        if self._document is not None:
            self._document.close()
            self._document = None

    # --- Qt overrides -------------------------------------------------------------------------

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        if self._pages:
            self._resize_timer.start()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        if self._pages:
            QTimer.singleShot(0, self._relayout)  # the width was a guess while hidden

    # --- rendering ----------------------------------------------------------------------------

    def _page_width(self) -> int:
        scrollbar = self.scroll.verticalScrollBar().sizeHint().width()
        available = self.scroll.viewport().width() - 2 * MARGIN - scrollbar
        return max(120, available)

    def _relayout(self) -> None:
        width, dpi = self._page_width(), self.logicalDpiX()
        anchor = self._top_page  # the page at the top stays at the top
        top = self.scroll.verticalScrollBar().value()
        if anchor is None and top > 0:
            anchor = next((p.index for p in self._pages if p.y() + p.height() > top), None)
        for page in self._pages:
            page.set_width(width, dpi)
        if anchor is not None:
            self._put_at_top_soon(anchor)
        self._schedule()

    def _scrolled_by_user(self, _action: int) -> None:
        self._top_page = None

    def _schedule(self) -> None:
        """Render what is near the view; nothing while hidden (the geometry means nothing then)."""
        if self._pages and self.isVisible() and not self._render_timer.isActive():
            self._render_timer.start()

    def _visible_area(self, screens: float) -> QRect:
        viewport = self.scroll.viewport()
        top = self.scroll.verticalScrollBar().value()
        extra = round(viewport.height() * screens)
        return QRect(0, top - extra, viewport.width(), viewport.height() + 2 * extra)

    def _render_next(self) -> None:
        """Render the first page near the view that lacks an image at the current width;
        stop when there is none."""
        if self._document is None or not self.isVisible():
            self._render_timer.stop()
            return
        near = self._visible_area(0.5)
        keep = self._visible_area(KEEP_SCREENS)
        wanted = None
        for page in self._pages:
            box = page.geometry()
            if page.rendered_width and not box.intersects(keep):
                page.drop_image()
            elif wanted is None and box.intersects(near) and page.rendered_width != page.image.width():
                wanted = page
        if wanted is None:
            self._render_timer.stop()
            return
        self._render(wanted)

    def _render(self, page: _Page) -> None:
        assert self._document is not None
        width = page.image.width()
        ratio = self.devicePixelRatioF()
        pdf_page = self._document[page.index]
        try:
            bitmap = pdf_page.render(scale=width * ratio / page.size_pt[0], prefer_bgrx=True)
            try:
                image = QImage(
                    bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, QImage.Format.Format_RGB32
                ).copy()  # the copy owns its pixels; the bitmap's go with it
            finally:
                bitmap.close()
        finally:
            pdf_page.close()
        image.setDevicePixelRatio(ratio)
        page.image.setPixmap(QPixmap.fromImage(image))
        page.rendered_width = width


def _caption(document: pdfium.PdfDocument, index: int, count: int) -> str:
    """ "Page 3 of 12", or with the PDF's own page label: "Page 1 (2 of 12)", "Cover (1 of 12)"."""
    number = index + 1
    try:
        label = document.get_page_label(index).strip()
    except Exception:  # a damaged label tree only costs the label
        label = ""
    if not label or label == str(number):
        return f"Page {number} of {count}"
    shown = f"Page {label}" if label[0].isdigit() or len(label) <= 4 else label
    return f"{shown} ({number} of {count})"
