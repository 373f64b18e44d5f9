"""How a pack prints dates, paragraph ranges and the source of an excerpt."""

from __future__ import annotations

import re
from datetime import date

from briefer.library.models import Meeting, Section

_MONTHS = ("January February March April May June July August September October November December").split()
EN_DASH = "\u2013"


def _parse(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def long_date(value: str | None) -> str:
    """ "2007-07-09" -> "9 July 2007"; "" when unknown."""
    day = _parse(value)
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}" if day else ""


def date_range(start: str | None, end: str | None) -> str:
    """ "9–11 July 2007", "30 June – 2 July 2007", "28 December 2007 – 2 January 2008"."""
    first, last = _parse(start), _parse(end)
    if not first:
        return long_date(end)
    if not last or last <= first:
        return long_date(start)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}{EN_DASH}{long_date(end)}"
    if first.year == last.year:
        return f"{first.day} {_MONTHS[first.month - 1]} {EN_DASH} {long_date(end)}"
    return f"{long_date(start)} {EN_DASH} {long_date(end)}"


def number_ranges(numbers: list[str]) -> str:
    """["12", "13", "14", "17"] -> "12–14, 17"; numbers that are not whole numbers stay as given."""
    parts: list[str] = []
    run: list[int] = []

    def close_run() -> None:
        if run:
            parts.append(str(run[0]) if len(run) == 1 else f"{run[0]}{EN_DASH}{run[-1]}")
            run.clear()

    for number in numbers:
        value = number.strip().rstrip(".")
        if value.isdigit():
            if run and int(value) != run[-1] + 1:
                close_run()
            run.append(int(value))
        else:
            close_run()
            parts.append(value)
    close_run()
    return ", ".join(parts)


def printed_heading(heading: str, number: str | None, numbered: bool) -> str:
    """A section's heading as a pack prints it: without the report's own number ("II.")
    when the pack numbers it, so that "2.1" and "II." do not stand side by side."""
    if numbered and number and heading.startswith(number):
        rest = heading[len(number) :]
        if not rest or rest[0] in " .):\t" or number[-1] in ".)":  # "3rd Session" keeps its "3"
            return rest.lstrip(" .):\t") or heading
    return heading


def page_range(first: int | None, last: int | None) -> str:
    if first is None:
        return ""
    if last is None or last == first:
        return f"p. {first}"
    return f"pp. {first}{EN_DASH}{last}"


def meeting_place(meeting: Meeting) -> str:
    return ", ".join(part for part in (meeting.city, meeting.country) if part)


def meeting_citation(meeting: Meeting) -> str:
    """ "Global Forum on Migration and Development (Brussels, Belgium, 9–11 July 2007)"."""
    when = date_range(meeting.start_date, meeting.end_date) or "date not stated"
    details = ", ".join(part for part in (meeting_place(meeting), when) if part)
    return f"{meeting.title or 'Untitled meeting (the report gives no title)'} ({details})"


def meeting_title(meeting: Meeting, annex: bool = True) -> str:
    """The meeting as a source line names it; a report that gives no title says so, and
    where to look (the annex lists the file)."""
    if meeting.title:
        return meeting.title
    return (
        "Untitled meeting (file in the sources annex)"
        if annex
        else f"Untitled meeting in {meeting.source_file}"
    )


_NUMBERED_PARAGRAPH = re.compile(r"\(?(\d+(?:\.\d+)*[a-z]?)[.)]?\s")


def printed_paragraph_numbers(section: Section, printed: list[int]) -> list[str]:
    """The report's paragraph numbers of the paragraphs printed (0-based indexes in
    `section.paragraphs()`): all of the section's when it prints whole, else those the
    printed paragraphs start with."""
    paragraphs = section.text.split("\n\n")
    if len(printed) == len(paragraphs):
        return list(section.paragraph_numbers)
    known = set(section.paragraph_numbers)
    found = []
    for index in printed:
        match = _NUMBERED_PARAGRAPH.match(paragraphs[index].lstrip())
        if match and match.group(1) in known:
            found.append(match.group(1))
    return found


def printed_pages(section: Section, printed: list[int]) -> tuple[int | None, int | None]:
    """The pages the printed paragraphs are on: the section's when it prints whole; else
    from each paragraph's first page where the library knows it, else the section's page
    when it has one only (nothing rather than a range that overstates)."""
    whole = len(printed) == len(section.text.split("\n\n"))
    if whole or not printed:
        return section.page_start, section.page_end
    pages = section.paragraph_pages
    if len(pages) > max(printed):
        return pages[printed[0]], pages[printed[-1]]
    if section.page_start is not None and section.page_start == section.page_end:
        return section.page_start, section.page_end
    return None, None


def source_citation(section: Section, printed: list[int]) -> list[str]:
    """Paragraphs and pages of what is printed, as a citation gives them."""
    parts = []
    numbers = printed_paragraph_numbers(section, printed)
    if numbers:
        parts.append(f"{'para.' if len(numbers) == 1 else 'paras.'} {number_ranges(numbers)}")
    pages = page_range(*printed_pages(section, printed))
    if pages:
        parts.append(pages)
    return parts


def source_line(
    section: Section, meeting: Meeting, printed: list[int] | None = None, annex: bool = True
) -> str:
    """Where an excerpt comes from, short: meeting, symbol, the paragraphs and pages
    printed (all when `printed` is None), date. The file and its lines are in the annex."""
    if printed is None:
        printed = list(range(len(section.text.split("\n\n"))))
    parts = [meeting_title(meeting, annex)]
    if meeting.symbol:
        parts.append(meeting.symbol)
    parts.extend(source_citation(section, printed))
    parts.append(date_range(meeting.start_date, meeting.end_date) or "date not stated")
    return f"Source: {', '.join(parts)}."


def file_lines(section: Section) -> str:
    """Where the excerpt is in its file: pages of a PDF, lines of a text."""
    pages = page_range(section.page_start, section.page_end)
    return pages or f"lines {section.line_start}{EN_DASH}{section.line_end}"


def citation(section: Section, meeting: Meeting, printed: list[int] | None = None) -> str:
    """A ready citation to paste: "IOM, International Dialogue on Migration 2009,
    IC/2009/5, para. 3": who met, the meeting, its symbol, the paragraphs and pages, the
    date when the title does not say the year."""
    if printed is None:
        printed = list(range(len(section.text.split("\n\n"))))
    parts = [", ".join(meeting.organizers)] if meeting.organizers else []
    parts.append(meeting_title(meeting, annex=False))
    if meeting.symbol:
        parts.append(meeting.symbol)
    parts.extend(source_citation(section, printed))
    year = (meeting.start_date or "")[:4]
    if not year or year not in (meeting.title or ""):
        parts.append(date_range(meeting.start_date, meeting.end_date) or "date not stated")
    return ", ".join(part for part in parts if part)
