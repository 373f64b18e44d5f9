"""What a build tells the officer before the pack goes out: the excerpts printed with text
missing in the source (issue 14, item 1), so that each can be dropped or put right first.

The assembly lists them (`Assembly.damaged`, each printed with "[text missing in the
source]" where the report lost words); this says which they are in words the officer can
act on: the excerpt's heading, its meeting, where in the report to look, and what to do.
The command line prints `report_lines`; the build dialog shows the same entries.
"""

from __future__ import annotations

from dataclasses import dataclass

from briefer.library.repository import Library
from briefer.packs.assemble import Assembly
from briefer.packs.wording import file_lines

WHAT_TO_DO = (
    "the source lost text there: drop the excerpt from the pack, or check the original report "
    "at the place given and write the missing words in a note of your own"
)


@dataclass(frozen=True, slots=True)
class DamagedExcerpt:
    """An excerpt printed with text missing in the source."""

    section_id: str
    heading: str
    meeting: str
    where: str  # the report's file, with the pages (PDF) or lines the excerpt comes from
    places: int  # how many places in it lost text

    def line(self) -> str:
        places = f"{self.places} place{'s' if self.places != 1 else ''}"
        return f"'{self.heading}' ({self.meeting}; {self.where}): text missing in {places}"


def damaged_excerpts(assembly: Assembly, library: Library) -> list[DamagedExcerpt]:
    """The excerpts of the assembly printed with text missing in the source, in pack order."""
    found = []
    for section_id in assembly.damaged:
        section = library.section(section_id)
        meeting = library.meeting(section.meeting_id)
        found.append(
            DamagedExcerpt(
                section_id,
                section.heading,
                meeting.label if meeting else "meeting unknown",
                f"{section.source_file}, {file_lines(section)}",
                max(1, len(section.gaps)),
            )
        )
    return found


def report_lines(damaged: list[DamagedExcerpt]) -> list[str]:
    """The build report's lines about them (none when every excerpt is whole)."""
    if not damaged:
        return []
    count = len(damaged)
    lines = [
        f"  {count} excerpt{'s' if count != 1 else ''} printed with text missing in the source "
        "(marked '[text missing in the source]'); check before printing:"
    ]
    lines.extend(f"    {excerpt.section_id}  {excerpt.line()}" for excerpt in damaged)
    lines.append(f"    What to do: {WHAT_TO_DO}.")
    return lines
