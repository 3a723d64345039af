"""One mtcalm per data folder: a lock the running app holds for as long as it runs.

The lock is ``flock`` on the data folder itself, so there is no lock file to go stale: the
kernel lets go of it the moment the process ends, however it ends (a crash, a kill, a logout).
The window holds it; ``restore`` takes it too, so a journal is never replaced under a running
window. ``check``, ``scan``, ``play`` and ``backup`` do not need it and work beside the window.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path


class DataFolderInUse(Exception):
    """Another mtcalm holds the data folder."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__(f"mtcalm is already open for the data folder {data_dir}")
        self.data_dir = data_dir


class InstanceLock:
    """The data folder, held for this process. Use :meth:`acquire`; :meth:`release` when done."""

    def __init__(self, data_dir: Path, descriptor: int) -> None:
        self.data_dir = data_dir
        self._descriptor: int | None = descriptor

    @classmethod
    def acquire(cls, data_dir: Path) -> InstanceLock:
        """Hold ``data_dir`` (which must exist); raises :class:`DataFolderInUse` if another does.

        Raises OSError if the folder cannot be opened at all.
        """
        descriptor = os.open(data_dir, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            raise DataFolderInUse(data_dir) from None
        except BaseException:
            os.close(descriptor)
            raise
        return cls(data_dir, descriptor)

    @property
    def held(self) -> bool:
        return self._descriptor is not None

    def release(self) -> None:
        if self._descriptor is not None:
            with contextlib.suppress(OSError):
                os.close(self._descriptor)  # closing lets go of the lock
            self._descriptor = None

    def __enter__(self) -> InstanceLock:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()


def in_use(data_dir: Path) -> bool:
    """Whether another process holds ``data_dir`` now (False if it cannot be opened)."""
    try:
        with InstanceLock.acquire(data_dir):
            return False
    except DataFolderInUse:
        return True
    except OSError:
        return False
