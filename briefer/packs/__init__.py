"""Briefing packs: the pack model and assemble(pack, library) -> blocks.

Not built yet: packs arrive with the pack-building issue. The package exists so that the
layout of DESIGN.md holds and the Qt-free test covers it from the start.
"""
