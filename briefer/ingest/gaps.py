"""Where a section's source lost text, and the damage that can be undone for sure.

The readers keep every word they can; what they cannot read is gone. The places where
text went missing are kept with the section as gaps `(paragraph, offset, length)`:
0-based in its paragraphs (`text.split("\\n\\n")`), the offset a character offset in that
paragraph, `length` the characters of placeholder there (`len(DEBRIS_MARK)` for PDF
operator debris cut out, 0 for a sentence cut short). So the app and the packs can say
"text missing in the source" instead of printing damaged text as if it were whole.

Found here (`mend_section`), after the layout has done its work:

- the mark left where PDF operator debris was cut out (`clean.DEBRIS_MARK`);
- a paragraph that stops mid-word ("States might take to prevent te") or on a word no
  sentence ends with ("In the area of") where nothing goes on, or that stops mid-sentence
  where the next paragraph starts a sentence of its own;
- a lone "Ms." (Mr., Dr. ...) ending a paragraph: the next paragraph is joined to it, a
  wrong split; when that one starts in lower case the name and what went with it are
  lost, and the join is a gap.

Undone for sure: those wrong splits, and stray underscores ("__") standing alone in prose.
Left alone: headings, tables, list items, the title page, text in another language than
English (what ends a word there is not known), and a paragraph ending in a word no
sentence ends with when the next paragraph goes on with it (a page break, not a loss).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from briefer.ingest.clean import DEBRIS_MARK
from briefer.ingest.document import ParsedSection
from briefer.ingest.vocabulary import english_frequency, is_english_word

Gap = tuple[int, int, int]

_CUT = "\x00"  # where a gap of no length goes, while the paragraphs are mended

# A sentence ends: full stop, question, exclamation, colon, semicolon, comma (a clause or a
# list item goes on), closing quotes and brackets, footnote marks, digits.
_COMPLETE_END_RE = re.compile(r"[.!?;:,…)\]\"”’'»\d⁰¹²³⁴⁵⁶⁷⁸⁹]$")
# A paragraph ending with a title before a name that is not there: "... security. Ms."
_TITLE_END_RE = re.compile(r"(?:^|\s)(?:Mr|Ms|Mrs|Mme|Messrs|Dr|Prof|H\.\s?E|Amb)\.$")
_LAST_WORD_RE = re.compile(r"(?:^|\s)([^\W\d_]+)$")
_FIRST_WORD_RE = re.compile(r"^[“\"‘']?([^\W\d_]+)")
# Where a new item starts rather than a sentence going on: a bullet, "a)", "(2)", "12.", "IV."
_ITEM_START_RE = re.compile(
    r"^(?:[•◦▪●‣\-–—*]\s|\(?[a-zA-Z\d]{1,3}\)\.?\s|\d{1,3}\.\d*\s|[IVXLC]{1,6}\.\s|[A-Z]\.\s)"
)
# Words no English sentence ends with: a paragraph stopping on one was cut.
_OPEN_WORDS = frozenset(
    "the a an and or nor but of to in on at by for from with into onto upon as than that which "
    "whose who whom its their his her our your my this these those between among about "
    "against during through towards toward under over without within including such "
    "both either neither whether if because while although though".split()
)
# One- and two-letter English words: the word list also holds abbreviations ("te", "pr").
_SHORT_WORDS = frozenset(
    "a i am an as at be by do go he if in is it me my no of oh on or so to up us we".split()
)
_LONE_UNDERSCORES_RE = re.compile(r"(?<!\S)_{1,3}(?!\S)")
_FORM_BLANK_RE = re.compile(r"_{4,}")
_MIN_WORDS = 8  # a paragraph of fewer words is a title, an item or a form's line, not prose
_ENGLISH_SHARE = 0.75

Knows = Callable[[str], bool]
Written = Callable[[str], bool]
_SPACE_RE = re.compile(r"\s+")


def debris_gaps(paragraphs: list[str]) -> list[Gap]:
    """The gaps the debris mark shows in these paragraphs' text (a section stored before
    gaps were kept has only those)."""
    return [
        (index, match.start(), len(DEBRIS_MARK))
        for index, text in enumerate(paragraphs)
        for match in re.finditer(re.escape(DEBRIS_MARK), text)
    ]


def mend_section(section: ParsedSection, knows: Knows | None = None, written: Written | None = None) -> None:
    """Undo the section's wrong splits and stray underscores, and record its gaps.

    `knows` says whether the document writes a word elsewhere (so a rare word or a name at a
    paragraph's end is no word cut short); English is known in any case. `written` says
    whether the source itself prints "[…]" next to these characters (an editor's mark for
    words left out of a quotation, not debris the ingest cut out); by default it never does.
    """
    knows = knows or (lambda word: False)
    written = written or (lambda context: False)
    tables = {table.paragraph for table in section.tables}
    prose = section.kind != "front_matter"  # a title page's lines end as they please
    paragraphs = list(section.paragraphs)
    pages = list(section.pages) if len(section.pages) == len(paragraphs) else [None] * len(paragraphs)
    kept: list[str] = []
    kept_pages: list[int | None] = []
    places: dict[int, int] = {}  # old paragraph index -> new
    joinable = False  # whether the last paragraph kept may take the next one in
    for index, text in enumerate(paragraphs):
        if index in tables:
            places[index] = len(kept)
            kept.append(text)
            kept_pages.append(pages[index])
            joinable = False
            continue
        text = _without_stray_underscores(text)
        if not text.strip() and paragraphs[index].strip():
            places[index] = max(0, len(kept) - 1)
            continue  # a paragraph that was a stray "__" only
        if joinable and prose and not _ITEM_START_RE.match(text):
            join = _title_join(kept[-1], text)
            if join is not None:
                places[index] = len(kept) - 1
                kept[-1] = join
                joinable = True
                continue
        places[index] = len(kept)
        kept.append(text)
        kept_pages.append(pages[index])
        joinable = True
    for table in section.tables:
        table.paragraph = places.get(table.paragraph, table.paragraph)
    table_places = {table.paragraph for table in section.tables}
    if prose:
        for index, text in enumerate(kept):
            if index in table_places:
                continue
            following = kept[index + 1] if index + 1 < len(kept) and index + 1 not in table_places else None
            if _cut_short(text, following, knows):
                kept[index] = text.rstrip() + _CUT
    gaps: list[Gap] = []
    for index, text in enumerate(kept):
        if index in table_places:
            continue
        gaps.extend((index, offset, length) for offset, length in _marks(text, written))
        kept[index] = text.replace(_CUT, "")
    section.paragraphs = kept
    section.pages = kept_pages
    section.gaps = gaps


def _marks(text: str, written: Written) -> list[tuple[int, int]]:
    """(offset, length) of each gap in a paragraph holding cut marks, offsets as they will
    be once the marks are taken out. A debris mark the source prints itself is no gap."""
    found = []
    removed = 0
    for match in re.finditer(f"{_CUT}|{re.escape(DEBRIS_MARK)}", text):
        if match.group() == _CUT:
            found.append((match.start() - removed, 0))
            removed += 1
        elif not written(_context(text, match.start(), match.end())):
            found.append((match.start() - removed, len(DEBRIS_MARK)))
    return found


def _context(text: str, start: int, end: int) -> str:
    """The mark with the characters before it (after it, at a paragraph's start), spaces
    left out: what to look for in the source's own text."""
    before = compact(text[max(0, start - 40) : start].replace(_CUT, ""))[-16:]
    if before:
        return before + DEBRIS_MARK
    return DEBRIS_MARK + compact(text[end : end + 40].replace(_CUT, ""))[:16]


def compact(text: str) -> str:
    """Text without its white space: the same words however lines were broken."""
    return _SPACE_RE.sub("", text)


def _without_stray_underscores(text: str) -> str:
    """A "__" standing alone in prose is a converter's leftover; a form's blanks
    ("Name: ________") and underscores inside words stay."""
    if "_" not in text or _FORM_BLANK_RE.search(text):
        return text
    cleaned = _LONE_UNDERSCORES_RE.sub("", text)
    if cleaned == text:
        return text
    return re.sub(r" {2,}", " ", cleaned).strip()


def _title_join(previous: str, text: str) -> str | None:
    """A paragraph ending with "Ms." goes on in the next one: the two joined (with a cut mark
    where the name was lost), or None when the split is no wrong one."""
    if not _TITLE_END_RE.search(previous.rstrip()) or not text.strip():
        return None
    first = _FIRST_WORD_RE.match(text)
    if text[:1].islower():
        return (
            f"{previous.rstrip()}{_CUT} {text.lstrip()}"  # "Ms. international migration...": the name is gone
        )
    if first and text[:1].isupper() and not is_english_word(first.group(1).lower()):
        return f"{previous.rstrip()} {text.lstrip()}"  # "Ms." / "Calabrini stressed ...": one paragraph
    return None


def _english(text: str) -> bool:
    words = re.findall(r"[^\W\d_]+", text.lower())
    if len(words) < _MIN_WORDS:
        return False
    return sum(1 for word in words if is_english_word(word)) >= _ENGLISH_SHARE * len(words)


def _cut_short(text: str, following: str | None, knows: Knows) -> bool:
    """Does the paragraph stop where its sentence had not ended, text lost after it?"""
    text = text.rstrip()
    if not text or _CUT in text[-1:] or text.endswith(DEBRIS_MARK) or "\n" in text:
        return False
    if _TITLE_END_RE.search(text):
        return True  # "Ms." and no name after it (a name going on was joined to it)
    if _COMPLETE_END_RE.search(text) or not text[-1].islower():
        return False
    last = _LAST_WORD_RE.search(text)
    if last is None or not _english(text):
        return False
    word = last.group(1)
    if not word.islower():
        return False  # a name ends it ("Superintendent Wendy Gudalewicz", "Meg on Family")
    goes_on = following is not None and _letter_first(following) and not _ITEM_START_RE.match(following)
    if word in _OPEN_WORDS:
        if re.search(r"[,;]\s*(?:and|or)$", text):
            return False  # a list item: "...; and" / "h) That ..."
        return not goes_on  # "In the area of", then a heading or a list: cut
    if not _is_word(word, knows):
        # "prevent te", "the term 'human traffi": cut, unless the word goes on below
        return not (goes_on and following.lstrip("“\"‘'(")[:1].islower())
    # A whole word ends it: cut where the next paragraph begins a sentence of its own
    # ("... in addressing international" / "In 2003, the Second Committee ...").
    return goes_on and _starts_sentence(following) and _last_sentence_words(text) >= 8


def _last_sentence_words(text: str) -> int:
    """Words of the paragraph's last sentence (after its last full stop or colon)."""
    return len(re.split(r"[.!?:;](?:\s|$)", text)[-1].split())


def _letter_first(text: str) -> bool:
    """Does the text open with a word (perhaps after a quote or a bracket)?"""
    return text.lstrip("“\"‘'(")[:1].isalpha()


def _is_word(word: str, knows: Knows) -> bool:
    lower = word.lower()
    if len(lower) <= 2:
        return lower in _SHORT_WORDS or knows(lower)
    return is_english_word(lower) or knows(lower)


def _starts_sentence(text: str) -> bool:
    """Does the paragraph open a sentence of prose: a capitalized common word ("In", "The",
    "Participants"), not a name going on from the line before ("Argentine State"), nor a
    table's or a form's words?"""
    first = _FIRST_WORD_RE.match(text)
    if first is None or text[:1] in "“\"‘'":
        return False
    word = first.group(1)
    if not (word[:1].isupper() and word[1:].islower()) or not _english(text):
        return False
    if not re.search(r"[.!?](?:\s|$)", text):
        return False  # no sentence in it ends
    return english_frequency(word.lower()) >= 1_000
