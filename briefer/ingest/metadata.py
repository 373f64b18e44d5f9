"""Meeting metadata read from the report: title, organisers, place, dates, symbol.

Everything comes from the document's own words, and each field keeps the words it was
read from as evidence. Where the report does not say, the field stays empty for the user
to fill in: a guess is never presented as a fact.

Sources, in order of trust: the title page (the lines before the report begins), then
the opening sentence that says the meeting was held, took place or was organised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from briefer.ingest.dates import find_date_range
from briefer.ingest.document import MeetingMetadata
from briefer.ingest.places import Gazetteer, Place
from briefer.ingest.units import Unit

_EVENT_NOUNS = (
    r"Meetings?|Conferences?|Workshops?|Seminars?|Forums?|Dialogues?|Hearings?|Consultations?|"
    r"Symposi(?:um|a)|Summits?|Round\s?tables?|Panels?|Discussions?|Briefings?|Colloqui(?:um|a)|"
    r"Congress|Retreat|Series|Debates?"
)
SYMBOL_RE = re.compile(r"^(?:Symbol:\s*)?(?P<symbol>[A-Z]{1,8}(?:/[A-Z0-9][A-Za-z0-9.\-]*){1,6})$")
_ORG_LIST_RE = re.compile(r"^(?P<orgs>[A-Z][A-Z0-9&]{1,9}(?:\s*/\s*[A-Z][A-Z0-9&]{1,9})+)\s+(?P<rest>.+)$")
_ORGANIZED_LINE_RE = re.compile(
    r"^(?:jointly\s+)?(?:organi[sz]ed|hosted|convened|co-organi[sz]ed|sponsored)\s+"
    r"(?:jointly\s+)?(?:by|with)\s+(?P<orgs>.+?)\.?$",
    re.IGNORECASE,
)
_EVENT_SUBJECT_RE = re.compile(
    r"(?:^|(?<=[.;] ))(?:On [^,]{3,40}, )?(?:The |the )?(?P<event>[A-Za-z][^.;:]{3,300}?)\s+"
    r"(?:was|were)\s+(?:held|convened|organi[sz]ed|hosted)\b|"
    r"(?:^|(?<=[.;] ))(?:On [^,]{3,40}, )?(?:The |the )?(?P<event2>[A-Z][^.;:]{3,300}?)\s+took\s+place\b"
)
_ORGANIZER_VERB_RE = re.compile(
    r"(?P<org>(?:the\s+)?[A-Z][\w'’&\-]*(?:\s+(?:[A-Z(][\w'’&()\-]*|of|for|on|and|the|de|des|du|la))*)"
    r"\s+(?:organi[sz]ed|convened|hosted|held)\s+(?:a|an|the)\s+"
    rf"(?P<event>(?:[A-Z]|[a-z-]+\s+(?i:{_EVENT_NOUNS})\b|(?i:{_EVENT_NOUNS})\b)[^,.;]*?)"
    r"(?=\s+(?:in|at|on|from|during)\s|[,.;]|$)"
)
_ORGANIZED_BY_RE = re.compile(
    r"(?:organi[sz]ed|convened|hosted|co-organi[sz]ed)\s+(?:jointly\s+)?by\s+"
    r"(?P<org>(?:the\s+)?[A-Z].*?)"
    r"(?=\s+(?:in|on|at|from|with|within|under|through|during|as part|funded|supported)\s|[.;]"
    r"|,\s+(?:in|on|at|and|with|which|who|under|as)\b|$)"
)
_REPORT_OF_RE = re.compile(
    r"\b(?:[Tt]his|[Tt]he present)\s+(?:summary\s+)?report\s+(?:outlines|summari[sz]es|presents|covers|"
    r"reflects|describes|records)\b[^.]*?\b(?:of|from|at)\s+the\s+"
    r"(?P<event>(?:[A-Z][\w'’-]*\s+)(?:(?:[A-Z][\w'’-]*|and|on|of|for|the)\s+){0,10}"
    r"(?:Series|Meeting|Conference|Workshop|Seminar|Forum|Dialogue|Hearings?|Consultations?|"
    r"Symposium|Summit|Session|Round\s?table))\b"
)
_ROMAN_RE = re.compile(r"(?=[IVXL])X{0,3}(?:IX|IV|V?I{0,3})")
_SMALL_WORDS = frozenset("a an and as at by for from in of on or the to with de la des du".split())


def smart_title(text: str, acronyms: set[str]) -> str:
    """ "HIV, AIDS AND MIGRATION" -> "HIV, AIDS and Migration".

    A word in capitals stays so when the document writes it in capitals in running text
    too (an acronym); small words go lower case except at the start; text that is not
    all in capitals is returned as it is.
    """
    if any(ch.islower() for ch in text):
        return text
    out: list[str] = []
    first = True
    for token in re.split(r"(\s+)", text):
        if not token or token.isspace():
            out.append(token)
            continue
        out.append(_title_word(token, acronyms, first))
        first = token.endswith(":")
    return "".join(out)


def _title_word(token: str, acronyms: set[str], first: bool) -> str:
    pieces = re.split(r"([/-])", token)
    for index, piece in enumerate(pieces):
        core = piece.strip("“”‘’\"'(),:;.?!")
        if core.lower() in _SMALL_WORDS and not first:
            pieces[index] = piece.lower()  # "AND" is no acronym, even where notes shout it
        elif not any(ch.isalpha() for ch in core) or core in acronyms or _ROMAN_RE.fullmatch(core):
            continue
        else:
            pieces[index] = piece.replace(core, core[0] + core[1:].lower(), 1)
    return "".join(pieces)


def _split_organizers(text: str) -> list[str]:
    """ "OECD and the European Commission" -> two; "Economic and Social Affairs" stays one."""
    text = re.sub(r"^the\s+", "", text.strip().rstrip(".,;"), flags=re.IGNORECASE)
    parts = re.split(r",\s+(?=the\s+[A-Z]|[A-Z]{2,}\b)|\s+and\s+(?=the\s+[A-Z]|[A-Z]{2,}\b)", text)
    result = []
    for part in parts:
        part = re.sub(r"^(?:and\s+)?the\s+", "", part.strip(), flags=re.IGNORECASE).strip()
        if part and part[0].isupper():
            result.append(part)
    return result


def _org_line(text: str) -> str | None:
    """ "IOM International Organization for Migration" -> "International Organization for Migration (IOM)"."""
    match = re.match(r"^(?P<acronym>[A-Z]{2,8})\s+(?P<name>[A-Z].{5,120})$", text)
    if not match:
        return None
    acronym, name = match.group("acronym"), match.group("name")
    initials = "".join(word[0] for word in name.split() if word[0].isupper())
    if initials == acronym:
        return f"{name} ({acronym})"
    return None


_EVENT_NOUN_RE = re.compile(rf"\b(?:{_EVENT_NOUNS})\b", re.IGNORECASE)
_ORG_WORD_RE = re.compile(
    r"\b(?:Organi[sz]ations?|Commission|Council|Assembly|Division|Department|Ministry|Office|Institute|"
    r"Programme|Program|Agency|Fund|Bank|Union|Secretariat|Government|United Nations|Nations Unies)\b"
)
_ISSUE_LINE_RE = re.compile(r"\bDistr\.|^(?:Original|Language|Distribution)\s*:", re.IGNORECASE)
_SESSION_LINE_RE = re.compile(
    r"^[\w-]+ (?:regular |special |ordinary )?session\b|^Agenda item\b", re.IGNORECASE
)
_DESCRIPTOR_RE = re.compile(
    r"^(?:(?:summary|final|draft|provisional)\s+)?report(?:\s+(?:of|on|by)\b.*)?$"
    r"|^(?:rapporteur|chair(?:person)?|co-chairs?|president)[’']?s?[’']?\s+(?:report|summary)\b",
    re.IGNORECASE,
)
_SYMBOL_AT_END_RE = re.compile(r"(?:^|\s)(?P<symbol>[A-Z]{1,8}(?:/[A-Z0-9][A-Za-z0-9.\-]*){1,6})$")


@dataclass(slots=True)
class _TitlePage:
    """What the lines before the report's text say."""

    symbol: tuple[str, str] | None = None  # (symbol, the line)
    titles: list[tuple[str, str]] = field(default_factory=list)  # (title, the line)
    organizers: list[str] = field(default_factory=list)
    org_evidence: list[str] = field(default_factory=list)
    meeting_line: tuple[str, str, Place | None, str] | None = None  # start, end, place, line
    loose_date: tuple[str, str, str] | None = None  # a date standing alone: start, end, line


@dataclass(slots=True)
class _Sentence:
    """What an opening sentence says about a meeting."""

    text: str
    event: str  # its subject: "The Regional Seminar on ...", or "" when none
    generic: bool  # "The meeting was held...": about the report's own meeting
    organizers: list[str]
    when: tuple[str, str, str] | None
    place: Place | None


def read_metadata(
    header: list[Unit],
    body: list[str],
    gazetteer: Gazetteer,
    acronyms: set[str],
    publisher: str | None = None,
) -> MeetingMetadata:
    """Metadata from the title page (`header`) and the report's paragraphs (`body`).

    Report labels ("Summary Report") are not in `header`: they name the kind of
    document, not the meeting. Trust runs: a line of the title page that gives the date
    and place of the meeting, then the opening sentence about the meeting, then a date
    standing alone on the title page. Dates next to "Distr." or "Original:" are when the
    document was issued, and a date under "Forty-first session" is the session's.
    """
    page = _read_title_page(header, gazetteer, acronyms)
    sentences = [
        found
        for paragraph in body[:2]
        for sentence in re.split(r"(?<=[.;])\s+(?=[A-Z])", paragraph)
        if (found := _read_sentence(sentence, gazetteer))
    ]
    meta = MeetingMetadata()
    title = _choose_title(page, sentences, body)
    if title:
        meta.title, meta.evidence["title"] = title
    ours = [s for s in sentences if s.generic or not meta.title or _same_event(s.event, meta.title)]
    if page.symbol:
        meta.symbol, meta.evidence["symbol"] = page.symbol

    sentence_date = next((s for s in ours if s.when), None)
    if page.meeting_line:
        start, end, place, line = page.meeting_line
        _set_dates(meta, start, end, line)
        if place:
            _set_place(meta, place, line)
    elif sentence_date:
        _set_dates(meta, sentence_date.when[0], sentence_date.when[1], sentence_date.text)
    elif page.loose_date:
        _set_dates(meta, *page.loose_date)
    if not meta.city and not meta.country:
        located = next((s for s in ours if s.place), None)
        if located:
            _set_place(meta, located.place, located.text)

    organizers, evidence = list(page.organizers), list(page.org_evidence)
    for sentence in ours:
        if sentence.organizers:
            organizers += sentence.organizers
            evidence.append(sentence.text)
    if not organizers and publisher:
        organizers, evidence = [publisher], [f"About {publisher}"]
    seen: set[str] = set()
    meta.organizers = [o for o in organizers if not (o.casefold() in seen or seen.add(o.casefold()))]
    if meta.organizers:
        meta.evidence["organizers"] = " | ".join(evidence)
    return meta


def _set_dates(meta: MeetingMetadata, start: str, end: str, evidence: str) -> None:
    meta.start_date, meta.end_date = start, end
    meta.evidence["start_date"] = meta.evidence["end_date"] = evidence.strip()


def _set_place(meta: MeetingMetadata, place: Place, evidence: str) -> None:
    meta.city, meta.country = place.city, place.country
    for name in ("city", "country"):
        if getattr(meta, name):
            meta.evidence[name] = evidence.strip()


def _read_title_page(header: list[Unit], gazetteer: Gazetteer, acronyms: set[str]) -> _TitlePage:
    page = _TitlePage()
    issued = session = 0  # how many of the next lines are issue or session dates
    for unit in header:
        text = (unit.title or unit.text).strip()
        issued, session = max(0, issued - 1), max(0, session - 1)
        if _ISSUE_LINE_RE.search(text):
            issued = 3
            continue
        if _SESSION_LINE_RE.match(text):
            session = 2
            continue
        symbol = SYMBOL_RE.match(text) or _SYMBOL_AT_END_RE.search(text)
        if symbol and any(ch.isdigit() for ch in symbol.group("symbol")) and "/" in symbol.group("symbol"):
            page.symbol = page.symbol or (symbol.group("symbol"), text)
            if SYMBOL_RE.match(text) or len(text.split()) <= 4:
                continue
        organized = _ORGANIZED_LINE_RE.match(text)
        if organized:
            page.organizers += _split_organizers(organized.group("orgs"))
            page.org_evidence.append(text)
            continue
        org = _org_line(text)
        if org:
            if not page.organizers:
                page.organizers.append(org)
                page.org_evidence.append(text)
            continue
        when = find_date_range(text)
        if when:
            if not (issued or session):
                _read_date_line(page, text, when, gazetteer)
            continue
        if _DESCRIPTOR_RE.match(text):
            continue
        listed = _ORG_LIST_RE.match(text)
        if listed:
            page.organizers += [org.strip() for org in listed.group("orgs").split("/")]
            page.org_evidence.append(text)
            text = listed.group("rest")
        if len(text) <= 250:
            page.titles.append((smart_title(text.strip(" :"), acronyms), unit.text))
    return page


def _read_date_line(page: _TitlePage, text: str, when: tuple[str, str, str], gazetteer: Gazetteer) -> None:
    """ "Dakar, Senegal, 9–11 November 2015", "15 March 2006, UN Headquarters, New York"."""
    start, end, words = when
    rest = (text[: text.find(words)] + " , " + text[text.find(words) + len(words) :]).strip(" ,")
    if not rest:
        page.loose_date = page.loose_date or (start, end, text)
        return
    if page.meeting_line is None:
        found = gazetteer.find(rest)
        page.meeting_line = (start, end, found[0] if found else None, text)


def _choose_title(page: _TitlePage, sentences: list[_Sentence], body: list[str]) -> tuple[str, str] | None:
    """The meeting's name: the title-page line the opening sentence names, else the first
    title-page line that names an event, else the opening sentence's subject, else what
    "this report outlines the discussions of..." names, else the first title-page line
    that is not an organisation's name."""
    named = [s for s in sentences if s.event and not s.generic]
    for sentence in named:
        for title, line in page.titles:
            if _same_event(sentence.event, title, share=0.8):
                return title, line
    for title, line in page.titles:
        if _EVENT_NOUN_RE.search(title) and not _SESSION_LINE_RE.match(title):
            return title, line
    if named:
        return _capitalise(named[0].event), named[0].text
    for paragraph in body[:12]:
        match = _REPORT_OF_RE.search(paragraph)
        if match:
            return match.group("event").strip(), match.group(0)
    for title, line in page.titles:
        if not _ORG_WORD_RE.search(title):
            return title, line
    return None


def _read_sentence(sentence: str, gazetteer: Gazetteer) -> _Sentence | None:
    subject = _EVENT_SUBJECT_RE.search(sentence)
    active = _ORGANIZER_VERB_RE.search(sentence)
    organized_by = _ORGANIZED_BY_RE.search(sentence)
    if not (subject or active or organized_by):
        return None
    event = ""
    if subject:
        event = subject.group("event") or subject.group("event2")
    elif active:
        event = active.group("event")
    organizers = []
    if active:
        organizers += _split_organizers(active.group("org"))
    if organized_by:
        organizers += _split_organizers(organized_by.group("org"))
    when = find_date_range(sentence) if (subject or active) else None
    place_text = _place_phrase(sentence) if (subject or active) else None
    found = gazetteer.find(place_text) if place_text else None
    generic = not event or bool(_GENERIC_EVENT_RE.match(event.strip()))
    return _Sentence(sentence, event.strip(), generic, organizers, when, found[0] if found else None)


_GENERIC_EVENT_RE = re.compile(
    r"^(?:it|this|that|they|which|(?:the\s+|this\s+)?(?:meeting|hearings?|event|workshop|seminar|"
    r"conference|consultations?|session|briefing|dialogue|forum|symposium|round\s?table|panel|"
    r"panel discussion|discussion))$",
    re.IGNORECASE,
)


def _same_event(event: str, title: str, share: float = 0.5) -> bool:
    """Does the subject of a sentence refer to the meeting the title names?"""
    if _GENERIC_EVENT_RE.match(event.strip()):
        return True
    words = {w.casefold() for w in re.findall(r"[^\W\d_]{4,}", event)}
    title_words = {w.casefold() for w in re.findall(r"[^\W\d_]{4,}", title)}
    return bool(words) and len(words & title_words) >= share * len(words)


def _place_phrase(sentence: str) -> str | None:
    """The words after "in" that may name the venue: "in Mexico City, Mexico"."""
    for match in re.finditer(r"\bin\s+(?=[A-Z])", sentence):
        return sentence[match.end() : match.end() + 60]
    return None


def _capitalise(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:]
