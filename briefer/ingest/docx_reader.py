"""A Word document's body as Word shows it -> typed paragraphs, tables and footnotes.

python-docx opens the package; the body's XML is walked here in document order, because
python-docx's own text leaves out what Word shows inside tracked insertions, content
controls, fields and text boxes, and the numbers of numbered lists. Tracked changes read
as accepted (insertions in, deletions out); headers, footers and comments are not body
text; footnotes and endnotes become notes of the paragraph citing them. Each paragraph
carries the type most of its letters are set in, resolved through Word's inheritance
(direct formatting, the character style, the paragraph style and what it is based on,
the document defaults), so that `typeset` can tell headings by their type as it does
for a PDF, and by their heading style.
"""

from __future__ import annotations

import io
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from briefer.ingest import clean
from briefer.ingest.typeset import Typed, body_type, typeset
from briefer.ingest.units import Footnote, Layout, Unit
from briefer.ingest.vocabulary import Vocabulary

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
_FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
_ENDNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes"
_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"

_DEFAULT_SIZE = 10.0  # points: Word's size when no style says otherwise
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_HEADING_STYLE_RE = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)
_CONTENTS_STYLE_RE = re.compile(r"^toc\s*\d$", re.IGNORECASE)  # Word's "toc 1" to "toc 9"
# A contents entry: its title, then the page it is on ("Introduction ..... 4", "Annex iv").
_CONTENTS_ENTRY_RE = re.compile(r"^(.*?\S)[\s.…·_]*\s(\d{1,4}|[ivxlcdm]{1,6})$", re.IGNORECASE)
_COMPLEX_SCRIPT_RE = re.compile(r"[\u0590-\u08ff\ufb1d-\ufefc]")  # Hebrew, Arabic, Syriac...

# Wrappers whose content Word shows as if they were not there. What the walk does not
# name is not shown text: tracked deletions (w:del, w:moveFrom), field codes, bookmarks,
# comment marks, properties.
_TRANSPARENT = frozenset(
    _W + name for name in ("hyperlink", "smartTag", "customXml", "ins", "moveTo", "fldSimple", "dir", "bdo")
)
_SPACES = frozenset({_W + "tab", _W + "ptab", _W + "cr"})
_DRAWINGS = frozenset({_W + "drawing", _W + "pict", _W + "object", _MC + "AlternateContent"})  # text boxes


@dataclass(slots=True)
class WordBody:
    """What the layout needs of a Word document."""

    paragraphs: list[Typed]  # paragraphs and tables in reading order, numbered from 1
    footnotes: list[Footnote]


def lay_out_docx(body: WordBody) -> Layout:
    paragraphs = body.paragraphs
    units = typeset(paragraphs, body_type((p.text, p.size, p.bold, p.italic) for p in paragraphs))
    for unit in units:
        if unit.style == "typeset" and unit.type_style and unit.type_style.style_level:
            unit.style = "docx"  # a heading style: the report begins at the first one
    give_notes(units, body.footnotes)
    vocabulary = Vocabulary("\n".join(p.text for p in paragraphs))
    return Layout(units, body.footnotes, vocabulary, [])


def give_notes(units: list[Unit], footnotes: list[Footnote]) -> None:
    """Each note goes to the unit whose paragraph cites it.

    Word says where each reference stands, so no guessing from the text is needed (as
    layout.attach_footnotes must for a PDF); a heading shows no reference mark.
    """
    for note in footnotes:
        owner = next((u for u in units if u.first_line <= note.line <= u.last_line), None)
        if owner is None:
            continue
        if owner.kind == "heading":
            mark = note.number.translate(_SUPERSCRIPT)
            owner.text = clean.squeeze_spaces(owner.text.replace(mark, "", 1))
            owner.title = clean.squeeze_spaces(owner.title.replace(mark, "", 1))
        owner.notes.append(note)


def read_word(data: bytes) -> WordBody:
    """Read a .docx file's body. Raises whatever python-docx or lxml raise on damage."""
    from docx import Document

    document = Document(io.BytesIO(data))
    part = document.part
    styles = StyleSheet(document.styles.element, Lists(_related(part, _NUMBERING)))
    notes = {kind: _note_elements(_related(part, rel)) for kind, rel in (("f", _FOOTNOTES), ("e", _ENDNOTES))}
    walker = BodyWalker(styles, notes)
    blocks = _contents_as_tables(walker.blocks(document.element.body))
    return _number(blocks, walker.notes)


def _contents_as_tables(blocks: list[Paragraph | Table]) -> list[Paragraph | Table]:
    """A table of contents is a table of titles and pages, as it is read from a PDF:
    its entries are set like headings but are none."""
    found: list[Paragraph | Table] = []
    for block in blocks:
        if not (isinstance(block, Paragraph) and block.contents and block.text):
            found.append(block)
            continue
        if not (found and isinstance(found[-1], Table) and found[-1].contents):
            found.append(Table([], [], contents=True))
        entry = _CONTENTS_ENTRY_RE.match(block.text)
        found[-1].rows.append(Row(list(entry.groups()) if entry else [block.text], block.notes))
        found[-1].spans.extend(block.spans)
    return found


# --- the parts around the body ----------------------------------------------------------------


def _related(part, reltype: str):
    """The XML root of the part the document relates to by `reltype`, or None."""
    from docx.oxml import parse_xml

    for rel in part.rels.values():
        if rel.reltype == reltype and not rel.is_external:
            target = rel.target_part
            element = getattr(target, "element", None)
            return element if element is not None else parse_xml(target.blob)
    return None


def _note_elements(root) -> dict[str, object]:
    """Notes by id; the separator lines above the notes are not notes."""
    if root is None:
        return {}
    return {
        note.get(_W + "id"): note
        for note in root
        if note.tag in (_W + "footnote", _W + "endnote") and note.get(_W + "type", "normal") == "normal"
    }


# --- styles -------------------------------------------------------------------------------------


def _on(element) -> bool:
    """A Word on/off property: present means on unless its value says off."""
    return element.get(_W + "val", "true").lower() not in ("0", "false", "off", "none")


def _half_points(element) -> float | None:
    try:
        value = float(element.get(_W + "val", ""))
    except ValueError:
        return None
    return value / 2 if 0 < value < 3300 else None


def _twips(value: str | None) -> float | None:
    """Points from twentieths of a point ("720" is half an inch); None if not a number."""
    try:
        points = float(value) / 20 if value is not None else None
    except ValueError:
        return None
    return points if points is not None and math.isfinite(points) else None


def _value(element, default: str | None = None) -> str | None:
    return element.get(_W + "val", default) if element is not None else default


@dataclass(frozen=True, slots=True)
class RunType:
    size: float
    bold: bool
    italic: bool
    hidden: bool
    caps: bool


@dataclass(frozen=True, slots=True)
class ParagraphType:
    centered: bool
    indent: float  # points
    style_level: int | None
    contents: bool = False  # an entry of a table of contents (no heading, however set)


_LATIN = ("sz", "b", "i")
_COMPLEX = ("szCs", "bCs", "iCs")  # right-to-left and complex scripts have their own


class StyleSheet:
    """Word's style inheritance: the document defaults, paragraph and character styles
    with what they are based on, and the indents of list levels. What the styles give is
    worked out once per style; direct formatting is laid over it."""

    def __init__(self, styles, lists: Lists) -> None:
        self._styles: dict[str, object] = {}
        self._default_paragraph: str | None = None
        for style in styles.iterchildren(_W + "style") if styles is not None else ():
            style_id = style.get(_W + "styleId")
            self._styles.setdefault(style_id, style)
            if style.get(_W + "type") == "paragraph" and _on_attr(style.get(_W + "default")):
                self._default_paragraph = self._default_paragraph or style_id
        defaults = styles.find(f"{_W}docDefaults") if styles is not None else None
        self._default_run = defaults.find(f"{_W}rPrDefault/{_W}rPr") if defaults is not None else None
        self._default_paragraph_props = (
            defaults.find(f"{_W}pPrDefault/{_W}pPr") if defaults is not None else None
        )
        self.lists = lists
        self._chains: dict[str | None, list] = {}
        self._run_types: dict[tuple, RunType] = {}
        self._paragraph_types: dict[str | None, ParagraphType] = {}

    def chain(self, style_id: str | None) -> list:
        """The style and those it is based on, nearest first (a loop is cut)."""
        if style_id not in self._chains:
            found: list = []
            based = style_id
            while based in self._styles and len(found) < 20:
                style = self._styles[based]
                if style in found:
                    break
                found.append(style)
                based = _value(style.find(f"{_W}basedOn"))
            self._chains[style_id] = found
        return self._chains[style_id]

    def paragraph_style(self, props) -> str | None:
        """The paragraph's style, or the default paragraph style (also for an unknown one)."""
        style_id = _value(props.find(f"{_W}pStyle")) if props is not None else None
        return style_id if style_id in self._styles else self._default_paragraph

    # -- run properties

    def run_type(self, direct, paragraph_style: str | None, complex_script: bool) -> RunType:
        run_style = _value(direct.find(f"{_W}rStyle")) if direct is not None else None
        key = (paragraph_style, run_style, complex_script)
        if key not in self._run_types:
            self._run_types[key] = self._styled_run_type(*key)
        styled = self._run_types[key]
        if direct is None:
            return styled
        size_name, bold_name, italic_name = _COMPLEX if complex_script else _LATIN
        size = direct.find(_W + size_name)
        return RunType(
            (_half_points(size) if size is not None else None) or styled.size,
            _direct_toggle(direct, bold_name, styled.bold),
            _direct_toggle(direct, italic_name, styled.italic),
            _direct_toggle(direct, "vanish", styled.hidden),
            _direct_toggle(direct, "caps", styled.caps),
        )

    def _styled_run_type(self, paragraph_style, run_style, complex_script: bool) -> RunType:
        paragraph_chain, run_chain = self.chain(paragraph_style), self.chain(run_style)
        size_name, bold_name, italic_name = _COMPLEX if complex_script else _LATIN
        size = None
        for props in (*(s.find(f"{_W}rPr") for s in (*run_chain, *paragraph_chain)), self._default_run):
            found = props.find(_W + size_name) if props is not None else None
            size = _half_points(found) if found is not None else None
            if size is not None:
                break
        return RunType(
            size or _DEFAULT_SIZE,
            *(
                self._toggle(name, run_chain, paragraph_chain)
                for name in (bold_name, italic_name, "vanish", "caps")
            ),
        )

    def _toggle(self, name: str, run_chain: list, paragraph_chain: list) -> bool:
        """Bold, italic and the like in styles: the paragraph style and the character style
        each turn it over (a bold character style in a bold paragraph style gives regular
        text); where neither says, the document default."""
        values = [_nearest(name, chain) for chain in (paragraph_chain, run_chain)]
        if all(value is None for value in values):
            default = self._default_run.find(_W + name) if self._default_run is not None else None
            return default is not None and _on(default)
        return bool(values[0]) != bool(values[1])

    # -- paragraph properties

    def paragraph_type(self, props, paragraph_style: str | None) -> ParagraphType:
        if paragraph_style not in self._paragraph_types:
            self._paragraph_types[paragraph_style] = self._styled_paragraph_type(paragraph_style)
        styled = self._paragraph_types[paragraph_style]
        if props is None:
            return styled
        jc = props.find(f"{_W}jc")
        own_indent = _left_indent(props.find(f"{_W}ind"))
        if own_indent is None and props.find(f"{_W}numPr") is not None:
            own_indent = self._list_indent(self.list_of(props, paragraph_style))
        own_level = _outline_level(props)
        return ParagraphType(
            _value(jc) == "center" if jc is not None else styled.centered,
            own_indent if own_indent is not None else styled.indent,
            own_level if own_level is not None else styled.style_level,
            styled.contents,
        )

    def _styled_paragraph_type(self, paragraph_style: str | None) -> ParagraphType:
        chain = self.chain(paragraph_style)
        layers = [*(style.find(f"{_W}pPr") for style in chain), self._default_paragraph_props]
        jc = _first(layers, "jc")
        indent = self._list_indent(self.list_of(None, paragraph_style))
        if indent is None:
            indent = _left_indent(_first(layers, "ind"))
        return ParagraphType(_value(jc) == "center", indent or 0.0, _style_level(chain), _in_contents(chain))

    def list_of(self, props, paragraph_style: str | None) -> tuple[str, str] | None:
        """(numId, ilvl) of the list the paragraph is in, set on it or by its style."""
        own = props.find(f"{_W}numPr") if props is not None else None
        styled = _first([style.find(f"{_W}pPr") for style in self.chain(paragraph_style)], "numPr")
        num_id = _first([own, styled], "numId")
        level = _first([own, styled], "ilvl")
        if num_id is None or _value(num_id) in (None, "0"):  # numId 0: no list
            return None
        return _value(num_id) or "", _value(level, "0") or "0"

    def _list_indent(self, numbered: tuple[str, str] | None) -> float | None:
        level = self.lists.level(*numbered) if numbered else None
        return _left_indent(level.indent) if level else None


def _direct_toggle(direct, name: str, styled: bool) -> bool:
    found = direct.find(_W + name)
    return _on(found) if found is not None else styled


def _nearest(name: str, chain: list) -> bool | None:
    for style in chain:
        found = style.find(f"{_W}rPr/{_W}{name}")
        if found is not None:
            return _on(found)
    return None


def _first(layers: list, name: str):
    """The first of the property layers (nearest first) that sets `name`."""
    for props in layers:
        found = props.find(_W + name) if props is not None else None
        if found is not None:
            return found
    return None


def _left_indent(ind) -> float | None:
    return _twips(ind.get(_W + "left", ind.get(_W + "start"))) if ind is not None else None


def _style_level(chain: list) -> int | None:
    """0 for Title, N for "Heading N" (by name or id) or an outline level N - 1."""
    for style in chain:
        name = (_value(style.find(f"{_W}name"), "") or "").strip()
        if name.lower() == "title":
            return 0
        match = _HEADING_STYLE_RE.match(name) or _HEADING_STYLE_RE.match(style.get(_W + "styleId") or "")
        if match and match.group(1) != "0":
            return int(match.group(1))
        level = _outline_level(style.find(f"{_W}pPr"))
        if level is not None:
            return level
    return None


def _in_contents(chain: list) -> bool:
    return any(
        _CONTENTS_STYLE_RE.match((_value(style.find(f"{_W}name"), "") or "").strip())
        or _CONTENTS_STYLE_RE.match(style.get(_W + "styleId") or "")
        for style in chain
    )


def _outline_level(props) -> int | None:
    value = _value(props.find(f"{_W}outlineLvl"), "") if props is not None else ""
    return int(value) + 1 if value.isdigit() and int(value) < 9 else None  # 9: body text


def _on_attr(value: str | None) -> bool:
    return value is not None and value.lower() in ("1", "true", "on")


# --- list numbers -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ListLevel:
    """One level of a list as numbering.xml defines it."""

    format: str  # w:numFmt: decimal, lowerLetter, upperRoman, bullet, none...
    text: str  # w:lvlText: "%1.", "%1.%2", "(%3)"
    start: int
    legal: bool  # w:isLgl: the numbers of all levels in decimal ("1.1", not "I.a")
    indent: object | None  # its w:ind
    separator: str  # between the number and the text: a tab or a space, or nothing


class Lists:
    """The numbers Word sets before list paragraphs ("1.", "2.3", "a)"), counted as Word
    counts them: lists that share a definition go on counting, a level restarts under a
    new item of the level above, a list may be told to start again. Bullets carry no
    number and are left out."""

    def __init__(self, numbering) -> None:
        self._levels: dict[tuple[str, str], ListLevel] = {}  # by (numId, ilvl)
        self._counted_with: dict[str, str] = {}  # numId -> the definition whose count it shares
        self._restarts: dict[str, dict[int, int]] = {}  # numId -> level -> start
        self._counts: dict[str, dict[int, int]] = {}  # definition -> level -> last number
        self._started: set[str] = set()
        if numbering is not None:
            self._read(numbering)

    def _read(self, numbering) -> None:
        definitions = {a.get(_W + "abstractNumId"): a for a in numbering.iterchildren(_W + "abstractNum")}
        styled = {
            _value(a.find(f"{_W}styleLink")): i
            for i, a in definitions.items()
            if a.find(f"{_W}styleLink") is not None
        }
        for num in numbering.iterchildren(_W + "num"):
            num_id, definition_id = num.get(_W + "numId") or "", _value(num.find(f"{_W}abstractNumId"))
            definition = definitions.get(definition_id)
            link = _value(definition.find(f"{_W}numStyleLink")) if definition is not None else None
            if link in styled:  # a list style: its definition stands elsewhere
                definition_id = styled[link]
                definition = definitions[definition_id]
            levels = (
                {lvl.get(_W + "ilvl"): lvl for lvl in definition.iterchildren(_W + "lvl")}
                if definition is not None
                else {}
            )
            restarts = {}
            for override in num.iterchildren(_W + "lvlOverride"):
                level = override.get(_W + "ilvl") or "0"
                if override.find(f"{_W}lvl") is not None:
                    levels[level] = override.find(f"{_W}lvl")
                if override.find(f"{_W}startOverride") is not None and level.isdigit():
                    restarts[int(level)] = _integer(_value(override.find(f"{_W}startOverride")), 1)
            self._counted_with[num_id] = definition_id or num_id
            self._restarts[num_id] = restarts
            for level, element in levels.items():
                self._levels[(num_id, level or "0")] = _list_level(element)

    def level(self, num_id: str, ilvl: str) -> ListLevel | None:
        return self._levels.get((num_id, ilvl))

    def label(self, num_id: str, ilvl: str) -> str:
        """The next number of the list at that level, as printed ("" for a bullet)."""
        level = self.level(num_id, ilvl)
        if level is None or not ilvl.isdigit():
            return ""
        counts = self._counts.setdefault(self._counted_with[num_id], {})
        if num_id not in self._started:
            self._started.add(num_id)
            for depth, start in self._restarts[num_id].items():
                counts[depth] = start - 1
                for deeper in [d for d in counts if d > depth]:
                    del counts[deeper]
        depth = int(ilvl)
        counts[depth] = counts.get(depth, level.start - 1) + 1
        for deeper in [d for d in counts if d > depth]:
            del counts[deeper]
        if level.format == "bullet":
            return ""
        label = re.sub(
            r"%([1-9])", lambda m: self._number(num_id, int(m.group(1)) - 1, counts, level.legal), level.text
        )
        return label + level.separator if label.strip() else ""

    def _number(self, num_id: str, depth: int, counts: dict[int, int], legal: bool) -> str:
        level = self.level(num_id, str(depth))
        value = counts.get(depth, level.start if level else 1)
        return _format_number(value, "decimal" if legal or level is None else level.format)


def _list_level(element) -> ListLevel:
    suffix = _value(element.find(f"{_W}suff"), "tab")
    return ListLevel(
        _value(element.find(f"{_W}numFmt"), "decimal") or "decimal",
        _value(element.find(f"{_W}lvlText"), "") or "",
        _integer(_value(element.find(f"{_W}start")), 1),
        element.find(f"{_W}isLgl") is not None and _on(element.find(f"{_W}isLgl")),
        element.find(f"{_W}pPr/{_W}ind"),
        "" if suffix == "nothing" else " ",
    )


def _integer(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _format_number(value: int, format_: str) -> str:
    if format_ in ("upperRoman", "lowerRoman") and 0 < value < 4000:
        roman = _roman(value)
        return roman if format_ == "upperRoman" else roman.lower()
    if format_ in ("upperLetter", "lowerLetter") and value > 0:
        letter = chr(ord("A") + (value - 1) % 26) * ((value - 1) // 26 + 1)  # Z, AA, BB...
        return letter if format_ == "upperLetter" else letter.lower()
    if format_ == "decimalZero":
        return f"{value:02d}"
    if format_ == "none":
        return ""
    return str(value)  # decimal, and the formats of other scripts as decimal


def _roman(value: int) -> str:
    numerals = (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    )
    text = ""
    for number, numeral in numerals:
        count, value = divmod(value, number)
        text += numeral * count
    return text


# --- the body -----------------------------------------------------------------------------------

_JOINER_RE = re.compile("([\u200c\u200d])")


def shown_text(text: str) -> str:
    """Text as the cleaner leaves it (plain spaces, no soft hyphens or controls), but with
    its zero-width (non-)joiners: Word's text is exact, and Persian or Indic words are
    spelt with them ("می‌شود")."""
    parts = _JOINER_RE.split(text)
    return clean.squeeze_spaces(
        "".join(p if _JOINER_RE.fullmatch(p) else clean.normalize_characters(p) for p in parts)
    )


@dataclass(frozen=True, slots=True)
class Span:
    """Text set in one type."""

    text: str
    size: float
    bold: bool
    italic: bool


@dataclass(slots=True)
class Paragraph:
    spans: list[Span]
    centered: bool
    indent: float
    style_level: int | None
    notes: list[int] = field(default_factory=list)  # the notes it cites (BodyWalker.notes)
    contents: bool = False

    @property
    def text(self) -> str:
        return shown_text("".join(s.text for s in self.spans))


@dataclass(slots=True)
class Row:
    cells: list[str]
    notes: list[int]


@dataclass(slots=True)
class Table:
    rows: list[Row]
    spans: list[Span]
    contents: bool = False  # a table of contents, gathered from its entries


@dataclass(slots=True)
class _Piece:
    """Text of a paragraph up to a page break (or its end), with the notes it cites."""

    spans: list[Span] = field(default_factory=list)
    notes: list[int] = field(default_factory=list)


@dataclass(slots=True)
class _Content:
    """What a paragraph's runs hold: pieces of text, and text boxes to read after it."""

    pieces: list[_Piece]
    boxes: list = field(default_factory=list)

    def add(self, text: str, type_: RunType) -> None:
        self.pieces[-1].spans.append(Span(text, type_.size, type_.bold, type_.italic))


class BodyWalker:
    """Walks body XML in document order into paragraphs and tables."""

    def __init__(self, styles: StyleSheet, notes: dict[str, dict[str, object]]) -> None:
        self.styles = styles
        self._note_parts = notes
        self.notes: list[tuple[str, str]] = []  # (number, text) of the notes cited, in order
        self._numbered = 0  # notes with an automatic number so far
        self._fields: list[bool] = []  # open complex fields: True while in a field's code
        self._carried: _Piece | None = None  # a paragraph whose mark was deleted joins the next

    # -- blocks

    def blocks(self, container) -> list[Paragraph | Table]:
        found: list[Paragraph | Table] = []
        for child in _elements(container):
            tag = child.tag
            if tag == _W + "p":
                found.extend(self.paragraph(child))
            elif tag == _W + "tbl":
                found.append(self.table(child))
            elif tag == _W + "sdt":
                found.extend(self.blocks(_content(child)))
            elif tag == _MC + "AlternateContent":
                found.extend(self.blocks(_one_branch(child)))
            elif tag in _TRANSPARENT:
                found.extend(self.blocks(child))
        if self._carried is not None:  # nothing to join at the end of a cell or the body
            found.append(Paragraph(self._carried.spans, False, 0.0, None, self._carried.notes))
            self._carried = None
        return found

    def paragraph(self, element) -> list[Paragraph | Table]:
        """A paragraph, two if a page break stands inside it, then its text boxes."""
        props = element.find(f"{_W}pPr")
        style = self.styles.paragraph_style(props)
        content = _Content([self._carried or _Piece()])
        self._carried = None
        self._inline(element, style, content)
        boxed = [block for box in content.boxes for block in self.blocks(box)]
        if _mark_deleted(props):
            self._carried = _Piece(
                [s for piece in content.pieces for s in piece.spans],
                [n for piece in content.pieces for n in piece.notes],
            )
            return boxed
        self._number_list_item(props, style, content.pieces[0])
        type_ = self.styles.paragraph_type(props, style)
        found: list[Paragraph | Table] = [
            Paragraph(
                piece.spans, type_.centered, type_.indent, type_.style_level, piece.notes, type_.contents
            )
            for piece in content.pieces
            if piece.spans or piece.notes
        ]
        return found + boxed

    def _number_list_item(self, props, style: str | None, piece: _Piece) -> None:
        """A list paragraph's number stands before its text, as Word prints it."""
        numbered = self.styles.list_of(props, style)
        label = self.styles.lists.label(*numbered) if numbered else ""  # counted even if empty
        if label and "".join(span.text for span in piece.spans).strip():
            mark = props.find(f"{_W}rPr") if props is not None else None  # the number's type
            type_ = self.styles.run_type(mark, style, False)
            piece.spans.insert(0, Span(label, type_.size, type_.bold, type_.italic))

    def _inline(self, container, style: str | None, content: _Content) -> None:
        for child in _elements(container):
            tag = child.tag
            if tag == _W + "r":
                self._run(child, style, content)
            elif tag in _TRANSPARENT:
                self._inline(child, style, content)
            elif tag == _W + "sdt":
                self._inline(_content(child), style, content)
            elif tag == _MC + "AlternateContent":
                self._inline(_one_branch(child), style, content)
            elif tag in (_M + "oMath", _M + "oMathPara"):
                content.add(
                    "".join(t.text or "" for t in child.iter(_M + "t")),
                    self.styles.run_type(None, style, False),
                )

    def _run(self, run, style: str | None, content: _Content) -> None:
        direct = run.find(f"{_W}rPr")
        type_ = self.styles.run_type(direct, style, _complex_script(direct, run))
        for child in _elements(run):
            tag = child.tag
            if tag == _W + "t":
                if not type_.hidden and True not in self._fields:
                    text = child.text or ""
                    content.add(text.upper() if type_.caps else text, type_)
            elif tag in _SPACES or (tag == _W + "br" and child.get(_W + "type") != "page"):
                content.add(" ", type_)
            elif tag == _W + "br":  # a page break: what follows is a new paragraph
                content.pieces.append(_Piece())
            elif tag == _W + "noBreakHyphen":
                content.add("-", type_)
            elif tag == _W + "fldChar":
                self._field_char(child.get(_W + "fldCharType"))
            elif tag in (_W + "footnoteReference", _W + "endnoteReference"):
                self._cite(child, type_, content)
            elif tag == _W + "ruby":  # East Asian text with its reading above: the text
                self._inline(child.find(f"{_W}rubyBase"), style, content)
            elif tag in _DRAWINGS:
                content.boxes.extend(_text_boxes(child))

    def _field_char(self, kind: str | None) -> None:
        """A complex field shows its result, not its code (between begin and separate);
        a field inside another's code (IF, MERGEFIELD) is part of that code."""
        if kind == "begin":
            self._fields.append(True)
        elif kind == "separate" and self._fields:
            self._fields[-1] = False
        elif kind == "end" and self._fields:
            self._fields.pop()

    def _cite(self, reference, type_: RunType, content: _Content) -> None:
        """A note reference: its number in superscript where it stands, and its note.

        Footnotes and endnotes are numbered in one sequence, so that each mark names one
        note; a custom mark ("*") is the text that follows the reference.
        """
        kind = "e" if reference.tag == _W + "endnoteReference" else "f"
        note = self._note_parts[kind].get(reference.get(_W + "id"))
        if note is None:
            return
        if _on_attr(reference.get(_W + "customMarkFollows")):
            number = _custom_mark(reference)
        else:
            self._numbered += 1
            number = str(self._numbered)
            content.add(number.translate(_SUPERSCRIPT), type_)
        content.pieces[-1].notes.append(len(self.notes))
        self.notes.append((number, self._note_text(note)))

    def _note_text(self, note) -> str:
        inner = BodyWalker(self.styles, {"f": {}, "e": {}})
        texts = [block.text for block in inner.blocks(note) if isinstance(block, Paragraph)]
        return clean.squeeze_spaces(" ".join(texts))

    # -- tables

    def table(self, element) -> Table:
        """Rows of cells; a merged cell counts once; a table inside a cell adds its rows
        after the row that holds it."""
        table = Table([], [])
        for row in _rows(element):
            cells: list[str] = []
            cited: list[int] = []
            nested: list[Row] = []
            for cell in _cells(row):
                text: list[str] = []
                for block in self.blocks(cell):
                    if isinstance(block, Table):
                        nested.extend(block.rows)
                        table.spans.extend(block.spans)
                        continue
                    text.append(block.text)
                    cited.extend(block.notes)
                    table.spans.extend(block.spans)
                value = clean.squeeze_spaces(" ".join(text))
                if value:
                    cells.append(value)
            if cells:  # a note's mark is text: a row citing one has a cell
                table.rows.append(Row(cells, cited))
            table.rows.extend(nested)
        return table


def _elements(container) -> Iterator:
    """Child elements (not comments or processing instructions)."""
    if container is None:
        return iter(())
    return (child for child in container if isinstance(child.tag, str))


def _content(sdt):
    return sdt.find(f"{_W}sdtContent")


def _one_branch(alternate):
    """Markup compatibility offers the same content several ways: read one of them."""
    choice = alternate.find(f"{_MC}Choice")
    return choice if choice is not None else alternate.find(f"{_MC}Fallback")


def _custom_mark(reference) -> str:
    """The text right after a reference with a custom mark: the mark itself ("*")."""
    run = reference.getparent()
    following = [*reference.itersiblings(), *(el for r in run.itersiblings() for el in r.iter())]
    text = next((el.text for el in following if el.tag == _W + "t" and (el.text or "").strip()), "*")
    return text.strip()[:3]


def _text_boxes(element) -> Iterator:
    """The text boxes inside a drawing or a picture, each once."""
    if not isinstance(element.tag, str):
        return
    if element.tag == _W + "txbxContent":
        yield element
        return
    if element.tag == _MC + "AlternateContent":
        element = _one_branch(element)
    for child in _elements(element):
        yield from _text_boxes(child)


def _mark_deleted(props) -> bool:
    """A deleted paragraph mark: once accepted, the paragraph runs on into the next."""
    return props is not None and props.find(f"{_W}rPr/{_W}del") is not None


def _complex_script(direct, run) -> bool:
    """Right-to-left and complex-script text is set in the *Cs sizes and weights."""
    if direct is not None and any(
        direct.find(_W + name) is not None and _on(direct.find(_W + name)) for name in ("rtl", "cs")
    ):
        return True
    if run is None:
        return False
    text = "".join(t.text or "" for t in run.iterchildren(_W + "t"))
    return bool(text) and len(_COMPLEX_SCRIPT_RE.findall(text)) > len(text) / 2


def _rows(table) -> Iterator:
    """A table's rows, through content controls; a row deleted as a tracked change is gone."""
    for child in _elements(table):
        if child.tag == _W + "tr":
            if child.find(f"{_W}trPr/{_W}del") is None:
                yield child
        elif child.tag == _W + "sdt" or child.tag == _W + "customXml":
            yield from _rows(_content(child) if child.tag == _W + "sdt" else child)


def _cells(row) -> Iterator:
    """A row's cells, through content controls; the continuation of a merge is skipped."""
    for child in _elements(row):
        if child.tag == _W + "tc":
            props = child.find(f"{_W}tcPr")
            if props is None or not _continues_merge(props):
                yield child
        elif child.tag == _W + "sdt" or child.tag == _W + "customXml":
            yield from _cells(_content(child) if child.tag == _W + "sdt" else child)


def _continues_merge(props) -> bool:
    if props.find(f"{_W}cellDel") is not None:
        return True
    for name in ("vMerge", "hMerge"):
        merge = props.find(_W + name)
        if merge is not None and merge.get(_W + "val", "continue") == "continue":
            return True
    return False


# --- numbering ----------------------------------------------------------------------------------


def _number(blocks: list[Paragraph | Table], notes: list[tuple[str, str]]) -> WordBody:
    """Typed paragraphs numbered from 1: one number per paragraph and per table row."""
    paragraphs: list[Typed] = []
    footnotes: list[Footnote] = []
    line = 0
    for block in blocks:
        if isinstance(block, Table):
            if not block.rows:
                continue
            first = line + 1
            for row in block.rows:
                line += 1
                footnotes.extend(Footnote(*notes[n], line, None) for n in row.notes)
            paragraphs.append(_typed_table(block, first, line))
            continue
        text = block.text
        if not text:
            continue
        line += 1
        footnotes.extend(Footnote(*notes[n], line, None) for n in block.notes)
        size, bold, italic = _main_type(block.spans)
        typed = Typed(text, line, line, None, None, size, bold, italic, block.centered, block.indent)
        typed.style_level = block.style_level
        paragraphs.append(typed)
    return WordBody(paragraphs, footnotes)


def _typed_table(table: Table, first: int, last: int) -> Typed:
    rows = [row.cells for row in table.rows]
    size, bold, italic = _main_type(table.spans)
    typed = Typed("\n".join(" | ".join(cells) for cells in rows), first, last, None, None, size, bold, italic)
    typed.rows = rows
    return typed


def _main_type(spans: Iterable[Span]) -> tuple[float, bool, bool]:
    """The size most letters are set in, and whether most are bold, italic."""
    sizes: Counter[float] = Counter()
    bold = italic = total = 0
    for span in spans:
        count = sum(ch.isalpha() for ch in span.text) or 0.01 * len(span.text.strip())
        sizes[span.size] += count
        total += count
        bold += count if span.bold else 0
        italic += count if span.italic else 0
    if not sizes:
        return _DEFAULT_SIZE, False, False
    return sizes.most_common(1)[0][0], bold > total / 2, italic > total / 2
