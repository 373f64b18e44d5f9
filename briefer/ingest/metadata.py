"""Meeting metadata read from the report: title, organisers, place, dates, symbol.

Everything comes from the document's own words, and each field keeps the words it was
read from as evidence. Where the report does not say, the field stays empty for the user
to fill in: a guess is never presented as a fact.

Sources, in order of trust: the title page (the lines before the report begins), then
the opening sentence that says the meeting was held, took place or was organised, then
the report's closing words ("Done in Accra, on the 28th of March 2022", "92nd plenary
meeting, 5 April 1994") and the sentence that says when its hearing was held.

A PDF or Word file's title page is read from its typography as well: the title is the
largest type on the first page once the masthead (the issuing body, "Distr.: General",
the symbol), dates, places and labels of the document's kind are set aside, and the
issuing body is the masthead line that names a council, court, commission, university...
"""

from __future__ import annotations

import re
from collections.abc import Set
from dataclasses import dataclass, field

from briefer.ingest.dates import find_date_range, has_date_words
from briefer.ingest.document import MeetingMetadata
from briefer.ingest.places import Gazetteer, Place
from briefer.ingest.segment import BODY_MIN
from briefer.ingest.units import NUMBERED_STYLES, Unit, ends_sentence, join_lines

_EVENT_NOUNS = (
    r"Meetings?|Conferences?|Workshops?|Seminars?|Forums?|Dialogues?|Hearings?|Consultations?|"
    r"Symposi(?:um|a)|Summits?|Round\s?tables?|Panels?|Discussions?|Briefings?|Colloqui(?:um|a)|"
    r"Congress|Retreat|Series|Debates?"
)
SYMBOL_RE = re.compile(
    r"^(?:Symbol:\s*)?(?P<symbol>[A-Z]{1,8}(?:/[A-Z0-9][A-Za-z0-9.\-]*){1,6}(?:\s\(\d{4}\))?)$"
)
_ORG_LIST_RE = re.compile(r"^(?P<orgs>[A-Z][A-Z0-9&]{1,9}(?:\s*/\s*[A-Z][A-Z0-9&]{1,9})+)\s+(?P<rest>.+)$")
_ORGANIZED_LINE_RE = re.compile(
    r"^(?:jointly\s+)?(?:organi[sz]ed|hosted|convened|co-organi[sz]ed|sponsored)\s+"
    r"(?:jointly\s+)?(?:by|with)\s+(?P<orgs>.+?)\.?$",
    re.IGNORECASE,
)
_EVENT_SUBJECT_RE = re.compile(
    r"(?:^|(?<=[.;] ))(?:On [^,]{3,40}, )?(?:The |the )?(?P<event>[A-Za-z][^.;:]{3,300}?)\s+"
    r"(?:was|were)\s+(?:held|convened|organi[sz]ed|hosted)\b|"
    r"(?:^|(?<=[.;] ))(?:On [^,]{3,40}, )?(?:The |the )?(?P<event2>[A-Z][^.;:]{3,300}?)\s+took\s+place\b|"
    # "La réunion s'est tenue à ...", "La reunión se celebró en ...", "El taller tuvo lugar en ..."
    r"(?:^|(?<=[.;] ))(?:(?:Le|La|Les|El|Los|Las) |L['’])?(?P<event3>[A-Za-zÀ-ÿ][^.;:]{3,300}?)\s+"
    r"(?:s['’]est\s+(?:tenue?s?|déroulée?s?)|a\s+eu\s+lieu|ont\s+eu\s+lieu|se\s+(?:celebró|celebraron|"
    r"llevó\s+a\s+cabo|realizó)|tuvo\s+lugar|tuvieron\s+lugar)\b"
)
_ORGANIZER_VERB_RE = re.compile(
    r"(?P<org>(?:the\s+)?[A-Z][\w'’&\-]*(?:\s+(?:[A-Z(][\w'’&()\-]*|of|for|on|and|the|de|des|du|la))*)"
    r"\s+(?:organi[sz]ed|convened|hosted|held)\s+(?:a|an|the)\s+"
    rf"(?P<event>(?:[A-Z]|[a-z-]+\s+(?i:{_EVENT_NOUNS})\b|(?i:{_EVENT_NOUNS})\b)[^,.;]*?)"
    r"(?=\s+(?:in|at|on|from|during)\s|[,.;]|$)"
)
_ORGANIZED_BY_RE = re.compile(
    r"(?:(?:organi[sz]ed|convened|hosted|co-organi[sz]ed)\s+(?:jointly\s+)?by|"
    r"(?:organis|convoqu|co-organis)ée?s?\s+(?:conjointement\s+)?par|"
    r"(?:organizad|convocad|coorganizad)[oa]s?\s+(?:conjuntamente\s+)?por)\s+"
    r"(?P<org>(?:the\s+|l[ea]\s+|l['’]|les\s+|el\s+|los\s+|las\s+)?[A-ZÀ-Ý].*?)"
    r"(?=\s+(?:in|on|at|from|with|within|under|through|during|as part|funded|supported|à|avec|dans|sous|"
    r"pendant|con|bajo|durante|desde)\s|\s+en\s+(?=[A-ZÀ-Ý])|\s+(?:du|le|el|del)\s+\d|[.;]"
    r"|,\s+(?:in|on|at|and|with|which|who|under|as|à|en|avec|et|y|con)\b|$)"
)
_REPORT_OF_RE = re.compile(
    r"\b(?:[Tt]his|[Tt]he present)\s+(?:summary\s+)?report\s+(?:outlines|summari[sz]es|presents|covers|"
    r"reflects|describes|records)\b[^.]*?\b(?:of|from|at)\s+the\s+"
    r"(?P<event>(?:[A-Z][\w'’-]*\s+)(?:(?:[A-Z][\w'’-]*|and|on|of|for|the)\s+){0,10}"
    r"(?:Series|Meeting|Conference|Workshop|Seminar|Forum|Dialogue|Hearings?|Consultations?|"
    r"Symposium|Summit|Session|Round\s?table))\b"
)
_ROMAN_RE = re.compile(r"(?=[IVXL])X{0,3}(?:IX|IV|V?I{0,3})")
_SMALL_WORDS = frozenset(
    "a an and as at by for from in of on or the to with vs "
    "de la le les des du au aux et en el los las del y da do dos das".split()
)


_NUMBER_TOKEN_RE = re.compile(r"^\(?(?:[IVXLC]+|[A-Za-z])[.):]$|^\(?\d+(?:\.\d+)*[.):]?$|^[^\w]+$")


def smart_title(text: str, acronyms: set[str], language: str = "en", names: Set[str] = frozenset()) -> str:
    """ "HIV, AIDS AND MIGRATION" -> "HIV, AIDS and Migration".

    A word in capitals stays so when the document writes it in capitals in running text
    too (an acronym); small words go lower case except at the start (of the text, or
    after a colon or a dash); text that is not all in capitals is returned as it is.
    English takes title case; French, Spanish and other languages sentence case ("IL EST
    RÉSOLU À L’UNANIMITÉ" -> "Il est résolu à l’unanimité"), names kept ("GENÈVE" ->
    "Genève" when the document writes "Genève" in its sentences: `names`, casefolded).
    """
    if any(ch.islower() and ch not in "ºª" for ch in text):  # "Nº" is still in capitals
        return text
    out: list[str] = []
    first = True
    for token in re.split(r"(\s+)", text):
        if not token or token.isspace():
            out.append(token)
            continue
        word = _title_word(token, acronyms, first)
        core = token.strip("“”‘’\"'(),:;.?!")
        if (
            language != "en"
            and not first
            and core not in acronyms
            and core.casefold() not in names
            and not _ROMAN_RE.fullmatch(core)
        ):
            word = word.lower()
        out.append(word)
        # (a heading's number is no first word: "5. LEVÉE DE LA SÉANCE" -> "5. Levée ...")
        first = (
            token.endswith(":") or token in ("-", "–", "—") or (first and bool(_NUMBER_TOKEN_RE.match(token)))
        )
    return "".join(out)


def _title_word(token: str, acronyms: set[str], first: bool) -> str:
    pieces = re.split(r"([/-])", token)
    for index, piece in enumerate(pieces):
        core = piece.strip("“”‘’\"'(),:;.?!")
        elided = re.match(r"^([LD])(['’])(\w.*)$", core, re.IGNORECASE)
        if elided:  # French "L'UNION", "D'EXPERTS": "l'Union", "d'Experts"
            article = elided.group(1) if first else elided.group(1).lower()
            word = elided.group(3)
            pieces[index] = piece.replace(core, f"{article}{elided.group(2)}{word[0]}{word[1:].lower()}", 1)
        elif core.lower() in _SMALL_WORDS and not first:
            pieces[index] = piece.lower()  # "AND" is no acronym, even where notes shout it
        elif not any(ch.isalpha() for ch in core) or core in acronyms or _ROMAN_RE.fullmatch(core):
            continue
        else:
            pieces[index] = piece.replace(core, core[0] + core[1:].lower(), 1)
    return "".join(pieces)


def _split_organizers(text: str) -> list[str]:
    """ "OECD and the European Commission" -> two; "Economic and Social Affairs" stays one."""
    article = r"(?:the|l[ea]|les|el|los|las)\s+|l['’]"
    text = re.sub(rf"^(?:{article})", "", text.strip().rstrip(".,;"), flags=re.IGNORECASE)
    another = r"(?=the\s+[A-Z]|[A-Z]{2,}\b)"  # "and the European Commission", "and ILO"
    # "et l'Organisation...", "y la OIT"; not "América Latina y el Caribe"
    autre = rf"(?=(?i:{article})?(?:(?i:{_HEAD_WORDS})\b|[A-Z]{{2,}}\b))"
    parts = re.split(rf",\s+{another}|\s+and\s+{another}|\s+(?:et|y)\s+{autre}", text)
    result = []
    for part in parts:
        part = re.sub(rf"^(?:(?:and|et|y)\s+)?(?:{article})", "", part.strip(), flags=re.IGNORECASE).strip()
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
    named_title: tuple[str, str] | None = None  # a labelled field's, a case's or a resolution's name
    typeset_title: tuple[str, str] | None = None  # the largest type on the page
    kind_label: str | None = None  # "Procès-verbal": the kind of document, not its name
    body_name: str | None = None  # the issuing body printed alone on a line of the masthead
    organizers: list[str] = field(default_factory=list)
    org_evidence: list[str] = field(default_factory=list)
    meeting_line: tuple[str, str, Place | None, str] | None = None  # start, end, place, line
    loose_date: tuple[str, str, str] | None = None  # a date standing alone: start, end, line
    session_date: tuple[str, str, Place | None, str] | None = None  # under "Seventh session"
    place: tuple[Place, str] | None = None  # a place printed alone, in an address, after the event
    venue: tuple[Place, str] | None = None  # the place a "Venue:" field gives


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
    title_page: list[Unit] | None = None,
) -> MeetingMetadata:
    """Metadata from the title page (`header`) and the report's paragraphs (`body`).

    Report labels ("Summary Report") are not in `header`: they name the kind of
    document, not the meeting. Trust runs: a line of the title page that gives the date
    and place of the meeting, then the opening sentence about the meeting, then the
    report's closing words, then a date standing alone on the title page, then the dates
    of the session it belongs to. Dates next to "Distr." or "Original:" are when the
    document was issued. `title_page`, given for PDF and Word files, holds the units of
    the first page that are not report text (see `title_page_units`): it is read with
    its typography in place of `header`.
    """
    if title_page is not None:
        page = _read_laid_out_page(title_page, gazetteer, acronyms)
    else:
        page = _read_title_page(header, gazetteer, acronyms)
    sentences = [
        found
        for paragraph in body[:2]
        for sentence in _sentences(paragraph)
        if (found := _read_sentence(sentence, gazetteer))
    ]
    meta = MeetingMetadata()
    if page.symbol:
        meta.symbol, meta.evidence["symbol"] = page.symbol
    title = _choose_title(page, sentences, body, meta.symbol, laid_out=title_page is not None)
    if title:
        meta.title, meta.evidence["title"] = title
    ours = [s for s in sentences if s.generic or not meta.title or _same_event(s.event, meta.title)]
    _read_when_and_where(meta, page, ours, body, gazetteer)
    _read_organizers(meta, page, ours, body, publisher)
    return meta


def _read_when_and_where(
    meta: MeetingMetadata, page: _TitlePage, ours: list[_Sentence], body: list[str], gazetteer: Gazetteer
) -> None:
    """Dates and place, from the most trusted source that gives them."""
    sentence_date = next((s for s in ours if s.when), None)
    closing = _closing_formula(body, gazetteer)
    if page.meeting_line:
        start, end, place, line = page.meeting_line
        _set_dates(meta, start, end, line)
        if place:
            _set_place(meta, place, line)
    elif sentence_date:
        _set_dates(meta, sentence_date.when[0], sentence_date.when[1], sentence_date.text)
    elif closing:
        _set_dates(meta, *closing[0])
    elif page.loose_date:
        _set_dates(meta, *page.loose_date)
    elif page.session_date:
        start, end, place, line = page.session_date
        _set_dates(meta, start, end, line)
        if place:
            _set_place(meta, place, line)
    elif hearing := _hearing_date(body, gazetteer):
        _set_dates(meta, *hearing)
    if not meta.city and not meta.country:
        located = next((s for s in ours if s.place), None)
        if page.venue:
            _set_place(meta, *page.venue)
        elif located:
            _set_place(meta, located.place, located.text)
        elif closing and closing[1]:
            _set_place(meta, closing[1], closing[0][2])
        elif page.place:
            _set_place(meta, *page.place)


def _read_organizers(
    meta: MeetingMetadata, page: _TitlePage, ours: list[_Sentence], body: list[str], publisher: str | None
) -> None:
    organizers, evidence = list(page.organizers), list(page.org_evidence)
    for sentence in ours:
        if sentence.organizers:
            organizers += sentence.organizers
            evidence.append(sentence.text)
    if not organizers and (named := _self_named_body(body[:2])):
        organizers, evidence = [named[0]], [named[1]]
    if not organizers and publisher:
        organizers, evidence = [publisher], [f"About {publisher}"]
    meta.organizers = _distinct_bodies(organizers)
    if meta.organizers:
        meta.evidence["organizers"] = " | ".join(evidence)


def _distinct_bodies(organizers: list[str]) -> list[str]:
    """Each body once ("IOM" and "International Organization for Migration (IOM)" are
    two names, but "X" and "X (ACR)" one, kept with its acronym, and a name cut short is
    its full name's); the masthead of the United Nations ("General Assembly") gives way
    to the body the document is of."""
    kept: dict[str, str] = {}
    for name in organizers:
        key = _bare_name(name)
        if key not in kept or "(" in name and "(" not in kept[key]:
            kept[key] = name
    # "Regional Committee" is "Regional Committee for Africa" named short.
    names = [n for k, n in kept.items() if not any(o != k and o.startswith(k + " ") for o in kept)]
    specific = [n for n in names if _bare_name(n) not in _UN_SERIES]
    if specific:
        return specific
    organs = [n for n in names if _bare_name(n) not in _UN_NAMES]
    return organs or names


def _bare_name(name: str) -> str:
    name = re.sub(r"\s*\([^)]*\)", "", name)
    return " ".join(
        re.sub(r"^(?:the|la|le|el|l['’])\s+", "", name.strip(), flags=re.IGNORECASE).casefold().split()
    )


_UN_NAMES = frozenset({"united nations", "nations unies", "naciones unidas"})
_UN_SERIES = _UN_NAMES | {
    "general assembly",
    "security council",
    "economic and social council",
    "assemblée générale",
    "conseil de sécurité",
    "conseil économique et social",
    "asamblea general",
    "consejo de seguridad",
    "consejo económico y social",
}


def _sentences(paragraph: str) -> list[str]:
    return re.split(r"(?<=[.;])\s+(?=[A-Z])", paragraph)


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
        numbered = _find_symbol(text)
        if numbered and numbered[1] != _SYMBOL_FINDERS.index(_UN_SYMBOL_RE) and not page.symbol:
            page.symbol = (numbered[0], text)  # "Report No. 146/18", "LL File No. 2004-208"
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


def _choose_title(
    page: _TitlePage, sentences: list[_Sentence], body: list[str], symbol: str | None, laid_out: bool
) -> tuple[str, str] | None:
    """The meeting's or the document's name. First what names it outright: a labelled
    field ("Event:"), a case ("X v. Y"), a resolution's title under its number, the
    title-page line the opening sentence names. Then, on a PDF or Word title page, the
    largest type. Else the first title-page line that names an event, the body and the
    kind of document ("Comité de démolition: Procès-verbal"), the opening sentence's
    subject, what "this report outlines the discussions of..." names, and (text files)
    the first title-page line that is not an organisation's name."""
    if page.named_title:
        return page.named_title
    resolution = _resolution_title(page, body, symbol)
    if resolution:
        return resolution
    named = [s for s in sentences if s.event and not s.generic]
    for sentence in named:
        for title, line in page.titles:
            if _same_event(sentence.event, title, share=0.8):
                return title, line
    if laid_out and page.typeset_title:
        return page.typeset_title
    for title, line in page.titles:
        if _EVENT_NOUN_RE.search(title) and not _SESSION_LINE_RE.match(title):
            return title, line
    if laid_out and page.body_name and page.kind_label:
        body = _distinct_bodies([page.body_name, *page.organizers])[0]
        label = smart_title(page.kind_label.rstrip(" .:"), set())
        return f"{body}: {label}", f"{body} {page.kind_label}"
    if named:
        return _capitalise(named[0].event), named[0].text
    for paragraph in body[:12]:
        match = _REPORT_OF_RE.search(paragraph)
        if match:
            return match.group("event").strip(), match.group(0)
    if laid_out:
        return None
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
        event = subject.group("event") or subject.group("event2") or subject.group("event3")
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
    r"panel discussion|discussion)|(?:la\s+|le\s+|l['’]|el\s+|cette\s+|esta\s+)?(?:réunion|séance|session|"
    r"atelier|conférence|consultation|audience|séminaire|reunión|sesión|taller|conferencia|audiencia|consulta|"
    r"seminario))$",
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
    """The words after "in" that may name the venue: "in Mexico City, Mexico", "à Genève"."""
    for match in re.finditer(r"\b(?:in|à|en)\s+(?=[A-ZÀ-Ý])", sentence):
        return sentence[match.end() : match.end() + 60]
    return None


def _capitalise(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:]


# --- the title page of a PDF or Word file ------------------------------------------------------


def title_page_units(header: list[Unit], report: list[Unit]) -> list[Unit]:
    """A PDF or Word file's title page: the header, and what else its first page prints
    besides the report's text: the title set below a date that was taken for a numbered
    heading ("15 February 2021"), the title's last line, an address at the foot, the title
    itself where the text follows it at once (it is set larger than the report's headings)."""
    pages = [u.page_start for u in [*header, *report] if u.page_start is not None]
    first_page = pages[0] if pages else None
    # The header may run on to a contents list: only its first page is the title page, and
    # not the text the header may hold (a resolution's preamble).
    on_first_page = [u for u in header if first_page is None or u.page_start in (None, first_page)]
    units = [u for u in on_first_page if not _is_report_text(u)]
    in_text = False  # the report's text has begun on the first page
    for index, unit in enumerate(report):
        if first_page is not None and unit.page_start != first_page:
            break
        if units and units[-1].kind == "heading" and _FIELD_LABEL_RE.match(units[-1].text):
            units.append(unit)  # a field's value ("Organizers:" / "Regionalna Dyrekcja...")
        elif _is_report_text(unit) or unit.kind == "table" and in_text:
            if first_page is None:  # a Word file has no pages: its text ends the title page
                break
            in_text = True  # a paragraph of text on the title page: the lines after it are still its own
        elif _ends_title_page(report, index, units):
            break
        else:
            units.append(unit)
    return units


def _ends_title_page(report: list[Unit], index: int, units: list[Unit]) -> bool:
    """A numbered heading, or one that opens a section of text and is not the title's."""
    unit = report[index]
    if unit.kind != "heading" or _is_detail_line(unit.text) or _FIELD_LABEL_RE.match(unit.text):
        return False
    if unit.style in NUMBERED_STYLES:
        return True
    opens_section = index + 1 < len(report) and _is_report_text(report[index + 1])
    return opens_section and not _continues_title(units, unit, report[index + 1 :])


def _is_report_text(unit: Unit) -> bool:
    """A numbered paragraph, a sentence of report length, a resolution's preamble clause
    ("Bearing in mind ... 31 August 1993, ...,"): text, not a line of the title page."""
    if unit.kind != "paragraph":
        return False
    text = unit.text
    clause = text.endswith(",") and len(text) >= 60
    return unit.number is not None or len(text) >= BODY_MIN and ends_sentence(text) or clause


def _is_detail_line(text: str) -> bool:
    """A date or an address set as a heading: a line of the title page, not a section."""
    return bool(find_date_range(text) and len(text.split()) <= 25 or _US_ADDRESS_RE.search(text))


def _continues_title(units: list[Unit], unit: Unit, later: list[Unit]) -> bool:
    """Is a heading that opens the text still the title page's: set as its last heading
    (the title's last line: "IRAQ:" / "LEGAL HISTORY AND TRADITIONS"), or larger than
    any heading of the report after it (the title itself)?"""
    if unit.type_style is None:
        return False
    last = next((u for u in reversed(units) if u.kind == "heading" and u.type_style), None)
    if last is not None and _look(last) == _look(unit):
        return True
    sizes = [u.type_style.size for u in later if u.kind == "heading" and u.type_style]
    return bool(sizes) and all(unit.type_style.size > size for size in sizes)


def _look(unit: Unit) -> tuple[float, bool, bool, bool] | None:
    style = unit.type_style
    return (round(style.size * 2) / 2, style.bold, style.italic, style.caps) if style else None


_ORG_HEADS = frozenset(
    """council assembly commission committee court tribunal university association library board
    district organization organisation agency office ministry department secretariat institute union
    bank fund programme program parliament government authority federation society centre center
    foundation nations group directorate chamber senate mission delegation embassy registry college
    academy school observatory city town county municipality village borough township service
    conseil assemblée comité cour université bibliothèque ministère secrétariat agence bureau institut
    fédération société fondation gouvernement parlement mairie municipalité commune direction chambre
    sénat délégation ambassade greffe académie observatoire groupe ville
    consejo asamblea comisión corte universidad asociación biblioteca junta ministerio secretaría
    organización agencia oficina instituto fondo banco federación sociedad fundación gobierno parlamento
    municipalidad ayuntamiento dirección cámara senado delegación embajada defensoría procuraduría
    academia observatorio grupo ciudad naciones servicio""".split()
)
_HEAD_WORDS = "|".join(sorted(_ORG_HEADS, key=len, reverse=True))
# Words that make a line a meeting's name or a document's kind, not a body's name.
_NOT_A_BODY = frozenset(
    """meeting meetings conference workshop seminar forum dialogue hearing hearings consultation
    consultations symposium summit roundtable panel session sessions retreat briefing colloquium debate
    discussion report agenda minutes judgment judgement resolution decision summary note checklist
    séance réunion atelier conférence colloque audience rapport procès-verbal décision arrêt
    sesión reunión audiencia taller conferencia seminario foro informe acta sentencia resolución
    decisión v vs versus""".split()
)
_FUNCTION_WORDS = frozenset(
    "a an and as at by for from in of on or the to with de des du la le les et el los las del y da do "
    "dos das e".split()
)
_AND_WORDS = frozenset({"and", "et", "y", "&"})
_LEADING_ARTICLE_RE = re.compile(
    r"^(?:(?:in|before|by|dans|devant|ante|en|para|pour)\s+)?(?:the|la|le|les|l['’]|el|los|las)\s*(?=\w)",
    re.IGNORECASE,
)
# "Note by the Secretariat", "Report of the Secretary-General"; not "Summary record of the 5th meeting".
_LABEL_TAIL = (
    r"(?:\s+(?:of|by|du|de\s+la|de|del|adopted\s+by)\s+(?:the\s+|la\s+|le\s+|el\s+)?"
    rf"(?!.*\d)(?!.*\b(?i:{_EVENT_NOUNS}|session|réunion|séance|sesión|reunión)\b)[\w-]+(?:\s+[\w-]+){{0,3}})?"
    r"\s*[.:]?$"
)
# The kind of document, not its name: "PROCÈS-VERBAL", "JUDGMENT", "Note by the Secretariat".
_KIND_LABEL_RE = re.compile(
    r"^(?:(?:summary|final|draft|provisional|annual|interim|preliminary|annotated|revised|"
    r"advance(?:\s+unedited)?|unedited|special|public|verbatim|official)\s+)*"
    r"(?:report|agenda|minutes|judge?ment|resolution|decision|order|note|summary|record|transcript|merits|"
    r"admissibility|procès-verbal|proces-verbal|compte\s+rendu|ordre\s+du\s+jour|rapport|arrêt|jugement|"
    r"décision|résolution|ordonnance|avis|acta|orden\s+del\s+d[íi]a|informe|sentencia|resolución|"
    r"decisión|auto|fondo|admisibilidad|(?:co-)?chair(?:person|man)?['’]?s?['’]?\s+summary|"
    r"president['’]?s\s+summary|résumé\s+du\s+président|resumen\s+de\s+la\s+presidencia)" + _LABEL_TAIL,
    re.IGNORECASE,
)
# Labels of a part of the page: the contents, those present.
_PAGE_LABEL_RE = re.compile(
    r"^(?:(?:table\s+of\s+)?contents?|sommaire|table\s+des\s+matières|índice|present|presences|"
    r"(?:advance\s+)?(?:unedited\s+)?version|"
    r"présences|attendance|members(?:\s+present)?|membres|asistentes|participants)(?:\s+\(continued\))?"
    r"\s*[.:]?$",
    re.IGNORECASE,
)
# A label set on the masthead's last line, read with it as one heading.
_TRAILING_LABEL_RE = re.compile(
    r"\s+(?P<label>(?:provisional\s+|draft\s+)?agenda|minutes|ordre\s+du\s+jour|procès-verbal|compte\s+rendu|"
    r"judge?ment|arrêt|sentencia|acta|orden\s+del\s+d[íi]a|report|rapport|informe)$",
    re.IGNORECASE,
)
# A venue's line, not a title: "Salle du conseil, Hôtel de Ville", "Council Chambers".
_VENUE_RE = re.compile(
    r"^(?:salle|room|hall|sala|auditori(?:um|o)|conference\s+room|council\s+chambers?|chambers|city\s+hall|"
    r"hôtel\s+de\s+ville|town\s+hall|palais|palacio|building|edificio|bâtiment)\b",
    re.IGNORECASE,
)
_LETTER_RE = re.compile(
    r"^(?:identical\s+)?(?:letters?|notes?\s+verbales?|lettres?|cartas?|notas?\s+verbales?)\s+"
    r"(?:dated|datées?|de\s+fecha|idénticas\s+de\s+fecha)\b",
    re.IGNORECASE,
)
_FIELD_LABEL_RE = re.compile(r"^[^\W\d][\w’'/()-]*(?:\s+[\w’'/()-]+){0,5}\s*:$")
_PERSON_RE = re.compile(
    r"^(?:by|par|por|prepared\s+by|presented\s+by|submitted\s+by|written\s+by|authors?|auteurs?|"
    r"autores?|rapporteur|secretary|secrétaire|secretari[oa])\b",
    re.IGNORECASE,
)
_ISSUE_MARK_RE = re.compile(
    r"\bDistr\.|\b(?:Original|Language|Distribution|Date\s+of\s+issue|Issued)\s*:|"
    r"\bOriginal\s*:?\s+(?:English|French|Spanish|Arabic|Chinese|Russian|anglais|français|espagnol|"
    r"inglés|francés|español)\b",
    re.IGNORECASE,
)
_FURNITURE_RE = re.compile(
    r"\bDistr\.\s*:?\s*(?:General|Limited|Restricted|Générale|Limitée|Restreinte|Reservada|Restringida"
    r"|Generale)?|\b(?:Original|Language|Date\s+of\s+issue)\s*:\s*[\w-]+(?:\s+\d{1,2}\s+\w+\s+\d{4})?",
    re.IGNORECASE,
)
_DISTRIBUTION_RE = re.compile(
    r"^(?:general|limited|restricted|générale|limitée|restreinte|restringida|reservada)$", re.IGNORECASE
)
_SESSION_RE = re.compile(
    r"\b(?:\d+(?:st|nd|rd|th)|first|second|third|[\w-]*(?:th|first|second|third))\s+"
    r"(?:regular\s+|special\s+|ordinary\s+|resumed\s+|extraordinary\s+)?session\b"
    r"|\b[\w-]*i[èe]me\s+session\b|\bpremi[èe]re\s+session\b|\bper[íi]odo\s+(?:extraordinario\s+)?de\s+sesiones\b"
    r"|^agenda\s+item\b|^point\s+\d+\s+de\s+l['’]ordre\s+du\s+jour|^tema\s+\d+\s+del\s+programa",
    re.IGNORECASE,
)
_US_ADDRESS_RE = re.compile(
    r"\b(?P<city>[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2}),?\s+"
    r"(?:A[KLRZ]|C[AOT]|D[CE]|FL|GA|HI|I[ADLN]|K[SY]|LA|M[ADEINOST]|N[CDEHJMVY]|O[HKR]|PA|RI|S[CD]|T[NX]|UT"
    r"|V[AT]|W[AIVY]|D\.C\.)\s+\d{5}(?:-\d{4})?\b"
)
_NOT_A_PARTY = (
    r"(?!(?i:application|judg(?:e)?ment|case|suit|appeal|petition|ruling|order|request|sentencia|"
    r"resoluci[óo]n|arr[êe]t|requête|no)\b)"
)
_CASE_PARTY = (
    rf"{_NOT_A_PARTY}[A-ZÀ-Ý][\w'’.&-]*(?:\s+(?:{_NOT_A_PARTY}[A-ZÀ-Ý][\w'’.&-]*|of|the|de|da|do|dos|das|del|"
    r"la|le|y|and|et|e|von|van|der|al|el|bin))*"
)
_CASE_NAME_RE = re.compile(
    r"(?:(?i:in\s+the\s+(?:case|matter)\s+(?:of\s+)?|the\s+matter\s+of\s+|matter\s+of\s+|"
    r"en\s+el\s+caso\s+|dans\s+l['’]affaire\s+))?"
    rf"(?P<name>(?:(?i:case\s+of|caso|affaire|asunto)\s+(?:the\s+)?)?{_CASE_PARTY}\s+"
    rf"(?:v\.|vs\.?|Vs\.?|VS\.?|versus|c\.|contra|contre)\s+{_CASE_PARTY})"  # not "V.": an initial
)
_ISSUER_RE = re.compile(
    r"\b(?:resolution|decision|order|judg(?:e)?ment|opinion|ruling|determination|award|resoluci[óo]n|"
    r"decisi[óo]n|auto|sentencia|opini[óo]n|r[ée]solution|d[ée]cision|ordonnance|arr[êe]t|avis|jugement)\s+"
    r"(?:(?:adopted|issued|delivered|rendered|made)\s+by|of|by|adoptada\s+por|dictada\s+por|del|de\s+la|"
    r"de|adopt[ée]e?\s+par|rendue?\s+par|du|de\s+l['’]|des)\s+(?:(?:the|la|le|el|l['’])\s*)?"
    r"(?:(?:president|presidente|pr[ée]sident(?:e)?|chair(?:person|man)?|vice-president|registrar)\s+"
    r"(?:of|de|del|du|de\s+la)\s+(?:(?:the|la|le|el|l['’])\s*)?)?"
    r"(?P<org>.+)$",
    re.IGNORECASE,
)
# "MINUTES OF THE REGULAR MEETING OF THE CITY COUNCIL", "ACTA DE LA REUNIÓN ORDINARIA DEL CONSEJO DIRECTIVO"
_MEETING_OF_RE = re.compile(
    r"\b(?:meeting|session|sitting|reunión|sesión|séance|réunion)\s+(?:(?:ordinaire|ordinaria|extraordinaire|"
    r"extraordinaria|regular|special|plenary|plénière|plenaria|annual|publique|pública)\s+)?"
    r"(?:of|du|de\s+la|de\s+l['’]|del|de|des)\s+(?:(?:the|la|le|el|l['’])\s*)?(?P<org>.+)$",
    re.IGNORECASE,
)
_ACRONYM_EVENT_RE = re.compile(rf"^(?P<acronym>[A-Z][A-Z&]{{2,9}})\b(?:\s+\S+)?\s+(?i:{_EVENT_NOUNS})\b")
_HEREINAFTER_RE = re.compile(
    r"(?P<name>[A-ZÀ-Ý][\w'’-]*(?:\s+(?:[A-ZÀ-Ý][\w'’-]*|of|on|for|and|the|de|del|la|des|du|y|et))*)"
    r"\s*\(\s*(?:hereinafter|hereafter|en\s+adelante|ci-apr[èe]s)\b"
)
_FIELDS = {
    "title": r"event|meeting|title|name\s+of\s+(?:the\s+)?(?:event|meeting)|[ée]v[ée]nement|r[ée]union|"
    r"titre|evento|reuni[óo]n|t[íi]tulo|wydarzenie|nazwa\s+wydarzenia",
    "organizers": r"organi[sz]ers?|organi[sz]ed\s+by|hosts?|hosted\s+by|convened\s+by|organisateurs?|"
    r"organis[ée]\s+par|organizadores?|organizado\s+por|organizatorzy|organizator",
    "date": r"dates?(?:\s+and\s+time)?|when|date\s+et\s+heure|fechas?(?:\s+y\s+hora)?|"
    r"data(?:\s+i\s+godzina)?(?:\s+spotkania)?|termin",
    "place": r"venue|place|location|where|lieu|endroit|lugar|sede|miejsce(?:\s+spotkania)?",
}
_FIELD_RE = re.compile(
    "^(?:" + "|".join(f"(?P<{name}>{words})" for name, words in _FIELDS.items()) + r")\s*:\s*(?P<value>.*)$",
    re.IGNORECASE,
)
_POSTCODE_CITY_RE = re.compile(
    r"(?<![\w-])(?:\d{2}-\d{3}|\d{4,5})\s+(?P<city>[A-ZÀ-Ž][\w'’-]+(?:[ -][A-ZÀ-Ž][\w'’-]+)?)"
)
_TRAILING_MARKS_RE = re.compile(r"[\s*†‡¹²³⁴⁵⁶⁷⁸⁹⁰:;,]+$")


def _read_laid_out_page(units: list[Unit], gazetteer: Gazetteer, acronyms: set[str]) -> _TitlePage:
    """The title page of a PDF or Word file: its lines' details, then its type (lines of
    one look in a row are one name: a title, or a body's name over two lines)."""
    page = _TitlePage()
    lines = [(text, unit) for unit in units if (text := _line_text(unit))]
    values = _read_fields(page, lines, gazetteer)
    rests = [_without_furniture(text) for text, _ in lines]
    _read_line_details(page, lines, rests, values, gazetteer, acronyms)
    page.named_title = page.named_title or _case_title(lines, rests, acronyms)
    authored = any("@" in text for text, _ in lines)
    _read_runs(page, _plain_runs(page, lines, rests, values, gazetteer, acronyms), acronyms, authored)
    return page


def _read_line_details(
    page: _TitlePage,
    lines: list[tuple[str, Unit]],
    rests: list[str],
    values: set[int],
    gazetteer: Gazetteer,
    acronyms: set[str],
) -> None:
    """Symbol, dates, places and bodies named inside lines. A date on a UN symbol's line
    or on "Distr."'s, or standing alone right under them, is the day of issue; one in or
    under "Seventh session" is the session's."""
    symbol_rank = len(_SYMBOL_FINDERS)
    after_issue, session = False, 0
    for (text, unit), rest in zip(lines, rests, strict=True):
        symbol = _find_symbol(text)
        if symbol and symbol[1] < symbol_rank:
            page.symbol, symbol_rank = (symbol[0], text), symbol[1]
        # A UN symbol heads the masthead with the day of issue; "Decision No. 5 of 12 March
        # 2010" gives the day of the decision.
        issued = bool(symbol and _SYMBOL_FINDERS[symbol[1]] is _UN_SYMBOL_RE or _ISSUE_MARK_RE.search(text))
        session = 3 if _SESSION_RE.search(rest) else max(0, session - 1)
        issue_date = after_issue and _is_lone_date(rest)
        if not (issued or issue_date or id(unit) in values):
            _read_date_or_place(page, rest, session > 0, gazetteer)
        after_issue = issued or after_issue and (issue_date or not rest or bool(_DISTRIBUTION_RE.match(rest)))
        _read_inline_organizers(page, rest, acronyms)


def _plain_runs(
    page: _TitlePage,
    lines: list[tuple[str, Unit]],
    rests: list[str],
    values: set[int],
    gazetteer: Gazetteer,
    acronyms: set[str],
) -> list[list[tuple[str, Unit]]]:
    """The headings that may be a title or a body's name, in runs of one look; the other
    plain lines go to `page.titles`, a label of the document's kind to `page.kind_label`."""
    runs: list[list[tuple[str, Unit]]] = [[]]
    for index, ((text, unit), rest) in enumerate(zip(lines, rests, strict=True)):
        following = lines[index + 1][1] if index + 1 < len(lines) else None
        continued = following is not None and following.kind == "heading" and _look(following) == _look(unit)
        if id(unit) in values or not _is_plain(rest, _find_symbol(text), gazetteer, continued):
            page.kind_label = page.kind_label or (rest if _KIND_LABEL_RE.match(rest) else None)
            runs.append([])
            continue
        if not _org_name(rest, acronyms):
            page.titles.append((smart_title(_TRAILING_MARKS_RE.sub("", rest), acronyms), text))
        if unit.kind != "heading" or unit.type_style is None:
            runs.append([])
        elif runs[-1] and _look(runs[-1][-1][1]) != _look(unit):
            runs.append([(rest, unit)])
        else:
            runs[-1].append((rest, unit))
    return [run for run in runs if run]


def _case_title(
    lines: list[tuple[str, Unit]], rests: list[str], acronyms: set[str]
) -> tuple[str, str] | None:
    """A case's name on the title page ("X v. Y", "Caso X vs. Y"), also where its parties
    stand on lines of their own ("ALEX THOMAS" / "v." / "UNITED REPUBLIC OF TANZANIA"),
    with the name of the case before it where the parties are in brackets under it
    ("PULP MILLS ON THE RIVER URUGUAY" / "(ARGENTINA v. URUGUAY)")."""
    for index, rest in enumerate(rests):
        before = rests[index - 1] if index else ""
        after = rests[index + 1] if index + 1 < len(rests) else ""
        case = _CASE_NAME_RE.search(_parties_text(before, rest, after))
        if not case:
            continue
        name = _case_name(case.group("name"))
        if rest.startswith("(") and _names_a_case(before, acronyms):
            name = f"{smart_title(before, acronyms)} ({name})"
        return name, lines[index][0]
    return None


def _parties_text(before: str, line: str, after: str) -> str:
    """The line, with the next one where "v." ends it or starts the next, or with both
    neighbours where "v." stands alone on it."""
    if _VERSUS_RE.fullmatch(line):
        return f"{before} {line} {after}" if before and after else line
    words = line.split()
    if words and _VERSUS_RE.fullmatch(words[-1]) or _VERSUS_RE.fullmatch(after.split(" ")[0]):
        return f"{line} {after}"
    return line


def _names_a_case(line: str, acronyms: set[str]) -> bool:
    """Is the line the name of a case ("PULP MILLS ON THE RIVER URUGUAY"), not a body, a
    date or a label?"""
    return bool(line) and not (
        _org_name(line, acronyms)
        or has_date_words(line)
        or _KIND_LABEL_RE.match(line)
        or _CASE_NAME_RE.search(line)
    )


_VERSUS_RE = re.compile(r"v\.|vs\.?|Vs\.?|VS\.?|versus|c\.|contra|contre")


def _line_text(unit: Unit) -> str:
    return unit.text.replace("\n", " | ").strip()


def _without_furniture(text: str) -> str:
    """The line without its symbol, "Distr.: General", "Original: English"."""
    for finder in _SYMBOL_FINDERS:
        text = finder.sub(" ", text)
    text = _FURNITURE_RE.sub(" ", text)
    return " ".join(text.split()).strip(" |,;")


def _is_plain(rest: str, symbol: tuple[str, int] | None, gazetteer: Gazetteer, continued: bool) -> bool:
    """A line that may be (part of) a title or a body's name: not a date, a place, a label
    of the document's kind or a field, a person, a session, the masthead's furniture. A
    line ending with a colon is a field's label unless the next line goes on in its type
    ("Rice Processing in Nigeria:" / "A survey")."""
    if not re.search(r"[^\W\d_]{3,}", rest) or symbol and len(rest.split()) < 4:
        return False
    if _DISTRIBUTION_RE.match(rest) or _KIND_LABEL_RE.match(rest) or _PAGE_LABEL_RE.match(rest):
        return False
    if _FIELD_LABEL_RE.match(rest) and not continued:
        return False
    if _PERSON_RE.match(rest) or _VENUE_RE.match(rest) or re.match(r"^page\s+\d", rest, re.IGNORECASE):
        return False
    # "Seventh session", "Agenda item 3"; not "Report of the sixty-third session of ..."
    if _SESSION_RE.search(rest) and len(rest.split()) <= 6:
        return False
    if _LETTER_RE.match(rest):
        return True  # "Letter dated 5 May 2010 from ...": a title with its date in it
    return not (has_date_words(rest) or gazetteer.whole(rest) or _US_ADDRESS_RE.search(rest))


def _read_runs(
    page: _TitlePage, runs: list[list[tuple[str, Unit]]], acronyms: set[str], authored: bool
) -> None:
    """Each run of headings of one look: a body's name, or a title in its type size. On
    a paper's title page (authors with their e-mail addresses), bodies printed after the
    title are the authors' affiliations, not organisers."""
    bodies: list[tuple[int, str, str]] = []  # (run, name, line)
    candidates: list[tuple[float, bool, int, str, str]] = []
    for order, run in enumerate(runs):
        texts = [text for text, _ in run]
        while len(texts) > 1 and _org_name(texts[0], acronyms) and not _goes_on(texts):
            bodies.append((order, _org_name(texts[0], acronyms), texts[0]))  # a masthead line over the next
            texts.pop(0)
        if not texts:
            continue
        joined = join_lines(texts)
        label = _TRAILING_LABEL_RE.search(joined)
        labelled = label and _org_name(joined[: label.start()], acronyms)
        if labelled:  # "CONSEIL MUNICIPAL DE LA VILLE DE LYON ORDRE DU JOUR": a body and a label
            bodies.append((order, labelled, joined))
            page.kind_label = page.kind_label or label.group("label")
        elif body := _org_name(joined, acronyms):
            bodies.append((order, body, joined))
        elif (style := run[len(run) - len(texts)][1].type_style) and len(joined) <= 300:
            title = smart_title(_TRAILING_MARKS_RE.sub("", joined), acronyms)
            candidates.append((round(style.size * 2) / 2, style.bold, -order, title, joined))
    best = max(candidates) if candidates else None
    if best:
        page.typeset_title = (best[3], best[4])
    masthead = [(name, line) for order, name, line in bodies if not (authored and best and order > -best[2])]
    # The masthead's bodies come before those named inside lines.
    page.organizers[:0] = [name for name, _ in masthead]
    page.org_evidence[:0] = [line for _, line in masthead]
    page.body_name = masthead[0][0] if masthead else None


def _goes_on(texts: list[str]) -> bool:
    """Does the first line's name go on on the next ("... THE ECONOMIC COMMUNITY" / "OF WEST
    AFRICAN STATES"), rather than a second name or the title following it?"""
    if len(texts) < 2:
        return False
    first, second = texts[0].split(), texts[1].split()
    return (
        first[-1].casefold() in _FUNCTION_WORDS
        or first[-1].endswith(("-", ":"))
        or second[0].casefold() in _FUNCTION_WORDS
        or second[0][0].islower()
    )


def _org_name(text: str, acronyms: set[str]) -> str | None:
    """The text as the name of a body and nothing else: "Communications Commission of
    Kenya", "IN THE COURT OF JUSTICE OF ... (ECOWAS)", "Comité de démolition"; not
    "Opening dates of ... the General Assembly" nor "Board of Education Special Meeting"."""
    name = _LEADING_ARTICLE_RE.sub("", text.strip(" .,;:*")).strip()
    bare = re.sub(r"\s*\([^()]{2,12}\)$", "", name)
    words = bare.split()
    if not words or len(words) > 14 or re.search(r"[:;@{}†‡*|\d]|[a-z]{2}\.\s", bare):
        return None
    if not any(ch.islower() for ch in bare):
        words = [w for w in words if len(w) > 1]  # a letter of the logo drawn among them: "UNITED A NATIONS"
    folded = [w.strip("().,’'").casefold() for w in words]
    if any(w in _NOT_A_BODY for w in folded) or not words or not words[0][0].isupper():
        return None
    head = next((i for i, w in enumerate(folded) if w in _ORG_HEADS), None)
    if head is None or head > 4 or "," in " ".join(words[: head + 1]):
        return None  # a comma after the head noun is the body's own ("Committee on Economic, Social...")
    # Before the head noun only names: "Economic and Social Council", not "Financing of the United Nations".
    if any(
        w in _FUNCTION_WORDS - _AND_WORDS or not words[i][0].isupper() and w not in _AND_WORDS
        for i, w in enumerate(folded[:head])
    ):
        return None
    acronym = name[len(bare) :]
    return smart_title(" ".join(words), _org_acronyms(name, acronyms)) + acronym


def _read_inline_organizers(page: _TitlePage, text: str, acronyms: set[str]) -> None:
    """Bodies named inside a line: "Resolución del Presidente de la Corte ...", "Minutes of
    the regular meeting of the City Council", "West Africa Rice Development Association
    (WARDA)", "PIARC C13 meeting"."""
    found: list[str] = []
    organized = _ORGANIZED_LINE_RE.match(text)
    if organized:
        found += _split_organizers(organized.group("orgs"))
    for pattern in (_ISSUER_RE, _MEETING_OF_RE):
        issuer = pattern.search(text)
        if issuer and (name := _org_name(issuer.group("org"), acronyms)):
            found.append(name)
    for match in re.finditer(r"\((?P<acronym>[A-Z][A-Z&]{1,9})\)", text):
        found += _name_before_acronym(text[: match.start()], match.group("acronym"), acronyms)
    event = _ACRONYM_EVENT_RE.match(text)
    if event and event.group("acronym") in acronyms and not _ROMAN_RE.fullmatch(event.group("acronym")):
        found.append(event.group("acronym"))
    for name in found:
        if _bare_name(name) not in {_bare_name(o) for o in page.organizers}:
            page.organizers.append(name)
            page.org_evidence.append(text)


def _name_before_acronym(text: str, acronym: str, acronyms: set[str]) -> list[str]:
    """ "... September 2003 West Africa Rice Development Association" + "WARDA": the
    longest run of words before the brackets whose initials spell the acronym."""
    words = text.split()[-12:]
    for start in range(len(words)):
        candidate = " ".join(words[start:])
        initials = [
            w[0]
            for w in re.split(r"[\s-]+", candidate)
            if w[:1].isupper() and w.casefold() not in _FUNCTION_WORDS
        ]
        if len(initials) < 2 or initials[0] != acronym[0] or not _in_order(initials, acronym):
            continue
        name = _org_name(f"{candidate} ({acronym})", acronyms | {acronym})
        if name:
            return [name]
    return []


def _in_order(letters: list[str], word: str) -> bool:
    """Do the letters appear in the word in this order ("ECWAS" in "ECOWAS")?"""
    rest = iter(word)
    return all(letter in rest for letter in letters) and len(letters) >= len(word) - 2


def _case_name(name: str) -> str:
    """ "SUNDAY CHARLES UGWUABA v. REPUBLIC OF SENEGAL" -> "Sunday Charles Ugwuaba v. Republic of Senegal"."""
    shouted = re.sub(r"\s(v|vs)\.\s", lambda m: f" {m.group(1).upper()}. ", name.strip(), flags=re.IGNORECASE)
    # Parties' names are in capitals in the text too: only what is in brackets stays so.
    name = smart_title(shouted, _org_acronyms(shouted, set()))
    return re.sub(r"\s(V|Vs|VS)\.\s", lambda m: f" {m.group(1).lower()}. ", name)


def _org_acronyms(text: str, acronyms: set[str]) -> set[str]:
    """The words of a name in capitals to keep so: those in brackets, and the document's
    short acronyms that are not ordinary words of names ("CORTE" is no acronym)."""
    short = {a for a in acronyms if len(a) <= 6 and a.casefold() not in _ORG_HEADS | _FUNCTION_WORDS}
    return short | set(re.findall(r"\(([A-Z][A-Z&]{1,9})\)", text))


def _read_fields(page: _TitlePage, lines: list[tuple[str, Unit]], gazetteer: Gazetteer) -> set[int]:
    """Labelled details ("Event:", "Organizers:", "Date:", "Venue:"), the value on the same
    line or the next; returns the units that held a value. A date field counts only beside
    another field: alone, "Date:" is often the day a letter or a note was written."""
    fields: dict[str, tuple[str, str]] = {}
    used: set[int] = set()
    # A table of details is read row by row: "Date: | 3-4 October 2013".
    lines = [(" ".join(row), unit) for text, unit in lines for row in (unit.rows or [[text]])]
    for index, (text, unit) in enumerate(lines):
        match = _FIELD_RE.match(text)
        if not match:
            continue
        name = next(key for key in _FIELDS if match.group(key))
        value = match.group("value").strip()
        if not value and index + 1 < len(lines) and not _FIELD_RE.match(lines[index + 1][0]):
            value, unit = lines[index + 1]
        if value and name not in fields:
            fields[name] = (value.strip(" ."), f"{text} {value}" if value not in text else text)
            used.add(id(unit))
    if "title" in fields:
        page.named_title = fields["title"]
    if "organizers" in fields:
        value, line = fields["organizers"]
        first_sentence = re.split(r"(?<=[a-zà-ž])\.\s+(?=[A-ZÀ-Ž])", value)[0]
        for part in re.split(r";\s*|,\s+(?=[A-ZÀ-Ž])", first_sentence):
            for name in _split_organizers(part):
                page.organizers.append(name)
                page.org_evidence.append(line)
    if "place" in fields:
        value, line = fields["place"]
        place = _venue_place(value, gazetteer)
        if place:
            page.venue = (place, line)
    if "date" in fields and len(fields) > 1:
        value, line = fields["date"]
        when = find_date_range(value)
        if when:
            page.meeting_line = (when[0], when[1], None, line)
    return used


def _venue_place(text: str, gazetteer: Gazetteer) -> Place | None:
    """The town of a venue's address: one the gazetteer knows, or the one after the postcode."""
    found = gazetteer.find(text)
    if found:
        return found[0]
    postcode = _POSTCODE_CITY_RE.search(text)
    if postcode:
        city = postcode.group("city")
        known = gazetteer.city(city)
        return Place(*known) if known else Place(city, None)
    return None


def _read_date_or_place(page: _TitlePage, text: str, in_session: bool, gazetteer: Gazetteer) -> None:
    """A date (with the place printed next to it), or a place printed without a date."""
    when = find_date_range(text)
    if when and _CITED_DATE_RE.search(text[: text.find(when[2])]):
        return  # "resolution 862 (1993) of 31 August 1993": another document's date
    if when:
        start, end, words = when
        place, lone = _place_by_date(text, words, gazetteer)
        event = _EVENT_BEFORE_DATE_RE.match(text[: text.find(words)])
        if event:  # "MINUTES OF THE 45TH ANNUAL GENERAL MEETING HELD ON 14TH JUNE 2012"
            page.titles.append((smart_title(event.group("event"), set()), text))
        if in_session:
            page.session_date = page.session_date or (start, end, place, text)
        elif lone:
            page.loose_date = page.loose_date or (start, end, text)
        else:
            page.meeting_line = page.meeting_line or (start, end, place, text)
        return
    place = (
        gazetteer.whole(text)
        or _address_place(text, gazetteer)
        or _place_after_event(text, gazetteer)
        or gazetteer.find_pair(text)
    )
    if place and page.place is None:
        page.place = (place, text)


_DATE_CONNECTORS = (
    r"(?:on|the|le|el|del|du|from|dated?|of|de|this|a|à|ce|día|monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|miércoles|jueves|"
    r"viernes|sábado|domingo)"
)
# Another document cited with its date; the document's own title line starts with its kind.
_CITED_DATE_RE = re.compile(
    r"\S\s+(?:resolution|decision|report|letter|note|law|act|decree|r[ée]solution|d[ée]cision|resoluci[óo]n|"
    r"decisi[óo]n|informe|carta|lettre|loi|ley|decreto|d[ée]cret)\s+(?:No\.?\s*)?[\w/().-]*\d[\w/().-]*\s+"
    r"(?:\(\d{4}\)\s+)?(?:of|du|de|del)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_EVENT_BEFORE_DATE_RE = re.compile(
    rf"^(?P<event>.*\b(?i:{_EVENT_NOUNS}|réunion|séance|reunión|sesión)\b.*?)\s*,?\s+"
    r"(?i:held|convened|tenue?|celebrad[ao]|(?:which\s+)?took\s+place)?(?:\s+(?i:on|le|el|du|del|from))*\s*$"
)


def _place_by_date(text: str, words: str, gazetteer: Gazetteer) -> tuple[Place | None, bool]:
    """The place a comma joins to the date ("Geneva, 8-19 February 2010", "Genève, le 3
    mars 2011", "15 March 2006, New York", "14TH JUNE 2012 AT THE SAFARI PARK HOTEL,
    NAIROBI"), and whether the date stands alone on its line.
    A place with no comma before the date ("FAMILY ARGENTINA DECEMBER 7, 2018") is a
    party or a subject, not where the meeting was."""
    at = text.find(words)
    before, after = text[:at], text[at + len(words) :]
    before = re.sub(rf"(?:\b{_DATE_CONNECTORS},?\s*)+$", "", before.rstrip(), flags=re.IGNORECASE).rstrip()
    place = gazetteer.find_at_end(before[:-1]) if before.endswith(",") else None
    if place is None and re.match(r"\s*(?:,|(?:at|in|à|au|en)\b)", after, re.IGNORECASE):
        found = gazetteer.find(after[:80])
        place = found[0] if found else None
    return place, _stands_alone(text, words)


def _stands_alone(text: str, words: str) -> bool:
    """Is the date all the line says ("On March 28, 2022", "DE 14 DE NOVIEMBRE DE 2023")?"""
    leftover = text.replace(words, " ", 1)
    return not re.sub(rf"\b{_DATE_CONNECTORS}\b|[\W\d_]+", "", leftover, flags=re.IGNORECASE)


def _is_lone_date(text: str) -> bool:
    when = find_date_range(text)
    return bool(when) and _stands_alone(text, when[2])


def _address_place(text: str, gazetteer: Gazetteer) -> Place | None:
    """ "Washington, DC 20540", "Sunnyvale, CA 94087": the town of a United States address."""
    match = _US_ADDRESS_RE.search(text)
    if not match:
        return None
    known = gazetteer.city(match.group("city"))
    return Place(*known) if known else Place(match.group("city"), None)


def _place_after_event(text: str, gazetteer: Gazetteer) -> Place | None:
    """ "PIARC C13 meeting, Lisbon April 2003": the place a comma joins to the event."""
    for match in _EVENT_NOUN_RE.finditer(text):
        after = text[match.end() :]
        if re.match(r"\s*,\s*\S", after):
            return gazetteer.find_at_start(after.lstrip(" ,"))
    return None


# --- symbols ---------------------------------------------------------------------------------

_NUMBER_SIGN = r"(?P<sign>No|Nos|N[°º]|Nº|n[°º]|Núm|Num|Nr|Number)\.?"
_DOCUMENT_NUMBER_RE = re.compile(
    r"\b(?P<kind>Report|Judg(?:e)?ment|Determination|Decision|Resolution|Opinion|Order|Award|Ruling|"
    r"Recommendation|Informe|Sentencia|Resoluci[óo]n|Decisi[óo]n|Opini[óo]n|Auto|Rapport|Arr[êe]t|"
    r"D[ée]cision|R[ée]solution|Avis|Ordonnance|Jugement)\s+"
    rf"{_NUMBER_SIGN}\s*(?P<number>(?=[\w./-]*\d)[A-Z0-9][\w./-]*?(?:\s+of\s+\d{{4}})?)(?=[.,;:)]?(?:\s|$))",
    re.IGNORECASE,
)
_FILE_NUMBER_RE = re.compile(
    rf"\b(?P<prefix>[A-Z]{{1,5}}\s+)?File\s+{_NUMBER_SIGN}\s*(?P<number>\d[\w./-]*\d)", re.IGNORECASE
)
_REFERENCE_RE = re.compile(
    r"\b(?:Reference|Ref\.)(?:\s+(?:No|N[°º]|Number)\.?)?\s*[:|]?\s*(?P<number>[A-Z]{0,4}\d[\w./-]*\d)",
    re.IGNORECASE,
)
_UN_SYMBOL = r"[A-Z]{1,8}(?:/[A-Z0-9][A-Za-z0-9.\-]*){1,6}(?:\s\(\d{4}\))?"  # "S/RES/2250 (2015)"
# A UN-style symbol heads or ends its line; one inside a sentence is a reference to another document.
_UN_SYMBOL_RE = re.compile(rf"^(?P<lead>{_UN_SYMBOL})(?=\s|$)|(?<=\s)(?P<symbol>{_UN_SYMBOL})(?=\s*$)")
_CASE_NUMBER_RE = re.compile(
    r"\b(?P<kind>Application|Case|Petition|Communication|Complaint|Appeal|Requête|Affaire|Caso|Expediente|"
    rf"Demanda|Petición|Comunicación)\s+{_NUMBER_SIGN}\s*"
    r"(?P<number>(?=[\w./-]*\d)[A-Z0-9][\w./-]*?)(?=[.,;:)]?(?:\s|$))",
    re.IGNORECASE,
)
# Surest first; a case's number only where the document has no number of its own.
_SYMBOL_FINDERS = (_DOCUMENT_NUMBER_RE, _UN_SYMBOL_RE, _FILE_NUMBER_RE, _REFERENCE_RE, _CASE_NUMBER_RE)


def running_head_symbol(head: str) -> str | None:
    """The symbol a running head consists of: "A/HRC/41/38", "Judgment No. ECW/CCJ/JUD/16/22",
    "LL File No. 2004-208" (a page number beside it aside)."""
    head = re.sub(r"\s+(?:[-–|]\s*)?(?:page\s+)?\d{1,4}(?:\s+of\s+\d{1,4})?$", "", head.strip(), flags=re.I)
    plain = SYMBOL_RE.match(head)
    if plain:
        return plain.group("symbol") if any(ch.isdigit() for ch in head) else None
    for finder in (_DOCUMENT_NUMBER_RE, _FILE_NUMBER_RE):
        match = finder.fullmatch(head)
        if match:
            return _symbol_text(finder, match)
    return None


def _find_symbol(text: str) -> tuple[str, int] | None:
    """The document's own number in a line, with its rank (lower is surer): a numbered
    decision or report ("Report No. 146/18", "Judgment No. ECW/CCJ/JUD/16/22"), a UN-style
    symbol, a file number ("LL File No. 2004-208"), a reference ("CREDO REFERENCE 03/599"),
    and last a case's or an application's number ("Application No. 001/2012")."""
    for rank, finder in enumerate(_SYMBOL_FINDERS):
        for match in finder.finditer(text):
            symbol = _symbol_text(finder, match)
            if symbol:
                return symbol, rank
    return None


def _symbol_text(finder: re.Pattern[str], match: re.Match[str]) -> str | None:
    if finder is _UN_SYMBOL_RE:
        symbol = (match.group("lead") or match.group("symbol")).rstrip(".")
        return symbol if any(ch.isdigit() for ch in symbol) else None
    number = match.group("number").rstrip(".")
    if finder in (_DOCUMENT_NUMBER_RE, _CASE_NUMBER_RE):
        if _UN_SYMBOL_RE.fullmatch(number) and any(ch.isalpha() for ch in number):
            return number  # "Judgment No. ECW/CCJ/JUD/16/22": the symbol itself
        # As printed, but not in capitals: "REPORT No. 146/18" -> "Report No. 146/18".
        kind = match.group("kind")
        sign = match.string[match.start("sign") : match.start("number")].strip()
        sign = "No." if sign.casefold().rstrip(".") == "no" else sign
        number = re.sub(r"\s+of\s+", " of ", number, flags=re.IGNORECASE)
        return f"{kind[0].upper()}{kind[1:].lower()} {sign} {number}"
    if finder is _FILE_NUMBER_RE:
        return f"{(match.group('prefix') or '').strip()} File No. {number}".strip()
    return number


# --- the report's own words about its dates and its body ---------------------------------------

_CLOSING_RE = re.compile(
    r"\b(?i:done|signed|adopted|given|delivered|fait|adopt[ée]e?|sign[ée]e?|hecho|dado|dada|adoptad[oa]|"
    r"firmad[oa])\s+(?i:at|in|à|en)\s+(?P<place>[A-ZÀ-Ý][^,;.]{1,40}(?:,\s*[A-ZÀ-Ý][^,;.]{1,30})?),"
    r"\s*(?P<rest>.{0,80})"
)
_PLENARY_RE = re.compile(
    r"\b\d{1,4}\s*(?:st|nd|rd|th|e|ème|re|ª|a|º)?\s+(?:plenary\s+meeting|séance\s+plénière|"
    r"sesión\s+plenaria)\b[\s,.]*(?P<rest>.{0,60})",
    re.IGNORECASE,
)
_HEARING_SUBJECT_RE = re.compile(
    r"^(?:the\s+|this\s+)?(?:public\s+|oral\s+)?(?:meeting|hearings?|sitting)\b"
    r"(?:\s+(?:of|by|with|between|before)\b.*)?$"
    r"|^(?:audience|séance|réunion|audiencia|sesión|reunión)(?:\s+(?:publique|pública))?\b"
    r"(?:\s+(?:de|du|des|del)\b.*)?$",
    re.IGNORECASE,
)


def _closing_formula(
    body: list[str], gazetteer: Gazetteer
) -> tuple[tuple[str, str, str], Place | None] | None:
    """The date (and place) a decision was adopted, from its closing words: "Done in Accra,
    on the 28th of March 2022", "Fait à Genève, le 3 mars 2011", "92nd plenary meeting,
    5 April 1994". The last such words count: earlier ones may quote other decisions."""
    for paragraph in reversed(body):
        for match in reversed(list(_CLOSING_RE.finditer(paragraph)) + list(_PLENARY_RE.finditer(paragraph))):
            when = find_date_range(match.group("rest"))
            if not when or match.group("rest").find(when[2]) > 12:
                continue
            place = None
            if "place" in match.groupdict():
                found = gazetteer.find(match.group("place"))
                place = found[0] if found else None
            return (when[0], when[1], match.group(0).strip()), place
    return None


def _hearing_date(body: list[str], gazetteer: Gazetteer) -> tuple[str, str, str] | None:
    """When the report says its hearing or meeting was held, further down than its opening
    sentence: "The hearing by the Commission was held on 4th and 5th January 2010"."""
    for paragraph in body:
        for sentence in _sentences(paragraph):
            found = _read_sentence(sentence, gazetteer)
            if found and found.when and _HEARING_SUBJECT_RE.match(found.event):
                return found.when[0], found.when[1], sentence
    return None


def _self_named_body(paragraphs: list[str]) -> tuple[str, str] | None:
    """The body a decision names as itself at the start: "the Inter-American Commission on
    Human Rights (hereinafter "the Commission")"."""
    for paragraph in paragraphs:
        for match in _HEREINAFTER_RE.finditer(paragraph):
            name = _org_name(match.group("name"), set())
            if name:
                return name, match.group(0)
    return None


def _resolution_title(page: _TitlePage, body: list[str], symbol: str | None) -> tuple[str, str] | None:
    """ "48/246. Financing of the United Nations Mission in Haiti": a resolution's title
    under its number, on a line of the title page or at the head of the text before the
    preamble ("The General Assembly,"); the number ends the symbol, where one is known."""
    lines = [(line, _RESOLUTION_TITLE_RE) for _, line in page.titles]
    lines += [(paragraph, _RESOLUTION_IN_TEXT_RE) for paragraph in body[:1]]
    for line, pattern in lines:
        for match in pattern.finditer(line):
            number = re.sub(r"\s+", "", match.group("number"))
            if symbol and not symbol.replace(" ", "").endswith(number):
                continue
            return match.group("title").strip(), match.group(0).strip()
    return None


_RESOLUTION_NUMBER = r"(?:^|\s)(?P<number>\d{1,3}/\d{1,4}(?:\s?[A-Z])?)\.\s+(?P<title>[A-Z][^.;]{3,200}?)"
_PREAMBLE = r"\s+(?:The|La|El|Le|L['’])\s*[A-ZÀ-Ý][\w-]*(?:\s+[\w-]+){0,5},"
_RESOLUTION_TITLE_RE = re.compile(rf"{_RESOLUTION_NUMBER}(?=\s*$|{_PREAMBLE})")
_RESOLUTION_IN_TEXT_RE = re.compile(rf"{_RESOLUTION_NUMBER}(?={_PREAMBLE})")
