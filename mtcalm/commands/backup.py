"""``mtcalm backup``: a checked copy of the journal, made now, beside the app or without it.

It reads the journal through SQLite's backup API, so it works while the app is open and never
changes the journal. The copy goes into the data folder's ``backups`` folder, or to ``--output``
(never replacing a file there).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from mtcalm.commands.scan import printable

EXIT_OK = 0
EXIT_REFUSED = 1

DESCRIPTION = """\
Make a checked copy of your journal now. The copy is one SQLite file, readable only by you;
every page of it is checked before it gets its name, so a copy that exists is whole. It works
while mtcalm is open. Restore it with `mtcalm restore FILE` or in the app (Your data)."""

EPILOG = """\
exit status:
  0  the copy was made (its path is printed)
  1  no copy was made: there is no journal, FILE exists, the disk is full... (said on stderr)
  2  usage error"""


def add_backup_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    backup = commands.add_parser(
        "backup",
        help="make a checked copy of the journal now",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    backup.add_argument(
        "--output",
        type=Path,
        metavar="FILE",
        help="write the copy to FILE (default: a new file in the data folder's backups folder)",
    )


def run_backup(
    arguments: argparse.Namespace, data_dir: Path, stdout: TextIO, stderr: TextIO
) -> int:
    """Back the journal up as the ``backup`` command does; the exit status. Never raises."""
    return never_raising(
        lambda: _back_up(arguments.output, data_dir, stdout, stderr),
        stderr,
        "interrupted; no copy was made",
    )


def _back_up(output: Path | None, data_dir: Path, stdout: TextIO, stderr: TextIO) -> int:
    from mtcalm.journal.backups import BackupFailed, manual_backup
    from mtcalm.journal.file import JournalError
    from mtcalm.journal.restore import inspect_journal
    from mtcalm.workspace import current_journal

    journal = current_journal(data_dir)
    if not journal.is_file():
        refuse(stderr, f"there is no journal to back up in {printable(str(data_dir))}")
        return EXIT_REFUSED
    if output is not None:
        output = output.absolute()
        if not output.parent.is_dir():
            refuse(stderr, f"there is no folder {printable(str(output.parent))}")
            return EXIT_REFUSED
    try:
        made = manual_backup(journal, output)
    except BackupFailed as failed:
        refuse(stderr, f"{failed.short}: {printable(failed.long)}")
        return EXIT_REFUSED
    try:
        sessions = inspect_journal(made).sessions
        held = f"{sessions} session{'' if sessions == 1 else 's'}"
    except JournalError:
        held = "the journal"
    print(f"Backed up {held} to {printable(str(made))}", file=stdout, flush=True)
    return EXIT_OK


def refuse(stderr: TextIO, text: str) -> None:
    print(f"mtcalm: {text}", file=stderr, flush=True)


def never_raising(command: Callable[[], int], stderr: TextIO, interrupted: str) -> int:
    """Run ``command``; Ctrl-C or a bug becomes one line on stderr and status 1, never a
    traceback.
    """
    try:
        return command()
    except KeyboardInterrupt:
        refuse(stderr, interrupted)
    except BrokenPipeError:  # the reader went away (mtcalm ... | head): nothing to say to it
        with contextlib.suppress(OSError, ValueError):  # nor when Python flushes at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except Exception as error:  # a bug or an unforeseen failure
        refuse(stderr, f"unexpected error: {type(error).__name__}: {error}")
    return EXIT_REFUSED
