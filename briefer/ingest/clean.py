"""Small pure functions that undo the noise PDF text extraction leaves in a line.

Each takes a string and returns a string; each is idempotent and leaves clean text as it
was (the tests check both with hypothesis). `layout.prepare_lines` (text files) and
`pdf_layout._clean_text` (PDF lines) run them, each in the order its input needs.
Decisions that need to know which words are real take a ``knows`` predicate, so that a
document's own vocabulary can vouch for its words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from briefer.ingest.vocabulary import english_frequency, is_english_word

Knows = Callable[[str], bool]

# --- characters -------------------------------------------------------------------------

_CHAR_MAP = str.maketrans(
    {
        "\u00a0": " ",  # no-break space
        "\u2002": " ",
        "\u2003": " ",
        "\u2009": " ",  # thin space
        "\u202f": " ",
        "\u3000": " ",
        "\t": " ",
        "\u00ad": None,  # soft hyphen: only a line-break hint
        "\u200b": None,  # zero-width space
        "\u200c": None,
        "\u200d": None,
        "\ufeff": None,  # stray byte-order mark
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\ufb05": "st",
        "\ufb06": "st",
        # Bullets drawn from the Symbol and Wingdings fonts come out in the private use area.
        "\uf0b7": "•",
        "\uf0a7": "▪",
        "\uf0d8": "➢",
        "\uf076": "❖",
        "\uf0fc": "✓",
        "\uf0a8": "◦",
    }
)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACES_RE = re.compile(r" {2,}")


def normalize_characters(text: str) -> str:
    """Unicode NFC, odd spaces to plain spaces, ligatures spelt out, controls dropped."""
    text = unicodedata.normalize("NFC", text).translate(_CHAR_MAP)
    return _CONTROL_RE.sub("", text)


def squeeze_spaces(text: str) -> str:
    return _SPACES_RE.sub(" ", text).strip()


# --- text drawn several times over ------------------------------------------------------

# A run that starts at a word start and repeats at once: a rotation of any repeated
# fragment that holds a space starts at a word start, so this finds every such repeat.
# Fragments without a space are found inside a word only when in capitals, drawn three
# times or more: small capitals after their large initial ("MMMMIGRATIONIGRATION...").
_REPEAT_RE = re.compile(r"(?:^|(?<=\s))(\S.{2,150}?)\1|([A-Z]{3,30}?)\2\2")
_MAX_PART = 150


def _copies(text: str, start: int, length: int) -> int:
    """How many back-to-back copies of text[start:start+length] begin at start."""
    part = text[start : start + length]
    count = 1
    pos = start + length
    while text.startswith(part, pos):
        count += 1
        pos += length
    return count


def _is_anchor(part: str, copies: int) -> bool:
    """Is this repeat certainly extraction noise rather than real text?

    Three copies or more of a fragment with a letter in it are noise. Two copies are
    noise only when glued ("IntroductionIntroduction", "Session I:Session I:") or long;
    "Walla Walla", "had had" and "murmur" are real.
    """
    if not any(ch.isalnum() for ch in part):
        return False
    if copies >= 3:
        return True
    glued = not part[-1].isspace() and not part[0].isspace()
    if glued and (len(part) >= 5 or part[0].isupper()):  # not "murmur" or "couscous"
        return True
    return len(part.strip()) >= 10


def _chain_step_right(text: str, pos: int, copies: int) -> int:
    """Length of the shortest fragment at pos repeated exactly `copies` times, or 0."""
    limit = min(_MAX_PART, (len(text) - pos) // copies)
    for length in range(1, limit + 1):
        if text[pos : pos + length] * copies == text[pos : pos + length * copies]:
            return length
    return 0


def _chain_step_left(text: str, end: int, copies: int) -> int:
    limit = min(_MAX_PART, end // copies)
    for length in range(1, limit + 1):
        if text[end - length : end] * copies == text[end - length * copies : end]:
            return length
    return 0


def _collapse_once(text: str) -> tuple[str, int]:
    """One pass: the text with each repeated run kept once, and how many characters of
    the result come from repeated runs."""
    regions: list[tuple[int, int, int]] = []  # (start, end, fragment length)
    pos = 0
    while True:
        match = _REPEAT_RE.search(text, pos)
        if match is None:
            break
        # "inin" is "in" twice: work with the shortest period.
        part = match.group(1) or match.group(2)
        length = (part + part).find(part, 1)
        start = match.start()
        # The repeat may begin before the word start the regex found.
        while start > 0 and text[start - 1] == text[start - 1 + length]:
            start -= 1
        copies = _copies(text, start, length)
        part = text[start : start + length]
        end = start + copies * length
        if not _is_anchor(part, copies):
            pos = match.start() + 1
            continue
        if regions and start < regions[-1][1]:
            pos = max(end, match.start() + 1)
            continue
        # Neighbouring fragments drawn the same number of times belong to the same run
        # (small capitals: "WWWWORKSHOP ORKSHOP ..."). Two copies are too common in real
        # text ("all", "ll") to extend by short fragments.
        chain = [(start, end, length)]
        if copies >= 3:
            left = start
            floor = regions[-1][1] if regions else 0
            while (step := _chain_step_left(text, left, copies)) and left - step * copies >= floor:
                chain.insert(0, (left - step * copies, left, step))
                left -= step * copies
            right = end
            while step := _chain_step_right(text, right, copies):
                chain.append((right, right + step * copies, step))
                right += step * copies
        regions.extend(chain)
        pos = chain[-1][1]
    if not regions:
        return text, 0
    out: list[str] = []
    last = 0
    for start, end, length in regions:
        out.append(text[last:start])
        out.append(text[start : start + length])
        last = end
    out.append(text[last:])
    return "".join(out), sum(length for _, _, length in regions)


def collapse_repeats(text: str) -> str:
    """Undo text drawn several times over by the PDF producer.

    Handles whole runs ("IntroductionIntroductionIntroduction"), interleaved fragments
    ("Develop" x4 then "ment Series " x4) and small capitals drawn letter by letter
    ("WWWWORKSHOP ORKSHOP ORKSHOP ORKSHOP" -> "WORKSHOP").
    """
    return collapse_repeats_measured(text)[0]


def collapse_repeats_measured(text: str) -> tuple[str, float]:
    """`collapse_repeats`, plus the share of the result that was drawn repeatedly.

    A share near 1 means the whole line was drawn over and over: the PDF's way of
    making bold text, and so a sign of a heading.
    """
    # The last copy of a fragment that ends in a space loses it at the line end.
    current = text.rstrip() + " "
    changed = False
    repeated = 0
    for _ in range(8):  # each pass only shortens the text: a fixed point comes fast
        collapsed, kept = _collapse_once(current)
        if collapsed == current:
            # Copies may differ in their spacing only ("countries.  " / "countries. ").
            if "  " not in current:
                break
            squeezed = _SPACES_RE.sub(" ", current)
            collapsed, kept = _collapse_once(squeezed)
            if collapsed == squeezed:
                break
        if not changed:
            repeated = kept
        current, changed = collapsed, True
    if not changed:
        return text, 0.0
    result = current[:-1]
    return result, min(1.0, repeated / max(1, len(result.strip())))


_DOUBLED_CAP_RE = re.compile(r"\b([A-Z])\1([A-Z]{2,}|[a-z]{2,})\b")


def undouble_small_caps(text: str) -> str:
    """ "RREPORT" -> "REPORT": a small-capital word whose initial was drawn twice.

    Only where the undoubled word is English and the doubled one is not, so acronyms
    such as "LLDC" stay.
    """

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        single = word[1:]
        if is_english_word(single.lower()) and not is_english_word(word.lower()):
            return single
        return word

    return _DOUBLED_CAP_RE.sub(fix, text)


# --- markup left by converters ----------------------------------------------------------

# A marker is a run of two or three; four or more are a rule or a blank to fill in ("________").
_EMPHASIS_PAIR_RE = re.compile(
    r"(?:(?<!\*)(?P<stars>\*{2,3})(?!\*)|(?<!_)(?P<lows>_{2,3})(?!_))(?=\S)(?P<text>.+?)(?<=\S)"
    r"(?(stars)(?P=stars)(?!\*)|(?P=lows)(?!_))"
)
_ITALIC_PAIR_RE = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?!\*|(?![¹²³⁴⁵⁶⁷⁸⁹⁰])[^\W\d_])")
_EMPHASIS_EDGE_RE = re.compile(r"^\*{2,3}(?=[^\s*])|(?<=[^\s*])\*{2,3}$")


def strip_emphasis_markers(text: str) -> str:
    """Drop Markdown bold/italic markers (``**bold**``, ``*title*``) that converters leave."""
    while "*" in text or "__" in text:  # removing one pair can make another; each pass shortens
        stripped = _EMPHASIS_EDGE_RE.sub(
            "", _ITALIC_PAIR_RE.sub(r"\1", _EMPHASIS_PAIR_RE.sub(r"\g<text>", text))
        )
        if stripped == text:
            break
        text = stripped
    return text


def has_emphasis_markers(text: str) -> bool:
    if "*" not in text and "__" not in text:
        return False
    return bool(_EMPHASIS_PAIR_RE.search(text) or _EMPHASIS_EDGE_RE.search(text))


# --- PDF content-stream operators spilled into the text ---------------------------------

_OPERATOR_RE = re.compile(
    # operand then text operator, "1.1607 Tw", "-20 -Tj": a decimal or signed operand
    r"(?:-\d*\.?\d+|\d*\.\d+)\s+-?(?:T[jJwcfdDm]|rg|RG)\b"
    r"|\)\s*T[jJ]\b"  # a shown string: "(text) Tj"
    r"|(?<=[a-z])T[jJwc]\b"  # operator glued to a word: "inteTj"
    r"|(?:-?\d*\.?\d+\s+){2,5}-?\d*\.?\d+\s+(?:rg|RG|re|cm|k|K|Td|TD|Tm)\b"  # "0 0 1 rg"
    r"|\b(?:BT|ET)\b(?=\s+[-\d/(])"
)
# Every match of _OPERATOR_RE holds one of these: a cheap test before the costly one.
# (Two patterns, each starting with a literal or a class: the regex engine scans for it fast.)
_TEXT_OPERATOR_RE = re.compile(r"T[jJwcfdDm]\b")
_OTHER_OPERATOR_RE = re.compile(r"\b(?:rg|RG|BT|ET)\b|\d\s+(?:re|cm|k|K)\b")
DEBRIS_MARK = "[…]"
_OPERATOR_NAMES = frozenset(
    "BT ET Tj TJ Tw Tc Tf Td TD Tm Tz TL Ts rg RG re cm BDC EMC BMC Do gs sh W n q Q".split()
)


def _looks_clean(token: str, knows: Knows) -> bool:
    word = token.strip(".,;:!?\"'“”‘’()[]")
    if not word or word in _OPERATOR_NAMES:
        return False
    if any(ch.isdigit() for ch in word) and any(ch.isalpha() for ch in word):
        return False
    if re.search(r"[a-z][A-Z]", word):
        return False
    if word.isupper() and len(word) <= 8:  # acronyms
        return True
    if "(" in token and ")" not in token or ")" in token and "(" not in token:
        return False
    return knows(word.lower())


def strip_pdf_operators(text: str, knows: Knows = is_english_word) -> str:
    """Cut PDF operator debris ("-20 -Tj 129hd.0781 Tw (Ms. Marti") out of a line.

    The debris and the garbled words around it are replaced by one "[…]" so that a reader
    sees that text is missing there; the words on either side are kept.
    """
    if not (_TEXT_OPERATOR_RE.search(text) or _OTHER_OPERATOR_RE.search(text)):
        return text
    matches = list(_OPERATOR_RE.finditer(text))
    if not matches:
        return text
    first, last = matches[0].start(), matches[-1].end()
    head_tokens = text[:first].split(" ")
    while head_tokens and not _looks_clean(head_tokens[-1], knows):
        head_tokens.pop()
    tail_tokens = text[last:].split(" ")
    # Resume only where at least four clean words in a row show real text again.
    resume = len(tail_tokens)
    for i in range(len(tail_tokens)):
        window = [t for t in tail_tokens[i : i + 4] if t]
        if len(window) == 4 and all(_looks_clean(t, knows) for t in window):
            resume = i
            break
    head = " ".join(head_tokens).rstrip()
    tail = " ".join(tail_tokens[resume:]).strip()
    return " ".join(part for part in (head, DEBRIS_MARK, tail) if part)


# --- hyphens at line ends ---------------------------------------------------------------

_HYPHEN_END_RE = re.compile(r"([^\W\d_][\w'’]*)-\s*$")
_WORD_START_RE = re.compile(r"^\s*([^\W\d_]+)")


def should_join_hyphen(left: str, right: str, vocabulary_count: Callable[[str], int]) -> bool:
    """Was "left-" + "right" at a line break a word split for layout ("migra-tion")?

    Real hyphens ("rights-based", "capacity-building", "Secretary-General") survive.
    Evidence in order: how the document itself writes the word elsewhere, then the case
    of the second part, then how common the joined word is in English compared with its
    parts ("information" is far more common than "formation"; "lifesaving" is rarer
    than "saving", so "life-saving" keeps its hyphen).
    """
    joined = (left + right).lower()
    hyphenated = f"{left}-{right}".lower()
    if vocabulary_count(hyphenated) > 0:
        return False
    if vocabulary_count(joined) > 0:
        return True
    if not right[:1].islower():
        return False
    joined_freq = english_frequency(joined)
    left_freq = english_frequency(left)
    right_freq = english_frequency(right)
    if joined_freq:
        return joined_freq >= min(left_freq, right_freq)
    return not left_freq and not right_freq


_SOFT_HYPHEN_RE = re.compile(r"([^\W\d_]+)\ufffe\s*([^\W\d_]+)")


def resolve_soft_hyphens(text: str, vocabulary_count: Callable[[str], int]) -> str:
    """PDFium marks a word hyphenated at a line end with U+FFFE ("dis\ufffecussion").

    Join the word ("discussion") or keep a real hyphen ("gender-responsive"), with the
    same evidence as for hyphens at line ends; a mark left at the line end becomes "-".
    """
    if "\ufffe" not in text:
        return text

    def fix(match: re.Match[str]) -> str:
        left, right = match.group(1), match.group(2)
        joined = should_join_hyphen(left, right, vocabulary_count)
        return f"{left}{right}" if joined else f"{left}-{right}"

    return _SOFT_HYPHEN_RE.sub(fix, text).replace("\ufffe", "-")


def join_line_end_hyphen(
    line: str, next_line: str, vocabulary_count: Callable[[str], int]
) -> tuple[str, str]:
    """Join a word split by a hyphen at the end of `line` with the start of `next_line`.

    Returns the two lines rewritten: either unchanged (a real hyphen stays at the line
    end, and unwrapping keeps it) or with the word made whole on the first line.
    """
    end = _HYPHEN_END_RE.search(line)
    start = _WORD_START_RE.match(next_line)
    if not end or not start:
        return line, next_line
    left = end.group(1).split("-")[-1]
    right = start.group(1)
    if not should_join_hyphen(left, right, vocabulary_count):
        return line, next_line
    rest = next_line[start.end() :]
    # Keep trailing punctuation attached to the word ("migra-" + "tion," -> "migration,").
    glued = re.match(r"^[^\s]*", rest).group(0)
    return line[: end.end(1)] + right + glued, rest[len(glued) :].lstrip()


# Compound words whose hyphen the extraction dropped at a line end ("capacitybuilding").
_LOWER_WORD_RE = re.compile(r"\b[a-z]{8,}\b")


def restore_dropped_hyphens(text: str, compounds: dict[str, str]) -> str:
    """ "capacitybuilding" -> "capacity-building", where the document itself says so.

    Extraction sometimes drops the hyphen of a compound split at a line end. A word that
    is not English gets its hyphen back only when the same document writes the compound
    with a hyphen elsewhere: `compounds` maps "capacitybuilding" to "capacity-building"
    for every hyphenated word of the document. "panellists" never becomes "panel-lists".
    """
    if not compounds:
        return text

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        compound = compounds.get(word)
        return compound if compound and not is_english_word(word) else word

    return _LOWER_WORD_RE.sub(fix, text)
