"""Units -> meetings -> sections, following the document's own headings and their levels.

A file may hold several meeting reports: a new one starts at a report label ("WORKSHOP
REPORT"), at a "Summary of discussions" heading once the current report has a body, or
where the top numbering starts again ("Session I" after "Session III").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from briefer.ingest.document import Note, ParsedSection, Table
from briefer.ingest.headings import roman_value
from briefer.ingest.typeset import heading_style
from briefer.ingest.units import Unit, ends_sentence

_LABEL_RE = re.compile(
    r"^(?:(?:summary|workshop|briefing|seminar|meeting|conference|expert\s+(?:group\s+)?meeting"
    r"|final|draft|background|discussion)\s+)?(?:report|note|paper)$",
    re.IGNORECASE,
)
_SUMMARY_RE = re.compile(
    r"^summary\s+of\s+(?:the\s+)?(?:interventions|discussions?|conclusions|proceedings|"
    r"deliberations|presentations|debates?)$",
    re.IGNORECASE,
)
_FRONT_MATTER_RE = re.compile(
    r"^(?:about\s+(?:the\s+)?[\w ]{2,40}|acknowledge?ments?|foreword|preface|(?:table\s+of\s+)?contents"
    r"|abbreviations(?:\s+and\s+acronyms)?|acronyms(?:\s+and\s+abbreviations)?|list\s+of\s+acronyms"
    r"|disclaimer|copyright|publisher'?s?\s+note|note\s+to\s+the\s+reader)$",
    re.IGNORECASE,
)
_ANNEX_RE = re.compile(r"^(?:annex(?:es)?|appendix|appendices)\b", re.IGNORECASE)
_ANNEX_TOPIC_RE = re.compile(
    r"^(?:(?:provisional\s+|draft\s+|final\s+)?(?:programme|program|agenda)\b"
    r"|list\s+of\s+(?:participants|speakers|documents)|participants\s+list|schedule\b)",
    re.IGNORECASE,
)
_NUMBERED_TOP = frozenset({"roman", "session", "keyword"})
_NUMBERED_LOWER = frozenset({"letter", "arabic", "paren"})
_UNNUMBERED_RANK = {"doctitle": 0, "docx": 0, "markdown": 0, "caps": 1, "emphasis": 2, "title": 3}
_ORDINALS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
BODY_MIN = 150  # characters: a paragraph this long is report text, not a title-page line


@dataclass(slots=True)
class MeetingDraft:
    labels: list[Unit] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    top_numbers: dict[str, int] = field(default_factory=dict)
    in_annex: bool = False

    def split_header(self) -> tuple[list[Unit], list[Unit]]:
        """(title-page units, report units): the header ends where the report begins."""
        for index in range(len(self.units)):
            if _opens_report(self.units, index):
                return self.units[:index], self.units[index:]
        return self.units, []


def _opens_report(units: list[Unit], index: int, by_style: bool = True) -> bool:
    unit = units[index]
    if unit.kind == "paragraph":  # report text, not a long line of a title page
        # (a resolution's preamble clauses end with a comma: "Recalling its decision...,")
        return len(unit.text) >= BODY_MIN and (ends_sentence(unit.text) or unit.text.endswith(","))
    if unit.style in _NUMBERED_TOP or unit.style in _NUMBERED_LOWER or _SUMMARY_RE.match(unit.title):
        return True
    if unit.style in {"docx", "markdown"}:
        return True
    if by_style and unit.kind == "heading" and unit.type_style is not None and _report_style(units, index):
        return True  # a heading set as the report's headings are ("Wydarzenie:")
    following = units[index + 1] if index + 1 < len(units) else None
    return following is not None and following.kind == "paragraph" and _opens_report(units, index + 1)


def _report_style(units: list[Unit], index: int) -> bool:
    """Is the heading set as a later heading that opens the report is?"""
    style = heading_style(units[index])
    return any(
        later.kind == "heading" and heading_style(later) == style and _opens_report(units, position, False)
        for position, later in enumerate(units[index + 1 :], start=index + 1)
    )


def _number_value(style: str, number: str | None) -> int | None:
    if not number:
        return None
    if number.isdigit():
        return int(number)
    if number.lower() in _ORDINALS:
        return _ORDINALS[number.lower()]
    if style in {"roman", "session"} and re.fullmatch(r"[IVXLC]+", number):
        return roman_value(number)
    return None


def is_body(unit: Unit) -> bool:
    """Report text, not a line of a title page: a new report can only follow some."""
    return unit.kind == "paragraph" and len(unit.text) >= BODY_MIN


def split_meetings(units: list[Unit]) -> list[MeetingDraft]:
    drafts = [MeetingDraft()]
    # Whether the current draft holds report text yet: kept as it grows, not searched for
    # at each heading (that was quadratic in a file of many short sections).
    has_body = False
    for unit in units:
        current = drafts[-1]
        is_label = (
            unit.kind == "heading"
            and unit.style not in _NUMBERED_TOP | _NUMBERED_LOWER
            and bool(_LABEL_RE.match(unit.title))
        )
        if has_body and _starts_meeting(unit, current, is_label):
            # The new report's title lines may stand before its label ("Workshop on..."
            # above "Report"): they belong to it, not to the report before.
            title_block: list[Unit] = []
            while current.units and current.units[-1].kind == "heading" and len(title_block) < 3:
                title_block.insert(0, current.units.pop())
            current = MeetingDraft(units=title_block)
            drafts.append(current)
            has_body = False  # the title block moved over holds headings only
        if is_label:
            current.labels.append(unit)
            continue
        if unit.kind == "heading":
            if _ANNEX_RE.match(unit.title):
                current.in_annex = True
            value = _number_value(unit.style or "", unit.number)
            if unit.style in {"roman", "session"} and value is not None and not current.in_annex:
                current.top_numbers[unit.style] = max(current.top_numbers.get(unit.style, 0), value)
        current.units.append(unit)
        has_body = has_body or is_body(unit)
    return [draft for draft in drafts if draft.units]


def _starts_meeting(unit: Unit, current: MeetingDraft, is_label: bool) -> bool:
    """Does `unit` open a new report after `current`, which already holds report text?"""
    if unit.kind != "heading":
        return False
    if is_label or (_SUMMARY_RE.match(unit.title) and unit.style not in _NUMBERED_TOP | _NUMBERED_LOWER):
        return True
    if unit.style in {"roman", "session"} and not current.in_annex:
        value = _number_value(unit.style, unit.number)
        return value == 1 and current.top_numbers.get(unit.style, 0) >= 2
    return False


# --- sections -----------------------------------------------------------------------------


def _level_of(stack: list[tuple[str, str]], style: str, heading: str, forced: int | None) -> int:
    """Place a heading in the outline; `stack` holds (style, heading) of open headings.

    A style seen before closes everything under it. A new style goes under the open
    headings, except that a roman or session number closes open unnumbered headings
    (they were its peers: an unnumbered "Introduction" before "I."), a heading such as
    "Conclusions" or "Closing session" takes the level of the outermost numbered one, and
    a more prominent unnumbered style closes less prominent ones (capitals over bold
    over plain title lines).
    """
    if forced is not None:
        del stack[max(0, forced - 1) :]
        while len(stack) < forced - 1:
            stack.append(("(implied)", ""))
        stack.append((style, heading))
        return forced
    styles = [entry[0] for entry in stack]
    top = next((i for i, entry in enumerate(styles) if entry in _NUMBERED_TOP), None)
    if style == "keyword" and top is not None:
        del stack[top:]  # "Conclusions" after "Session II": a peer of the sessions
    elif style in styles:
        del stack[styles.index(style) :]
    elif style in _NUMBERED_TOP:
        while stack and (stack[-1][0] == "keyword" or stack[-1][0] not in _NUMBERED_TOP | _NUMBERED_LOWER):
            stack.pop()
    elif style in _UNNUMBERED_RANK:
        rank = _UNNUMBERED_RANK[style]
        while stack and _UNNUMBERED_RANK.get(stack[-1][0], -1) > rank:
            stack.pop()
    stack.append((style, heading))
    return len(stack)


OPENING_TEXT = "Opening text"  # the heading of text that comes before a report's first heading


def build_sections(units: list[Unit], first_meeting: bool) -> list[ParsedSection]:
    """Sections of one meeting: each heading opens one; headings with no text of their
    own (a chapter whose text is all in sub-sections) live on in their children's path."""
    sections: list[ParsedSection] = []
    stack: list[tuple[str, str]] = []  # open headings: (style, heading)
    kinds: list[tuple[int, str]] = []  # open annex or front-matter scopes: (level, kind)
    seen_substance = not first_meeting
    in_annex = False
    current: ParsedSection | None = None

    for unit in units:
        if unit.kind == "heading" and in_annex and not _ANNEX_RE.match(unit.title) and unit.level is None:
            # Inside an annex, short lines (a programme's times and items, names in a list
            # of participants) are its text, not headings of their own.
            unit = replace(unit, kind="paragraph", number=None)
        if unit.kind == "heading":
            style = unit.style or "title"
            forced = unit.level
            if _ANNEX_RE.match(unit.title):
                stack.clear()
                in_annex, forced = True, 1
            level = _level_of(stack, style, unit.text, forced)
            while kinds and kinds[-1][0] >= level:
                kinds.pop()
            if in_annex or _ANNEX_TOPIC_RE.match(unit.title):
                kinds.append((level, "annex"))
            elif not seen_substance and _FRONT_MATTER_RE.match(unit.title):
                kinds.append((level, "front_matter"))
            kind = kinds[-1][1] if kinds else "body"
            seen_substance = seen_substance or kind == "body"
            path = [heading for _, heading in stack[:-1] if heading]
            current = _open(unit, level, unit.text, unit.title, unit.number, path, kind)
            sections.append(current)
            continue
        if current is None:
            current = _open(unit, 1, OPENING_TEXT, OPENING_TEXT, None, [], "body")
            sections.append(current)
        current.paragraphs.append(unit.text)
        current.pages.append(unit.page_start)
        if unit.kind == "table" and unit.rows:
            current.tables.append(Table(len(current.paragraphs) - 1, unit.rows))
        if unit.number:
            current.paragraph_numbers.append(unit.number)
        current.notes.extend(Note(n.number, n.text) for n in unit.notes)
        current.line_end = unit.last_line
        current.page_end = unit.page_end if unit.page_end is not None else current.page_end

    kept = _without_empty(sections)
    _assign_keys(kept)
    return kept


def _without_empty(sections: list[ParsedSection]) -> list[ParsedSection]:
    """Headings with no text of their own: a chapter whose text is in its sub-sections
    lives on in their path; a numbered one with nothing under it stays (an agenda item
    with nothing to say); any other is a line of the text before it."""
    kept: list[ParsedSection] = []
    for index, section in enumerate(sections):
        has_children = index + 1 < len(sections) and sections[index + 1].level > section.level
        if section.paragraphs or has_children:
            kept.append(section)
        elif section.number or not kept:
            kept.append(section)
        else:
            kept[-1].paragraphs.append(section.heading)
            kept[-1].pages.append(section.page_start)
            kept[-1].line_end = max(kept[-1].line_end, section.line_end)
            kept[-1].page_end = section.page_end or kept[-1].page_end
    # A chapter is kept while it has kept sub-sections: they carry it in their path.
    result: list[ParsedSection] = []
    for index, section in enumerate(kept):
        following = kept[index + 1] if index + 1 < len(kept) else None
        if section.paragraphs or section.number and not (following and following.level > section.level):
            result.append(section)
    return result


def _open(
    start: Unit, level: int, heading: str, title: str, number: str | None, path: list[str], kind: str
) -> ParsedSection:
    """A new section beginning at `start` (its heading, or its first paragraph)."""
    notes = [Note(n.number, n.text) for n in start.notes] if start.kind == "heading" else []
    return ParsedSection(
        key="",
        level=level,
        heading=heading,
        title=title,
        number=number,
        path=path,
        kind=kind,
        paragraphs=[],
        paragraph_numbers=[],
        notes=notes,
        line_start=start.first_line,
        line_end=start.last_line,
        page_start=start.page_start,
        page_end=start.page_end,
    )


def _assign_keys(sections: list[ParsedSection]) -> None:
    """A key per section from its heading path; repeated headings get an occurrence count."""
    seen: Counter[str] = Counter()
    for section in sections:
        base = " / ".join([*section.path, section.heading]).casefold()
        seen[base] += 1
        section.key = base if seen[base] == 1 else f"{base} #{seen[base]}"


def title_page(header: list[Unit]) -> ParsedSection | None:
    """The title page's lines as a section of front matter, so that nothing printed is
    lost: the masthead, the title, the list of those present."""
    units = [unit for unit in header if unit.text.strip()]
    if not units:
        return None
    section = _open(units[0], 1, OPENING_TEXT, OPENING_TEXT, None, [], "front_matter")
    section.key = "(title page)"
    for unit in units:
        section.paragraphs.append(unit.text)
        section.pages.append(unit.page_start)
        if unit.kind == "table" and unit.rows:
            section.tables.append(Table(len(section.paragraphs) - 1, unit.rows))
        section.line_end = max(section.line_end, unit.last_line)
        section.page_end = unit.page_end if unit.page_end is not None else section.page_end
    return section
