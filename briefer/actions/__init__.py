"""Use cases, each written once for the command line and the app: ingest files into a
library, build a pack, save/import/export packs, export and import library archives.

They sit above the stages (`ingest`, `library`, `packs`, `ir`, `export`) and tie them
together; the stages never import them, nor each other upwards.
"""
