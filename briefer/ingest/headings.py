"""Heading recognition: which lines are headings, in which numbering style, with what title.

Styles: roman ("III."), session ("Session I:", "1st Session"), letter ("A."), arabic ("1.",
"2.1"), paren ("(a)"), keyword ("Panel Discussion", "Introduction:"), caps (a line in
capitals), emphasis (a line drawn in bold), title (a short unnumbered title line), and the
styles a source states (Word heading styles, Markdown "#").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from briefer.ingest.units import Line, Unit, ends_sentence, join_lines, next_text_index, previous_text

_ROMAN_RE = re.compile(r"^(?=[IVXLC])C{0,3}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$")
NUMBERED_RE = re.compile(
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
# Headings that name a part of any meeting: peers of its sessions or chapters.
_KEYWORD_RE = re.compile(
    r"^(?P<keyword>(?:Opening|Closing|Concluding|Plenary|Introductory|Final)\s+(?:Session|Remarks|Plenary|Statements?)"
    r"|Panel\s+Discussion|General\s+Discussion|Keynote\s+(?:Address|Speech)"
    r"|(?:Introduction|Conclusions?|Recommendations|Background|Overview)(?=\s*:)"
    r"|(?:Conclusions?(?: and recommendations)?|Recommendations|Closing|(?:The )?way forward|Next steps|Follow-up"
    r"|Summary and conclusions)$)"
    r"\s*[:.\-–—]?\s*(?P<title>.*)$",
    re.IGNORECASE,
)
_MARKDOWN_RE = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")
_TWO_SENTENCES_RE = re.compile(r"[a-z\d)]{2}[.!?] +[A-Z]")
ITEM_RE = re.compile(r"^(?:[•◦▪●‣\-–—*]\s|\(?[a-z\d]{1,3}\)\.?\s|\d{1,2}\.\)\s)")
CONNECTOR_END_RE = re.compile(
    r"(?:\b(?:and|or|of|the|to|for|in|on|with|a|an|by|at|from|between|its|their)|[,:;\-–—&])$",
    re.IGNORECASE,
)
_DATE_WORDS = r"January|February|March|April|May|June|July|August|September|October|November|December"
METADATA_LINE_RE = re.compile(
    rf"^(?:Original:|Distr\.|Language:|Symbol:)"
    rf"|^[\w.,\- ]{{0,60}}\b\d{{1,2}}(?:\s*[-–]\s*\d{{1,2}})?\s+(?:{_DATE_WORDS})\s+\d{{4}}\b"
    rf"|^(?:{_DATE_WORDS})\s+\d{{1,2}}(?:\s*[-–]\s*\d{{1,2}})?,?\s+\d{{4}}\b"
    r"|^[A-Z]{1,6}(?:/[A-Z0-9.\-]+){1,6}$",
    re.IGNORECASE,
)


def numbered_heading(text: str) -> bool:
    return bool(NUMBERED_RE.match(text) or _SESSION_RE.match(text))


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
class Numbering:
    """The last numbers seen, to tell "I." (roman one) from "I." (letter after H)."""

    roman: int = 0
    letter: int = 0
    paragraph: int = 0  # the last numbered paragraph ("23. Participants underscored...")

    def style_of(self, token: str) -> str:
        if len(token) == 1 and token in "IVXLC":
            roman_next = roman_value(token) == self.roman + 1
            # Within a run of letters, "I" after "H" (or after "G", one heading lost) is a letter.
            step = ord(token) - ord("A") + 1 - self.letter
            letter_next = step == 1 or (self.letter > 0 and step == 2)
            if letter_next and (not roman_next or self.letter > 0):
                return "letter"
        return "roman" if _ROMAN_RE.match(token) else "letter"

    def continues_letters(self, token: str) -> bool:
        """Is the letter an A, or the next letter after the last lettered heading?"""
        return len(token) == 1 and (token == "A" or ord(token) - ord("A") == self.letter)

    def accept(self, style: str, number: str) -> None:
        if style == "roman":
            self.roman = roman_value(number)
            self.letter = 0
        elif style == "letter":
            self.letter = ord(number) - ord("A") + 1


def roman_value(token: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    total = 0
    for a, b in zip(token, token[1:] + " ", strict=True):
        value = values[a]
        total += -value if values.get(b, 0) > value else value
    return total


def _match_numbered(text: str, numbering: Numbering) -> tuple[str, str, str, str] | None:
    """(style, number, prefix, title) for a line that starts with a heading number."""
    session = _SESSION_RE.match(text)
    if session:
        title = session.group("title")
        if title and not title[0].isupper() and not title[0].isdigit():
            return None  # "Session III presented two views..." is a sentence
        number = session.group("number") or session.group("ordinal")
        return "session", number, text[: session.start("title")].strip(), title
    match = NUMBERED_RE.match(text)
    if not match:
        return None
    title = match.group("title").strip()
    prefix = text[: match.start("title")].strip()  # the number as the document writes it
    if match.group("roman") or match.group("letter"):
        token = match.group("roman") or match.group("letter")
        if len(token) > 1 and not _ROMAN_RE.match(token):
            return None
        return numbering.style_of(token), token, prefix, title
    if match.group("arabic"):
        return "arabic", match.group("arabic").rstrip("."), prefix, title
    return "paren", match.group("paren"), prefix, title


def _continues(previous: str, line: Line, width: int, emphasis: bool) -> bool:
    """Does `line` carry on a heading whose text so far ends with `previous`?"""
    text = line.text
    if not text or line.style_level is not None or numbered_heading(text):
        return False
    if emphasis != line.emphasis:
        return False
    if text[0].islower():
        return True
    if CONNECTOR_END_RE.search(previous):
        return True
    return emphasis and len(previous) >= 0.6 * width and not ends_sentence(previous)


def heading_at(lines: list[Line], i: int, width: int, numbering: Numbering) -> tuple[Unit, int] | None:
    """A heading unit starting at line i (which starts a unit), and the line after it.

    A heading never runs straight on into a sentence: what follows a heading starts with
    a capital, a number or a quote, or the "heading" was a bold opening of a paragraph.
    """
    found = _heading_at(lines, i, width, numbering)
    if found and lines[i].style_level is None:
        following = next_text_index(lines, found[1] - 1)
        if following is not None and lines[following].text[:1].islower():
            return None
    return found


def _heading_at(lines: list[Line], i: int, width: int, numbering: Numbering) -> tuple[Unit, int] | None:
    line = lines[i]
    text = line.text

    def unit(
        style: str,
        title: str,
        last: int,
        number: str | None = None,
        prefix: str = "",
        level: int | None = None,
    ) -> tuple[Unit, int]:
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

    if line.style_level == 0:  # Word's "Title" style: the document's title, on its title page
        return unit("doctitle", text, i)
    if line.style_level is not None:
        return unit("docx", text, i, level=line.style_level)
    markdown = _MARKDOWN_RE.match(text)
    if markdown:
        return unit("markdown", markdown.group(2), i, level=len(markdown.group(1)))

    numbered = _match_numbered(text, numbering)
    if numbered:
        style, number, prefix, title = numbered
        if style != "session" and previous_text(lines, i).endswith(":"):
            return None  # an item of the list the line before announces
        if style == "arabic" and numbering.paragraph and number == str(numbering.paragraph + 1):
            return None  # the next numbered paragraph
        last = i
        if not title:  # the number stands alone; its title is on the next line(s)
            j = next_text_index(lines, i)
            if j is None or numbered_heading(lines[j].text):
                return None
            if style == "session" and not _title_like(lines[j].text):
                return unit(style, "", i, number, prefix)  # "Session II" over its text: its number names it
            title, last = lines[j].text, j
        parts = [title]
        while last + 1 < len(lines) and len(" ".join(parts)) < 250:
            if not _continues(parts[-1], lines[last + 1], width, lines[last].emphasis):
                break
            parts.append(lines[last + 1].text)
            last += 1
        title = join_lines(parts)
        max_length = 250 if style in {"roman", "session", "letter"} else 160
        if not _title_like(title, max_length) and not (style == "session" and not title):
            return None
        following = next_text_index(lines, last, limit=1)
        if len(lines[last].text) >= 0.85 * width and following is not None:
            return None  # a full line that runs on: the opening of a numbered paragraph
        return unit(style, title, last, number, prefix)

    keyword = _KEYWORD_RE.match(text)
    if keyword and (not keyword.group("title") or _title_like(keyword.group("title"))) and not _is_caps(text):
        return unit("keyword", text, i)  # a line in capitals is read with its capital peers

    if METADATA_LINE_RE.search(text):
        return None
    if _is_caps(text) and _title_like(text, 200):
        last = i
        while (
            last + 1 < len(lines)
            and _is_caps(lines[last + 1].text)
            and not numbered_heading(lines[last + 1].text)
            and not METADATA_LINE_RE.search(lines[last + 1].text)
            and (line.emphasis == lines[last + 1].emphasis)
            and CONNECTOR_END_RE.search(lines[last].text)
        ):
            last += 1
        title = join_lines([lines[k].text for k in range(i, last + 1)])
        return unit("caps", title, last)
    if line.emphasis and _title_like(text, 150, allow_colon=False):
        last = i
        while last + 1 < len(lines) and _continues(lines[last].text, lines[last + 1], width, True):
            last += 1
        title = join_lines([lines[k].text for k in range(i, last + 1)])
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
            and not ends_sentence(lines[last + 1].text)
        ):
            last += 1
        return unit("title", join_lines([lines[k].text for k in range(i, last + 1)]), last)
    return None


def _plain_title(lines: list[Line], i: int, width: int) -> bool:
    text = lines[i].text
    limit = min(120, int(0.75 * width)) if width >= 60 else 120
    words = len(text.split())
    if len(text) > limit or words > (15 if ":" in text else 12):
        return False
    if not _title_like(text, limit, allow_colon=False) or ITEM_RE.match(text):
        return False
    if not text[0].isupper() and not text[0].isdigit():
        return False
    j = next_text_index(lines, i, limit=4)
    if j is None:
        return False
    following = lines[j].text
    return following[0].isupper() or following[0].isdigit() or following[0] in "“\"‘('"


# --- numbers of headings set apart by their type (PDF and Word layout) --------------------

# Looser than NUMBERED_RE: where the type already says "heading", "1 Introduction",
# "IX- MERIT", "a. Summary of facts" and "Annex 2" are numbered headings too.
_LOOSE_NUMBER_RE = re.compile(
    r"^(?P<prefix>"
    r"(?P<keyword>(?:Chapter|Chapitre|Cap[íi]tulo|Part|Partie|Parte|Section|Sección|Annex|Annexe|Anexo"
    r"|Appendix|Appendice|Apéndice|Article|Artículo|Session|Séance|Sesión|Title|Titre|Título)"
    r"\s+(?:[IVXLC]{1,7}|\d{1,3}|[A-Z])\b\.?)"
    r"|(?P<arabic>\d{1,2}(?:\.\d{1,2}){0,4})(?:\.|\s*[)\-–—:])?(?=\s)"
    r"|(?P<roman>[IVXLC]{1,7})(?:\.|\s*[)\-–—:])(?=\s|$)"
    r"|(?P<lower_roman>[ivx]{1,5})[.)](?=\s)"
    r"|(?P<letter>[A-Z])(?:\.|\s*[)\-–—:])(?=\s)"
    r"|(?P<lower>[a-z])[.)](?=\s)"
    r"|\((?P<paren>[a-z]|[ivx]{1,4}|\d{1,2}|[A-Z])\)(?=\s)"
    r")\s*(?P<title>.*)$"
)


_MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec "
    "janvier février fevrier mars avril mai juin juillet août aout septembre octobre novembre décembre "
    "decembre janv févr avr juil déc enero febrero marzo abril mayo junio julio agosto septiembre setiembre "
    "octubre noviembre diciembre ene abr ago dic"
)
_MONTH_START_RE = re.compile(rf"^(?:de\s+)?(?:{'|'.join(_MONTHS.split())})\b\.?", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class HeadingNumber:
    family: str  # "keyword", "roman", "letter", "arabic", "lower_roman", "lower", "paren"
    depth: int  # parts of an arabic number ("3.1.2" is 3); 1 otherwise
    number: str  # "III", "3.1.2", "a"
    prefix: str  # the number as printed: "III.", "3.1.2", "(a)"
    title: str  # the rest of the heading


def heading_number(text: str, numbering: Numbering | None = None) -> HeadingNumber | None:
    """The number a heading starts with, in its family, or None when it has none."""
    match = _LOOSE_NUMBER_RE.match(text)
    if not match or not match.group("title").strip() and not match.group("keyword"):
        return None
    title = match.group("title").strip()
    prefix = match.group("prefix").strip()
    for family in ("keyword", "arabic", "roman", "lower_roman", "letter", "lower", "paren"):
        number = match.group(family)
        if number is None:
            continue
        if family == "roman" and not _ROMAN_RE.match(number):
            return None
        if family in ("roman", "letter") and len(number) == 1 and numbering is not None:
            family = numbering.style_of(number)
        if family == "arabic" and int(number.split(".")[0]) > 50:
            return None  # "1994 was..." or "112 countries" is not a heading number
        if family == "arabic" and _MONTH_START_RE.match(title):
            return None  # "16 November 2009" is a date
        depth = number.count(".") + 1 if family == "arabic" else 1
        return HeadingNumber(family, depth, number.rstrip("."), prefix, title)
    return None
