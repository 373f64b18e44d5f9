"""assemble(pack, library) -> blocks: the one place that decides what a built pack holds.

The writers render the blocks and never query the library, so a pack built to Word and to
PDF says the same thing. The result depends only on the pack, the template and the
library's content, never on the clock: a pack rebuilt later, on an unchanged library,
gives the same document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from briefer.errors import NotFoundError, UsageError
from briefer.ir.blocks import (
    MISSING_TEXT,
    OMITTED_TEXT,
    Block,
    Contents,
    ContentsEntry,
    Cover,
    Document,
    DocumentInfo,
    KeyMessages,
    Note,
    NotesSpace,
    PageBreak,
    Paragraph,
    PartHeading,
    QuestionAnswer,
    QuestionsAnswers,
    Run,
    SectionHeading,
    SourceEntry,
    SourceExcerpt,
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
from briefer.packs.model import BRIEF_KINDS, Pack, PackItem, SavedSearch
from briefer.packs.numbering import Numbering
from briefer.packs.wording import (
    date_range,
    file_lines,
    long_date,
    meeting_citation,
    printed_heading,
    source_citation,
    source_line,
)

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
    # The brief's own blocks first, as its reader expects: objectives, key messages, if
    # raised (speaking notes: the lines to take first of all).
    order = ("key_messages", *BRIEF_KINDS) if template.condensed else BRIEF_KINDS
    entries.sort(key=lambda e: order.index(e.item.kind) if e.item.kind in order else len(order))
    layout = _Layout(template)
    for entry in entries:
        if entry.item.shown_to in template.audiences:
            layout.add(entry)
    if template.sources_annex and layout.excerpts:
        layout.part(SOURCES_TITLE, numbered=False, anchor="sources", new_page=True)
        layout.blocks.append(SourcesList(_sources(layout.excerpts)))
    blocks: list[Block] = []
    if template.cover:
        blocks.append(_cover(pack))
    else:
        blocks.append(_title(pack))
    if template.contents and layout.contents:
        blocks.append(Contents(tuple(_told_apart(layout.contents, layout.meeting_of))))
    blocks.extend(layout.blocks)
    info = DocumentInfo(
        title=pack.title,
        marking=pack.marking.strip(),
        draft=pack.draft and not pack.final,
        page_size=pack.page_size,
        author=pack.author,
        subject=pack.meeting.name,
        date=pack.date,
    )
    last = library.last_build(pack.id)
    new = None if last is None else [s for s in section_ids if s not in set(last["section_ids"])]
    return Assembly(Document(info, blocks), section_ids, pulled, new, layout.damaged)


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


@dataclass(frozen=True, slots=True)
class _Printed:
    """An excerpt as the pack prints it, for the sources annex: its heading, and the
    indexes of the paragraphs printed."""

    section: Section
    meeting: Meeting
    heading: SectionHeading
    printed: list[int]


class _Layout:
    """Numbers the parts and sections, gives each heading an anchor, lists the contents."""

    def __init__(self, template: Template) -> None:
        self.template = template
        self.blocks: list[Block] = []
        self.contents: list[ContentsEntry] = []
        self.numbering = Numbering()
        self.anchors = 0
        self.excerpts: list[_Printed] = []
        self.damaged: list[str] = []
        self.meeting_of: dict[str, Meeting] = {}  # an excerpt's anchor -> its meeting

    def _anchor(self) -> str:
        self.anchors += 1
        return f"h{self.anchors}"

    def _card(self) -> None:
        """Speaking notes on cards: what follows starts a page of its own."""
        if self.template.cards and self.blocks and not isinstance(self.blocks[-1], PageBreak | PartHeading):
            self.blocks.append(PageBreak())  # (a part heading goes on its first item's card)

    def part(self, title: str, numbered: bool, anchor: str | None = None, new_page: bool = False) -> None:
        self._card()
        number = self.numbering.part(numbered)
        anchor = anchor or self._anchor()
        new_page = new_page or (self.template.part_new_page and bool(self.blocks))
        self.blocks.append(PartHeading(title, anchor, number, new_page))
        self.contents.append(ContentsEntry(1, self.blocks[-1].label, anchor))

    def section_heading(self, title: str, numbered: bool) -> SectionHeading:
        heading = SectionHeading(title, self._anchor(), 2, self.numbering.section(numbered))
        self.blocks.append(heading)
        self.contents.append(ContentsEntry(2, heading.label, heading.anchor))
        return heading

    def brief_block(self, title: str) -> str:
        """An anchor for a block of the brief itself, listed in the contents and bookmarks."""
        anchor = self._anchor()
        self.contents.append(ContentsEntry(1, title, anchor))
        return anchor

    def add(self, entry: _Entry) -> None:
        item = entry.item
        if item.kind == "heading":
            self.part(item.title, item.numbered)
        elif entry.section is not None and entry.meeting is not None:
            self._card()
            self.excerpt(item, entry.section, entry.meeting)
        elif item.kind in ("notes", "objectives"):
            if item.text.strip():
                self._card()
                anchor = self.brief_block(item.display_title) if item.kind == "objectives" else ""
                self.blocks.append(Note(item.display_title, item.text.strip(), item.kind, anchor))
        elif item.kind == "key_messages":
            self.key_messages(item)
        elif item.kind == "qa":
            pairs = tuple(
                QuestionAnswer(q.question.strip(), q.answer.strip()) for q in item.qa if q.question.strip()
            )
            if pairs:
                self._card()
                anchor = self.brief_block(item.display_title)
                self.blocks.append(QuestionsAnswers(item.display_title, pairs, anchor))

    def key_messages(self, item: PackItem) -> None:
        messages = tuple(m.strip() for m in item.messages if m.strip())
        if not messages:
            return
        anchor = self.brief_block(item.display_title)
        if not self.template.cards:
            self.blocks.append(KeyMessages(item.display_title, messages, anchor))
            return
        for number, message in enumerate(messages, 1):  # a card each
            self._card()
            title = (
                f"{item.display_title} ({number} of {len(messages)})"
                if len(messages) > 1
                else item.display_title
            )
            # each card its own anchor (the running head, a bookmark); the contents list the first
            self.blocks.append(KeyMessages(title, (message,), anchor if number == 1 else self._anchor()))

    def excerpt(self, item: PackItem, section: Section, meeting: Meeting) -> None:
        title = item.title or printed_heading(section.heading, section.number, item.numbered)
        heading = self.section_heading(title, item.numbered)
        self.meeting_of[heading.anchor] = meeting
        paragraphs = section.paragraphs()
        printed = [i for i, p in enumerate(paragraphs) if isinstance(p, SectionTable) or p.strip()]
        chosen = set(item.paragraphs)
        kept = [i for i in printed if i in chosen]
        printed = kept or printed  # (none of those chosen left, the report re-read: all)
        if self.template.condensed:  # the first paragraph, be it a table
            printed = printed[:1]
        notes = {note.get("number", ""): note.get("text", "") for note in section.notes}
        gaps: dict[int, list[tuple[int, int]]] = {}
        for paragraph, offset, length in section.gaps:
            gaps.setdefault(paragraph, []).append((offset, length))
        last = -1
        for index in printed:
            if kept and index > last + 1 and not self.template.condensed:
                self.blocks.append(Paragraph(OMITTED_TEXT))  # paragraphs the brief leaves out
            block = _body_block(paragraphs[index], notes, gaps.get(index, []))
            if isinstance(block, Paragraph) and block.damaged and section.id not in self.damaged:
                self.damaged.append(section.id)
            self.blocks.append(block)
            last = index
        if (
            kept
            and not self.template.condensed
            and any(p.strip() for p in paragraphs[last + 1 :] if isinstance(p, str))
        ):
            self.blocks.append(Paragraph(OMITTED_TEXT))
        self.blocks.append(SourceLine(source_line(section, meeting, printed, self.template.sources_annex)))
        self.excerpts.append(_Printed(section, meeting, heading, printed))
        if item.comment.strip() and item.comment_audience in self.template.audiences:
            self.blocks.append(Note("Comment", item.comment.strip(), "comment"))
        if section.note and not self.template.condensed and "internal" in self.template.audiences:
            self.blocks.append(Note("Note", section.note))  # the officer's own note: internal
        if self.template.notes_space:
            self.blocks.append(NotesSpace(self.template.notes_space))


# A footnote reference in the library's text: superscript digits where the report had them.
_REFERENCE = re.compile("[\u2070\u00b9\u00b2\u00b3\u2074-\u2079]+")
_DIGITS = str.maketrans("\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079", "0123456789")
# A unit with a power ("km²", "m³") is no reference: it stays as it is.
_UNIT = re.compile(r"\b(?:[kcmd]?m|ft|in)\Z")


def _body_block(
    paragraph: str | SectionTable, notes: dict[str, str], gaps: list[tuple[int, int]]
) -> Paragraph | Table:
    """A paragraph of an excerpt as printed: its table, or its text in runs. A reference
    whose note the library holds is that footnote; one without its note is left out (a
    marker must not point at nothing); where the source lost text, the pack says so."""
    if isinstance(paragraph, SectionTable):
        return Table(paragraph.rows, header=paragraph.header)
    marks: list[tuple[int, int, Run | None]] = [(o, o + n, Run(kind="missing")) for o, n in gaps]
    for match in _REFERENCE.finditer(paragraph):
        if _UNIT.search(paragraph, 0, match.start()):  # (no copy of the text before it)
            continue
        note = notes.get(match.group().translate(_DIGITS))
        marks.append((match.start(), match.end(), Run(kind="note", note=note) if note else None))
    if not marks:
        return Paragraph(paragraph.strip())
    runs: list[Run] = []
    position = 0
    for start, end, run in sorted(marks, key=lambda mark: mark[:2]):
        if start < position:
            continue  # marks that overlap: the first wins
        if start > position:
            runs.append(Run(paragraph[position:start]))
        if run is not None:
            runs.append(run)
        position = end
    runs.append(Run(paragraph[position:]))
    runs = _stripped(runs)
    text = "".join(MISSING_TEXT if run.kind == "missing" else run.text for run in runs)
    return Paragraph(text, runs=tuple(runs))


def _stripped(runs: list[Run]) -> list[Run]:
    """The runs without the paragraph's leading and trailing blanks, nor empty text, and
    text lost in the source set apart by spaces ("prevent te [text missing in the source]")."""
    for index, run in enumerate(runs):
        if run.kind != "missing":
            continue
        before, after = runs[index - 1] if index else None, runs[index + 1] if index + 1 < len(runs) else None
        if before is not None and before.kind == "text" and before.text and not before.text[-1].isspace():
            runs[index - 1] = Run(before.text + " ")
        if after is not None and after.kind == "text" and after.text and after.text[0].isalnum():
            runs[index + 1] = Run(" " + after.text)
    if runs and runs[0].kind == "text":
        runs[0] = Run(runs[0].text.lstrip())
    if runs and runs[-1].kind == "text":
        runs[-1] = Run(runs[-1].text.rstrip())
    return [run for run in runs if run.kind != "text" or run.text]


def _told_apart(entries: list[ContentsEntry], meeting_of: dict[str, Meeting]) -> list[ContentsEntry]:
    """Excerpts' contents entries that would read the same ("Summary of Discussions" three
    times) say which meeting each is from."""

    def wording(entry: ContentsEntry) -> str:
        return entry.text.split(". ", 1)[-1] if entry.anchor in meeting_of else entry.text

    times: dict[str, int] = {}
    for entry in entries:
        times[wording(entry)] = times.get(wording(entry), 0) + 1
    told = []
    for entry in entries:
        meeting = meeting_of.get(entry.anchor)
        if meeting is not None and times[wording(entry)] > 1:
            which = ", ".join(
                p for p in (meeting.title or meeting.source_file, (meeting.start_date or "")[:4]) if p
            )
            entry = ContentsEntry(entry.level, f"{entry.text} ({which})", entry.anchor)
        told.append(entry)
    return told


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
        draft=pack.draft and not pack.final,
    )


def _title(pack: Pack) -> Title:
    """A pack without a cover (a handout) says on its first page what it is for and when
    it was issued."""
    issued = long_date(pack.date)
    return Title(
        pack.title,
        pack.subtitle,
        meeting=pack.meeting.name,
        place=pack.meeting.place,
        dates=date_range(pack.meeting.start_date, pack.meeting.end_date),
        issued=f"Issued {issued}" if issued else "",
    )


def _sources(excerpts: list[_Printed]) -> tuple[SourceEntry, ...]:
    """Every meeting quoted, by its title, with its report and the excerpts taken from it
    (one row a meeting: a file holding several reports gives several rows, each with its
    own date)."""
    rows: dict[tuple[str, str], list[_Printed]] = {}
    for excerpt in excerpts:
        rows.setdefault((excerpt.section.source_file, excerpt.meeting.id), []).append(excerpt)
    ordered = sorted(rows.items(), key=lambda pair: (pair[1][0].meeting.start_date or "9999", pair[0]))
    return tuple(
        SourceEntry(
            file,
            meeting_citation(taken[0].meeting),
            taken[0].meeting.symbol or "",
            long_date(taken[0].meeting.start_date),
            len(taken),
            tuple(
                SourceExcerpt(e.heading.label, e.heading.anchor, _where(e.section, e.printed)) for e in taken
            ),
        )
        for (file, _), taken in ordered
    )


def _where(section: Section, printed: list[int]) -> str:
    """Where an excerpt is in its file: the paragraphs and pages printed, and a text's
    lines (a text has no pages)."""
    parts = source_citation(section, printed)
    if section.page_start is None:
        parts.append(file_lines(section))
    return ", ".join(parts)
