"""The ingest pipeline: file -> read -> lay out -> meetings and sections -> metadata -> themes."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from briefer.errors import InputFileError, shown_path
from briefer.ingest import clean
from briefer.ingest.document import MeetingMetadata, Note, ParsedDocument, ParsedMeeting
from briefer.ingest.gaps import Written, compact, mend_section
from briefer.ingest.layout import lay_out
from briefer.ingest.metadata import read_metadata, running_head_symbol, smart_title, title_page_units
from briefer.ingest.places import Gazetteer, default_gazetteer
from briefer.ingest.readers import SUPPORTED_SUFFIXES, RawDocument, read_document
from briefer.ingest.segment import OPENING_TEXT, MeetingDraft, build_sections, split_meetings, title_page
from briefer.ingest.themes import Lexicon, default_lexicon
from briefer.ingest.typeset import assign_levels
from briefer.ingest.units import Layout, ends_sentence
from briefer.ingest.vocabulary import language_of

_ACRONYM_RE = re.compile(r"\b[A-Z][A-Z0-9&]{1,9}s?\b")
_ABOUT_RE = re.compile(r"^about\s+(?:the\s+)?(?P<name>[A-Z][\w&]{1,15})$", re.IGNORECASE)


def find_inputs(paths: Iterable[Path]) -> Iterator[Path]:
    """Files to ingest: the files given, and the supported files inside folders given.

    Hidden files and Office lock files ("~$report.docx") inside folders are skipped; a
    file named directly is always returned, so that its problem gets reported.
    """
    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith((".", "~$")):
                        continue
                    candidate = Path(root) / name
                    if candidate.suffix.lower() in SUPPORTED_SUFFIXES:
                        yield candidate
        else:
            yield path


def document_acronyms(layout: Layout) -> set[str]:
    """Words a document writes in capitals inside ordinary sentences: its acronyms."""
    acronyms: set[str] = set()
    for unit in layout.units:
        if unit.kind == "paragraph" and any(ch.islower() for ch in unit.text):
            acronyms.update(_ACRONYM_RE.findall(unit.text))
    return acronyms


_WORD_EDGES = "“”‘’\"'(),:;.?!«»"


def document_names(layout: Layout) -> set[str]:
    """Words a document capitalizes inside its sentences and never writes in lower case
    (casefolded): the names a heading set in capitals keeps in sentence case."""
    capitalized: set[str] = set()
    lower: set[str] = set()
    for unit in layout.units:
        if unit.kind != "paragraph":
            continue
        words = unit.text.split()
        for before, word in zip(words, words[1:], strict=False):
            core = word.strip(_WORD_EDGES)
            if not core[:1].isalpha():
                continue
            if core.islower():
                lower.add(core.casefold())
            elif core.istitle() and not ends_sentence(before) and not before.endswith(":"):
                capitalized.add(core.casefold())
    return capitalized - lower


def parse_document(
    path: Path, lexicon: Lexicon | None = None, gazetteer: Gazetteer | None = None
) -> ParsedDocument:
    """Read one file into meetings and sections. Raises InputFileError on bad input."""
    lexicon = lexicon or default_lexicon()
    gazetteer = gazetteer or default_gazetteer()
    raw = read_document(path)
    written = _written_marks(raw)  # (before the layout cleans the PDF's lines in place)
    layout = _lay_out(raw)
    acronyms, names = document_acronyms(layout), document_names(layout)
    language = language_of(" ".join(u.text for u in layout.units if u.kind == "paragraph"))
    meetings: list[ParsedMeeting] = []
    publisher: str | None = None
    # A text file may hold several reports, told apart by its words; a PDF or a Word file
    # is one, unless its pages say otherwise (the symbol atop them changes).
    laid_out = raw.pages is not None or raw.word is not None
    if laid_out:
        bounds = [0, *layout.starts, len(layout.units)]
        drafts = [MeetingDraft(units=layout.units[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]
    else:
        drafts = split_meetings(layout.units)
    for index, draft in enumerate(drafts):
        header, report = draft.split_header()
        if raw.kind != "text":
            assign_levels(report)  # the report's own hierarchy, the title page aside
        sections = build_sections(report, first_meeting=index == 0)
        cover = title_page(header) if raw.kind != "text" else None
        if not sections and cover is not None:
            # A slide deck, a form, a memo: no report begins, yet every word is kept,
            # as the document's one section.
            cover.kind, sections, cover = "body", [cover], None
        if not sections:
            continue
        if cover is not None:
            sections.insert(0, cover)
        for section in sections:
            mend_section(section, lambda word: layout.vocabulary.count(word) > 1, written)
            section.heading = smart_title(section.heading, acronyms, language, names)
            section.title = smart_title(section.title, acronyms, language, names)
            section.path = [smart_title(p, acronyms, language, names) for p in section.path]
            about = _ABOUT_RE.match(section.title) if section.kind == "front_matter" else None
            publisher = publisher or (about.group("name") if about else None)
        # Notes on the title page ("supported by the Government of...") go with the report.
        sections[0].notes[:0] = [Note(n.number, n.text) for unit in header for n in unit.notes]
        body = [p for s in sections if s.kind == "body" for p in s.paragraphs]
        # A PDF or Word file's title page is read with its type: its first page, not only its header.
        cover_page = title_page_units(header, report) if laid_out else None
        metadata = read_metadata(
            header, body, gazetteer, acronyms, publisher if index == 0 else None, title_page=cover_page
        )
        if not metadata.symbol:
            _symbol_from_running_heads(metadata, layout.running_heads_of(draft.units))
        for section in sections:
            if section.heading == OPENING_TEXT and metadata.title and section is not cover:
                section.heading = section.title = metadata.title  # (the title page keeps its name)
            if section.kind == "body":
                section.themes = lexicon.tag(section.heading, section.text)
        first_line = min(u.first_line for u in draft.labels + draft.units)
        last_line = max(u.last_line for u in draft.units)
        key = _meeting_key(metadata.title, len(meetings) + 1, [m.key for m in meetings])
        meetings.append(ParsedMeeting(key, metadata, sections, first_line, last_line))
    if not meetings:
        raise InputFileError(
            path,
            "no report text was found in the file",
            "check that it is a meeting report with paragraphs of text",
        )
    return ParsedDocument(
        # as shown: a name's bytes that are not UTF-8 cannot be stored in the library's JSON
        file_name=shown_path(path.name),
        path=shown_path(path),
        kind=raw.kind,
        sha256=raw.sha256,
        size=raw.size,
        page_count=raw.page_count,
        meetings=meetings,
    )


def _written_marks(raw: RawDocument) -> Written:
    """Whether the source itself prints "[…]" in a given context (see `gaps.mend_section`):
    an editor's mark in a quotation, not operator debris the ingest cut out. A Word file's
    text holds no PDF debris: every mark in it is the document's own."""
    if raw.word is not None:
        return lambda context: True
    if raw.pages is not None:
        texts = [line.text for page in raw.pages for line in page.lines]
    else:
        texts = [line.text for line in raw.lines]
    source = compact(clean.normalize_characters("".join(texts)))
    if clean.DEBRIS_MARK not in source:
        return lambda context: False
    return lambda context: context in source


def _symbol_from_running_heads(metadata: MeetingMetadata, running_heads: list[str]) -> None:
    """UN documents print their symbol at the top of every page, judgments and files their number."""
    for head in running_heads:
        symbol = running_head_symbol(head)
        if symbol:
            metadata.symbol = symbol
            metadata.evidence["symbol"] = f"{head} (at the top or foot of every page)"
            return


def _lay_out(raw: RawDocument) -> Layout:
    """The document's units, by the path its kind takes. (Each reader's modules load only
    when a file of its kind comes: a command or a text file needs no PDF library.)"""
    if raw.pages is not None:
        from briefer.ingest.pdf_layout import lay_out_pdf

        return lay_out_pdf(raw.pages)
    if raw.word is not None:
        from briefer.ingest.docx_reader import lay_out_docx

        return lay_out_docx(raw.word)
    return lay_out(raw)


def _meeting_key(title: str | None, ordinal: int, taken: list[str]) -> str:
    """A meeting's key within its document (part of its id): its title, or its place."""
    key = (title or f"#{ordinal}").casefold()
    count = sum(1 for other in taken if other == key or other.startswith(f"{key} #"))
    return key if not count else f"{key} #{count + 1}"
