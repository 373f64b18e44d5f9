"""The Word styles added for issue 14 (footnotes, lost text, the brief's own block titles,
a handout's title lines, the sources annex), defined once from a template's settings.

`scripts/make_template_styles.py` writes them into the bundled `style.docx` files; the
DOCX writer adds any that a style base lacks (a user's copy of an older template), so a
footnote reference is always raised and lost text always stands out.
"""

from __future__ import annotations

import re

from docx.oxml.ns import nsdecls

NAVY = "1F3864"
GREY = "595959"
LIGHT_GREY = "BFBFBF"
MISSING_SHADE = "E4E4E4"  # a light grey behind "[text missing in the source]"
# Word's own names (lower case where Word's are): Word and LibreOffice map them to their
# built-in footnote styles.
# Word's own style names (customStyle 0; stored in lower case where Word does): Word and
# LibreOffice map them to their built-in styles, e.g. "toc 1" to LibreOffice's "Contents 1".
BUILT_IN = {
    "Normal", "heading 1", "heading 2", "heading 3", "Title", "Subtitle", "TOC Heading",
    "toc 1", "toc 2", "toc 3", "Quote", "header", "footer", "footnote text", "footnote reference",
}  # fmt: skip
NO_HYPHENS = "<w:suppressAutoHyphens/>"


def word_font_name(family: str) -> str:
    """'LiberationSerif' (our font files' family) -> 'Liberation Serif' (what Word lists)."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", family)


def marking_size(body_size: float) -> float:
    """The classification's size in points, in the header, the footer and on the cover:
    a point under the body, at least 9 and at most 12 (speaking notes' large body must not
    make it shout)."""
    return min(max(body_size - 1, 9), 12)


def _fonts(name: str) -> str:
    return f'<w:rFonts w:ascii="{name}" w:hAnsi="{name}" w:cs="{name}" w:eastAsia="{name}"/>'


def _size(points: float) -> str:
    half = round(points * 2)
    return f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'


def _spacing(before: float, after: float, line: int = 240) -> str:
    return f'<w:spacing w:before="{round(before * 20)}" w:after="{round(after * 20)}" w:line="{line}" w:lineRule="auto"/>'


def style_xml(
    name: str,
    style_id: str,
    *,
    kind: str = "paragraph",
    based_on: str | None = "Normal",
    next_style: str | None = None,
    ppr: str = "",
    rpr: str = "",
    extra: str = "",
    priority: int | None = None,
    quick: bool = True,
) -> str:
    """One style's XML: the one builder for the templates' styles (scripts/make_template_styles.py)
    and those the writer adds to an older base."""
    custom = "0" if name in BUILT_IN else "1"
    default = ' w:default="1"' if name == "Normal" else ""  # the style of paragraphs that name none
    parts = [
        f'<w:style {nsdecls("w")} w:type="{kind}"{default} w:customStyle="{custom}" w:styleId="{style_id}">'
    ]
    parts.append(f'<w:name w:val="{name}"/>')
    if based_on:
        parts.append(f'<w:basedOn w:val="{based_on}"/>')
    if next_style:
        parts.append(f'<w:next w:val="{next_style}"/>')
    if priority is not None:
        parts.append(f'<w:uiPriority w:val="{priority}"/>')
    if quick:
        parts.append("<w:qFormat/>")
    if ppr:
        parts.append(f"<w:pPr>{ppr}</w:pPr>")
    if rpr:
        parts.append(f"<w:rPr>{rpr}</w:rPr>")
    parts.append(extra)
    parts.append("</w:style>")
    return "".join(parts)


def added_styles(body_font: str, heading_font: str, body_size: float, text_width: int) -> list[str]:
    """The styles' XML, sized from the body size; fonts are our family names
    ("LiberationSans")."""
    head = word_font_name(heading_font)
    small = max(body_size - 2, 8)
    notes = max(body_size - 2, 8)
    keep = "<w:keepNext/><w:keepLines/>"
    navy = f'<w:color w:val="{NAVY}"/>'
    grey = f'<w:color w:val="{GREY}"/>'
    del body_font, text_width  # the body font comes from Normal; no tab to place since the annex is a table
    return [
        style_xml(
            "footnote text",
            "FootnoteText",
            next_style="footnote text",
            ppr="<w:keepLines/>" + _spacing(0, 2) + '<w:ind w:left="227" w:hanging="227"/>',
            rpr=_size(notes),
            priority=99,
            quick=False,
        ),
        style_xml(
            "footnote reference",
            "FootnoteReference",
            kind="character",
            based_on="DefaultParagraphFont",
            rpr='<w:vertAlign w:val="superscript"/>',
            priority=99,
            quick=False,
        ),
        style_xml(
            "Missing Text",
            "MissingText",
            kind="character",
            based_on="DefaultParagraphFont",
            rpr="<w:i/><w:iCs/>" + grey + f'<w:shd w:val="clear" w:color="auto" w:fill="{MISSING_SHADE}"/>',
        ),
        # The title of an objectives, key messages or if-raised block that the contents
        # lists: a Note Title with an outline level, so that Word's navigation pane and an
        # updated contents list show it as they show the headings.
        style_xml(
            "Brief Title",
            "BriefTitle",
            based_on="NoteTitle",
            next_style="Note",
            ppr=keep + '<w:outlineLvl w:val="0"/>',
        ),
        style_xml(
            "Title Meeting",
            "TitleMeeting",
            next_style="Title Detail",
            ppr="<w:keepNext/>" + _spacing(0, 3),
            rpr=_fonts(head) + "<w:b/><w:bCs/>" + navy + _size(body_size + 1),
        ),
        style_xml(
            "Title Detail",
            "TitleDetail",
            next_style="Normal",
            ppr="<w:keepNext/>" + _spacing(0, 2),
            rpr=_fonts(head) + '<w:color w:val="404040"/>' + _size(body_size),
        ),
        style_xml(
            "Source Title",
            "SourceTitle",
            next_style="Source Detail",
            ppr=keep + NO_HYPHENS + _spacing(8, 1),
            rpr=_fonts(head) + "<w:b/><w:bCs/>" + navy + _size(small + 0.5),
        ),
        style_xml(
            "Source Detail",
            "SourceDetail",
            next_style="Source Excerpt",
            ppr=keep + NO_HYPHENS + _spacing(0, 2),
            rpr=_fonts(head) + grey + _size(small),
        ),
        style_xml(
            "Source Excerpt",
            "SourceExcerpt",
            next_style="Source Excerpt",
            ppr="<w:keepLines/>" + NO_HYPHENS + _spacing(0, 0),
            rpr=_fonts(head) + _size(small),
        ),
    ]
