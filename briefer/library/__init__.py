"""The library: TinyDB files of meetings, sections and the user's edits, in one folder."""

from briefer.library.models import Meeting, Section, ThemeTag
from briefer.library.repository import IngestOutcome, Library, SectionFilter

__all__ = ["IngestOutcome", "Library", "Meeting", "Section", "SectionFilter", "ThemeTag"]
