"""Where a command may write a file the user asked for (a built pack, an exported pack or
archive): never into a library folder, whose own files only the library writes, and over an
existing file only when the user said so (`--replace` on the command line; the app asks)."""

from __future__ import annotations

from pathlib import Path

from briefer.errors import UsageError


def check_target(path: Path, library_folder: Path | None, replace: bool) -> None:
    """Refuse, before any work, a target inside the library folder or one that exists."""
    if library_folder is not None and _inside(path, library_folder):
        raise UsageError(
            f"{path}: this is inside the library folder {library_folder}, whose files only the "
            "library writes; choose a place outside it"
        )
    if path.is_dir():
        raise UsageError(f"{path}: is a folder; give a file name inside it")
    if (path.exists() or path.is_symlink()) and not replace:
        raise UsageError(
            f"{path}: the file exists and was left as it is; choose another name, or add "
            "--replace to replace it"
        )


def _inside(path: Path, folder: Path) -> bool:
    try:
        target = path.parent.resolve() / path.name
        return target.is_relative_to(folder.resolve())
    except OSError:
        return False
