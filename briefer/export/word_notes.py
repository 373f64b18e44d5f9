"""Real Word footnotes: the footnotes part (word/footnotes.xml), which python-docx has no
API for, built as python-docx builds its own parts (an XmlPart related to the document
part; python-docx writes its content type override when it saves the package).

The part holds the two special notes Word expects (the separator line above the notes and
the one above notes continued from the page before) and one footnote per reference in
the body; the body's reference is a run holding <w:footnoteReference w:id="N"/> in the
"footnote reference" style (raised). Word and LibreOffice number the notes themselves,
in the order their references stand, and print each at the foot of its reference's page.
"""

from __future__ import annotations

import docx
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from lxml import etree

FOOTNOTES_PARTNAME = "/word/footnotes.xml"
TEXT_STYLE = "footnote text"
REFERENCE_STYLE = "footnote reference"

_SPECIAL = (
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr>'
    '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
    "<w:r><w:separator/></w:r></w:p></w:footnote>"
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr>'
    '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
    "<w:r><w:continuationSeparator/></w:r></w:p></w:footnote>"
)

# Settings that come before w:footnotePr in the settings sequence (ECMA-376 CT_Settings).
_AFTER_FOOTNOTE_PR = {
    qn(f"w:{tag}")
    for tag in (
        "endnotePr compat docVars rsids attachedSchema themeFontLang clrSchemeMapping "
        "doNotIncludeSubdocsInStats doNotAutoCompressPictures forceUpgrade captions "
        "readModeInkLockDown smartTagType schemaLibrary shapeDefaults doNotEmbedSmartTags "
        "decimalSymbol listSeparator"
    ).split()
} | {"{http://schemas.openxmlformats.org/officeDocument/2006/math}mathPr"}


class Footnotes:
    """The document's footnotes part, made on the first note."""

    def __init__(self, word: docx.document.Document, style_id) -> None:
        """`style_id(name)` gives a style's id in this document (None when it has none)."""
        self.word = word
        self.style_id = style_id
        self.root: etree._Element | None = None
        self.count = 0

    def add(self, paragraphs: list[str], text_of) -> int:
        """A footnote of `paragraphs` (each: text with newlines for line breaks), written
        by `text_of(p, text)`; its id for the body's reference."""
        if self.root is None:
            self.root = self._make_part()
        self.count += 1
        note = etree.SubElement(self.root, qn("w:footnote"))
        note.set(qn("w:id"), str(self.count))
        text_style = self.style_id(TEXT_STYLE)
        reference_style = self.style_id(REFERENCE_STYLE)
        for index, text in enumerate(paragraphs or [""]):
            p = etree.SubElement(note, qn("w:p"))
            if text_style:
                ppr = etree.SubElement(p, qn("w:pPr"))
                etree.SubElement(ppr, qn("w:pStyle")).set(qn("w:val"), text_style)
            if index == 0:  # the note's own number, then a tab to the hanging indent
                mark = etree.SubElement(p, qn("w:r"))
                if reference_style:
                    rpr = etree.SubElement(mark, qn("w:rPr"))
                    etree.SubElement(rpr, qn("w:rStyle")).set(qn("w:val"), reference_style)
                etree.SubElement(mark, qn("w:footnoteRef"))
                etree.SubElement(etree.SubElement(p, qn("w:r")), qn("w:tab"))
            if text:
                text_of(p, text)
        return self.count

    def reference(self, parent: etree._Element, note_id: int) -> etree._Element:
        """The body's run that refers to footnote `note_id` (raised by its style)."""
        run = etree.SubElement(parent, qn("w:r"))
        reference_style = self.style_id(REFERENCE_STYLE)
        if reference_style:
            rpr = etree.SubElement(run, qn("w:rPr"))
            etree.SubElement(rpr, qn("w:rStyle")).set(qn("w:val"), reference_style)
        else:  # no style to raise it: raised here, or it reads as a figure of the text
            rpr = etree.SubElement(run, qn("w:rPr"))
            etree.SubElement(rpr, qn("w:vertAlign")).set(qn("w:val"), "superscript")
        etree.SubElement(run, qn("w:footnoteReference")).set(qn("w:id"), str(note_id))
        return run

    def _make_part(self) -> etree._Element:
        document_part = self.word.part
        # A base saved from Word may hold its own (empty) footnotes part: ours replaces it.
        for r_id, rel in list(document_part.rels.items()):
            if rel.reltype == RT.FOOTNOTES:
                del document_part.rels[r_id]
        root = parse_xml(f"<w:footnotes {nsdecls('w', 'r')}>{_SPECIAL}</w:footnotes>")
        part = XmlPart(PackURI(FOOTNOTES_PARTNAME), CT.WML_FOOTNOTES, root, document_part.package)
        document_part.relate_to(part, RT.FOOTNOTES)
        self._declare_in_settings()
        return root

    def _declare_in_settings(self) -> None:
        """<w:footnotePr> naming the separator notes, as Word writes it."""
        settings = self.word.settings.element
        for old in settings.findall(qn("w:footnotePr")):
            settings.remove(old)
        footnote_pr = parse_xml(
            f'<w:footnotePr {nsdecls("w")}><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>'
        )
        follower = next((child for child in settings if child.tag in _AFTER_FOOTNOTE_PR), None)
        if follower is not None:
            follower.addprevious(footnote_pr)
        else:
            settings.append(footnote_pr)
