"""The pack estimate: words, pages and reading time follow what the pack holds and how it prints."""

from __future__ import annotations

from dataclasses import replace

from briefer.ir.templates import find_template
from briefer.packs.estimate import Estimate, estimate, written_words
from briefer.packs.model import QA, Pack, PackItem

WORDS = {f"s{n}": 600 for n in range(1, 21)}


def _pack(sections: int, *extra: PackItem) -> Pack:
    items = [PackItem.heading("Background")]
    items += [PackItem.section(f"s{n}") for n in range(1, sections + 1)]
    return Pack("Test pack", items=[*items, *extra])


def test_more_sections_give_more_words_pages_and_minutes() -> None:
    template = find_template("briefing")
    small, large = estimate(_pack(3), WORDS, template), estimate(_pack(12), WORDS, template)
    assert small.words == 1800 and large.words == 7200
    assert large.pages > small.pages
    assert large.minutes > small.minutes
    assert large.minutes == 36  # 7200 words at 200 a minute


def test_handout_larger_type_needs_more_pages() -> None:
    briefing = find_template("briefing")
    handout = find_template("handout")
    # Same front matter, so only the type size (and the notes space) differ.
    handout_like = replace(briefing, body_size=handout.body_size)
    pack = _pack(10)
    assert estimate(pack, WORDS, handout_like).pages > estimate(pack, WORDS, briefing).pages
    assert estimate(pack, WORDS, handout).words == estimate(pack, WORDS, briefing).words


def test_cover_and_contents_add_pages() -> None:
    briefing = find_template("briefing")
    pack = _pack(5)
    bare = replace(briefing, cover=False, contents=False)
    with_cover = replace(bare, cover=True)
    full = replace(bare, cover=True, contents=True)
    pages = [estimate(pack, WORDS, t).pages for t in (bare, with_cover, full)]
    assert pages[1] == pages[0] + 1
    assert pages[2] == pages[1] + 1


def test_sources_annex_adds_a_page_only_when_there_are_sections() -> None:
    briefing = replace(find_template("briefing"), cover=False, contents=False)
    without = replace(briefing, sources_annex=False)
    assert estimate(_pack(4), WORDS, briefing).pages == estimate(_pack(4), WORDS, without).pages + 1
    notes_only = Pack("Notes", items=[PackItem("notes", text="word " * 100)])
    assert estimate(notes_only, WORDS, briefing).pages == estimate(notes_only, WORDS, without).pages


def test_written_blocks_count() -> None:
    messages = PackItem("key_messages", messages=["We support fair recruitment", "Costs must fall"])
    qa = PackItem("qa", qa=[QA("What about visas?", "We follow the common position")])
    notes = PackItem("notes", text="Three words here")
    assert written_words(messages) == 7 and written_words(qa) == 8 and written_words(notes) == 3
    plain = estimate(_pack(2), WORDS)
    written = estimate(_pack(2, messages, qa, notes), WORDS)
    assert written.words == plain.words + 18


def test_speaking_notes_count_first_paragraphs_only() -> None:
    pack = _pack(10)
    notes = estimate(pack, WORDS, find_template("speaking-notes"))
    full = estimate(pack, WORDS, find_template("briefing"))
    assert notes.words < full.words and notes.pages < full.pages


def test_unknown_sections_and_empty_pack() -> None:
    assert estimate(Pack("Empty"), WORDS) == Estimate(0, 0, 0)
    unknown = Pack("Unknown", items=[PackItem.section("missing")])
    assert estimate(unknown, WORDS).words == 0
