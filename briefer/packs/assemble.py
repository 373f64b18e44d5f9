"""assemble(pack, library) -> blocks: the one place that decides what a built pack holds.

The writers render the blocks and never query the library, so a pack built to Word and to
PDF says the same thing. The result depends only on the pack, the template and the
library's content, never on the clock: a pack rebuilt later, on an unchanged library,
gives the same document.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from briefer.errors import NotFoundError, UsageError
from briefer.ir.blocks import (
    Block,
    Contents,
    ContentsEntry,
    Cover,
    Document,
    DocumentInfo,
    KeyMessages,
    Note,
    NotesSpace,
    Paragraph,
    PartHeading,
    QuestionAnswer,
    QuestionsAnswers,
    SectionHeading,
    SourceEntry,
    SourceLine,
    SourcesList,
    Table,
    Title,
)
from briefer.ir.templates import Template, find_template
from briefer.library.index import SectionFilter
from briefer.library.models import Meeting, Section
from briefer.library.models import Table as SectionTable
from briefer.library.repository import Library
from briefer.packs.model import Pack, PackItem, SavedSearch
from briefer.packs.numbering import Numbering
from briefer.packs.wording import date_range, long_date, meeting_citation, printed_heading, source_line

SOURCES_TITLE = "Annex: Sources"


@dataclass(slots=True)
class Assembly:
    document: Document
    section_ids: list[str]  # every excerpt in the pack, in order
    pulled: dict[str, list[str]] = field(default_factory=dict)  # saved search label -> section ids
    new_since_last_build: list[str] | None = None  # None when the pack was never built
    damaged: list[str] = field(default_factory=list)  # excerpts printed with text missing in the source


@dataclass(slots=True)
class _Entry:
    """One item of the outline, resolved: a written item, or a section with its meeting."""

    item: PackItem
    section: Section | None = None
    meeting: Meeting | None = None


def assemble(pack: Pack, library: Library, template: Template | None = None) -> Assembly:
    template = template or find_template(pack.template)
    entries, pulled = _resolve(pack, library)
    section_ids = [e.section.id for e in entries if e.section]
    if not entries and pack.searches:
        raise UsageError(
            f"no section matches the searches of the pack '{pack.title}'; "
            "'briefer themes' shows how many sections each theme has"
        )
    if not entries:
        raise UsageError(
            f"the pack '{pack.title}' is empty; add sections, headings or notes to it before building"
        )
    if template.condensed:  # speaking notes: the lines to take come first
        entries.sort(key=lambda e: e.item.kind != "key_messages")
    layout = _Layout(template)
    for entry in entries:
        layout.add(entry)
    if template.sources_annex and section_ids:
        layout.part(SOURCES_TITLE, numbered=False, anchor="sources", new_page=True)
        layout.blocks.append(SourcesList(_sources(entries)))
    blocks: list[Block] = []
    if template.cover:
        blocks.append(_cover(pack))
    else:
        blocks.append(Title(pack.title, pack.subtitle))
    if template.contents and layout.contents:
        blocks.append(Contents(tuple(layout.contents)))
    blocks.extend(layout.blocks)
    info = DocumentInfo(
        title=pack.title,
        marking=pack.marking.strip(),
        draft=pack.draft,
        page_size=pack.page_size,
        author=pack.author,
        subject=pack.meeting.name,
        date=pack.date,
    )
    last = library.last_build(pack.id)
    new = None if last is None else [s for s in section_ids if s not in set(last["section_ids"])]
    return Assembly(Document(info, blocks), section_ids, pulled, new)


# --- which sections ---------------------------------------------------------------------------


def _resolve(pack: Pack, library: Library) -> tuple[list[_Entry], dict[str, list[str]]]:
    """The pinned items in order, then, under a part heading each, what the saved searches find."""
    entries: list[_Entry] = []
    missing: list[str] = []
    meetings: dict[str, Meeting] = {}
    for item in pack.items:
        if item.kind != "section":
            entries.append(_Entry(item))
            continue
        try:
            section = library.section(item.section_id or "")
        except NotFoundError:
            missing.append(item.section_id or "(none)")
            continue
        entries.append(_Entry(item, section, _meeting(library, meetings, section.meeting_id)))
    if missing:
        raise NotFoundError(
            f"the pack '{pack.title}' names {len(missing)} section(s) the library does not hold "
            f"({', '.join(missing[:5])}); remove them from the pack, or add the reports they came from "
            "to the library again"
        )
    pinned = {e.section.id for e in entries if e.section}
    pulled: dict[str, list[str]] = {}
    for search in pack.searches:
        found = _run(search, library, pinned, meetings)
        pinned.update(s.id for s in found)
        pulled[search.label] = [s.id for s in found]
        if found:
            entries.append(_Entry(PackItem.heading(search.label)))
            entries.extend(
                _Entry(PackItem.section(s.id), s, _meeting(library, meetings, s.meeting_id)) for s in found
            )
    return entries, pulled


def _run(
    search: SavedSearch, library: Library, pinned: set[str], meetings: dict[str, Meeting]
) -> list[Section]:
    """The search's best matches not already in the pack, in the order of the meetings and
    the reports."""
    found: dict[str, Section] = {}
    for meeting_id in search.meetings or [None]:
        selection = SectionFilter(
            themes=list(search.themes),
            all_themes=search.all_themes,
            meeting_id=meeting_id,
            date_from=search.date_from,
            date_to=search.date_to,
            query=search.query or None,
        )
        for hit in library.search(selection, limit=search.limit + len(pinned)).hits:
            if hit.section.id not in pinned:
                found.setdefault(hit.section.id, hit.section)
    best = list(found.values())[: search.limit]

    def reading_order(section: Section) -> tuple[str, str, int]:
        start = _meeting(library, meetings, section.meeting_id).start_date
        return start or "9999", section.meeting_id, section.ordinal

    return sorted(best, key=reading_order)


def _meeting(library: Library, cache: dict[str, Meeting], meeting_id: str) -> Meeting:
    if meeting_id not in cache:
        cache[meeting_id] = library.meeting(meeting_id)
    return cache[meeting_id]


# --- what the blocks say --------------------------------------------------------------------


class _Layout:
    """Numbers the parts and sections, gives each heading an anchor, lists the contents."""

    def __init__(self, template: Template) -> None:
        self.template = template
        self.blocks: list[Block] = []
        self.contents: list[ContentsEntry] = []
        self.numbering = Numbering()
        self.anchors = 0

    def _anchor(self) -> str:
        self.anchors += 1
        return f"h{self.anchors}"

    def part(self, title: str, numbered: bool, anchor: str | None = None, new_page: bool = False) -> None:
        number = self.numbering.part(numbered)
        anchor = anchor or self._anchor()
        new_page = new_page or (self.template.part_new_page and bool(self.blocks))
        self.blocks.append(PartHeading(title, anchor, number, new_page))
        self.contents.append(ContentsEntry(1, self.blocks[-1].label, anchor))

    def section_heading(self, title: str, numbered: bool) -> None:
        number = self.numbering.section(numbered)
        anchor = self._anchor()
        self.blocks.append(SectionHeading(title, anchor, 2, number))
        self.contents.append(ContentsEntry(2, self.blocks[-1].label, anchor))

    def add(self, entry: _Entry) -> None:
        item = entry.item
        if item.kind == "heading":
            self.part(item.title, item.numbered)
        elif entry.section is not None and entry.meeting is not None:
            self.excerpt(item, entry.section, entry.meeting)
        elif item.kind in ("notes", "objectives"):
            if item.text.strip():
                self.blocks.append(Note(item.display_title, item.text.strip(), item.kind))
        elif item.kind == "key_messages":
            messages = tuple(m.strip() for m in item.messages if m.strip())
            if messages:
                self.blocks.append(KeyMessages(item.display_title, messages))
        elif item.kind == "qa":
            pairs = tuple(
                QuestionAnswer(q.question.strip(), q.answer.strip()) for q in item.qa if q.question.strip()
            )
            if pairs:
                self.blocks.append(QuestionsAnswers(item.display_title, pairs))

    def excerpt(self, item: PackItem, section: Section, meeting: Meeting) -> None:
        self.section_heading(
            item.title or printed_heading(section.heading, section.number, item.numbered), item.numbered
        )
        body = [_body_block(p) for p in section.paragraphs() if isinstance(p, SectionTable) or p.strip()]
        if self.template.condensed:  # the first paragraph, be it a table
            body = body[:1]
        self.blocks.extend(body)
        self.blocks.append(SourceLine(source_line(section, meeting)))
        if section.note and not self.template.condensed:
            self.blocks.append(Note("Note", section.note))
        if self.template.notes_space:
            self.blocks.append(NotesSpace(self.template.notes_space))


def _body_block(paragraph: str | SectionTable) -> Paragraph | Table:
    """A paragraph of an excerpt as printed: its text, or its table."""
    if isinstance(paragraph, SectionTable):
        return Table(paragraph.rows, header=paragraph.header)
    return Paragraph(paragraph.strip())


def _cover(pack: Pack) -> Cover:
    return Cover(
        title=pack.title,
        subtitle=pack.subtitle,
        meeting=pack.meeting.name,
        place=pack.meeting.place,
        dates=date_range(pack.meeting.start_date, pack.meeting.end_date),
        delegation=pack.delegation,
        author=pack.author,
        date=long_date(pack.date),
        marking=pack.marking.strip(),
        draft=pack.draft,
    )


def _sources(entries: list[_Entry]) -> tuple[SourceEntry, ...]:
    """Every meeting quoted, with its report and how many excerpts come from it (one row a
    meeting: a file holding several reports gives several rows, each with its own date)."""
    rows: dict[tuple[str, str], list] = {}
    for entry in entries:
        if entry.section is None or entry.meeting is None:
            continue
        key = (entry.section.source_file, entry.meeting.id)
        rows.setdefault(key, [entry.meeting, 0])[1] += 1
    ordered = sorted(rows.items(), key=lambda pair: (pair[1][0].start_date or "9999", pair[0]))
    return tuple(
        SourceEntry(
            file, meeting_citation(meeting), meeting.symbol or "", long_date(meeting.start_date), count
        )
        for (file, _), (meeting, count) in ordered
    )
