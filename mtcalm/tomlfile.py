"""Reading the small TOML files people write by hand (playlists, scripts), refusing the rest.

A file that is not a small, regular, UTF-8 text file is refused before it is parsed: a folder,
a device or a pipe is never opened, and the size is checked before reading.
"""

from __future__ import annotations

import re
import stat
import tomllib
from pathlib import Path
from typing import Any, TypeVar


class DocumentError(ValueError):
    """A file that cannot be used; ``line`` is 1-based when known."""

    def __init__(self, path: Path, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.message = message
        self.line = line

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"


ErrorT = TypeVar("ErrorT", bound=DocumentError)


def read_toml(
    path: Path, *, max_bytes: int, error: type[ErrorT], what: str
) -> tuple[dict[str, Any], str]:
    """The TOML document at ``path`` and its text; problems raise ``error`` naming ``what``.

    A TOML syntax error is raised ``from`` the :class:`tomllib.TOMLDecodeError`.
    """
    text = _read_text(path, max_bytes, error, what)
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as problem:
        match = re.search(r"\(at line (\d+), column \d+\)", str(problem))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(problem))
        raise error(path, message, int(match.group(1)) if match else None) from problem
    except RecursionError as problem:
        raise error(path, "the file is nested too deeply") from problem
    except ValueError as problem:  # tomllib lets int()'s 4300-digit limit through
        raise error(path, "a number in the file is far too long") from problem


def _read_text(path: Path, max_bytes: int, error: type[ErrorT], what: str) -> str:
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):
            raise error(path, "cannot be read: it is not a regular file")
        if status.st_size > max_bytes:
            raise error(
                path, f"the file is too large ({status.st_size} bytes, at most {max_bytes})"
            )
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except DocumentError:
        raise
    except OSError as problem:
        raise error(path, f"cannot be read: {problem.strerror or problem}") from problem
    except ValueError as problem:  # a path the system cannot name (an embedded NUL)
        raise error(path, "cannot be read: the name is not a valid path") from problem
    if len(raw) > max_bytes:  # it grew after the check
        raise error(path, f"the file is too large (more than {max_bytes} bytes)")
    if not raw.strip():
        raise error(path, "the file is empty")
    if b"\x00" in raw:
        raise error(path, f"this is a binary file, not {what}")
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as problem:
        line = raw[: problem.start].count(b"\n") + 1
        raise error(path, "the file is not UTF-8 text", line) from problem
