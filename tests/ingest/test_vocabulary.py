"""The English word list: read from pyspellchecker's own file, the same words and counts as
its SpellChecker gives."""

from __future__ import annotations

from briefer.ingest import vocabulary


def test_the_word_list_is_pyspellcheckers() -> None:
    from spellchecker import SpellChecker

    vocabulary._english.cache_clear()
    assert vocabulary._english() == dict(SpellChecker(language="en", distance=1).word_frequency.dictionary)
    assert vocabulary.is_english_word("remittances") and not vocabulary.is_english_word("remitances")


def test_without_the_file_the_spellchecker_gives_it(monkeypatch) -> None:
    import importlib.resources
    from pathlib import Path

    monkeypatch.setattr(importlib.resources, "files", lambda package: Path("/nowhere"))
    vocabulary._english.cache_clear()
    try:
        assert vocabulary.english_frequency("the") > 0
    finally:
        vocabulary._english.cache_clear()
