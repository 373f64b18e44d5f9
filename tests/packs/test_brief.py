"""What a built pack prints of its excerpts and blocks (issue 14): footnotes with their
references, text lost in the source said so, citations of exactly what is printed,
audiences, the brief's own blocks first, cards, contents that tell excerpts apart."""

from __future__ import annotations

from dataclasses import replace

import pytest

from briefer.errors import UsageError
from briefer.ir.blocks import (
    MISSING_TEXT,
    OMITTED_TEXT,
    Contents,
    KeyMessages,
    Note,
    PageBreak,
    Paragraph,
    QuestionsAnswers,
    Run,
    SectionHeading,
    SourceLine,
    SourcesList,
)
from briefer.ir.templates import find_template
from briefer.library.models import Meeting, Section
from briefer.packs.assemble import assemble
from briefer.packs.model import QA, Pack, PackItem
from briefer.packs.wording import printed_heading

MEETING = Meeting(
    "m1", "d1", "Global Forum on Migration and Development", ["GFMD"], "Brussels", "Belgium",
    "2007-07-09", "2007-07-11", "A/61/515", "gfmd-2007.pdf", 1, 400,
)  # fmt: skip
UNTITLED = replace(
    MEETING, id="m2", title=None, start_date=None, end_date=None, symbol=None, source_file="notes.txt"
)


def _section(id: str, paragraphs: list[str], meeting: Meeting = MEETING, **fields) -> Section:
    values = dict(
        id=id, meeting_id=meeting.id, level=2, heading="Summary of Discussions", title="Summary of Discussions",
        number=None, path=[], kind="body", text="\n\n".join(paragraphs), paragraph_numbers=[], notes=[],
        themes=[], source_file=meeting.source_file, line_start=10, line_end=60, page_start=None, page_end=None,
    )  # fmt: skip
    values.update(fields)
    return Section(**values)


class _Library:
    """What assemble reads of a library: sections, meetings, the last build."""

    def __init__(self, *sections: Section) -> None:
        self.sections = {s.id: s for s in sections}

    def section(self, section_id: str) -> Section:
        return self.sections[section_id]

    def meeting(self, meeting_id: str) -> Meeting:
        return {MEETING.id: MEETING, UNTITLED.id: UNTITLED}[meeting_id]

    def last_build(self, pack_id: str) -> None:
        return None


NUMBERED = _section(
    "s1",
    ["8. The Forum opened.", "9. Costs fell by half.¹ Data is lacking²", "10. Ministers agreed on a plan."],
    paragraph_numbers=["8", "9", "10"],
    notes=[{"number": "1", "text": "World Bank, Migration and Remittances Factbook 2008."}],
    page_start=4,
    page_end=6,
    paragraph_pages=[4, 5, 6],
)


def _blocks(*sections: Section, template: str = "briefing", items: list[PackItem] | None = None):
    pack = Pack("Brief", date="2026-12-03", items=items or [PackItem.section(s.id) for s in sections])
    return assemble(pack, _Library(*sections), find_template(template))


def _paragraphs(assembly) -> list[Paragraph]:
    return [b for b in assembly.document.blocks if isinstance(b, Paragraph)]


def test_a_reference_whose_note_is_kept_is_a_footnote_and_one_without_its_note_is_left_out():
    second = _paragraphs(_blocks(NUMBERED))[1]
    assert second.runs == (
        Run("9. Costs fell by half."),
        Run(kind="note", note="World Bank, Migration and Remittances Factbook 2008."),
        Run(" Data is lacking"),  # "²" has no note: no marker pointing at nothing
    )
    assert second.text == "9. Costs fell by half. Data is lacking"
    assert second.notes == ("World Bank, Migration and Remittances Factbook 2008.",)


def test_a_unit_keeps_its_power():
    area = _section("s2", ["The camp covers 3 km² of land.³"], notes=[{"number": "3", "text": "UNHCR."}])
    (paragraph,) = _paragraphs(_blocks(area))
    assert paragraph.runs[0] == Run("The camp covers 3 km² of land.") and paragraph.notes == ("UNHCR.",)


def test_text_lost_in_the_source_is_said_so_and_reported():
    cut = _section(
        "s3",
        ["States might take to prevent te", "(FID) […] by representatives of civil society."],
        gaps=[(0, 31, 0), (1, 6, 3)],
    )
    assembly = _blocks(cut, NUMBERED)
    first, second = _paragraphs(assembly)[:2]
    assert first.runs == (Run("States might take to prevent te "), Run(kind="missing"))
    assert second.runs == (Run("(FID) "), Run(kind="missing"), Run(" by representatives of civil society."))
    assert second.text == f"(FID) {MISSING_TEXT} by representatives of civil society."
    assert "[…]" not in second.text
    glued = _section("s7", ["A cut[…]word and more."], gaps=[(0, 5, 3)])
    assert _paragraphs(_blocks(glued))[0].text == f"A cut {MISSING_TEXT} word and more."  # set apart
    assert assembly.damaged == ["s3"]  # the clean excerpt is not listed


def test_a_source_line_cites_exactly_the_paragraphs_and_pages_it_prints():
    def source(template: str) -> str:
        return next(
            b.text for b in _blocks(NUMBERED, template=template).document.blocks if isinstance(b, SourceLine)
        )

    assert source("briefing") == (
        "Source: Global Forum on Migration and Development, A/61/515, paras. 8–10, pp. 4–6, 9–11 July 2007."
    )
    assert source("speaking-notes") == (
        "Source: Global Forum on Migration and Development, A/61/515, para. 8, p. 4, 9–11 July 2007."
    )
    unknown_pages = replace(NUMBERED, paragraph_pages=[])
    assert "p." not in next(
        b.text
        for b in _blocks(unknown_pages, template="speaking-notes").document.blocks
        if isinstance(b, SourceLine)
    )  # nothing rather than a range that overstates


def test_a_meeting_without_title_or_date_is_said_so_in_words():
    untitled = _section("s4", ["Text."], meeting=UNTITLED)
    lines = [b.text for b in _blocks(untitled).document.blocks if isinstance(b, SourceLine)]
    assert lines == ["Source: Untitled meeting (file in the sources annex), date not stated."]
    notes = [
        b.text
        for b in _blocks(untitled, template="speaking-notes").document.blocks
        if isinstance(b, SourceLine)
    ]
    assert notes == ["Source: Untitled meeting in notes.txt, date not stated."]  # no annex to look in
    assert "Unnamed" not in lines[0]


def _brief_items(section: Section) -> list[PackItem]:
    return [
        PackItem.heading("Remittances"),
        PackItem.section(section.id),
        PackItem("notes", title="Drafting note", text="Check with capital."),
        PackItem("qa", qa=[QA("Will you fund it?", "Not this year.")]),
        PackItem("key_messages", messages=["Costs must fall.", "Data matters."]),
        PackItem("objectives", text="Secure the costs paragraph."),
        PackItem("notes", title="For the public", text="Open to all.", audience="shareable"),
    ]


def test_the_handout_prints_shareable_blocks_only():
    blocks = _blocks(NUMBERED, template="handout", items=_brief_items(NUMBERED)).document.blocks
    kinds = {type(b) for b in blocks}
    assert QuestionsAnswers not in kinds
    assert [b.title for b in blocks if isinstance(b, Note)] == ["For the public"]
    assert any(isinstance(b, KeyMessages) for b in blocks)
    internal = replace(NUMBERED, note="Our line: resist.")
    handout = _blocks(internal, template="handout").document.blocks
    assert not any(isinstance(b, Note) for b in handout)  # the officer's own note is internal
    assert any(isinstance(b, Note) for b in _blocks(internal).document.blocks)


def test_an_item_set_internal_stays_out_of_the_handout():
    items = [PackItem.section(NUMBERED.id, numbered=True)]
    items[0].audience = "internal"
    items.append(PackItem("key_messages", messages=["Costs must fall."]))
    blocks = _blocks(NUMBERED, template="handout", items=items).document.blocks
    assert not any(isinstance(b, SectionHeading) for b in blocks)


def test_the_briefs_own_blocks_come_first_and_are_in_the_contents():
    document = _blocks(NUMBERED, items=_brief_items(NUMBERED)).document
    body = [
        b for b in document.blocks if isinstance(b, Note | KeyMessages | QuestionsAnswers | SectionHeading)
    ]
    assert [type(b).__name__ for b in body[:3]] == ["Note", "KeyMessages", "QuestionsAnswers"]
    assert body[0].kind == "objectives"
    contents = next(b for b in document.blocks if isinstance(b, Contents))
    assert [e.text for e in contents.entries[:3]] == [
        "Objectives",
        "Key messages and lines to take",
        "If raised",
    ]
    assert [e.anchor for e in contents.entries] == [b.anchor for b in document.anchored()]


def test_speaking_notes_put_each_key_message_and_excerpt_on_a_card():
    blocks = _blocks(NUMBERED, template="speaking-notes", items=_brief_items(NUMBERED)).document.blocks
    cards: list[list] = [[]]
    for block in blocks[1:]:
        if isinstance(block, PageBreak):
            cards.append([])
        else:
            cards[-1].append(block)
    messages = [c for c in cards if any(isinstance(b, KeyMessages) for b in c)]
    assert [b.items for c in messages for b in c if isinstance(b, KeyMessages)] == [
        ("Costs must fall.",),
        ("Data matters.",),
    ]
    assert all(len([b for b in c if isinstance(b, SectionHeading)]) <= 1 for c in cards)
    (excerpt,) = [c for c in cards if any(isinstance(b, SectionHeading) for b in c)]
    assert [type(b).__name__ for b in excerpt] == ["PartHeading", "SectionHeading", "Paragraph", "SourceLine"]
    assert all(len(c) == 1 for c in cards if any(isinstance(b, Note | KeyMessages) for b in c))  # a card each


@pytest.mark.parametrize(
    ("heading", "number", "printed"),
    [("3rd Session", "3", "3rd Session"), ("II. Report", "II.", "Report"), ("2 Costs", "2", "Costs")],
)
def test_headings_keep_their_ordinals(heading, number, printed):
    assert printed_heading(heading, number, numbered=True) == printed


def test_contents_entries_that_read_the_same_say_which_meeting():
    other = _section("s5", ["Text."], meeting=UNTITLED)
    contents = next(b for b in _blocks(NUMBERED, other).document.blocks if isinstance(b, Contents))
    texts = [e.text for e in contents.entries if e.level == 2]
    assert texts == [
        "1. Summary of Discussions (Global Forum on Migration and Development, 2007)",
        "2. Summary of Discussions (notes.txt)",
    ]
    alone = next(b for b in _blocks(NUMBERED).document.blocks if isinstance(b, Contents))
    assert [e.text for e in alone.entries if e.level == 2] == ["1. Summary of Discussions"]


def test_the_annex_lists_each_excerpt_with_where_it_is():
    document = _blocks(NUMBERED, _section("s6", ["Plain."])).document
    (entry,) = next(b for b in document.blocks if isinstance(b, SourcesList)).entries
    headings = [b for b in document.blocks if isinstance(b, SectionHeading)]
    assert [(x.label, x.anchor) for x in entry.excerpts] == [(h.label, h.anchor) for h in headings]
    assert [x.where for x in entry.excerpts] == ["paras. 8–10, pp. 4–6", "lines 10–60"]
    assert entry.document == "gfmd-2007.pdf" and entry.meeting.startswith("Global Forum")


def test_an_audience_is_kept_in_the_pack_file_and_a_wrong_one_refused():
    pack = Pack("Brief", items=[PackItem("notes", text="Open.", audience="shareable"), PackItem("qa")])
    again = Pack.from_json(pack.to_json())
    assert [i.shown_to for i in again.items] == ["shareable", "internal"]
    data = pack.to_json()
    data["items"][0]["audience"] = "public"
    with pytest.raises(UsageError, match="item 1: 'audience' must be one of"):
        Pack.from_json(data)


def test_an_excerpt_shaped_to_the_brief_prints_the_paragraphs_kept_and_cites_only_them():
    item = PackItem.section(NUMBERED.id)
    item.paragraphs = [1]
    item.comment = "Quote this in the opening statement."
    assembly = _blocks(NUMBERED, items=[item])
    blocks = assembly.document.blocks
    start = next(i for i, b in enumerate(blocks) if isinstance(b, SectionHeading))
    body = blocks[start + 1 : start + 5]
    assert [b.text for b in body[:3]] == [
        OMITTED_TEXT,
        "9. Costs fell by half. Data is lacking",
        OMITTED_TEXT,
    ]
    assert (
        body[3].text
        == "Source: Global Forum on Migration and Development, A/61/515, para. 9, p. 5, 9–11 July 2007."
    )
    assert [b.text for b in blocks if isinstance(b, Note)] == ["Quote this in the opening statement."]
    handout = _blocks(NUMBERED, template="handout", items=[item]).document.blocks
    assert not any(isinstance(b, Note) for b in handout)  # the comment is internal unless said otherwise
    item.comment_audience = "shareable"
    handout = _blocks(NUMBERED, template="handout", items=[item]).document.blocks
    assert [b.title for b in handout if isinstance(b, Note)] == ["Comment"]
    again = Pack.from_json(Pack("Brief", items=[item]).to_json()).items[0]
    assert (again.paragraphs, again.comment, again.comment_audience) == ([1], item.comment, "shareable")


def test_kept_paragraphs_the_report_no_longer_has_print_it_whole():
    item = PackItem.section(NUMBERED.id)
    item.paragraphs = [7]
    paragraphs = _paragraphs(_blocks(NUMBERED, items=[item]))
    assert len(paragraphs) == 3 and OMITTED_TEXT not in [p.text for p in paragraphs]


def test_a_ready_citation_names_who_met_the_meeting_its_symbol_and_what_is_cited():
    from briefer.packs.wording import citation

    iom = replace(
        MEETING,
        organizers=["IOM"],
        title="International Dialogue on Migration 2009",
        start_date="2009-04-28",
        end_date=None,
        symbol="IC/2009/5",
    )
    assert (
        citation(NUMBERED, iom, [1])
        == "IOM, International Dialogue on Migration 2009, IC/2009/5, para. 9, p. 5"
    )
    assert citation(NUMBERED, MEETING) == (
        "GFMD, Global Forum on Migration and Development, A/61/515, paras. 8–10, pp. 4–6, 9–11 July 2007"
    )  # the date, as the title has no year
    assert citation(_section("s9", ["Text."], meeting=UNTITLED), UNTITLED) == (
        "GFMD, Untitled meeting in notes.txt, date not stated"
    )


def test_the_annex_names_an_untitled_undated_meeting_in_words():
    document = _blocks(_section("s8", ["Text."], meeting=UNTITLED)).document
    (entry,) = next(b for b in document.blocks if isinstance(b, SourcesList)).entries
    assert entry.meeting == "Untitled meeting (the report gives no title) (Brussels, Belgium, date not stated)"
    assert entry.document == "notes.txt" and "line" not in entry.meeting
