"""Lines of a document -> units: headings and paragraphs, with footnotes set apart.

This is where the page layout is undone: running heads and page numbers go, lines broken
at the page width become paragraphs again, words split at a line end are joined,
footnotes leave the body, and heading lines are recognised with their numbering style.
Meetings and sections are made from the units in `segment`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from briefer.ingest import clean
from briefer.ingest.readers import RawDocument
from briefer.ingest.vocabulary import Vocabulary, is_english_word


@dataclass(slots=True)
class Line:
    text: str
    number: int
    page: int | None
    style_level: int | None = None
    ends_paragraph: bool = False
    emphasis: bool = False  # drawn bold (repeated runs) or marked bold in the source
    indent: int = 0  # leading spaces in the source: a change often marks a page top


@dataclass(slots=True)
class Footnote:
    number: str
    text: str
    line: int
    page: int | None


@dataclass(slots=True)
class Unit:
    kind: str  # "heading" or "paragraph"
    text: str
    first_line: int
    last_line: int
    page_start: int | None
    page_end: int | None
    number: str | None = None  # heading number ("III", "A", "1.2") or paragraph number ("23")
    style: str | None = None  # heading numbering style, see HEADING_STYLES
    title: str = ""  # a heading's text without its number
    level: int | None = None  # a level the source states (Word styles, Markdown)
    emphasis: bool = False
    notes: list[Footnote] = field(default_factory=list)


# Numbered styles first, from the outermost by convention; then unnumbered ones.
HEADING_STYLES = (
    "roman", "session", "letter", "arabic", "paren", "keyword", "caps", "emphasis", "title"
)
NUMBERED_STYLES = frozenset({"roman", "session", "letter", "arabic", "paren"})


@dataclass(slots=True)
class Layout:
    units: list[Unit]
    footnotes: list[Footnote]
    vocabulary: Vocabulary
    width: int
    running_heads: list[str]


# --- line preparation -------------------------------------------------------------------

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


def prepare_lines(document: RawDocument) -> tuple[list[Line], Vocabulary]:
    """Clean every line and learn the document's vocabulary."""
    lines: list[Line] = []
    in_marked_bold = False
    for raw in document.lines:
        text = clean.normalize_characters(raw.text)
        collapsed, repeated_share = clean.collapse_repeats_measured(text)
        drawn_bold = repeated_share >= 0.8
        stripped = collapsed.strip()
        marked = clean.has_emphasis_markers(stripped)
        opens = stripped.startswith("**") and not re.search(r"\S\*{2,3}", stripped)
        closes = re.search(r"\S\*{2,3}$", stripped) is not None
        emphasis = drawn_bold or in_marked_bold or (marked and (opens or closes or _all_marked(stripped)))
        if opens:
            in_marked_bold = True
        if closes:
            in_marked_bold = False
        text = clean.undouble_small_caps(clean.strip_emphasis_markers(collapsed))
        indent = len(collapsed) - len(collapsed.lstrip(" "))
        lines.append(
            Line(text, raw.number, raw.page, raw.style_level, raw.ends_paragraph, emphasis, indent)
        )
    vocabulary = Vocabulary("\n".join(line.text for line in lines))

    def knows(word: str) -> bool:
        return vocabulary.count(word) > 1 or is_english_word(word)

    for line in lines:
        line.text = clean.squeeze_spaces(clean.strip_pdf_operators(line.text, knows))
        if not line.text:
            line.emphasis = False
    return lines, vocabulary


def _all_marked(text: str) -> bool:
    return re.fullmatch(r"\*{2,3}.+\*{2,3}", text) is not None


# --- page furniture ---------------------------------------------------------------------

_PAGE_NUMBER_RE = re.compile(
    r"^(?:page\s+)?[-–—]?\s*\d{1,4}\s*[-–—]?(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE
)
_SEPARATOR_RE = re.compile(r"^[_\-–—=*.·•\s]{4,}$")


def remove_page_furniture(lines: list[Line]) -> tuple[list[Line], list[str]]:
    """Drop page numbers, rules and running heads/feet; keep everything else.

    A running head is a short line that stands at the top or foot of at least two pages
    in five. Without page breaks (plain text) there is no telling a running head from a
    heading that a report repeats, so none is removed. The running heads are returned:
    a UN document prints its symbol there.
    """
    edges = _page_edges(lines)
    page_count = len({line.page for line in lines if line.page is not None})
    at_edge: Counter[str] = Counter()
    for index in edges:
        at_edge[lines[index].text] += 1
    running = {
        text
        for text, count in at_edge.items()
        if count >= 3 and count >= 0.4 * page_count and len(text) <= 100
    }
    kept: list[Line] = []
    for line in lines:
        text = line.text
        if text and (
            _PAGE_NUMBER_RE.match(text) or _SEPARATOR_RE.match(text) or text in running
        ):
            line = Line("", line.number, line.page)  # keep the break, drop the text
        kept.append(line)
    return kept, sorted(running)


def _page_edges(lines: list[Line], depth: int = 3) -> list[int]:
    """Indexes of the first and last few non-blank lines of every page."""
    by_page: dict[int, list[int]] = {}
    for index, line in enumerate(lines):
        if line.page is not None and line.text:
            by_page.setdefault(line.page, []).append(index)
    edges: list[int] = []
    for indexes in by_page.values():
        edges.extend(sorted(set(indexes[:depth] + indexes[-depth:])))
    return edges


# --- footnotes --------------------------------------------------------------------------

_FOOTNOTE_RE = re.compile(r"^(?P<number>[⁰¹²³⁴⁵⁶⁷⁸⁹]+|\d{1,3})\s+(?P<text>[^\s\d.)].*)$")


def _marker_re(number: str) -> re.Pattern[str]:
    """A footnote reference glued to the word or punctuation it follows: "report1"."""
    return re.compile(r"(?<=[^\W\d_]|[.,;:)”’\"])" + re.escape(number) + r"(?!\d|[.,]\d)")


def extract_footnotes(lines: list[Line]) -> tuple[list[Line], list[Footnote]]:
    """Take footnotes out of the body.

    A footnote starts with its number: in superscript, or in plain digits when it is the
    next number in the document's sequence and a reference to it stands in the text
    just before ("report1"). It runs on until a blank line, the next footnote, or a
    heading-like line.
    """
    body: list[Line] = []
    notes: list[Footnote] = []
    expected = 1
    i = 0
    while i < len(lines):
        line = lines[i]
        match = _FOOTNOTE_RE.match(line.text)
        superscript = bool(match and not match.group("number").isascii())
        number = match.group("number").translate(_SUPERSCRIPTS) if match else ""
        at_break = not body or not body[-1].text or _ends_sentence(body[-1].text) or (
            i > 0 and not lines[i - 1].text
        )
        is_note = bool(match) and (
            superscript
            or (
                int(number) == expected
                and at_break
                and _referenced_before(body, number)
            )
        )
        if not is_note:
            body.append(line)
            i += 1
            continue
        parts = [match.group("text")]
        first = line
        i += 1
        while i < len(lines):
            nxt = lines[i]
            if not nxt.text:
                # A note set with blank lines between its lines runs on mid-sentence.
                j = _next_text_index(lines, i, limit=2)
                if j is None or _ends_sentence(parts[-1]) or lines[j].indent != first.indent:
                    break
                i, nxt = j, lines[j]
            if _FOOTNOTE_RE.match(nxt.text) or _numbered_heading(nxt.text):
                break
            if nxt.emphasis and not first.emphasis:
                break
            if nxt.indent != first.indent and nxt.indent > 0:
                break  # the body text of the next page starts here
            parts.append(nxt.text)
            i += 1
        notes.append(Footnote(number, _join_lines(parts), first.number, first.page))
        expected = int(number) + 1
        body.append(Line("", first.number, first.page))
    return body, notes


def _referenced_before(body: list[Line], number: str, lookback: int = 80) -> bool:
    text = "\n".join(line.text for line in body[-lookback:])
    return _marker_re(number).search(text) is not None


# --- hyphenation ------------------------------------------------------------------------


def join_hyphenated_words(lines: list[Line], vocabulary: Vocabulary) -> None:
    """Join words split by a hyphen at a line end, in place; real hyphens stay."""
    previous: Line | None = None
    for line in lines:
        if not line.text:
            continue
        if previous is not None and previous.text.endswith("-") and not previous.ends_paragraph:
            previous.text, line.text = clean.join_line_end_hyphen(
                previous.text, line.text, vocabulary.count
            )
        if line.text:
            previous = line


# --- headings ---------------------------------------------------------------------------

_ROMAN_RE = re.compile(r"^(?=[IVXLC])C{0,3}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$")
_NUMBERED_RE = re.compile(
    r"^(?:"
    r"(?P<roman>[IVXLC]{1,7})\.(?:\s+|$)"
    r"|(?P<letter>[A-Z])\.\s+"
    r"|(?P<arabic>\d{1,2}(?:\.\d{1,2}){1,3}\.?(?=\s)|\d{1,2}\.)\s+"
    r"|\((?P<paren>[a-z]|[ivx]{1,4}|\d{1,2})\)\s+"
    r")(?P<title>.*)$"
)
_SESSION_WORDS = r"Session|Panel|Segment|Part|Chapter|Module|Round\s?table|Theme|Topic|Workshop"
_ORDINAL_WORDS = r"One|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten"
_SESSION_RE = re.compile(
    rf"^(?:(?:{_SESSION_WORDS})\s+(?P<number>[IVXL]+|\d{{1,2}}|[A-Z]|{_ORDINAL_WORDS})\b"
    rf"|(?P<ordinal>\d{{1,2}})(?:st|nd|rd|th)\s+(?:{_SESSION_WORDS})\b)"
    r"\s*[:.\-–—]?\s*(?P<title>.*)$"
)
_KEYWORD_RE = re.compile(
    r"^(?P<keyword>(?:Opening|Closing|Concluding|Plenary|Introductory)\s+(?:Session|Remarks|Plenary)"
    r"|Panel\s+Discussion|General\s+Discussion|Keynote\s+(?:Address|Speech)"
    r"|(?:Introduction|Conclusions?|Recommendations|Background|Overview)(?=\s*:))"
    r"\s*[:.\-–—]?\s*(?P<title>.*)$",
    re.IGNORECASE,
)
_MARKDOWN_RE = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")
_SENTENCE_END_RE = re.compile(r"[.!?;:…](?:[\"”’')\]]*)$|\[…\]$")
_TWO_SENTENCES_RE = re.compile(r"[a-z\d)]{2}[.!?] +[A-Z]")
_ITEM_RE = re.compile(r"^(?:[•◦▪●‣\-–—*]\s|\(?[a-z\d]{1,3}\)\.?\s|\d{1,2}\.\)\s)")
_CONNECTOR_END_RE = re.compile(
    r"(?:\b(?:and|or|of|the|to|for|in|on|with|a|an|by|at|from|between|its|their)|[,:;\-–—&])$",
    re.IGNORECASE,
)
_DATE_WORDS = (
    r"January|February|March|April|May|June|July|August|September|October|November|December"
)
_METADATA_LINE_RE = re.compile(
    rf"^(?:Original:|Distr\.|Language:|Symbol:)"
    rf"|^[\w.,\- ]{{0,60}}\b\d{{1,2}}(?:\s*[-–]\s*\d{{1,2}})?\s+(?:{_DATE_WORDS})\s+\d{{4}}\b"
    rf"|^(?:{_DATE_WORDS})\s+\d{{1,2}}(?:\s*[-–]\s*\d{{1,2}})?,?\s+\d{{4}}\b"
    r"|^[A-Z]{1,6}(?:/[A-Z0-9.\-]+){1,6}$",
    re.IGNORECASE,
)


def _ends_sentence(text: str) -> bool:
    return bool(_SENTENCE_END_RE.search(text))


def _numbered_heading(text: str) -> bool:
    return bool(_NUMBERED_RE.match(text) or _SESSION_RE.match(text))


def _is_caps(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 3 and all(ch.isupper() for ch in letters)


def _title_like(text: str, max_length: int = 160, allow_colon: bool = True) -> bool:
    if not text or len(text) > max_length:
        return False
    first = next((ch for ch in text if ch.isalnum()), "")
    if not first or (first.isalpha() and not first.isupper()):
        return False
    ends = ".,;-–" if allow_colon else ".,;:-–"
    if text.endswith(tuple(ends)) and not text.endswith(("etc.", "...")):
        return False
    return not _TWO_SENTENCES_RE.search(text)


@dataclass(slots=True)
class _Numbering:
    """The last numbers seen, to tell "I." (roman one) from "I." (letter after H)."""

    roman: int = 0
    letter: int = 0
    paragraph: int = 0  # the last numbered paragraph ("23. Participants underscored...")

    def style_of(self, token: str) -> str:
        if len(token) == 1 and token in "IVXLC":
            roman_next = _roman_value(token) == self.roman + 1
            letter_next = ord(token) - ord("A") + 1 == self.letter + 1
            if letter_next and not roman_next:
                return "letter"
        return "roman" if _ROMAN_RE.match(token) else "letter"

    def accept(self, style: str, number: str) -> None:
        if style == "roman":
            self.roman = _roman_value(number)
            self.letter = 0
        elif style == "letter":
            self.letter = ord(number) - ord("A") + 1


def _roman_value(token: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    total = 0
    for a, b in zip(token, token[1:] + " "):
        value = values[a]
        total += -value if values.get(b, 0) > value else value
    return total


def _match_numbered(text: str, numbering: _Numbering) -> tuple[str, str, str, str] | None:
    """(style, number, prefix, title) for a line that starts with a heading number."""
    session = _SESSION_RE.match(text)
    if session:
        title = session.group("title")
        if title and not title[0].isupper() and not title[0].isdigit():
            return None  # "Session III presented two views..." is a sentence
        number = session.group("number") or session.group("ordinal")
        return "session", number, text[: session.start("title")].strip(), title
    match = _NUMBERED_RE.match(text)
    if not match:
        return None
    title = match.group("title").strip()
    if match.group("roman") or match.group("letter"):
        token = match.group("roman") or match.group("letter")
        if len(token) > 1 and not _ROMAN_RE.match(token):
            return None
        return numbering.style_of(token), token, f"{token}.", title
    if match.group("arabic"):
        number = match.group("arabic").rstrip(".")
        return "arabic", number, f"{number}.", title
    return "paren", match.group("paren"), f"({match.group('paren')})", title


def _continues(previous: str, line: Line, width: int, emphasis: bool) -> bool:
    """Does `line` carry on a heading whose text so far ends with `previous`?"""
    text = line.text
    if not text or line.style_level is not None or _numbered_heading(text):
        return False
    if emphasis != line.emphasis:
        return False
    if text[0].islower():
        return True
    if _CONNECTOR_END_RE.search(previous):
        return True
    return emphasis and len(previous) >= 0.6 * width and not _ends_sentence(previous)


def _next_text_index(lines: list[Line], i: int, limit: int = 3) -> int | None:
    for j in range(i + 1, min(len(lines), i + 1 + limit)):
        if lines[j].text:
            return j
    return None


def heading_at(
    lines: list[Line], i: int, width: int, numbering: _Numbering
) -> tuple[Unit, int] | None:
    """A heading unit starting at line i (which starts a unit), and the line after it.

    A heading never runs straight on into a sentence: what follows a heading starts with
    a capital, a number or a quote, or the "heading" was a bold opening of a paragraph.
    """
    found = _heading_at(lines, i, width, numbering)
    if found and lines[i].style_level is None:
        following = _next_text_index(lines, found[1] - 1)
        if following is not None and lines[following].text[:1].islower():
            return None
    return found


def _previous_text(lines: list[Line], i: int) -> str:
    for j in range(i - 1, max(-1, i - 4), -1):
        if lines[j].text:
            return lines[j].text
    return ""


def _heading_at(
    lines: list[Line], i: int, width: int, numbering: _Numbering
) -> tuple[Unit, int] | None:
    line = lines[i]
    text = line.text

    def unit(style: str, title: str, last: int, number: str | None = None, prefix: str = ""):
        heading = Unit(
            "heading",
            f"{prefix} {title}".strip(),
            line.number,
            lines[last].number,
            line.page,
            lines[last].page,
            number,
            style,
            title,
            level,
            line.emphasis,
        )
        return heading, last + 1

    level = None
    if line.style_level is not None:
        level = max(1, line.style_level)
        return unit("docx", text, i)
    markdown = _MARKDOWN_RE.match(text)
    if markdown:
        level = len(markdown.group(1))
        return unit("markdown", markdown.group(2), i)

    numbered = _match_numbered(text, numbering)
    if numbered:
        style, number, prefix, title = numbered
        if style != "session" and _previous_text(lines, i).endswith(":"):
            return None  # an item of the list the line before announces
        if style == "arabic" and numbering.paragraph and number == str(numbering.paragraph + 1):
            return None  # the next numbered paragraph
        last = i
        if not title:  # the number stands alone; its title is on the next line(s)
            j = _next_text_index(lines, i)
            if j is None or _numbered_heading(lines[j].text):
                return None
            title, last = lines[j].text, j
        parts = [title]
        while last + 1 < len(lines) and len(" ".join(parts)) < 250:
            if not _continues(parts[-1], lines[last + 1], width, lines[last].emphasis):
                break
            parts.append(lines[last + 1].text)
            last += 1
        title = _join_lines(parts)
        max_length = 250 if style in {"roman", "session", "letter"} else 160
        if not _title_like(title, max_length) and not (style == "session" and not title):
            return None
        following = _next_text_index(lines, last, limit=1)
        if len(lines[last].text) >= 0.85 * width and following is not None:
            return None  # a full line that runs on: the opening of a numbered paragraph
        return unit(style, title, last, number, prefix)

    keyword = _KEYWORD_RE.match(text)
    if keyword and (not keyword.group("title") or _title_like(keyword.group("title"))):
        return unit("keyword", text, i)

    if _METADATA_LINE_RE.search(text):
        return None
    if _is_caps(text) and _title_like(text, 200):
        last = i
        while (
            last + 1 < len(lines)
            and _is_caps(lines[last + 1].text)
            and not _numbered_heading(lines[last + 1].text)
            and not _METADATA_LINE_RE.search(lines[last + 1].text)
            and (line.emphasis == lines[last + 1].emphasis)
            and _CONNECTOR_END_RE.search(lines[last].text)
        ):
            last += 1
        title = _join_lines([lines[k].text for k in range(i, last + 1)])
        return unit("caps", title, last)
    if line.emphasis and _title_like(text, 150, allow_colon=False):
        last = i
        while last + 1 < len(lines) and _continues(lines[last].text, lines[last + 1], width, True):
            last += 1
        title = _join_lines([lines[k].text for k in range(i, last + 1)])
        if _title_like(title, 150, allow_colon=False) and len(title.split()) <= 20:
            return unit("emphasis", title, last)
        return None
    if _plain_title(lines, i, width):
        last = i  # a title that ends on "of the" runs on to the next line
        while (
            last + 1 < len(lines)
            and last - i < 3
            and re.search(r"\b(?:of|the|and|for|on|with|to|in)$", lines[last].text)
            and lines[last + 1].text
            and len(lines[last + 1].text) < 0.85 * width
            and not _ends_sentence(lines[last + 1].text)
        ):
            last += 1
        return unit("title", _join_lines([lines[k].text for k in range(i, last + 1)]), last)
    return None


def _plain_title(lines: list[Line], i: int, width: int) -> bool:
    text = lines[i].text
    limit = min(120, int(0.75 * width)) if width >= 60 else 120
    words = len(text.split())
    if len(text) > limit or words > (15 if ":" in text else 12):
        return False
    if not _title_like(text, limit, allow_colon=False) or _ITEM_RE.match(text):
        return False
    if not text[0].isupper() and not text[0].isdigit():
        return False
    j = _next_text_index(lines, i, limit=4)
    if j is None:
        return False
    following = lines[j].text
    return following[0].isupper() or following[0].isdigit() or following[0] in "“\"‘('"


# --- units ------------------------------------------------------------------------------

_NUMBERED_PARAGRAPH_RE = re.compile(r"^(\d{1,3})\.\s+[A-Z“\"‘(]")


def _join_lines(parts: list[str]) -> str:
    text = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if not text:
            text = part
        elif text.endswith("-") and not text.endswith(" -"):
            text += part  # a real hyphen at the line end stays, without a space after it
        else:
            text += " " + part
    return text


def typical_width(lines: list[Line]) -> int:
    """The page width in characters: what a full line of body text measures."""
    lengths = sorted(len(line.text) for line in lines if len(line.text) >= 20)
    if len(lengths) < 5:
        return 100
    return lengths[int(len(lengths) * 0.9)]


def build_units(lines: list[Line], width: int) -> list[Unit]:
    units: list[Unit] = []
    numbering = _Numbering()
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.text:
            i += 1
            continue
        found = heading_at(lines, i, width, numbering)
        if found:
            heading, i = found
            if heading.style in {"roman", "letter"} and heading.number:
                numbering.accept(heading.style, heading.number)
            units.append(heading)
            continue
        parts = [line]
        i += 1
        while i < len(lines) and not parts[-1].ends_paragraph:
            following = lines[i]
            if not following.text or following.style_level is not None:
                break
            previous = parts[-1].text
            if _ends_sentence(previous):
                if len(previous) < 0.85 * width or _ITEM_RE.match(following.text):
                    break
                if _NUMBERED_PARAGRAPH_RE.match(following.text):
                    break
                if heading_at(lines, i, width, numbering):
                    break
            elif len(previous) < 0.85 * width and _NUMBERED_RE.match(following.text):
                break  # the next item of a list: "I. The economic dimensions" / "II. Irregular..."
            elif following.emphasis and not parts[-1].emphasis and _numbered_heading(following.text):
                break
            parts.append(following)
            i += 1
        text = _join_lines([part.text for part in parts])
        number = _NUMBERED_PARAGRAPH_RE.match(text)
        if number:
            numbering.paragraph = int(number.group(1))
        units.append(
            Unit(
                "paragraph",
                text,
                parts[0].number,
                parts[-1].number,
                parts[0].page,
                parts[-1].page,
                number.group(1) if number else None,
                emphasis=all(part.emphasis for part in parts),
            )
        )
    return units


def _join_split_paragraphs(units: list[Unit], breaks: list[int]) -> list[Unit]:
    """Rejoin a paragraph cut in two by a page break or a footnote block.

    The first part stops mid-sentence, and the second starts in lower case or comes
    after a footnote that stood between the two parts (at a line in `breaks`).
    """
    joined: list[Unit] = []
    for unit in units:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and previous.kind == unit.kind == "paragraph"
            and unit.number is None
            and not re.search(r"[.!?…:](?:[\"”’')\]]*)$|\[…\]$", previous.text)
            and (
                unit.text[:1].islower()
                or any(previous.last_line < line < unit.first_line for line in breaks)
            )
        ):
            previous.text = _join_lines([previous.text, unit.text])
            previous.last_line = unit.last_line
            previous.page_end = unit.page_end
            previous.notes.extend(unit.notes)
            continue
        joined.append(unit)
    return joined


def attach_footnotes(units: list[Unit], footnotes: list[Footnote]) -> None:
    """Give each footnote to the unit that cites it, its marker set in superscript."""
    superscript = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
    for note in footnotes:
        marker = _marker_re(note.number)
        owner = None
        for unit in reversed(units):
            if unit.first_line > note.line:
                continue
            if marker.search(unit.text) or note.number.translate(superscript) in unit.text:
                owner = unit
                break
        if owner is None:
            owner = next((u for u in reversed(units) if u.first_line <= note.line), None)
        if owner is None:
            continue
        if owner.kind == "heading":  # a heading shows no reference mark
            owner.text = marker.sub("", owner.text, count=1)
            owner.title = marker.sub("", owner.title, count=1)
        else:
            owner.text = marker.sub(note.number.translate(superscript), owner.text, count=1)
        owner.notes.append(note)


# --- the whole layout step --------------------------------------------------------------


def lay_out(document: RawDocument) -> Layout:
    lines, vocabulary = prepare_lines(document)
    lines, running_heads = remove_page_furniture(lines)
    lines, footnotes = extract_footnotes(lines)
    join_hyphenated_words(lines, vocabulary)
    width = typical_width(lines)
    units = _join_split_paragraphs(build_units(lines, width), [note.line for note in footnotes])
    compounds = vocabulary.compounds()
    for unit in units:
        if unit.kind == "paragraph":
            unit.text = clean.restore_dropped_hyphens(unit.text, compounds)
    attach_footnotes(units, footnotes)
    return Layout(units, footnotes, vocabulary, width, running_heads)
