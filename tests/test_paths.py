"""Where Briefer keeps things: bundled files (frozen or not) and portable mode."""

from __future__ import annotations

import sys

import pytest

from briefer import cli, paths


@pytest.fixture
def frozen_in(tmp_path, monkeypatch):
    """Pretend to run as a build whose executable sits in tmp_path/briefer."""
    folder = tmp_path / "briefer"
    (folder / "_internal").mkdir(parents=True)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(folder / "briefer"))
    monkeypatch.setattr(sys, "_MEIPASS", str(folder / "_internal"), raising=False)
    monkeypatch.delenv(paths.PORTABLE_ENV, raising=False)
    return folder


def test_bundle_root_is_meipass_when_frozen(frozen_in):
    assert paths.bundle_root() == frozen_in / "_internal"
    assert paths.themes_file() == frozen_in / "_internal" / "data" / "themes.json"
    assert paths.program_dir() == frozen_in


def test_not_portable_by_default(frozen_in, _isolated_home):
    assert paths.portable_root() is None
    assert paths.user_data_dir().is_relative_to(_isolated_home)
    assert paths.user_config_dir().is_relative_to(_isolated_home)
    assert paths.user_log_dir().is_relative_to(_isolated_home)


@pytest.mark.parametrize("marker", paths.PORTABLE_MARKERS)
def test_marker_next_to_executable_makes_it_portable(frozen_in, marker):
    (frozen_in / marker).write_text("")
    root = frozen_in / "BrieferData"
    assert paths.portable_root() == root
    assert paths.user_data_dir() == root
    assert paths.default_library_dir() == root / "library"
    assert paths.user_templates_dir() == root / "templates"
    assert paths.user_config_dir() == root / "settings"
    assert paths.user_log_dir() == root / "logs"
    assert paths.resolve_library_dir(None) == (root / "library", True)


def test_marker_elsewhere_is_ignored(frozen_in, tmp_path):
    (tmp_path / "portable.txt").write_text("")  # above the program's folder, not in it
    assert paths.portable_root() is None


def test_explicit_library_still_wins_when_portable(frozen_in, tmp_path, monkeypatch):
    (frozen_in / "portable.txt").write_text("")
    assert paths.resolve_library_dir(tmp_path / "mine") == (tmp_path / "mine", False)
    monkeypatch.setenv(paths.LIBRARY_ENV, str(tmp_path / "env"))
    assert paths.resolve_library_dir(None) == (tmp_path / "env", False)


def test_marker_in_a_source_checkout_does_nothing(monkeypatch):
    monkeypatch.delattr(sys, "frozen", raising=False)
    monkeypatch.delenv(paths.PORTABLE_ENV, raising=False)
    monkeypatch.setattr(paths.Path, "exists", lambda self: True)  # as if every marker were there
    assert paths.portable_root() is None


@pytest.mark.parametrize("value, portable", [("1", True), ("yes", True), ("0", False), ("", False)])
def test_environment_switch(frozen_in, monkeypatch, value, portable):
    monkeypatch.setenv(paths.PORTABLE_ENV, value)
    assert (paths.portable_root() == frozen_in / "BrieferData") is portable


def test_portable_flag_keeps_the_library_next_to_the_program(frozen_in, capsys):
    assert cli.main(["--portable", "meetings"]) == cli.EXIT_OK
    assert paths.portable_root() == frozen_in / "BrieferData"
    assert (frozen_in / "BrieferData" / "library").is_dir()
    assert "BrieferData" in capsys.readouterr().err  # "setting up your library in ..."


def test_portable_flag_from_a_checkout_uses_the_checkout(monkeypatch):
    monkeypatch.delattr(sys, "frozen", raising=False)
    monkeypatch.setenv(paths.PORTABLE_ENV, "1")
    assert paths.portable_root() == paths.bundle_root() / "BrieferData"
