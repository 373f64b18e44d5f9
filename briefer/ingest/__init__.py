"""Ingestion: readers (txt, pdf, docx) -> cleaning -> layout -> segmenting -> metadata -> themes.

`pipeline.parse_document` turns one file into a ParsedDocument; it knows nothing of the
library (`briefer.actions.ingest` hands the results to one).
"""
