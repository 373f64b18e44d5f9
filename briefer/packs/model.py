"""The pack: what the user composes. Plain data, validated on the way in.

A pack holds its cover details, the template and paper it is built with, an ordered list
of items (library sections, part headings, and blocks the user writes) and saved
searches that pull in matching sections at every build. `to_json`/`from_json` give the
stored and exported form; `from_json` accepts only what it can build, with a message that
says which field is wrong.
"""

from __future__ import annotations

import copy
import re
import reprlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from difflib import get_close_matches
from typing import Any

from briefer.date_checks import date_problem, range_problem
from briefer.errors import UsageError
from briefer.ir.blocks import PAPER_SIZES
from briefer.ir.templates import AUDIENCES

PACK_FORMAT = "briefer-pack"
PACK_FORMAT_VERSION = 1
ITEM_KINDS = ("section", "heading", "notes", "objectives", "key_messages", "qa")
PAGE_SIZES = tuple(PAPER_SIZES)
WRITTEN_TITLES = {
    "notes": "Notes",
    "objectives": "Objectives",
    "key_messages": "Key messages and lines to take",
    "qa": "If raised",
}
PACK_KEYS = (
    "format version id title subtitle meeting delegation author date marking draft final template page_size "
    "items searches"
).split()
ITEM_KEYS = (
    "kind id section_id title text messages qa numbered audience paragraphs comment comment_audience"
).split()
# The brief's own blocks, in the order a brief's reader expects them, before its excerpts.
BRIEF_KINDS = ("objectives", "key_messages", "qa")
# Who a block is for (AUDIENCES): "internal" blocks (the delegation's objectives, the
# answers it gives if raised, its notes) stay out of a handout, which prints "shareable" ones.
INTERNAL_KINDS = ("objectives", "qa", "notes")
# Longest texts a pack may hold where they print on one line: a marking is a short
# classification ("RESTRICTED"), a title a line or two. Longer is a mistake (or an
# attack), refused with the field named rather than cut: a marking must not change silently.
LONGEST = {"marking": 100, "title": 500}
# The format nests five deep (pack, items, item, qa, question); far deeper is not a pack,
# and walking it would overflow Python's stack.
DEEPEST = 20
# A lone surrogate ("\ud800" in a JSON file) is no character: it cannot be saved or
# printed. Read as the replacement character, like any undecodable text.
_SURROGATES = re.compile("[\ud800-\udfff]")
_repr = reprlib.Repr()  # a value in a message: short, however long or deep it is
_repr.maxlevel, _repr.maxstring, _repr.maxother = 2, 60, 60
_shown = _repr.repr


def new_id(prefix: str) -> str:
    return prefix + secrets.token_hex(5)


@dataclass(slots=True)
class QA:
    question: str
    answer: str = ""


@dataclass(slots=True)
class PackItem:
    """One entry of the pack's outline.

    `section`: a library section (`section_id`; `title` overrides its heading when set);
    `heading`: a part heading grouping the items after it; `notes`/`objectives`: text the
    user writes; `key_messages`: a list of lines to take (`messages`); `qa`: "if raised"
    questions with their answers (`qa`).
    """

    kind: str
    id: str = field(default_factory=lambda: new_id("i"))
    section_id: str | None = None
    title: str = ""
    text: str = ""
    messages: list[str] = field(default_factory=list)
    qa: list[QA] = field(default_factory=list)
    numbered: bool = True
    audience: str = ""  # one of AUDIENCES; "" for its kind's (see `shown_to`)
    # A section shaped to the brief: the paragraphs kept (0-based, in `Section.paragraphs()`;
    # [] for all), the others printed as "[...]"; and a comment printed under it.
    paragraphs: list[int] = field(default_factory=list)
    comment: str = ""
    comment_audience: str = "internal"

    @property
    def shown_to(self) -> str:
        """Who the block is for: as set, else internal for objectives, if-raised answers
        and notes, shareable for the rest."""
        return self.audience or ("internal" if self.kind in INTERNAL_KINDS else "shareable")

    @classmethod
    def section(cls, section_id: str, numbered: bool = True) -> PackItem:
        return cls("section", section_id=section_id, numbered=numbered)

    @classmethod
    def heading(cls, title: str, numbered: bool = True) -> PackItem:
        return cls("heading", title=title, numbered=numbered)

    @property
    def display_title(self) -> str:
        return self.title or WRITTEN_TITLES.get(self.kind, "")


@dataclass(slots=True)
class SavedSearch:
    """A rule that pulls matching sections into the pack at each build, under its label."""

    label: str
    id: str = field(default_factory=lambda: new_id("q"))
    themes: list[str] = field(default_factory=list)
    all_themes: bool = False
    meetings: list[str] = field(default_factory=list)
    date_from: str | None = None
    date_to: str | None = None
    query: str = ""
    limit: int = 30


@dataclass(slots=True)
class MeetingDetails:
    """The meeting the pack prepares for (not necessarily one in the library)."""

    name: str = ""
    place: str = ""
    start_date: str | None = None
    end_date: str | None = None


@dataclass(slots=True)
class Pack:
    title: str
    id: str = field(default_factory=lambda: new_id("p"))
    subtitle: str = ""
    meeting: MeetingDetails = field(default_factory=MeetingDetails)
    delegation: str = ""
    author: str = ""
    date: str | None = None  # the pack's date, printed on the cover; fixed so rebuilds match
    marking: str = ""
    draft: bool = True
    # Signed off: printed without DRAFT, and the app asks for an explicit unlock before an edit.
    final: bool = False
    template: str = "briefing"
    page_size: str = "A4"
    items: list[PackItem] = field(default_factory=list)
    searches: list[SavedSearch] = field(default_factory=list)

    def section_ids(self) -> list[str]:
        return [item.section_id for item in self.items if item.kind == "section" and item.section_id]

    def copy(
        self,
        title: str | None = None,
        meeting: MeetingDetails | None = None,
        contents: bool = True,
        date: str | None = None,
    ) -> Pack:
        """A new pack with fresh ids, to start the next session's pack from this one, as
        board portals copy a book: for `meeting` when given (last year's name and dates
        would mislead), dated `date`, a draft again. With `contents`, everything; without,
        the structure only: part headings, the blocks to write with their titles but
        empty, saved searches (rules, which find this year's sections); no excerpts."""
        copied = Pack.from_json(self.to_json())
        copied.id = new_id("p")
        copied.title = title or f"Copy of {self.title}"
        if meeting is not None:
            copied.meeting = copy.deepcopy(meeting)
            range_error = range_problem(meeting.start_date, meeting.end_date)
            if range_error:
                raise UsageError(range_error)
        if date is not None:
            copied.date = date
        copied.draft, copied.final = True, False
        if not contents:
            copied.items = [
                PackItem(item.kind, title=item.title, numbered=item.numbered, audience=item.audience)
                for item in copied.items
                if item.kind != "section"
            ]
        for item in copied.items:
            item.id = new_id("i")
        for search in copied.searches:
            search.id = new_id("q")
        return copied

    def checked(self) -> Pack:
        """The pack as it would be opened again: what could not be is refused (a marking too
        long...), lone surrogates are replaced. Run before a pack is saved or built."""
        return Pack.from_json(self.to_json(), f"pack {_shown(self.title)}")

    # --- the stored and exported form ----------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "format": PACK_FORMAT,
            "version": PACK_FORMAT_VERSION,
            "id": self.id,
            "title": self.title,
            "subtitle": self.subtitle,
            "meeting": _plain(self.meeting),
            "delegation": self.delegation,
            "author": self.author,
            "date": self.date,
            "marking": self.marking,
            "draft": self.draft,
            "final": self.final,
            "template": self.template,
            "page_size": self.page_size,
            "items": [_item_json(item) for item in self.items],
            "searches": [_plain(search) for search in self.searches],
        }

    @classmethod
    def from_json(cls, data: Any, origin: str = "pack") -> Pack:
        """Validate and build; `origin` (a file name) starts every error message."""
        reader = _Reader(origin)
        data = reader.mapping(data, "the pack")
        if _depth(data) > DEEPEST:
            raise UsageError(f"{origin}: not a pack file (its data is nested too deeply)")
        if data.get("format", PACK_FORMAT) != PACK_FORMAT:
            raise UsageError(f"{origin}: not a Briefer pack (format {_shown(data.get('format'))})")
        version = data.get("version", PACK_FORMAT_VERSION)
        if not isinstance(version, int) or version > PACK_FORMAT_VERSION:
            raise UsageError(
                f"{origin}: written by a newer Briefer (pack format {version}); update Briefer to open it"
            )
        reader.known(data, [*PACK_KEYS, "updated_at"], "the pack")
        title = reader.text(data, "title", required=True)
        meeting = reader.mapping(data.get("meeting") or {}, "meeting")
        reader.known(meeting, [f.name for f in fields(MeetingDetails)], "meeting")
        pack = cls(
            title=title,
            id=reader.text(data, "id") or new_id("p"),
            subtitle=reader.text(data, "subtitle"),
            meeting=MeetingDetails(
                name=reader.text(meeting, "name"),
                place=reader.text(meeting, "place"),
                start_date=reader.date(meeting, "start_date"),
                end_date=reader.date(meeting, "end_date"),
            ),
            delegation=reader.text(data, "delegation"),
            author=reader.text(data, "author"),
            date=reader.date(data, "date"),
            marking=reader.text(data, "marking"),
            draft=reader.flag(data, "draft", True),
            final=reader.flag(data, "final", False),
            template=reader.text(data, "template") or "briefing",
            page_size=reader.choice(data, "page_size", PAGE_SIZES, "A4"),
            items=[_item(reader, raw, n) for n, raw in enumerate(reader.array(data, "items"), 1)],
            searches=[_search(reader, raw, n) for n, raw in enumerate(reader.array(data, "searches"), 1)],
        )
        problem = range_problem(pack.meeting.start_date, pack.meeting.end_date)
        if problem:
            raise UsageError(f"{origin}: {problem}")
        return pack


def _depth(data: Any) -> int:
    """How deep lists and objects nest in `data`; counted without recursion, so that any
    depth is measured, and stopping past DEEPEST."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, depth)
            if depth > DEEPEST:
                break
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children)
    return deepest


def _plain(value: Any) -> dict[str, Any]:
    return {f.name: getattr(value, f.name) for f in fields(value)}


def _item_json(item: PackItem) -> dict[str, Any]:
    """Only the fields the item's kind uses, so exported packs read cleanly."""
    data: dict[str, Any] = {"kind": item.kind, "id": item.id, "numbered": item.numbered}
    if item.audience:
        data["audience"] = item.audience
    if item.kind == "section":
        data["section_id"] = item.section_id
        if item.paragraphs:
            data["paragraphs"] = list(item.paragraphs)
        if item.comment:
            data["comment"], data["comment_audience"] = item.comment, item.comment_audience
    if item.title or item.kind != "section":
        data["title"] = item.title
    if item.kind in ("notes", "objectives"):
        data["text"] = item.text
    if item.kind == "key_messages":
        data["messages"] = list(item.messages)
    if item.kind == "qa":
        data["qa"] = [{"question": qa.question, "answer": qa.answer} for qa in item.qa]
    return data


def _item(reader: _Reader, raw: Any, number: int) -> PackItem:
    where = f"item {number}"
    raw = reader.mapping(raw, where)
    reader.known(raw, ITEM_KEYS, where)
    kind = reader.choice(raw, "kind", ITEM_KINDS, None, where)
    item = PackItem(
        kind=kind,
        id=reader.text(raw, "id", where=where) or new_id("i"),
        section_id=reader.text(raw, "section_id", required=kind == "section", where=where) or None,
        title=reader.text(raw, "title", required=kind == "heading", where=where),
        text=reader.text(raw, "text", where=where),
        messages=[reader.string(m, f"{where}, messages") for m in reader.array(raw, "messages", where)],
        numbered=reader.flag(raw, "numbered", kind in ("section", "heading"), where),
        audience=reader.choice(raw, "audience", ("", *AUDIENCES), "", where),
        paragraphs=[reader.index(n, f"{where}, paragraphs") for n in reader.array(raw, "paragraphs", where)],
        comment=reader.text(raw, "comment", where=where),
        comment_audience=reader.choice(raw, "comment_audience", AUDIENCES, "internal", where),
    )
    for qa in reader.array(raw, "qa", where):
        qa = reader.mapping(qa, f"{where}, qa")
        reader.known(qa, ("question", "answer"), f"{where}, qa")
        item.qa.append(QA(reader.text(qa, "question", True, where), reader.text(qa, "answer", where=where)))
    return item


def _search(reader: _Reader, raw: Any, number: int) -> SavedSearch:
    where = f"saved search {number}"
    raw = reader.mapping(raw, where)
    reader.known(raw, [f.name for f in fields(SavedSearch)], where)
    limit = raw.get("limit", 30)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 1000:
        raise UsageError(f"{reader.origin}: {where}: 'limit' must be a whole number from 1 to 1000")
    search = SavedSearch(
        label=reader.text(raw, "label", where=where) or f"Search {number}",
        id=reader.text(raw, "id", where=where) or new_id("q"),
        themes=[reader.string(t, f"{where}, themes") for t in reader.array(raw, "themes", where)],
        all_themes=reader.flag(raw, "all_themes", False, where),
        meetings=[reader.string(m, f"{where}, meetings") for m in reader.array(raw, "meetings", where)],
        date_from=reader.date(raw, "date_from", where),
        date_to=reader.date(raw, "date_to", where),
        query=reader.text(raw, "query", where=where),
        limit=limit,
    )
    if not (search.themes or search.meetings or search.query or search.date_from or search.date_to):
        raise UsageError(
            f"{reader.origin}: {where} has no rule (themes, meetings, dates or query); "
            "it would pull in the whole library"
        )
    return search


class _Reader:
    """Typed access to a JSON object, with errors that name the file and the field."""

    def __init__(self, origin: str) -> None:
        self.origin = origin

    def known(self, data: dict[str, Any], keys: Iterable[str], where: str) -> None:
        """Refuse a key the pack format does not have: a misspelt "marking" must not
        quietly build a pack without its classification."""
        keys = list(keys)
        for key in data:
            if key not in keys:
                near = get_close_matches(key, keys, n=1)
                hint = f"; did you mean '{near[0]}'?" if near else f"; the keys are {', '.join(keys)}"
                raise self._fail(where, f"unknown key {_shown(key)}{hint}")

    def _fail(self, where: str, message: str) -> UsageError:
        return UsageError(f"{self.origin}: {where}: {message}")

    def mapping(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self._fail(where, "must be a JSON object")
        return value

    def array(self, data: dict[str, Any], key: str, where: str = "the pack") -> list[Any]:
        value = data.get(key) or []
        if not isinstance(value, list):
            raise self._fail(where, f"'{key}' must be a list")
        return value

    def string(self, value: Any, where: str) -> str:
        if not isinstance(value, str):
            raise self._fail(where, f"{_shown(value)} must be text")
        return _SURROGATES.sub("\ufffd", value)

    def text(self, data: dict[str, Any], key: str, required: bool = False, where: str = "the pack") -> str:
        value = data.get(key)
        if value is None or value == "":
            if required:
                raise self._fail(where, f"'{key}' is missing; give it a value")
            return ""
        if not isinstance(value, str):
            raise self._fail(where, f"'{key}' must be text, not {_shown(value)}")
        longest = LONGEST.get(key)
        if longest and len(value) > longest:
            raise self._fail(
                where, f"'{key}' is {len(value)} characters long; shorten it to at most {longest}"
            )
        return _SURROGATES.sub("\ufffd", value)

    def index(self, value: Any, where: str) -> int:
        if type(value) is not int or not 0 <= value < 100_000:
            raise self._fail(where, f"{_shown(value)} must be a paragraph's place, a whole number from 0")
        return value

    def flag(self, data: dict[str, Any], key: str, default: bool, where: str = "the pack") -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            raise self._fail(where, f"'{key}' must be true or false")
        return value

    def date(self, data: dict[str, Any], key: str, where: str = "the pack") -> str | None:
        value = self.text(data, key, where=where) or None
        if value is not None and date_problem(value):
            raise self._fail(where, f"'{key}' is not a date ({_shown(value)}); write it as YYYY-MM-DD")
        return value

    def choice(
        self,
        data: dict[str, Any],
        key: str,
        allowed: tuple[str, ...],
        default: str | None,
        where: str = "the pack",
    ) -> str:
        value = data.get(key, default)
        if value not in allowed:
            raise self._fail(where, f"'{key}' must be one of {', '.join(allowed)}, not {_shown(value)}")
        return value
