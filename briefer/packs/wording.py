"""How a pack prints dates, paragraph ranges and the source of an excerpt."""

from __future__ import annotations

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
        return heading[len(number) :].lstrip(" .):\t") or heading
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
    details = ", ".join(
        part for part in (meeting_place(meeting), date_range(meeting.start_date, meeting.end_date)) if part
    )
    return f"{meeting.label} ({details})" if details else meeting.label


def source_line(section: Section, meeting: Meeting) -> str:
    """Where an excerpt comes from, precise enough to find it again in the report."""
    parts = [meeting_citation(meeting)]
    if meeting.symbol:
        parts.append(meeting.symbol)
    paragraphs = number_ranges(section.paragraph_numbers)
    if paragraphs:
        label = "para." if len(section.paragraph_numbers) == 1 else "paras."
        parts.append(f"{label} {paragraphs}")
    pages = page_range(section.page_start, section.page_end)
    if pages:
        parts.append(pages)
    lines = f"lines {section.line_start}{EN_DASH}{section.line_end}" if section.page_start is None else ""
    where = f"{section.source_file}, {lines}" if lines else section.source_file
    return f"Source: {', '.join(parts)}. File: {where}."
