"""Ingestion: readers (txt, pdf, docx) -> cleaning -> layout -> segmenting -> metadata -> themes.

`pipeline.parse_document` turns one file into a ParsedDocument; `service.ingest_paths`
runs it over files and folders and hands the results to a library.
"""
