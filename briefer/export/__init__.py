"""The writers: a document of blocks (`briefer.ir`) -> a Word or PDF file.

They import only the IR and the shared modules (errors): never the library or packs, so
that what they print depends on the blocks alone.
"""
