"""The body's measure, one rule for both writers: lines of 65-80 characters (72 on
average) in running text, whatever the paper; what the paper leaves goes to the margins,
evenly, the binding's gutter staying the one difference between inner and outer."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from briefer.ir.blocks import PAPER_SIZES
from briefer.ir.templates import Template, font_file

LINE_CHARACTERS = 75  # of the sample below
# Representative English text: its average character width sets the measure.
_MEASURE_SAMPLE = (
    "The Secretary-General notes that remittances sent by migrant workers to their countries "
    "of origin, estimated at over 300 billion dollars in 2006, remain private funds; States "
    "might take measures to reduce transfer costs and improve access to financial services."
)
FACES = {"": "Regular", "-Bold": "Bold", "-Italic": "Italic", "-BoldItalic": "BoldItalic"}


def register_family(family: str) -> str:
    """Registers a bundled TTF family (four faces; the template checked it is bundled)
    with ReportLab once per process; returns its name."""
    if family in pdfmetrics.getRegisteredFontNames():
        return family
    for suffix, face in FACES.items():
        pdfmetrics.registerFont(TTFont(family + suffix, str(font_file(family, face))))
    pdfmetrics.registerFontFamily(
        family,
        normal=family,
        bold=f"{family}-Bold",
        italic=f"{family}-Italic",
        boldItalic=f"{family}-BoldItalic",
    )
    return family


def measure(template: Template) -> float:
    """The width, in points, of LINE_CHARACTERS characters of body text."""
    body = register_family(template.body_font)
    sample = pdfmetrics.stringWidth(_MEASURE_SAMPLE, body, template.body_size)
    return LINE_CHARACTERS * sample / len(_MEASURE_SAMPLE)


def side_margins(template: Template, page_size: str) -> tuple[float, float]:
    """(inner, outer) margins in points: the inner (left, or the binding side when printed
    both sides) holds the gutter."""
    width, _height = PAPER_SIZES[page_size]
    margin = template.margin_mm * mm
    gutter = template.gutter_mm * mm if template.mirror_margins else 0.0
    spare = max(0.0, width - 2 * margin - gutter - measure(template))
    return margin + gutter + spare / 2, margin + spare / 2
