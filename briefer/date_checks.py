"""Dates as users give them: the one check of a full date and of a meeting's range.

The pack model, the library's meeting corrections, the command line and the app's forms
all ask these, so that a date is refused (or taken) the same way everywhere.
"""

from __future__ import annotations

import re
from datetime import date

from briefer.errors import UsageError

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def date_problem(value: str) -> str:
    """Why `value` is not a real date written YYYY-MM-DD ("" when it is)."""
    if not _ISO_DATE.fullmatch(value.strip()):
        return f"'{value}' is not a date; write it as YYYY-MM-DD, e.g. 2027-01-12"
    try:
        date.fromisoformat(value.strip())
    except ValueError:
        return f"'{value}' is no day of the calendar; check the month and the day"
    return ""


def check_date(value: str) -> str:
    """`value`, stripped, if it is a real date written YYYY-MM-DD; else a UsageError."""
    problem = date_problem(value)
    if problem:
        raise UsageError(problem)
    return value.strip()


def range_problem(start: str | None, end: str | None) -> str:
    """Why a meeting from `start` to `end` cannot be ("" when it can, or a date is missing)."""
    if start and end and end < start:
        return f"the meeting cannot end ({end}) before it starts ({start}); fix the dates"
    return ""


def check_range(start: str | None, end: str | None) -> None:
    problem = range_problem(start, end)
    if problem:
        raise UsageError(problem)
