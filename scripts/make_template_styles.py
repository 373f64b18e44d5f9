"""Generate each template's `style.docx`: the Word style base the DOCX writer starts from.

    .venv/bin/python scripts/make_template_styles.py [TEMPLATE_FOLDER...]

Reads the layout settings of `templates/*/template.json` (fonts, body size, margins,
condensed) and writes real, named Word styles into an empty document, so that a user can
restyle every pack built with a template by editing its style.docx in Word. Idempotent:
it starts from python-docx's own blank document every time and writes a byte-identical
file (fixed dates, fixed zip timestamps) when nothing changed.
"""

from __future__ import annotations

import io
import json
import re
import sys
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from lxml import etree

from briefer.export.word_styles import added_styles, marking_size, style_xml

ROOT = Path(__file__).resolve().parents[1]
NAVY = "1F3864"
GREY = "595959"
LIGHT_GREY = "BFBFBF"
BOX_FILL = "EEF2F8"
FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)
ZIP_DATE = (2026, 1, 1, 0, 0, 0)
BULLET_ABSTRACT_ID = 90  # above the ids python-docx's blank document uses
BULLET_NUM_ID = 90
TWIPS_PER_MM = 1440 / 25.4
A4 = (11906, 16838)


@dataclass(frozen=True)
class Settings:
    body_font: str
    heading_font: str
    body_size: float
    margin_mm: float
    condensed: bool
    cards: bool = False  # speaking notes on cards: no paragraph (no sentence) split over two pages
    body_family: str = "LiberationSerif"  # our font files' family names, for word_styles
    heading_family: str = "LiberationSans"

    @classmethod
    def from_json(cls, path: Path) -> Settings:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            body_font=word_font_name(raw.get("body_font", "LiberationSerif")),
            heading_font=word_font_name(raw.get("heading_font", "LiberationSans")),
            body_size=float(raw.get("body_size", 11)),
            margin_mm=float(raw.get("margin_mm", 22)),
            condensed=bool(raw.get("condensed", False)),
            cards=bool(raw.get("cards", False)),
            body_family=raw.get("body_font", "LiberationSerif"),
            heading_family=raw.get("heading_font", "LiberationSans"),
        )

    @property
    def text_width(self) -> int:
        """Twips between the margins on A4 (the writer refits tabs to the real paper)."""
        return A4[0] - 2 * round(self.margin_mm * TWIPS_PER_MM)


def word_font_name(family: str) -> str:
    """'LiberationSerif' (our font files' family) -> 'Liberation Serif' (what Word lists)."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", family)


def half_points(points: float) -> int:
    return round(points * 2)


def twips(points: float) -> int:
    return round(points * 20)


def fonts(name: str) -> str:
    return f'<w:rFonts w:ascii="{name}" w:hAnsi="{name}" w:cs="{name}" w:eastAsia="{name}"/>'


def size(points: float) -> str:
    return f'<w:sz w:val="{half_points(points)}"/><w:szCs w:val="{half_points(points)}"/>'


def spacing(before: float = 0, after: float = 0, line: int | None = None) -> str:
    line_attrs = f' w:line="{line}" w:lineRule="auto"' if line else ""
    return f'<w:spacing w:before="{twips(before)}" w:after="{twips(after)}"{line_attrs}/>'


def paragraph_styles(s: Settings) -> list[str]:
    """Every paragraph style the writer uses, sized from the body size."""
    body, head = s.body_font, s.heading_font
    size_pt = s.body_size
    small = max(size_pt - 2, 8)
    line = 252 if s.condensed else 276  # 1.05 or 1.15 lines
    after = size_pt * (0.45 if s.condensed else 0.6)
    scale = 0.85 if s.condensed else 1.0  # speaking notes: tighter space around headings
    width = s.text_width
    navy = f'<w:color w:val="{NAVY}"/>'
    grey = f'<w:color w:val="{GREY}"/>'
    keep = "<w:keepNext/><w:keepLines/>"
    toc_tab = f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{width}"/></w:tabs>'
    return [
        style_xml(
            "Normal",
            "Normal",
            based_on=None,
            ppr=("<w:keepLines/>" if s.cards else "") + f"<w:widowControl/>{spacing(0, after, line)}",
            rpr=fonts(body) + size(size_pt),
            priority=0,
        ),
        style_xml(
            "heading 1",
            "Heading1",
            next_style="Normal",
            ppr=keep + spacing(18 * scale, 6 * scale, 240) + '<w:outlineLvl w:val="0"/>',
            rpr=fonts(head) + "<w:b/><w:bCs/>" + navy + size(round(size_pt * 1.55)),
            priority=9,
        ),
        style_xml(
            "heading 2",
            "Heading2",
            next_style="Normal",
            ppr=keep + spacing(14 * scale, 4 * scale, 240) + '<w:outlineLvl w:val="1"/>',
            rpr=fonts(head) + "<w:b/><w:bCs/>" + navy + size(round(size_pt * 1.2)),
            priority=9,
        ),
        style_xml(
            "heading 3",
            "Heading3",
            next_style="Normal",
            ppr=keep + spacing(10 * scale, 3 * scale, 240) + '<w:outlineLvl w:val="2"/>',
            rpr=fonts(head) + "<w:b/><w:bCs/><w:i/><w:iCs/>" + navy + size(size_pt + 0.5),
            priority=9,
        ),
        style_xml(
            "Title",
            "Title",
            next_style="Normal",
            ppr=spacing(0, 12, 240),
            rpr=fonts(head) + "<w:b/><w:bCs/>" + navy + size(round(size_pt * 2.2)),
            priority=10,
        ),
        style_xml(
            "Subtitle",
            "Subtitle",
            next_style="Normal",
            ppr=spacing(0, 18, 240),
            rpr=fonts(head) + f'<w:color w:val="{GREY}"/>' + size(round(size_pt * 1.35)),
            priority=11,
        ),
        style_xml(
            "TOC Heading",
            "TOCHeading",
            next_style="Normal",
            ppr=spacing(0, 12, 240) + '<w:outlineLvl w:val="9"/>',  # level 9: never in a contents list
            rpr=fonts(head) + "<w:b/><w:bCs/>" + navy + size(round(size_pt * 1.55)),
            priority=39,
        ),
        style_xml(
            "toc 1",
            "TOC1",
            next_style="Normal",
            ppr=toc_tab + spacing(6, 2, 240),
            rpr=fonts(head) + "<w:b/><w:bCs/>" + size(size_pt),
            priority=39,
            quick=False,
        ),
        style_xml(
            "toc 2",
            "TOC2",
            next_style="Normal",
            ppr=toc_tab + spacing(0, 2, 240) + '<w:ind w:left="397" w:hanging="0"/>',
            rpr=size(size_pt),
            priority=39,
            quick=False,
        ),
        style_xml(
            "toc 3",
            "TOC3",
            next_style="Normal",
            ppr=toc_tab + spacing(0, 2, 240) + '<w:ind w:left="794"/>',
            rpr=size(small + 0.5),
            priority=39,
            quick=False,
        ),
        style_xml(
            "Lead",
            "Lead",
            next_style="Normal",
            ppr=spacing(0, after * 1.3, line),
            rpr=f'<w:color w:val="{NAVY}"/>' + size(size_pt + 1),
        ),
        style_xml(
            "Quote",
            "Quote",
            next_style="Normal",
            ppr=spacing(2, after, line) + '<w:ind w:left="567" w:right="567"/>',
            rpr="<w:i/><w:iCs/>" + '<w:color w:val="404040"/>',
            priority=29,
        ),
        style_xml(
            "Source Line",
            "SourceLine",
            next_style="Normal",
            ppr="<w:keepLines/>" + spacing(0, 12 * scale, 240),
            rpr="<w:i/><w:iCs/>" + grey + size(small),
        ),
        style_xml(
            "Note Title",
            "NoteTitle",
            next_style="Note",
            ppr=keep + spacing(2, 4, 240),
            rpr=fonts(head) + "<w:b/><w:bCs/>" + navy + size(size_pt),
        ),
        style_xml("Note", "Note", next_style="Note", ppr=spacing(0, 4, line)),
        style_xml(
            "Key Message",
            "KeyMessage",
            next_style="Key Message",
            ppr=f'<w:numPr><w:numId w:val="{BULLET_NUM_ID}"/></w:numPr>'
            + spacing(0, 4, line)
            + '<w:ind w:left="340" w:hanging="340"/>',
        ),
        style_xml(
            "Question",
            "Question",
            next_style="Answer",
            ppr=keep + spacing(6, 2, line),
            rpr="<w:b/><w:bCs/>",
        ),
        style_xml(
            "Answer", "Answer", next_style="Question", ppr=spacing(0, 6, line) + '<w:ind w:left="340"/>'
        ),
        style_xml(
            "Cover Title",
            "CoverTitle",
            next_style="Subtitle",
            ppr=spacing(150, 14, 240),
            rpr=fonts(head) + "<w:b/><w:bCs/>" + navy + size(round(size_pt * 2.5)),
        ),
        style_xml(
            "Cover Meeting",
            "CoverMeeting",
            based_on="CoverDetail",
            next_style="Cover Detail",
            ppr=spacing(24, 6, 240),
            rpr="<w:b/><w:bCs/>" + navy + size(size_pt + 3),
        ),
        style_xml(
            "Cover Detail",
            "CoverDetail",
            next_style="Cover Detail",
            ppr=spacing(0, 4, 240),
            rpr=fonts(head) + '<w:color w:val="404040"/>' + size(size_pt + 1),
        ),
        style_xml(
            "Marking",
            "Marking",
            ppr=spacing(0, 0, 240) + '<w:jc w:val="center"/>',
            # No letter spacing: it splits the word for PDF text search after conversion.
            rpr=fonts(head) + "<w:b/><w:bCs/><w:caps/>" + size(marking_size(size_pt)),
        ),
        style_xml(
            "header",
            "Header",
            ppr=(
                '<w:pBdr><w:bottom w:val="single" w:sz="4" w:space="4" w:color="'
                + LIGHT_GREY
                + '"/></w:pBdr>'
                + f'<w:tabs><w:tab w:val="center" w:pos="{width // 2}"/>'
                + f'<w:tab w:val="right" w:pos="{width}"/></w:tabs>'
                + spacing(2, 0, 240)
                + '<w:jc w:val="center"/>'
            ),
            rpr=fonts(head) + grey + size(8.5),
            priority=99,
            quick=False,
        ),
        style_xml(
            "footer",
            "Footer",
            ppr=(
                f'<w:tabs><w:tab w:val="center" w:pos="{width // 2}"/>'
                + f'<w:tab w:val="right" w:pos="{width}"/></w:tabs>'
                + spacing(0, 2, 240)
                + '<w:jc w:val="center"/>'
            ),
            rpr=fonts(head) + grey + size(8.5),
            priority=99,
            quick=False,
        ),
        style_xml(
            "Table Heading",
            "TableHeading",
            ppr="<w:keepNext/>" + spacing(0, 0, 240),
            rpr=fonts(head) + '<w:b/><w:bCs/><w:color w:val="FFFFFF"/>' + size(small),
        ),
        style_xml(
            "Table Text",
            "TableText",
            ppr=spacing(0, 0, 240),
            rpr=fonts(head) + size(small),
        ),
        style_xml(
            "Notes Line",
            "NotesLine",
            # A right tab with a solid leader draws the ruled line, whatever the font; the
            # lines keep together (and with what follows) rather than split over two pages.
            ppr=(
                "<w:keepNext/><w:keepLines/>"
                + f'<w:tabs><w:tab w:val="right" w:leader="underscore" w:pos="{width}"/></w:tabs>'
                + f'<w:spacing w:before="0" w:after="0" w:line="{twips(size_pt * 2.2)}" w:lineRule="exact"/>'
            ),
            rpr=f'<w:color w:val="{LIGHT_GREY}"/>',
        ),
    ]


def table_styles(s: Settings) -> list[str]:
    small_margin = '<w:top w:w="50" w:type="dxa"/><w:left w:w="100" w:type="dxa"/>'
    small_margin += '<w:bottom w:w="50" w:type="dxa"/><w:right w:w="100" w:type="dxa"/>'
    rule = f'w:val="single" w:sz="4" w:space="0" w:color="{LIGHT_GREY}"'
    sources = style_xml(
        "Sources Table",
        "SourcesTable",
        kind="table",
        based_on="TableNormal",
        ppr=spacing(0, 0, 240),
        extra=(
            "<w:tblPr>"
            f"<w:tblBorders><w:top {rule}/><w:bottom {rule}/><w:insideH {rule}/></w:tblBorders>"
            f"<w:tblCellMar>{small_margin}</w:tblCellMar>"
            "</w:tblPr>"
            '<w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:color w:val="FFFFFF"/></w:rPr>'
            f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{NAVY}"/></w:tcPr></w:tblStylePr>'
        ),
    )
    box_margin = '<w:top w:w="100" w:type="dxa"/><w:left w:w="170" w:type="dxa"/>'
    box_margin += '<w:bottom w:w="60" w:type="dxa"/><w:right w:w="170" w:type="dxa"/>'
    box = style_xml(
        "Box",
        "Box",
        kind="table",
        based_on="TableNormal",
        extra=(
            "<w:tblPr>"
            f'<w:tblBorders><w:left w:val="single" w:sz="24" w:space="0" w:color="{NAVY}"/></w:tblBorders>'
            f"<w:tblCellMar>{box_margin}</w:tblCellMar>"
            "</w:tblPr>"
            f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{BOX_FILL}"/></w:tcPr>'
        ),
    )
    edge = f'w:val="single" w:sz="8" w:space="0" w:color="{NAVY}"'
    excerpt = style_xml(  # a table from a report, printed in an excerpt
        "Excerpt Table",
        "ExcerptTable",
        kind="table",
        based_on="TableNormal",
        ppr=spacing(0, 0, 240),
        extra=(
            "<w:tblPr>"
            f"<w:tblBorders><w:top {edge}/><w:bottom {edge}/><w:insideH {rule}/></w:tblBorders>"
            f"<w:tblCellMar>{small_margin}</w:tblCellMar>"
            "</w:tblPr>"
            f'<w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:bCs/><w:color w:val="{NAVY}"/></w:rPr>'
            f'<w:tcPr><w:tcBorders><w:bottom w:val="single" w:sz="6" w:space="0" w:color="{NAVY}"/></w:tcBorders>'
            f'<w:shd w:val="clear" w:color="auto" w:fill="{BOX_FILL}"/></w:tcPr></w:tblStylePr>'
        ),
    )
    return [sources, box, excerpt]


def set_defaults(styles_element, s: Settings) -> None:
    """Document defaults: our fonts (not the theme's Calibri/Cambria), body size, British English."""
    defaults = styles_element.find(qn("w:docDefaults"))
    defaults.getparent().remove(defaults)
    line = 252 if s.condensed else 276
    styles_element.insert(
        0,
        parse_xml(
            f"<w:docDefaults {nsdecls('w')}><w:rPrDefault><w:rPr>{fonts(s.body_font)}{size(s.body_size)}"
            '<w:lang w:val="en-GB" w:eastAsia="en-US" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
            f"<w:pPrDefault><w:pPr>{spacing(0, 0, line)}</w:pPr></w:pPrDefault></w:docDefaults>"
        ),
    )


def replace_styles(styles_element, new_styles: list[str]) -> None:
    """Put each style in, replacing one of the same id or name (and its linked 'Char' style)."""
    by_id = {e.get(qn("w:styleId")): e for e in styles_element.findall(qn("w:style"))}
    for xml in new_styles:
        style = parse_xml(xml)
        old = by_id.get(style.get(qn("w:styleId")))
        if old is not None:
            old.addprevious(style)
            old.getparent().remove(old)
        else:
            styles_element.append(style)
    # Linked character styles of the blank document keep theme fonts: unlink them so
    # that applying a heading to part of a paragraph in Word does not bring Calibri back.
    for style in styles_element.findall(qn("w:style")):
        link = style.find(qn("w:link"))
        if link is not None:
            style.remove(link)


def add_bullet_numbering(document: docx.document.Document) -> None:
    numbering = document.part.numbering_part.element
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{BULLET_ABSTRACT_ID}">'
        '<w:multiLevelType w:val="singleLevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/>'
        '<w:pStyle w:val="KeyMessage"/><w:lvlText w:val="\u25aa"/><w:lvlJc w:val="left"/>'
        '<w:pPr><w:ind w:left="340" w:hanging="340"/></w:pPr>'
        f'<w:rPr><w:color w:val="{NAVY}"/></w:rPr></w:lvl></w:abstractNum>'
    )
    # abstractNum elements must all come before the num elements.
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{BULLET_NUM_ID}">'
            f'<w:abstractNumId w:val="{BULLET_ABSTRACT_ID}"/></w:num>'
        )
    )


def set_page(document: docx.document.Document, s: Settings) -> None:
    section = document.sections[0]
    margin = round(s.margin_mm * TWIPS_PER_MM)
    distance = round(10 * TWIPS_PER_MM)
    page_size = section._sectPr.find(qn("w:pgSz"))
    page_size.set(qn("w:w"), str(A4[0]))
    page_size.set(qn("w:h"), str(A4[1]))
    page_margins = section._sectPr.find(qn("w:pgMar"))
    for side in ("top", "right", "bottom", "left"):
        page_margins.set(qn(f"w:{side}"), str(margin))
    page_margins.set(qn("w:header"), str(distance))
    page_margins.set(qn("w:footer"), str(distance))


def drop_extras(document: docx.document.Document) -> None:
    """Leave out the blank document's leftovers: Word 2010 style copy, custom XML, thumbnail."""
    unwanted = (
        "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml",
        "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail",
    )
    for rels in (document.part.rels, document.part.package.rels):
        for r_id in [r_id for r_id, rel in rels.items() if rel.reltype in unwanted]:
            del rels[r_id]


# Where Liberation is not installed (Word on Windows), Word picks the font named here,
# which has the same metrics, so lines and pages break in the same places.
METRIC_TWINS = {
    "Liberation Serif": ("Times New Roman", "02020603050405020304", "roman"),
    "Liberation Sans": ("Arial", "020B0604020202020204", "swiss"),
    "Liberation Mono": ("Courier New", "02070309020205020404", "modern"),
}


def add_font_entries(document: docx.document.Document, s: Settings) -> None:
    part = document.part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable"
    )
    table = parse_xml(part.blob)
    for name in dict.fromkeys((s.body_font, s.heading_font)):
        if name not in METRIC_TWINS:
            continue
        alt, panose, family = METRIC_TWINS[name]
        for old in table.findall(qn("w:font")):
            if old.get(qn("w:name")) == name:
                table.remove(old)
        table.append(
            parse_xml(
                f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alt}"/>'
                f'<w:panose1 w:val="{panose}"/><w:charset w:val="00"/><w:family w:val="{family}"/>'
                '<w:pitch w:val="variable"/></w:font>'
            )
        )
    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)


def set_settings(document: docx.document.Document) -> None:
    """Current Word layout rules (tables align with the margin), and let Word check spelling."""
    settings = document.settings.element
    for tag in ("w:proofState", "w:savePreviewPicture"):
        for element in settings.findall(qn(tag)):
            settings.remove(element)
    for language in settings.findall(qn("w:themeFontLang")):
        language.set(qn("w:val"), "en-GB")  # as the styles' w:lang
    for setting in settings.iter(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "15")


def set_properties(document: docx.document.Document, name: str) -> None:
    props = document.core_properties
    props.title = f"Briefer style base: {name}"
    props.author = "Briefer"
    props.last_modified_by = "Briefer"
    props.comments = "Edit the styles to restyle every pack built with this template."
    props.revision = 1
    props.created = FIXED_DATE
    props.modified = FIXED_DATE


def build(settings: Settings, name: str) -> bytes:
    document = docx.Document()
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    styles = document.styles.element
    set_defaults(styles, settings)
    added = added_styles(
        settings.body_family, settings.heading_family, settings.body_size, settings.text_width
    )
    replace_styles(styles, paragraph_styles(settings) + table_styles(settings) + added)
    add_bullet_numbering(document)
    set_page(document, settings)
    drop_extras(document)
    set_settings(document)
    add_font_entries(document, settings)
    set_properties(document, name)
    buffer = io.BytesIO()
    document.save(buffer)
    return normalised_zip(buffer.getvalue())


def normalised_zip(data: bytes) -> bytes:
    """The same package with fixed member timestamps, so equal content gives equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            member.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(member, source.read(info.filename))
    return out.getvalue()


def make(folder: Path) -> bool:
    """Write folder/style.docx from folder/template.json; True when the file changed."""
    settings_file = folder / "template.json"
    name = json.loads(settings_file.read_text(encoding="utf-8")).get("name", folder.name)
    data = build(Settings.from_json(settings_file), name)
    target = folder / "style.docx"
    if target.is_file() and target.read_bytes() == data:
        return False
    temporary = target.with_suffix(".docx.tmp")
    temporary.write_bytes(data)
    temporary.replace(target)
    return True


def main(argv: list[str]) -> int:
    folders = [Path(a) for a in argv] or sorted(
        p.parent for p in (ROOT / "templates").glob("*/template.json")
    )
    for folder in folders:
        changed = make(folder)
        print(f"{folder / 'style.docx'}: {'written' if changed else 'unchanged'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
