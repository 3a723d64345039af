"""The journal's -wal file, looked at without SQLite: SQLite quietly deletes a -wal it cannot
use (one with a damaged header, or beside an empty database), so mtcalm checks it first and
sets it aside when it must.
"""

from __future__ import annotations

import contextlib
import stat
import struct
from pathlib import Path

from mtcalm.datadir import read_start

WAL_MAGIC = (0x377F0682, 0x377F0683)
WAL_FORMAT = 3007000
HEADER_BYTES = 32


def wal_of(journal: Path) -> Path:
    return journal.with_name(journal.name + "-wal")


def wal_header_is_valid(header: bytes) -> bool:
    """Whether the first 32 bytes of a -wal file are a WAL header SQLite can use."""
    if len(header) < HEADER_BYTES:
        return False
    magic, version, page_size, _, _, _, sum1, sum2 = struct.unpack(">8I", header[:32])
    if magic not in WAL_MAGIC or version != WAL_FORMAT:
        return False
    odd_size = page_size < 512 or page_size > 65536 or page_size & (page_size - 1)
    if odd_size and page_size != 1:  # 1 stands for 65536
        return False
    order = ">" if magic & 1 else "<"
    words = struct.unpack(f"{order}6I", header[:24])
    s0 = s1 = 0
    for index in range(0, 6, 2):
        s0 = (s0 + words[index] + s1) & 0xFFFFFFFF
        s1 = (s1 + words[index + 1] + s0) & 0xFFFFFFFF
    return (s0, s1) == (sum1, sum2)


def is_damaged(wal: Path) -> bool:
    """Whether ``wal`` is there and SQLite could not use it (not a file, a bad header).

    Raises OSError when it cannot be read.
    """
    try:
        details, header = read_start(wal, HEADER_BYTES)
    except FileNotFoundError:
        return False
    if not stat.S_ISREG(details.st_mode):
        return True
    return details.st_size > 0 and not wal_header_is_valid(header)


def set_aside(file: Path, label: str, stamp: str) -> Path | None:
    """Rename ``file`` (if it is there and not empty) to ``<name>.<label>-<stamp>``, and drop
    the -shm that indexed it; where it went, or None. Raises OSError.
    """
    try:
        details = file.lstat()
    except FileNotFoundError:
        return None
    if details.st_size == 0 and stat.S_ISREG(details.st_mode):
        return None
    kept = file.with_name(f"{file.name}.{label}-{stamp}")
    counter = 1
    while kept.exists():
        kept = file.with_name(f"{file.name}.{label}-{stamp}-{counter}")
        counter += 1
    file.rename(kept)
    with contextlib.suppress(OSError):
        file.with_name(file.name.removesuffix("-wal") + "-shm").unlink()
    return kept
