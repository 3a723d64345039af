"""``mtcalm restore FILE``: make a backup (or an exported journal file) the journal again.

All or nothing: FILE is checked first (an mtcalm journal, every page intact, a format this
version can read or upgrade); the journal it replaces is backed up, with anything a killed run
left in its -wal; then the copy takes the journal's name in one rename. It is refused while
mtcalm is open on the same data folder.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from mtcalm.commands.backup import never_raising, refuse
from mtcalm.commands.scan import printable

EXIT_OK = 0
EXIT_REFUSED = 1

DESCRIPTION = """\
Make FILE, a backup of your journal, the journal again. FILE is checked first; the journal it
replaces is kept in the backups folder; nothing changes unless the whole restore succeeds.
Close mtcalm first: a restore under an open window is refused."""

EPILOG = """\
exit status:
  0  restored (what FILE held, and where the replaced journal was kept, are printed)
  1  refused, with nothing changed: FILE is not a journal, is damaged or from a newer
     mtcalm, mtcalm is open on this data folder, the disk is full... (said on stderr)
  2  usage error"""


def add_restore_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    restore = commands.add_parser(
        "restore",
        help="make a backup the journal again (mtcalm must be closed)",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    restore.add_argument("file", type=Path, metavar="FILE", help="the backup to restore")


def run_restore(
    arguments: argparse.Namespace, data_dir: Path, stdout: TextIO, stderr: TextIO
) -> int:
    """Restore as the ``restore`` command does; the exit status. Never raises."""
    return never_raising(
        lambda: _restore(arguments.file, data_dir, stdout, stderr),
        stderr,
        "interrupted; the journal is as it was or fully restored",
    )


def _restore(source: Path, data_dir: Path, stdout: TextIO, stderr: TextIO) -> int:
    from mtcalm.instance import DataFolderInUse, InstanceLock
    from mtcalm.journal.restore import RestoreRefused, restore_journal
    from mtcalm.workspace import current_journal

    try:
        lock = InstanceLock.acquire(data_dir)
    except DataFolderInUse:
        refuse(
            stderr,
            f"mtcalm is open for the data folder {printable(str(data_dir))}; nothing was "
            "restored. Close it first, or restore in the app (Your data).",
        )
        return EXIT_REFUSED
    with lock:
        journal = current_journal(data_dir)
        try:
            restored = restore_journal(source.absolute(), journal)
        except RestoreRefused as refused:
            refuse(stderr, f"{refused.short}: {printable(refused.long)}")
            return EXIT_REFUSED
    facts = restored.facts
    newest = f", the newest from {facts.newest:%d %b %Y}" if facts.newest else ""
    count = f"{facts.sessions} session{'' if facts.sessions == 1 else 's'}"
    lines = [f"Restored the journal from {printable(str(source))}: {count}{newest}."]
    if restored.replaced_kept_as is not None:
        lines.append(
            f"The journal it replaced was kept as {printable(str(restored.replaced_kept_as))}."
        )
    print("\n".join(lines), file=stdout, flush=True)
    return EXIT_OK
