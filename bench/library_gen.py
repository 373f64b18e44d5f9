"""Generate realistic libraries of a given number of sections for the search benchmark.

Each generated section takes a real heading and real paragraphs of the sample reports,
recombined (so that texts differ as they do across reports), with the themes the ingest
pipeline gives such text; meetings get their own titles, organisers, places and dates from
1995 to 2024. One section in twenty repeats an earlier one with a word changed: the agreed
language that reports carry from year to year, for the near-duplicate detection. They go
in through `Library.add_documents`, the same path as real documents.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import replace
from pathlib import Path

from briefer import paths
from briefer.ingest.document import MeetingMetadata, ParsedDocument, ParsedMeeting, ParsedSection
from briefer.ingest.pipeline import parse_document
from briefer.ingest.themes import default_lexicon
from briefer.library import Library

PLACES = [
    ("Geneva", "Switzerland"),
    ("New York", "United States"),
    ("Bangkok", "Thailand"),
    ("Dakar", "Senegal"),
    ("Mexico City", "Mexico"),
    ("Brussels", "Belgium"),
    ("Manila", "Philippines"),
    ("Rabat", "Morocco"),
    ("Nairobi", "Kenya"),
    ("Lima", "Peru"),
    ("Vienna", "Austria"),
    ("Addis Ababa", "Ethiopia"),
]
ORGANIZERS = [
    "IOM",
    "UNHCR",
    "ILO",
    "UNFPA",
    "OHCHR",
    "UN DESA",
    "UNITAR",
    "GFMD",
    "ECOWAS",
    "Government of Mexico",
]
EVENTS = [
    "Regional Workshop",
    "Expert Group Meeting",
    "Intersessional Workshop",
    "Regional Consultation",
    "Seminar",
]
TOPICS = [
    "Labour Mobility",
    "Remittances",
    "Trafficking in Persons",
    "Climate Change and Migration",
    "Diaspora Engagement",
    "Migrant Workers' Rights",
    "Migration Data",
    "Return and Reintegration",
]


def sample_sections() -> list[ParsedSection]:
    sections = []
    for path in sorted(paths.sample_sources_dir().glob("*.txt")):
        for meeting in parse_document(path).meetings:
            sections += [s for s in meeting.sections if s.kind == "body" and s.paragraphs]
    return sections


def _new_section(
    pool: list[ParsedSection], paragraphs: list[str], lexicon, rng: random.Random
) -> ParsedSection:
    """A real heading over two to five real paragraphs from anywhere in the samples."""
    model = rng.choice(pool)
    chosen = rng.sample(paragraphs, rng.randint(2, 5))
    text = "\n\n".join(chosen)
    return replace(
        model, paragraphs=chosen, paragraph_numbers=[], notes=[], themes=lexicon.tag(model.heading, text)
    )


def _repeat(section: ParsedSection, rng: random.Random) -> ParsedSection:
    """The same section again, as next year's report would carry it: a word changed."""
    paragraphs = list(section.paragraphs)
    index = rng.randrange(len(paragraphs))
    paragraphs[index] = paragraphs[index].replace(
        " the ", f" the {rng.choice(['recent', 'new', 'current'])} ", 1
    )
    return replace(section, paragraphs=paragraphs)


def generate(folder: Path, sections_wanted: int, seed: int = 7) -> Library:
    """A library of about `sections_wanted` sections in `folder` (made anew)."""
    library = Library.open(folder)
    library.add_documents(generated_documents(sections_wanted, seed))
    return library


def generated_documents(sections_wanted: int, seed: int = 7) -> list[ParsedDocument]:
    """Reports of about `sections_wanted` sections in all, as the ingest gives them."""
    rng = random.Random(seed)
    pool = sample_sections()
    paragraphs = [p for s in pool for p in s.paragraphs if len(p) > 200]
    lexicon = default_lexicon()
    made: list[ParsedSection] = []
    documents = []
    count = 0
    number = 0
    while count < sections_wanted:
        number += 1
        city, country = rng.choice(PLACES)
        year = rng.randint(1995, 2024)
        start = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 27):02d}"
        title = f"{rng.choice(EVENTS)} on {rng.choice(TOPICS)} ({number})"
        sections = []
        for index in range(min(rng.randint(4, 12), sections_wanted - count)):
            if made and rng.random() < 0.05:
                section = _repeat(rng.choice(made), rng)
            else:
                section = _new_section(pool, paragraphs, lexicon, rng)
                made.append(section)
            sections.append(replace(section, key=f"{index}:{section.key}"))
        metadata = MeetingMetadata(
            title=title,
            organizers=rng.sample(ORGANIZERS, rng.randint(1, 2)),
            city=city,
            country=country,
            start_date=start,
            end_date=start,
            symbol=f"MC/{year}/{number}",
        )
        name = f"generated-report-{number:05d}.txt"
        digest = hashlib.sha256(f"{seed}:{number}".encode()).hexdigest()
        meeting = ParsedMeeting(title.casefold(), metadata, sections, 1, 100)
        documents.append(ParsedDocument(name, name, "text", digest, 1000, None, [meeting]))
        count += len(sections)
    return documents
