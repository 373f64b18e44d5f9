"""PDF reports to time the reader on when no real ones are at hand: the sample reports'
lines laid out as pages (a running head, bold headings, a footnote below a rule, a
table, one or two columns), made once with reportlab and kept in bench/out/pdfs."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from briefer import paths

WIDTH, HEIGHT = A4
LINES_PER_PAGE = 46


def generate(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    fonts = paths.fonts_dir()
    for name in ("Regular", "Bold"):
        pdfmetrics.registerFont(TTFont(f"Bench-{name}", str(fonts / f"LiberationSerif-{name}.ttf")))
    made = []
    for index, source in enumerate(sorted(paths.sample_sources_dir().glob("*.txt"))):
        path = folder / f"{source.stem}.pdf"
        if not path.exists():
            lines = [line.strip() for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
            _lay_out(path, source.stem, lines, columns=1 + index % 2)
        made.append(path)
    return made


def _lay_out(path: Path, title: str, lines: list[str], columns: int) -> None:
    pdf = canvas.Canvas(str(path), pagesize=A4)
    gutter = 18
    width = (WIDTH - 144 - gutter * (columns - 1)) / columns
    for number, start in enumerate(range(0, len(lines), LINES_PER_PAGE * columns), start=1):
        pdf.setFont("Bench-Regular", 8)
        pdf.drawString(72, HEIGHT - 40, f"{title} – page {number}")
        for column in range(columns):
            x, y = 72 + column * (width + gutter), HEIGHT - 72
            chunk = lines[start + column * LINES_PER_PAGE : start + (column + 1) * LINES_PER_PAGE]
            for offset, line in enumerate(chunk):
                bold = offset % 15 == 0 and len(line) < 60
                pdf.setFont("Bench-Bold" if bold else "Bench-Regular", 11 if bold else 9)
                pdf.drawString(x, y, _fit(line, width, 11 if bold else 9))
                y -= 15 if bold else 12
        if number == 1:
            for row, cells in enumerate((("Item", "2019", "2020"), ("Remittances", "1,200", "1,350"))):
                for col, cell in enumerate(cells):
                    pdf.drawString(72 + col * 120, 140 - row * 12, cell)
        pdf.line(72, 100, 172, 100)
        pdf.setFont("Bench-Regular", 7)
        pdf.drawString(72, 90, f"{number} A note at the foot of page {number}.")
        pdf.showPage()
    pdf.save()


def _fit(line: str, width: float, size: float) -> str:
    while line and pdfmetrics.stringWidth(line, "Bench-Regular", size) > width:
        line = line[: int(len(line) * 0.9)]
    return line
