"""``mtcalm import FILE.json``: bring a JSON export (``mtcalm export --format json``) into the
journal.

Holding the data folder as ``restore`` does, the sessions the journal does not have yet are
added in one transaction, which anything wrong in the file rolls back; importing the same file
twice changes nothing. Where there is no journal yet, the file is read through and checked
first, so a file that is refused leaves no trace, not even a data folder.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from mtcalm.commands.backup import never_raising, refuse
from mtcalm.commands.scan import printable

EXIT_OK = 0
EXIT_REFUSED = 1
NOTHING_IMPORTED = "Nothing was imported."

DESCRIPTION = """\
Add the sessions of FILE, a JSON export of an mtcalm journal, to your journal: every
check-in, note, reflection and drawing, track and event, and the tracks flagged as triggers.
A session your journal has already (the same session, however it got there) is left as it is,
so importing a file twice changes nothing. FILE is checked whole before anything changes;
a file that is not an export, is damaged or is from a newer mtcalm is refused.
Close mtcalm first: an import under an open window is refused."""

EPILOG = """\
exit status:
  0  imported (how many sessions were added, and how many were there already, is printed)
  1  refused, with nothing changed: FILE is not an mtcalm export, is damaged, too large or
     from a newer mtcalm, mtcalm is open on this data folder, the disk is full... (on stderr)
  2  usage error"""


def add_import_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = commands.add_parser(
        "import",
        help="add the sessions of a JSON export to the journal (mtcalm must be closed)",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.add_argument("file", type=Path, metavar="FILE.json", help="the export to import")


def run_import(
    arguments: argparse.Namespace, data_dir: Path, stdout: TextIO, stderr: TextIO
) -> int:
    """Import as the ``import`` command does; the exit status. Never raises."""
    return never_raising(
        lambda: _import(arguments.file.absolute(), data_dir, stdout, stderr),
        stderr,
        "interrupted; nothing was imported",
    )


def _import(source: Path, data_dir: Path, stdout: TextIO, stderr: TextIO) -> int:
    from mtcalm.datadir import DataDirError, ensure_private_dir
    from mtcalm.instance import DataFolderInUse, InstanceLock
    from mtcalm.journal.file import JournalError
    from mtcalm.journal.import_json import ImportRefused, check_export, import_export
    from mtcalm.journal.store import Journal
    from mtcalm.workspace import current_journal

    try:
        if not current_journal(data_dir).is_file():  # refused, it leaves no folder, no journal
            check_export(source)
        ensure_private_dir(data_dir)
    except ImportRefused as refused:
        refuse(stderr, f"{refused.short}: {printable(refused.long)} {NOTHING_IMPORTED}")
        return EXIT_REFUSED
    except DataDirError as error:
        refuse(stderr, printable(str(error)))
        return EXIT_REFUSED
    try:
        lock = InstanceLock.acquire(data_dir)
    except DataFolderInUse:
        refuse(
            stderr,
            f"mtcalm is open for the data folder {printable(str(data_dir))}; nothing was "
            "imported. Close it first, then import again.",
        )
        return EXIT_REFUSED
    with lock:
        try:
            with Journal.open(current_journal(data_dir)) as journal:
                result = import_export(source, journal)
        except (ImportRefused, JournalError) as error:
            refuse(stderr, f"{error.short}: {printable(error.long)} {NOTHING_IMPORTED}")
            return EXIT_REFUSED
    added = f"{result.added} session{'' if result.added == 1 else 's'}"
    lines = [f"Imported {added} from {printable(str(source))}."]
    if result.already_there:
        one = result.already_there == 1
        lines.append(
            f"{result.already_there} of the {result.sessions} sessions in it "
            + (
                "was in the journal already and was left as it is."
                if one
                else "were in the journal already and were left as they are."
            )
        )
    if result.flags_added:
        lines.append(
            f"{result.flags_added} track{' is' if result.flags_added == 1 else 's are'} now "
            "flagged as bringing up urges or hard memories."
        )
    print("\n".join(lines), file=stdout, flush=True)
    return EXIT_OK
