"""One writer for ``benchmarks/soak.py``, killed by it at a random moment. Not for direct use.

Usage: ``python benchmarks/_soak_child.py JOURNAL SEED BACKUP_EVERY``

Opens the journal and writes sessions as the app does (a start with its check-in, progress
updates, the finish, the check-in after), for ever. Every ``BACKUP_EVERY`` sessions a manual
backup is made on a background thread while the writing goes on, back to back, as the app
makes its daily copy while a new session starts.

Each line below is printed, and flushed, only after the call it reports has returned, so every
commit line is a commit the parent may count on:

- ``ready``: ``Journal.open`` returned;
- ``start SID REF DISTRESS NOTE_LENGTH NOTE_CRC32``: ``start_session`` committed;
- ``progress SID SECONDS``: ``record_progress`` committed;
- ``finish SID OUTCOME SECONDS``: ``finish_session`` committed;
- ``after SID DISTRESS``: ``record_after`` committed;
- ``backup-start PATH``: printed before ``manual_backup`` is called;
- ``backup-done PATH SECONDS`` or ``backup-failed PATH REASON``: when it returned.
"""

from __future__ import annotations

import random
import string
import sys
import threading
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

from mtcalm.checkin import CheckIn, Phase
from mtcalm.journal.backups import (
    BackupFailed,
    BackupKind,
    backup_path,
    manual_backup,
)
from mtcalm.journal.file import BACKUPS_FOLDER
from mtcalm.journal.store import Journal, Outcome

NOTE_LETTERS = string.ascii_letters + string.digits + "      .,"
_printing = threading.Lock()


def say(*parts: object) -> None:
    """One whole line on stdout, flushed; the two threads never mix their lines."""
    line = " ".join(str(part) for part in parts) + "\n"
    with _printing:
        sys.stdout.write(line)
        sys.stdout.flush()


def back_up(journal_path: Path) -> None:
    """A manual backup under a name said beforehand, so the parent can match it to its start."""
    destination = backup_path(journal_path.parent / BACKUPS_FOLDER, journal_path, BackupKind.MANUAL)
    say("backup-start", destination)
    started = time.perf_counter()
    try:
        manual_backup(journal_path, destination)
    except BackupFailed as failed:
        say("backup-failed", destination, failed.long.replace("\n", " "))
        return
    say("backup-done", destination, f"{time.perf_counter() - started:.4f}")


def one_session(journal: Journal, generator: random.Random, reference: str) -> None:
    """A session from its start to the check-in after it, each step its own commit."""
    note = "".join(generator.choices(NOTE_LETTERS, k=generator.randint(200, 2000)))
    distress = generator.randint(0, 10)
    before = CheckIn(Phase.BEFORE, {"distress": distress, "energy": 4}, note=note)
    session_id = journal.start_session(reference, f"Soak {reference}", before)
    crc = zlib.crc32(note.encode("utf-8"))
    say("start", session_id, reference, distress, len(note), crc)
    seconds = 0.0
    for _ in range(generator.randint(2, 8)):
        seconds += generator.choice((0.5, 1.0, 2.5, 5.0))
        journal.record_progress(session_id, seconds)
        say("progress", session_id, seconds)
        outcome = generator.choice((Outcome.COMPLETED, Outcome.ENDED_EARLY))
    seconds += 0.25
    journal.finish_session(session_id, outcome, seconds)
    say("finish", session_id, outcome.value, seconds)
    after = generator.randint(0, 10)
    journal.record_after(session_id, CheckIn(Phase.AFTER, {"distress": after, "helpfulness": 2}))
    say("after", session_id, after)


def main(argv: list[str]) -> int:
    journal_path, seed, backup_every = Path(argv[0]), int(argv[1]), int(argv[2])
    generator = random.Random(seed)
    journal = Journal.open(journal_path, create=False)
    say("ready")
    backup: threading.Thread | None = None
    number = 0
    while True:
        one_session(journal, generator, f"soak-{seed}-{number}")
        number += 1
        if number % backup_every == 0 and (backup is None or not backup.is_alive()):
            backup = threading.Thread(target=back_up, args=(journal_path,), daemon=True)
            backup.start()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
