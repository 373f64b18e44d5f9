"""How long a pack will be: words, printed pages and reading time, before it is built.

A rough guide shown while the user composes the pack, so it never queries the library:
the caller gives the word count of each section.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from briefer.ir.templates import Template
from briefer.library.models import Section, Table
from briefer.packs.model import Pack, PackItem

WORDS_PER_PAGE = 330  # an A4 page of body text at 11 pt, in a measure of about 72 characters
BASE_SIZE = 11.0
WORDS_PER_MINUTE = 200
SECTION_SPACE = 40  # a section's heading and source line take the room of about 40 words
HEADING_SPACE = 25  # a part heading with the space around it
WRITTEN_SPACE = 15  # a written block's title and box
NOTES_LINE_SPACE = 12  # one ruled line for handwritten notes
CONDENSED_WORDS = 90  # speaking notes print a section's first paragraph only
CONTENTS_ENTRIES_PER_PAGE = 35

_DEFAULT_TEMPLATE = Template(id="default", folder=Path("."), name="default")


@dataclass(frozen=True, slots=True)
class Estimate:
    words: int
    pages: int
    minutes: int


def estimate(pack: Pack, words_by_section: Mapping[str, int], template: Template | None = None) -> Estimate:
    """Words of the excerpts and of the user's own blocks; pages and reading minutes.

    Assumptions: about 330 words fill an A4 page at 11 pt, and a page holds fewer words as
    the type grows (with the square of the size: fewer words a line, fewer lines a page);
    headings, source lines and ruled notes space take room as if they were words; a table
    counts as the words of its cells (`section_words`); the cover, the contents and the
    sources annex start pages of their own; a template that starts each part on a new page
    leaves half a page empty on average before each part; speaking notes keep only the first
    paragraph of each excerpt. People read about 200 words a minute.
    Sections pulled in by saved searches are not known before the build and are not counted;
    neither are sections missing from `words_by_section`.
    """
    if not pack.items:
        return Estimate(0, 0, 0)
    template = template or _DEFAULT_TEMPLATE
    section_ids = pack.section_ids()
    excerpt_words = [max(0, words_by_section.get(sid, 0)) for sid in section_ids]
    if template.condensed:
        excerpt_words = [min(words, CONDENSED_WORDS) for words in excerpt_words]
    written = [item for item in pack.items if item.kind not in ("section", "heading")]
    words = sum(excerpt_words) + sum(written_words(item) for item in written)
    parts = sum(1 for item in pack.items if item.kind == "heading")
    room = (
        words
        + len(section_ids) * (SECTION_SPACE + template.notes_space * NOTES_LINE_SPACE)
        + parts * HEADING_SPACE
        + len(written) * WRITTEN_SPACE
    )
    per_page = WORDS_PER_PAGE * (BASE_SIZE / max(template.body_size, 1.0)) ** 2
    pages = math.ceil(room / per_page + (0.5 * max(parts - 1, 0) if template.part_new_page else 0))
    pages = max(pages, 1) + _front_and_back_pages(template, len(section_ids), parts)
    return Estimate(words=words, pages=pages, minutes=math.ceil(words / WORDS_PER_MINUTE))


def section_words(section: Section) -> int:
    """The words a section prints: in a table, the words of its cells (not the " | "
    between them in the section's text)."""
    return sum(
        sum(len(cell.split()) for row in piece.rows for cell in row)
        if isinstance(piece, Table)
        else len(piece.split())
        for piece in section.paragraphs()
    )


def written_words(item: PackItem) -> int:
    """Words the user wrote in a block: its text, its messages or its questions and answers."""
    pieces = [item.text, *item.messages, *(f"{qa.question} {qa.answer}" for qa in item.qa)]
    return sum(len(piece.split()) for piece in pieces)


def _front_and_back_pages(template: Template, sections: int, parts: int) -> int:
    pages = 1 if template.cover else 0
    entries = sections + parts + (1 if template.sources_annex and sections else 0)
    if template.contents and entries:
        pages += math.ceil(entries / CONTENTS_ENTRIES_PER_PAGE)
    if template.sources_annex and sections:
        pages += 1
    return pages
