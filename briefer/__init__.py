"""Briefer: briefing packs for international meetings, built from a library of past reports.

This module must stay light: the CLI and the GUI import it before anything else.
"""

__version__ = "0.1.0"
APP_NAME = "Briefer"
