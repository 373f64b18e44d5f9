"""Where things live: bundled data, templates and fonts (frozen-aware), and the user's folders."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from briefer import APP_NAME

LIBRARY_ENV = "BRIEFER_LIBRARY"


def bundle_root() -> Path:
    """The folder that holds data/, templates/ and resources/.

    In a PyInstaller build they sit next to the executable's internals (sys._MEIPASS);
    from a source checkout, at the top of the repository.
    """
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root)
    return Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    return bundle_root() / "data"


def sample_sources_dir() -> Path:
    return data_dir() / "sources"


def themes_file() -> Path:
    return data_dir() / "themes.json"


def places_file() -> Path:
    return data_dir() / "places.json"


def templates_dir() -> Path:
    return bundle_root() / "templates"


def user_guide_file() -> Path:
    return bundle_root() / "docs" / "user-guide.md"


def fonts_dir() -> Path:
    return bundle_root() / "resources" / "fonts"


def user_data_dir() -> Path:
    from platformdirs import user_data_dir as _user_data_dir

    return Path(_user_data_dir(APP_NAME, appauthor=False))


def user_config_dir() -> Path:
    from platformdirs import user_config_dir as _user_config_dir

    return Path(_user_config_dir(APP_NAME, appauthor=False))


def user_log_dir() -> Path:
    from platformdirs import user_log_dir as _user_log_dir

    return Path(_user_log_dir(APP_NAME, appauthor=False))


def user_templates_dir() -> Path:
    """A user's own templates (copies of bundled ones, changed); found before the bundled."""
    return user_data_dir() / "templates"


def default_library_dir() -> Path:
    return user_data_dir() / "library"


def resolve_library_dir(explicit: str | os.PathLike[str] | None) -> tuple[Path, bool]:
    """The library folder to use, and whether it is the user's default one.

    Order: the --library argument, then $BRIEFER_LIBRARY, then the per-user data folder.
    Only the default library is filled with the sample sources on first use.
    """
    if explicit:
        return Path(explicit).expanduser(), False
    from_env = os.environ.get(LIBRARY_ENV)
    if from_env:
        return Path(from_env).expanduser(), False
    return default_library_dir(), True
