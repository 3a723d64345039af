"""Where the journal and settings live, and how files there are written."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Mapping
from pathlib import Path

DATA_DIR_VARIABLE = "MTCALM_DATA_DIR"

DISK_FULL = "The disk is full. Free some space, then try again; nothing was lost."
FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
DENIED_ERRNOS = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})


class DataDirError(Exception):
    """The data folder cannot be created or used: what is wrong, in plain words.

    ``hint`` says how to choose another folder, for a terminal (a window shows it as a detail).
    """

    HINT = "To use another folder: mtcalm --data-dir DIR (or the MTCALM_DATA_DIR variable)."

    def __init__(self, message: str) -> None:
        super().__init__(f"{message} {self.HINT}")
        self.message = message
        self.hint = self.HINT


class WriteFailed(Exception):
    """A file could not be written; nothing was half-written. A short and a long text."""

    def __init__(self, short: str, long: str) -> None:
        super().__init__(f"{short}: {long}")
        self.short = short
        self.long = long


def why_not_written(error: OSError, folder: Path | None = None) -> str:
    """The plain reason a write failed, the same wherever mtcalm writes a file."""
    if error.errno in FULL_ERRNOS:
        return DISK_FULL
    if error.errno in DENIED_ERRNOS:
        place = f"The folder {folder}" if folder is not None else "The folder"
        if error.errno == errno.EROFS:
            return f"{place} is on a disk that is read-only. Nothing was lost."
        return f"{place} cannot be written to (permission denied). Nothing was lost."
    reason = error.strerror or str(error)
    return f"It could not be written ({reason}). Nothing was lost."


def write_failed(what: str, error: OSError, folder: Path | None = None) -> WriteFailed:
    """A :class:`WriteFailed` for ``what`` ("Your settings", "The backup"...)."""
    return WriteFailed(f"{what} could not be saved", why_not_written(error, folder))


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
            raise FileExistsError(errno.EEXIST, "File exists", str(path))
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            path.chmod(0o700)
    except OSError as error:
        raise DataDirError(data_dir_problem(path, error)) from error
    return path


def data_dir_problem(path: Path, error: OSError) -> str:
    """What is wrong with the data folder ``path``, and what the person can do, in plain words."""
    if isinstance(error, FileExistsError) or (path.exists() and not path.is_dir()):
        return (
            f"Cannot use the data folder {path}: it is a file, not a folder. mtcalm keeps your "
            "journal in a folder: move or rename that file, or choose another folder."
        )
    if isinstance(error, NotADirectoryError):
        blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
        where = f"{blocker} is a file" if blocker else "part of the path is a file"
        return f"Cannot use the data folder {path}: {where}, not a folder."
    if error.errno == errno.EROFS:
        return f"Cannot use the data folder {path}: its disk is read-only."
    if error.errno in (errno.EACCES, errno.EPERM):
        return (
            f"Cannot use the data folder {path}: permission denied (it may belong to another user)."
        )
    if error.errno in FULL_ERRNOS:
        return f"Cannot create the data folder {path}: {DISK_FULL}"
    return f"Cannot use the data folder {path}: {error.strerror or error}."


def write_file_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` owner-only: temporary file, fsync, rename; never half a file.

    Raises OSError; :func:`why_not_written` says why in plain words.
    """
    temporary = partial_path(path)
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.fchmod(descriptor, 0o600)  # whatever the umask
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    fsync_folder(path.parent)  # make the rename itself durable


def fsync_folder(folder: Path) -> None:
    """Make the names in ``folder`` (a rename, a new file) durable; harmless where unsupported."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


PARTIAL_MARK = ".partial-"
_SIDECARS = ("-wal", "-shm", "-journal")


def partial_path(destination: Path) -> Path:
    """A new, unused temporary name beside ``destination`` that says which process owns it."""
    token = os.urandom(4).hex()
    return destination.with_name(f".{destination.name}{PARTIAL_MARK}{os.getpid()}-{token}")


def create_owner_only(path: Path) -> None:
    """Create ``path`` empty and owner-only; raises FileExistsError if it is there already."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(descriptor, 0o600)
    finally:
        os.close(descriptor)


def remove_partial(path: Path) -> None:
    """Remove a temporary file and whatever SQLite left beside it."""
    for suffix in ("", *_SIDECARS):
        with contextlib.suppress(OSError):
            path.with_name(path.name + suffix).unlink()


def remove_stale_partials(folder: Path) -> list[Path]:
    """Remove temporary files in ``folder`` left by processes that no longer run (a kill)."""
    removed: list[Path] = []
    try:
        names = [entry.name for entry in os.scandir(folder)]
    except OSError:
        return removed
    for name in names:
        if not name.startswith(".") or PARTIAL_MARK not in name:
            continue
        owner = name.rsplit(PARTIAL_MARK, 1)[1].split("-", 1)[0]
        if owner.isdigit() and not _process_runs(int(owner)):
            with contextlib.suppress(OSError):
                (folder / name).unlink()
                removed.append(folder / name)
    return removed


def _process_runs(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but is another user's
        return True
    return True


def publish(temporary: Path, destination: Path) -> None:
    """Give the finished file ``temporary`` the name ``destination``, never replacing a file.

    Raises FileExistsError when ``destination`` exists (``temporary`` is then left for the
    caller to remove).
    """
    try:
        os.link(temporary, destination)
    except FileExistsError:
        raise
    except OSError as error:
        no_links = (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS)
        if error.errno not in no_links:
            raise
        # A filesystem without hard links (FAT on a USB stick): check, then rename.
        if destination.exists():
            raise FileExistsError(errno.EEXIST, "File exists", str(destination)) from error
        temporary.rename(destination)
    else:
        with contextlib.suppress(OSError):  # the file has its name: a leftover is tidied later
            temporary.unlink()
    fsync_folder(destination.parent)


def read_start(path: Path, count: int) -> tuple[os.stat_result, bytes]:
    """The file's facts and its first ``count`` bytes; nothing is read from what is not a
    regular file, and a FIFO or device never blocks. Raises OSError.
    """
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        details = os.fstat(descriptor)
        if not stat.S_ISREG(details.st_mode):
            return details, b""
        return details, os.read(descriptor, count)
    finally:
        os.close(descriptor)


def is_regular_file(path: Path) -> bool:
    """Whether ``path`` is a regular file (following links), without opening it."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def fsync_file(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
