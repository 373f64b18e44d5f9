"""Build a pack into a Word or PDF file: assemble the blocks, render them, write in one step.

A build that fails for any reason leaves no file under the user's chosen name (an older
one there stays as it was) and leaves the pack unchanged.
"""

from __future__ import annotations

import errno
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from briefer.actions.build_report import DamagedExcerpt, damaged_excerpts
from briefer.actions.outputs import check_target
from briefer.atomic import file_sha256, replacing
from briefer.errors import BuildError, UsageError
from briefer.ir.blocks import Document
from briefer.ir.templates import Template, find_template
from briefer.library.repository import Library
from briefer.packs.assemble import Assembly, assemble
from briefer.packs.model import Pack

log = logging.getLogger(__name__)

FORMATS = ("pdf", "docx")
Progress = Callable[[int, int], None]


@dataclass(slots=True)
class BuildResult:
    path: Path
    format: str
    template: str
    pages: int | None  # known for PDF
    assembly: Assembly
    damaged: list[DamagedExcerpt] = field(default_factory=list)  # printed with text missing in the source


@dataclass(slots=True)
class PackBuild:
    """One build, in three steps, each run where it may be: `assemble` reads the library,
    `write` makes the file from the blocks alone (the app runs it on a CPU worker while the
    library stays usable), `remember` records which sections the build held (so that the
    next build can say what is new). `build_pack` runs them in turn; the app runs each on
    its worker, in the same order."""

    pack: Pack
    format: str
    out: Path
    template: Template
    record: bool = True
    assembly: Assembly | None = None
    pages: int | None = None
    damaged: list[DamagedExcerpt] = field(default_factory=list)

    @classmethod
    def start(
        cls,
        pack: Pack,
        format: str,
        out: Path,
        template: str | None = None,
        record: bool = True,
        library_folder: Path | None = None,
        replace: bool = False,
    ) -> PackBuild:
        """Refuse, before any work, an output that cannot be written (or is inside the
        library folder, or exists and `replace` is not said) or an unknown template."""
        format, out = format.lower(), Path(out).expanduser()
        check_output(out, format)
        check_target(out, library_folder, replace)
        pack = pack.checked()  # e.g. a title given on the command line
        return cls(pack, format, out, find_template(template or pack.template), record)

    def assemble(self, library: Library) -> None:
        self.assembly = assemble(self.pack, library, self.template)
        self.damaged = damaged_excerpts(self.assembly, library)

    def write(self, progress: Progress | None = None) -> None:
        assert self.assembly is not None, "assemble first"
        self.pages = write_document(self.assembly.document, self.template, self.format, self.out, progress)

    def remember(self, library: Library) -> None:
        assert self.assembly is not None, "assemble first"
        if self.record:
            entry = {
                "template": self.template.id,
                "format": self.format,
                "file": str(self.out.resolve())[:2000],  # (the records hold lines of 2,000 at most)
                "sha256": file_sha256(self.out),
                "pages": self.pages,
                "final": self.pack.final,
            }
            library.record_build(self.pack.id, self.assembly.section_ids, entry)
        log.info(
            "built %s (%s, %s) with %d sections",
            self.out,
            self.format,
            self.template.id,
            len(self.assembly.section_ids),
        )

    @property
    def result(self) -> BuildResult:
        assert self.assembly is not None, "assemble first"
        return BuildResult(self.out, self.format, self.template.id, self.pages, self.assembly, self.damaged)


def build_pack(
    pack: Pack,
    library: Library,
    format: str,
    out: Path,
    template: str | None = None,
    progress: Progress | None = None,
    record: bool = True,
    replace: bool = False,
) -> BuildResult:
    """Build `pack` to `out` (an existing file only with `replace`). `record` remembers which
    sections this build held, so that the next build can say what is new."""
    build = PackBuild.start(pack, format, out, template, record, library.folder, replace)
    build.assemble(library)
    build.write(progress)
    build.remember(library)
    return build.result


def check_output(out: Path, format: str) -> None:
    """Refuse, before any work, an output that cannot be written."""
    if format not in FORMATS:
        raise UsageError(f"cannot build to '{format}'; choose one of: {', '.join(FORMATS)}")
    if out.suffix.lower() != f".{format}":
        raise UsageError(f"{out}: a {format.upper()} file should end in .{format}; change the name")
    if out.is_dir():
        raise UsageError(f"{out}: is a folder; give a file name inside it")
    if not out.parent.is_dir():
        raise UsageError(f"{out.parent}: the output folder does not exist; create it or choose another")


def write_document(
    document: Document, template: Template, format: str, out: Path, progress: Progress | None = None
) -> int | None:
    """Render assembled blocks to `out` in one step (no library needed: the app runs this
    on a CPU worker); the page count for PDF."""
    check_output(out, format)
    try:
        with replacing(out) as temporary:
            if format == "pdf":
                from briefer.export.pdf_writer import write_pdf

                return write_pdf(document, template, temporary, progress)
            from briefer.export.docx_writer import write_docx

            write_docx(document, template, temporary, progress)
            return None
    except PermissionError as error:
        if str(out) in (error.filename, error.filename2):  # the rename over the old file failed
            raise BuildError(
                f"{out}: the file is open in another program or read-only; close it there, "
                "or choose another name, and build again"
            ) from None
        raise BuildError(
            f"{out.parent}: Briefer may not write in this folder; choose another folder"
        ) from None
    except OSError as error:
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            raise BuildError(f"{out}: the disk is full; free some space and build again") from None
        if error.errno == errno.EROFS:
            raise BuildError(f"{out.parent}: the folder is read-only; choose another folder") from None
        raise BuildError(
            f"{out}: the file could not be written ({error.strerror}); choose another place"
        ) from None
