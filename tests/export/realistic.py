"""A realistic pack as block documents, one per template, as `assemble` lays them out for
issue 14: two parts, objectives, key messages, an if-raised Q&A, notes, twelve excerpts
(some with footnotes, some with text lost in the source, one with a table), RESTRICTED and
DRAFT, the sources annex listing each excerpt with its anchor.

Built here directly (not through the library) so the writer tests do not depend on what
the library holds.
"""

from __future__ import annotations

from itertools import cycle

from briefer.ir.blocks import (
    MISSING_TEXT,
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
from tests.export.documents import _sample_paragraphs

NOTES = (
    "A/60/871, Report of the Secretary-General on international migration and development.",
    "See the summary of the round table on remittances, Brussels, 10 July 2007, paras. 12-15.",
    "Figures of the World Bank, Migration and Remittances Factbook 2008, p. 9.",
)
MESSAGES = (
    "Remittances are private funds: no tax, no steering of their use.",
    "Lower the cost of sending money to 3 per cent by 2030, as the 2030 Agenda says.",
    "Data on migration should be shared between countries of origin and destination.",
)


def _runs(text: str, index: int) -> tuple[Run, ...]:
    """A paragraph's text with a footnote reference after its first sentence (even
    excerpts) or a passage lost in the source in its middle (every third)."""
    runs: list[Run] = []
    if index % 3 == 2:
        cut = text.index(" ", len(text) // 2)
        runs += [Run(text[:cut] + " "), Run(kind="missing"), Run(" " + text[cut + 1 :])]
    else:
        runs.append(Run(text))
    if index % 2 == 0:
        first = runs[0].text
        stop = first.find(". ", 40)  # after a sentence, not a paragraph number
        if stop > 0:
            runs[0:1] = [
                Run(first[: stop + 1]),
                Run(kind="note", note=NOTES[index % 3]),
                Run(first[stop + 1 :]),
            ]
    return tuple(runs)


def _plain(runs: tuple[Run, ...]) -> str:
    return "".join(MISSING_TEXT if r.kind == "missing" else r.text for r in runs)


def realistic_document(template: str = "briefing", page_size: str = "A4", draft: bool = True) -> Document:
    """`template`: "briefing", "handout" or "speaking-notes" (the blocks each one gets)."""
    handout = template == "handout"
    cards = template == "speaking-notes"
    texts = cycle(_sample_paragraphs())
    blocks: list = []
    entries: list[ContentsEntry] = []
    excerpts: dict[str, list[SourceExcerpt]] = {}
    anchors = iter(f"h{n}" for n in range(1, 1000))

    def card() -> None:
        if cards and blocks and not isinstance(blocks[-1], PageBreak):
            blocks.append(PageBreak())

    if not handout:
        anchor = next(anchors)
        entries.append(ContentsEntry(1, "Objectives", anchor))
        blocks.append(
            Note(
                "Objectives",
                "Secure agreement on the remittances paragraph of the outcome.\n\n"
                "Avoid reopening the 2007 language on circular migration.",
                "objectives",
                anchor,
            )
        )
    anchor = next(anchors)
    entries.append(ContentsEntry(1, "Key messages", anchor))
    if cards:
        for number, message in enumerate(MESSAGES, 1):
            card()
            blocks.append(
                KeyMessages(
                    f"Key messages ({number} of {len(MESSAGES)})", (message,), anchor if number == 1 else ""
                )
            )
    else:
        blocks.append(KeyMessages("Key messages", MESSAGES, anchor))
    if not handout:
        card()
        anchor = next(anchors)
        entries.append(ContentsEntry(1, "If raised", anchor))
        blocks.append(
            QuestionsAnswers(
                "If raised",
                (
                    QuestionAnswer(
                        "Will you fund the Forum's secretariat next year?",
                        "We are considering a contribution in kind and in cash.\n\nNo figure before the budget.",
                    ),
                    QuestionAnswer(
                        "Do you support a binding instrument?", "No: the Forum is informal by design."
                    ),
                    QuestionAnswer("What of the 2007 commitments?", ""),
                ),
                anchor,
            )
        )
    meetings = (
        (
            "gfmd-2007-brussels-report-of-the-proceedings-final-version.txt",
            "Global Forum on Migration and Development, Brussels, 9–11 July 2007",
            "A/61/515",
            "9 July 2007",
        ),
        (
            "unitar-seminars.txt",
            "UNITAR migration and development seminar, New York, 12 March 2009",
            "",
            "12 March 2009",
        ),
    )
    number = 0
    for part in (1, 2):
        anchor = next(anchors)
        title = "Remittances and development" if part == 1 else "Migration data and partnerships"
        blocks.append(PartHeading(title, anchor, str(part), new_page=handout and part > 1))
        entries.append(ContentsEntry(1, f"{part}. {title}", anchor))
        if part == 1 and not handout and not cards:
            blocks.append(Note("Drafting note", "Check the figures in 1.3 against the 2008 Factbook."))
        for item in range(1, 7):
            number += 1
            card()
            anchor = next(anchors)
            heading = SectionHeading(
                f"Summary of discussions, round table {number}", anchor, 2, f"{part}.{item}"
            )
            blocks.append(heading)
            entries.append(ContentsEntry(2, heading.label, anchor))
            count = 1 if cards else 2 + number % 3
            for index in range(count):
                text = next(texts)
                if number % 4 == 1 and index == 0:
                    runs = _runs(text, 0)
                elif number % 4 == 3 and index == count - 1:
                    runs = _runs(text, 2)
                else:
                    runs = ()
                blocks.append(Paragraph(_plain(runs), runs=runs) if runs else Paragraph(text))
            if number == 3 and not cards:
                blocks.append(
                    Table(
                        (
                            ("Corridor", "Cost of sending $200", "Change since 2005"),
                            ("United States to Mexico", "5.6 %", "-2.1"),
                            ("United Kingdom to Nigeria", "9.8 %", "-3.4"),
                            ("Qatar to Nepal", "4.2 %", "-1.0"),
                        )
                    )
                )
            file, meeting, symbol, date = meetings[number % 2]
            paras = f"paras. {number * 3}–{number * 3 + count - 1}" if count > 1 else f"para. {number * 3}"
            blocks.append(SourceLine(f"{meeting} · {symbol + ' · ' if symbol else ''}{paras} · {date}"))
            excerpts.setdefault(file, []).append(
                SourceExcerpt(heading.label, anchor, f"{paras}, lines {number * 40}–{number * 40 + 30}")
            )
            if handout:
                blocks.append(NotesSpace(6))
    if not cards:
        anchor = "sources"
        blocks.append(PartHeading("Annex: Sources", anchor, "", new_page=True))
        entries.append(ContentsEntry(1, "Annex: Sources", anchor))
        blocks.append(
            SourcesList(
                tuple(
                    SourceEntry(file, meeting, symbol, date, len(excerpts[file]), tuple(excerpts[file]))
                    for file, meeting, symbol, date in meetings
                )
            )
        )
    title = "Global Forum 2027: remittances and migration data"
    front: list = []
    if template == "briefing":
        front.append(
            Cover(
                title,
                "Briefing pack",
                "Global Forum on Migration and Development",
                "Genève, Switzerland",
                "12–14 January 2027",
                "Delegation of Côte d’Ivoire",
                "A. Officer",
                "3 December 2026",
                "RESTRICTED",
                draft,
            )
        )
        front.append(Contents(tuple(entries)))
    else:
        front.append(
            Title(
                title,
                "Handout" if handout else "Speaking notes",
                meeting="Global Forum on Migration and Development",
                place="Genève, Switzerland",
                dates="12–14 January 2027",
                issued="Issued 3 December 2026",
            )
        )
    info = DocumentInfo(title, "RESTRICTED", draft, page_size, "A. Officer", "Global Forum", "2026-12-03")
    return Document(info, front + blocks)
