"""Where the journal and settings live, and how files there are written."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Mapping
from pathlib import Path

DATA_DIR_VARIABLE = "MTCALM_DATA_DIR"


class DataDirError(Exception):
    """The data folder cannot be created or used."""


def resolve_data_dir(option: str | None, environ: Mapping[str, str]) -> Path:
    """The data folder: the --data-dir option, else MTCALM_DATA_DIR, else the platform default."""
    chosen = option or environ.get(DATA_DIR_VARIABLE)
    if chosen:
        return Path(chosen).expanduser().absolute()
    import platformdirs  # imported here: only needed when no folder is given

    return Path(platformdirs.user_data_dir("mtcalm", appauthor=False))


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) if needed; the folder itself is made owner-only."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not path.is_dir():
            raise DataDirError(f"{path} is not a folder")
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            path.chmod(0o700)
    except OSError as error:
        reason = error.strerror or str(error)
        raise DataDirError(f"Cannot use the data folder {path}: {reason}") from error
    return path


def write_file_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` owner-only: temporary file, fsync, rename; never half a file."""
    import tempfile  # only needed when something is written: keeps start-up light

    descriptor, temporary_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    temporary = Path(temporary_name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.chmod(0o600)
        temporary.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
