"""Where things live: bundled data, templates and fonts (frozen-aware), and the user's folders."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from briefer import APP_NAME

LIBRARY_ENV = "BRIEFER_LIBRARY"
PORTABLE_ENV = "BRIEFER_PORTABLE"  # set by --portable
PORTABLE_MARKERS = ("portable.txt", "briefer-portable")
PORTABLE_FOLDER = "BrieferData"


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


def program_dir() -> Path:
    """The folder the program runs from: the executable's folder in a build, else the checkout."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return Path(__file__).resolve().parent.parent


def portable_root() -> Path | None:
    """The BrieferData folder next to the program when Briefer runs portable, else None.

    Portable (for a USB stick): --portable was given (it sets $BRIEFER_PORTABLE), or, in a
    build, a file portable.txt or briefer-portable sits next to the executable. The library,
    settings, own templates and logs then all live in that one folder.
    """
    folder = program_dir()
    wanted = os.environ.get(PORTABLE_ENV, "").strip().lower() not in ("", "0", "no", "false")
    if not wanted and getattr(sys, "frozen", False):
        wanted = any((folder / marker).exists() for marker in PORTABLE_MARKERS)
    return folder / PORTABLE_FOLDER if wanted else None


def user_data_dir() -> Path:
    portable = portable_root()
    if portable is not None:
        return portable
    from platformdirs import user_data_dir as _user_data_dir

    return Path(_user_data_dir(APP_NAME, appauthor=False))


def user_config_dir() -> Path:
    portable = portable_root()
    if portable is not None:
        return portable / "settings"
    from platformdirs import user_config_dir as _user_config_dir

    return Path(_user_config_dir(APP_NAME, appauthor=False))


def user_log_dir() -> Path:
    portable = portable_root()
    if portable is not None:
        return portable / "logs"
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
