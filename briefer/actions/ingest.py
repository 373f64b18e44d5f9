"""Ingest files and folders into a library, reporting on every file."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from briefer import paths
from briefer.errors import InputFileError, shown_path
from briefer.ingest.document import ParsedDocument
from briefer.ingest.pipeline import find_inputs, parse_document
from briefer.library import Library

Progress = Callable[[int, int, Path], None]


@dataclass(slots=True)
class FileReport:
    path: Path
    status: str  # "added", "updated", "unchanged", "duplicate" or "error"
    meetings: int = 0
    sections: int = 0
    message: str = ""

    def __post_init__(self) -> None:
        # A report is shown to the user: its file as every message names it (a name's
        # bytes that are not UTF-8 cannot be printed; a newline would split its line).
        self.path = Path(shown_path(self.path))

    @property
    def ok(self) -> bool:
        return self.status != "error"


def ingest_paths(
    library: Library,
    inputs: Iterable[Path],
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[FileReport]:
    """Read every file (folders are walked), then add the good ones in one write.

    A bad file gets an error report and changes nothing; the other files still go in.
    When cancelled, nothing is written at all.
    """
    inputs = list(inputs)
    reports: list[FileReport] = []
    for given in inputs:
        if given.is_dir() and not any(True for _ in find_inputs([given])):
            reports.append(
                FileReport(
                    given,
                    "error",
                    message=f"{shown_path(given)}: no .txt, .md, .pdf or .docx files in this folder",
                )
            )
    files = list(find_inputs(inputs))
    parsed: list[tuple[Path, ParsedDocument]] = []
    for index, path in enumerate(files):
        if cancelled and cancelled():
            return []
        if progress:
            progress(index, len(files), path)
        try:
            parsed.append((path, parse_document(path)))
        except InputFileError as error:
            reports.append(FileReport(path, "error", message=str(error)))
    if cancelled and cancelled():
        return []
    if progress:
        progress(len(files), len(files), Path())
    outcomes = library.add_documents(document for _, document in parsed) if parsed else []
    for (path, _), outcome in zip(parsed, outcomes, strict=True):
        reports.append(FileReport(path, outcome.status, outcome.meetings, outcome.sections, outcome.detail))
    order = {Path(shown_path(path)): index for index, path in enumerate(files)}
    reports.sort(key=lambda report: order.get(report.path, -1))
    return reports


def ensure_samples(library: Library) -> list[FileReport]:
    """Fill a new, empty library with the sample reports shipped with Briefer (once)."""
    if not library.is_empty() or library.seeded:
        return []
    reports = ingest_paths(library, sorted(paths.sample_sources_dir().glob("*.txt")))
    library.mark_seeded()
    return reports
