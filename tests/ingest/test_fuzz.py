"""Fuzzing the readers and the cleaner: whatever the bytes, reading a file ends in a document
or in the typed InputFileError (a message the user can act on), never another exception, never
a hang (each example has a deadline)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefer.errors import BrieferError, InputFileError
from briefer.ingest.clean import clean_line
from briefer.ingest.pipeline import parse_document
from briefer.ingest.readers import decode_text, read_document

REPORTS = Path(__file__).resolve().parent.parent / "data" / "reports"
REAL_PDF = (REPORTS / "ecowas-workshop-migration-data-dakar-2015.pdf").read_bytes()
REAL_DOCX = (REPORTS / "expert-meeting-fair-recruitment-2017.docx").read_bytes()
REAL_TEXT = (REPORTS / "thematic-meeting-climate-rabat-2013-boldrepeat.txt").read_bytes()

FUZZ = settings(
    max_examples=250,
    deadline=2000,
    derandomize=True,  # the same inputs on every run: CI stays reproducible
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _mutated(original: bytes) -> st.SearchStrategy[bytes]:
    """A real file cut short, with bytes overwritten, or with a run of bytes removed."""

    @st.composite
    def mutate(draw) -> bytes:
        data = bytearray(original)
        for _ in range(draw(st.integers(1, 8))):
            kind = draw(st.sampled_from(["cut", "flip", "drop", "splice"]))
            if not data:
                break
            at = draw(st.integers(0, len(data) - 1))
            if kind == "cut":
                del data[at:]
            elif kind == "flip":
                data[at : at + 4] = draw(st.binary(min_size=1, max_size=4))
            elif kind == "drop":
                del data[at : at + draw(st.integers(1, 200))]
            else:
                data[at:at] = draw(st.binary(max_size=64))
        return bytes(data)

    return mutate()


def _zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _docx_with_document_xml(xml: bytes) -> bytes:
    """The real .docx with its body replaced: a valid package holding arbitrary XML."""
    source = zipfile.ZipFile(io.BytesIO(REAL_DOCX))
    members = {info.filename: source.read(info) for info in source.infolist()}
    members["word/document.xml"] = xml
    return _zip_of(members)


_XML_BODY = st.builds(
    lambda inner: (
        b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w='
        b'"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        + inner
        + b"</w:body></w:document>"
    ),
    st.lists(
        st.sampled_from(
            [
                b"<w:p><w:r><w:t>Text</w:t></w:r></w:p>",
                b"<w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl>",
                b"<w:p>",
                b"</w:p>",
                b"<w:tbl>",
                b"<w:tr>",
                b"<w:tc/>",
                b"&",
                b"<w:pPr><w:pStyle w:val='Heading1'/></w:pPr>",
                b"<w:gridSpan w:val='x'/>",
                b"<w:tcPr><w:vMerge/></w:tcPr>",
                b"\xff",
                b"<w:r><w:tab/></w:r>",
            ]
        ),
        max_size=12,
    ).map(b"".join),
)


def _check_reading(folder: Path, name: str, data: bytes) -> None:
    path = folder / name
    path.write_bytes(data)
    try:
        document = read_document(path)
    except InputFileError as error:
        assert str(error).startswith(str(path))
        return
    assert any(line.text.strip() for line in document.lines)
    try:
        parse_document(path)  # the whole pipeline on what could be read
    except BrieferError:
        pass


@FUZZ
@given(data=st.binary(max_size=3000))
def test_arbitrary_bytes_as_text(tmp_path: Path, data: bytes) -> None:
    _check_reading(tmp_path, "report.txt", data)


@FUZZ
@given(text=st.text(max_size=1500), encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
def test_arbitrary_text_files(tmp_path: Path, text: str, encoding: str) -> None:
    _check_reading(tmp_path, "report.txt", text.encode(encoding, errors="replace"))


@FUZZ
@given(data=_mutated(REAL_TEXT))
def test_damaged_text_reports(tmp_path: Path, data: bytes) -> None:
    """A real report with cuts and stray bytes: the whole pipeline runs on what is left."""
    _check_reading(tmp_path, "report.txt", data)


@FUZZ
@given(data=st.one_of(st.binary(max_size=2000), st.binary(max_size=2000).map(lambda b: b"%PDF-1.4\n" + b)))
def test_arbitrary_bytes_as_pdf(tmp_path: Path, data: bytes) -> None:
    _check_reading(tmp_path, "report.pdf", data)


@FUZZ
@given(data=_mutated(REAL_PDF))
def test_damaged_pdfs(tmp_path: Path, data: bytes) -> None:
    _check_reading(tmp_path, "report.pdf", data)


@FUZZ
@given(data=st.one_of(st.binary(max_size=2000), st.binary(max_size=2000).map(lambda b: b"PK\x03\x04" + b)))
def test_arbitrary_bytes_as_docx(tmp_path: Path, data: bytes) -> None:
    _check_reading(tmp_path, "report.docx", data)


@FUZZ
@given(data=_mutated(REAL_DOCX))
def test_damaged_docx_files(tmp_path: Path, data: bytes) -> None:
    _check_reading(tmp_path, "report.docx", data)


@FUZZ
@given(xml=st.one_of(_XML_BODY, st.binary(max_size=500)))
def test_docx_packages_with_arbitrary_bodies(tmp_path: Path, xml: bytes) -> None:
    _check_reading(tmp_path, "report.docx", _docx_with_document_xml(xml))


@FUZZ
@given(
    members=st.dictionaries(
        st.sampled_from(["[Content_Types].xml", "_rels/.rels", "word/document.xml", "x"]),
        st.binary(max_size=300),
        max_size=4,
    )
)
def test_zip_archives_that_are_not_word_documents(tmp_path: Path, members: dict[str, bytes]) -> None:
    _check_reading(tmp_path, "report.docx", _zip_of(members))


@settings(max_examples=1000, deadline=2000, derandomize=True)
@given(text=st.text(max_size=400))
def test_the_cleaner_on_arbitrary_text(text: str) -> None:
    cleaned = clean_line(text)
    assert isinstance(cleaned, str)
    assert clean_line(cleaned) == cleaned  # idempotent, as documented


@settings(max_examples=200, deadline=2000, derandomize=True)
@given(text=st.text(alphabet=st.sampled_from(list("ab AB.-*_|1()\u00ad\ufb01é")), max_size=400))
def test_the_cleaner_on_repetitive_text(text: str) -> None:
    """Runs of a few characters: the worst case of the repeat collapsing."""
    cleaned = clean_line(text)
    assert clean_line(cleaned) == cleaned


@settings(max_examples=300, deadline=2000, derandomize=True)
@given(data=st.binary(max_size=2000))
def test_decoding_arbitrary_bytes(data: bytes) -> None:
    text = decode_text(data)
    assert text is None or isinstance(text, str)
