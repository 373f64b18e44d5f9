"""Building packs: 10, 100 and 500 sections to PDF and to DOCX, side by side with
LibreOffice converting the same DOCX to PDF (what a user would otherwise do).

Run from the repository: `.venv/bin/python -m bench.build_bench [--sizes 10 100 500]`.
The packs come from a generated library (real paragraphs of the sample reports), with a
part heading every ten sections, key messages, and the briefing template (cover,
contents with page numbers and links, bookmarks, sources annex). Times are the whole
build (assemble + write + rename), best of three, in a running process. LibreOffice runs
headless with a profile warmed up first. Goals: a 100-section PDF in under 3 s and at
least 3 times faster than LibreOffice's conversion; a 100-section DOCX in under 1 s.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

from bench.library_gen import generate
from briefer.actions.build import build_pack
from briefer.library import Library, SectionFilter
from briefer.packs.model import MeetingDetails, Pack, PackItem


def _pack(library: Library, size: int) -> Pack:
    sections = [hit.section for hit in library.search(SectionFilter(), limit=size).hits]
    pack = Pack(
        f"Benchmark pack of {size} sections",
        meeting=MeetingDetails(
            "Global Forum on Migration and Development", "Geneva", "2027-01-12", "2027-01-14"
        ),
        delegation="Delegation of Côte d’Ivoire",
        date="2026-11-23",
        marking="RESTRICTED",
        items=[
            PackItem("key_messages", messages=["Remittances are private funds.", "Lower transfer costs."])
        ],
    )
    for index, section in enumerate(sections):
        if index % 10 == 0:
            pack.items.append(PackItem.heading(f"Part {index // 10 + 1}"))
        pack.items.append(PackItem.section(section.id))
    return pack


def _best_of(runs: int, action) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def _libreoffice(docx: Path, out_dir: Path, profile: Path) -> None:
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            str(docx),
        ],
        check=True,
        capture_output=True,
    )


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 500])
    args = parser.parse_args()
    folder = Path(__file__).parent / "out" / "library-1000"
    if not (folder / "user.json").exists():
        print("generating a library of 1000 sections…", file=sys.stderr)
        generate(folder, 1000)
    library = Library.open(folder)
    has_soffice = shutil.which("soffice") is not None
    rows = []
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        profile = work / "lo-profile"
        for size in args.sizes:
            pack = _pack(library, size)
            pdf, docx = work / f"pack-{size}.pdf", work / f"pack-{size}.docx"
            pdf_time = _best_of(3, partial(build_pack, pack, library, "pdf", pdf, record=False, replace=True))
            docx_time = _best_of(3, partial(build_pack, pack, library, "docx", docx, record=False, replace=True))
            lo_time = lo_pages = None
            if has_soffice:
                converted = work / "lo"
                _libreoffice(docx, converted, profile)  # warm up: profile, fonts, caches
                lo_time = _best_of(2, partial(_libreoffice, docx, converted, profile))
                lo_pages = _pages(converted / docx.with_suffix(".pdf").name)
            rows.append((size, pdf_time, _pages(pdf), docx_time, lo_time, lo_pages))

    print(
        "| sections | PDF s | PDF pages | DOCX s | LibreOffice DOCX->PDF s | LO pages | PDF speed-up vs LO |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size, pdf_time, pages, docx_time, lo_time, lo_pages in rows:
        lo = f"{lo_time:.2f}" if lo_time else "n/a"
        ratio = f"{lo_time / pdf_time:.1f}x" if lo_time else "n/a"
        print(
            f"| {size} | {pdf_time:.2f} | {pages} | {docx_time:.2f} | {lo} | {lo_pages or 'n/a'} | {ratio} |"
        )
    print("\ngoals at 100 sections: PDF < 3 s and >= 3x faster than LibreOffice; DOCX < 1 s")


if __name__ == "__main__":
    main()
