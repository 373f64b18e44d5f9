"""Writing a user's file in one step: to a temporary name beside it, then renamed over it.

A failure or a kill at any moment leaves either the old file or the new one under the
user's chosen name, never a half-written one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PARTIAL_SUFFIX = ".partial"


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """Yield the temporary path to write; when the block ends without error, it replaces
    `path` (flushed to disk first). On any error it is removed and `path` is untouched."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}{PARTIAL_SUFFIX}")
    try:
        yield temporary
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        try:
            temporary.unlink()
        except FileNotFoundError:
            pass
