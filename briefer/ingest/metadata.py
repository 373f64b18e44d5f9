"""Meeting metadata read from the report: title, organisers, place, dates, symbol.

Everything comes from the document's own words, and each field keeps the words it was
read from as evidence. Where the report does not say, the field stays empty for the user
to fill in: a guess is never presented as a fact.

Sources, in order of trust: the title page (the lines before the report begins), then
the opening sentence that says the meeting was held, took place or was organised.
"""

from __future__ import annotations

import re

from briefer.ingest.dates import find_date_range
from briefer.ingest.document import MeetingMetadata
from briefer.ingest.places import Gazetteer
from briefer.ingest.units import Unit

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
    r"\s+(?:organi[sz]ed|convened|hosted)\s+(?:a|an|the)\s+"
    r"(?P<event>[A-Z][^,.;]*?)(?=\s+(?:in|at|on|from|during)\s|[,.;]|$)"
)
_ORGANIZED_BY_RE = re.compile(
    r"(?:organi[sz]ed|convened|hosted|co-organi[sz]ed)\s+(?:jointly\s+)?by\s+"
    r"(?P<org>(?:the\s+)?[A-Z].*?)(?=\s+(?:in|on|at|from|with|under|through|during)\s|[.;]|,\s+(?:in|on|at)\s|$)"
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
        if not any(ch.isalpha() for ch in core) or core in acronyms or _ROMAN_RE.fullmatch(core):
            continue
        if core.lower() in _SMALL_WORDS and not first:
            pieces[index] = piece.lower()
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


def _add(metadata: MeetingMetadata, field: str, value, evidence: str) -> None:
    """Set a field once: the first, most trusted source wins."""
    current = getattr(metadata, field)
    if current or value in (None, "", []):
        return
    setattr(metadata, field, value)
    metadata.evidence[field] = evidence.strip()


def read_metadata(
    header: list[Unit],
    body: list[str],
    gazetteer: Gazetteer,
    acronyms: set[str],
    publisher: str | None = None,
) -> MeetingMetadata:
    """Metadata from the title page (`header`) and the report's paragraphs (`body`).

    Report labels ("Summary Report") are not in `header`: they name the kind of
    document, not the meeting.
    """
    meta = MeetingMetadata()
    organizers: list[str] = []
    org_evidence: list[str] = []
    for unit in header:
        text = unit.title or unit.text
        symbol = SYMBOL_RE.match(text)
        if symbol and any(ch.isdigit() for ch in text):
            _add(meta, "symbol", symbol.group("symbol"), text)
            continue
        if re.match(r"^(?:Original|Distr|Language)\b", text, re.IGNORECASE):
            continue
        organized = _ORGANIZED_LINE_RE.match(text)
        if organized:
            organizers += _split_organizers(organized.group("orgs"))
            org_evidence.append(text)
            continue
        org = _org_line(text)
        if org:
            if not organizers:
                organizers.append(org)
                org_evidence.append(text)
            continue
        when = find_date_range(text)
        if when:
            start, end, words = when
            before = text[: text.find(words)].strip(" ,")
            after = text[text.find(words) + len(words) :].strip(" ,")
            if before and not after:
                continue  # "Geneva, 17 April 2009": where and when the document was issued
            _add(meta, "start_date", start, text)
            _add(meta, "end_date", end, text)
            place = gazetteer.find(after)
            if place:
                _add(meta, "city", place[0].city, text)
                _add(meta, "country", place[0].country, text)
            continue
        if unit.kind == "heading" and not meta.title:
            listed = _ORG_LIST_RE.match(text)
            if listed:
                organizers += [org.strip() for org in listed.group("orgs").split("/")]
                org_evidence.append(text)
                text = listed.group("rest")
            _add(meta, "title", smart_title(text.strip(" :"), acronyms), unit.text)

    for paragraph in body[:2]:
        for sentence in re.split(r"(?<=[.;])\s+(?=[A-Z])", paragraph):
            _read_event_sentence(meta, sentence, gazetteer, organizers, org_evidence)
    if not meta.title:
        for paragraph in body[:12]:
            match = _REPORT_OF_RE.search(paragraph)
            if match:
                _add(meta, "title", match.group("event").strip(), match.group(0))
                break
    if not organizers and publisher:
        organizers.append(publisher)
        org_evidence.append(f"About {publisher}")
    seen: set[str] = set()
    meta.organizers = [o for o in organizers if not (o.casefold() in seen or seen.add(o.casefold()))]
    if meta.organizers:
        meta.evidence["organizers"] = " | ".join(org_evidence)
    return meta


def _read_event_sentence(
    meta: MeetingMetadata,
    sentence: str,
    gazetteer: Gazetteer,
    organizers: list[str],
    org_evidence: list[str],
) -> None:
    """Read what one opening sentence says about the meeting, where it says it."""
    subject = _EVENT_SUBJECT_RE.search(sentence)
    organizer_verb = _ORGANIZER_VERB_RE.search(sentence)
    organized_by = _ORGANIZED_BY_RE.search(sentence)
    if not (subject or organizer_verb or organized_by):
        return
    event = ""
    if subject:
        event = subject.group("event") or subject.group("event2")
    elif organizer_verb:
        event = organizer_verb.group("event")
    if meta.title and event and not _same_event(event, meta.title):
        return  # the sentence is about another event ("the first workshop took place...")
    if organizer_verb:
        organizers += _split_organizers(organizer_verb.group("org"))
        org_evidence.append(sentence)
        _add(meta, "title", _capitalise(organizer_verb.group("event")), sentence)
    if organized_by:
        organizers += _split_organizers(organized_by.group("org"))
        org_evidence.append(sentence)
    if subject and not _GENERIC_EVENT_RE.match(event):
        _add(meta, "title", _capitalise(event), sentence)
    if subject or organizer_verb:
        when = find_date_range(sentence)
        if when:
            _add(meta, "start_date", when[0], sentence)
            _add(meta, "end_date", when[1], sentence)
        place_text = _place_phrase(sentence)
        place = gazetteer.find(place_text) if place_text else None
        if place:
            _add(meta, "city", place[0].city, sentence)
            _add(meta, "country", place[0].country, sentence)


_GENERIC_EVENT_RE = re.compile(
    r"^(?:it|this|that|they|which|(?:the\s+|this\s+)?(?:meeting|hearings?|event|workshop|seminar|"
    r"conference|consultations?|session|briefing|dialogue|forum|symposium|round\s?table))$",
    re.IGNORECASE,
)


def _same_event(event: str, title: str) -> bool:
    """Does the subject of a sentence refer to the meeting the title names?"""
    if _GENERIC_EVENT_RE.match(event.strip()):
        return True
    words = {w.casefold() for w in re.findall(r"[^\W\d_]{4,}", event)}
    title_words = {w.casefold() for w in re.findall(r"[^\W\d_]{4,}", title)}
    return bool(words) and len(words & title_words) >= 0.5 * len(words)


def _place_phrase(sentence: str) -> str | None:
    """The words after "in" that may name the venue: "in Mexico City, Mexico"."""
    for match in re.finditer(r"\bin\s+(?=[A-Z])", sentence):
        return sentence[match.end() : match.end() + 60]
    return None


def _capitalise(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:]
