"""The document IR: a built pack as typed blocks, and the templates that lay it out.

`briefer.packs.assemble` produces it and the writers (`briefer.export`) consume it; it
imports neither, so neither side can reach into the other.
"""
