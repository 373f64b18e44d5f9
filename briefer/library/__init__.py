"""The library: TinyDB files of meetings, sections and the user's edits, in one folder."""

from briefer.library.index import Hit, SearchResult, SectionFilter
from briefer.library.models import Meeting, Section, Table, ThemeTag
from briefer.library.repository import IngestOutcome, Library

__all__ = [
    "Hit",
    "IngestOutcome",
    "Library",
    "Meeting",
    "SearchResult",
    "Section",
    "SectionFilter",
    "Table",
    "ThemeTag",
]
