"""Briefing packs: the pack model, its outline rules, and assemble(pack, library) -> blocks.

Packs read the library and produce the IR (`briefer.ir`); they never import a writer.
"""
