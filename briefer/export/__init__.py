"""Export: blocks -> Word and PDF writers, templates, build.

Not built yet: writers arrive with the pack-building issue. The package exists so that the
layout of DESIGN.md holds and the Qt-free test covers it from the start.
"""
