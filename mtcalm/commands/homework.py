"""``mtcalm homework new|show|check``: build, preview and check homework packages from a script.

``new`` builds a package from a ``homework.toml`` and the files it names, read from beside it;
``show`` prints what a person would see before importing a package; ``check`` is ``mtcalm
check``. None of them reads or writes the data folder. The format is docs/homework-format.md.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import posixpath
import stat
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TextIO

from mtcalm.commands.backup import never_raising, refuse
from mtcalm.commands.check import DESCRIPTION as CHECK_DESCRIPTION
from mtcalm.commands.check import EPILOG as CHECK_EPILOG
from mtcalm.commands.check import run_check
from mtcalm.commands.scan import printable
from mtcalm.homework.manifest import MAX_MANIFEST_BYTES, Homework
from mtcalm.homework.package import content_titles

EXIT_OK = 0
EXIT_REFUSED = 1

DESCRIPTION = """\
Build, preview and check homework packages (.mtcalm-homework), the one file a
therapist sends for listening between sessions (docs/homework-format.md).
Nothing here reads or changes your journal."""

NEW_DESCRIPTION = """\
Build a homework package from MANIFEST (a homework.toml) and the files it
names, read from MANIFEST's folder: the playlists/ and scripts/ of its
[[content]], the audio/ of its [[avoid]], and every audio file those playlists
(and the playlists those scripts play) name, which must be in audio/ too.
The same files always give the same bytes. The package is checked as
`mtcalm check` does before it gets its name."""

NEW_EPILOG = """\
exit status:
  0  the package was written ("Wrote FILE: N files, SIZE" on standard output)
  1  nothing was written: MANIFEST has a problem (with its line), a file it names
     is missing, unreadable or outside its folder, FILE exists (use --force),
     there is no folder for FILE... (one line on standard error)
  2  usage error"""

SHOW_DESCRIPTION = """\
Print what a homework package asks, as the person who imports it would see it:
title, therapist, instructions, schedule, what to listen to, check-in
questions, support contacts and tracks to avoid. Text from the package is
shown as plain text, with control characters escaped."""

SHOW_EPILOG = """\
exit status:
  0  the package is sound and was shown
  1  the package would be refused (its problems, in one line on standard error)
  2  usage error"""

KIND_WORDS = {"playlist": "playlist", "script": "guided-imagery script"}
CHECKIN_WORDS = {"craving": "Craving or urge to use", "tension": "Tension or pain in the body"}


class Refused(Exception):
    """Why nothing was written, in one line."""


def add_homework_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``homework`` and its ``new``, ``show`` and ``check`` to the ``mtcalm`` command."""
    raw = argparse.RawDescriptionHelpFormatter
    homework = commands.add_parser(
        "homework",
        help="build, preview and check homework packages",
        description=DESCRIPTION,
        formatter_class=raw,
    )
    actions = homework.add_subparsers(dest="homework_command", metavar="ACTION", required=True)
    new = actions.add_parser(
        "new",
        help="build a package from a homework.toml and its files",
        description=NEW_DESCRIPTION,
        epilog=NEW_EPILOG,
        formatter_class=raw,
    )
    new.add_argument("manifest", type=Path, metavar="MANIFEST", help="the homework.toml")
    new.add_argument(
        "--output", type=Path, metavar="FILE", required=True, help="the package to write"
    )
    new.add_argument("--force", action="store_true", help="replace FILE if it exists")
    show = actions.add_parser(
        "show",
        help="print what a package asks, as the person importing it sees it",
        description=SHOW_DESCRIPTION,
        epilog=SHOW_EPILOG,
        formatter_class=raw,
    )
    show.add_argument("file", type=Path, metavar="FILE", help="a .mtcalm-homework package")
    check = actions.add_parser(
        "check",
        help="the same as `mtcalm check FILE...`",
        description=CHECK_DESCRIPTION,
        epilog=CHECK_EPILOG,
        formatter_class=raw,
    )
    check.add_argument("files", nargs="+", type=Path, metavar="FILE", help="a file to check")


def run_homework(arguments: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Run ``homework ACTION`` as the command line asks; the exit status. Never raises."""
    if arguments.homework_command == "check":
        return run_check(arguments, stdout, stderr)
    if arguments.homework_command == "new":
        return never_raising(
            lambda: _new(arguments.manifest, arguments.output, arguments.force, stdout, stderr),
            stderr,
            "interrupted; nothing was written",
        )
    return never_raising(lambda: _show(arguments.file, stdout, stderr), stderr, "interrupted")


# -- new -----------------------------------------------------------------------------------------


def _new(manifest: Path, output: Path, force: bool, stdout: TextIO, stderr: TextIO) -> int:
    try:
        raw, homework = _read_manifest(manifest)
        _check_output(output, force)
        files = _package_files(manifest, homework)
        size = _write(output, raw, files, force)
    except Refused as refused:
        refuse(stderr, printable(str(refused)))
        return EXIT_REFUSED
    count = len(files) + 1
    print(
        f"Wrote {printable(str(output))}: {count} file{'' if count == 1 else 's'}, {_amount(size)}",
        file=stdout,
        flush=True,
    )
    return EXIT_OK


def _read_manifest(path: Path) -> tuple[bytes, Homework]:
    from mtcalm.datadir import read_start
    from mtcalm.homework.manifest import HomeworkError, read_manifest

    try:
        details, raw = read_start(path, MAX_MANIFEST_BYTES + 1)  # a pipe is never read
    except FileNotFoundError:
        raise Refused(f"there is no file {path}") from None
    except OSError as error:
        raise Refused(f"{path} cannot be read: {error.strerror or error}") from None
    if not stat.S_ISREG(details.st_mode):
        raise Refused(f"{path} is not a file")
    try:
        return raw, read_manifest(raw, str(path))
    except HomeworkError as error:
        raise Refused(str(error)) from None


def _check_output(output: Path, force: bool) -> None:
    if not output.absolute().parent.is_dir():
        raise Refused(f"there is no folder {output.absolute().parent}; nothing was written")
    if output.is_dir():
        raise Refused(f"{output} is a folder; name the package file to write")
    if os.path.lexists(output) and not force:
        raise Refused(f"{output} exists already; add --force to replace it")


class _Sources:
    """The files a package will hold, by their names in it, found beside the manifest."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.real = folder.resolve()
        self.files: dict[str, Path] = {}

    def add(self, name: str, named_by: str) -> Path:
        """The file ``name`` beside the manifest, once it is found to be a file in its folder."""
        source = self.folder / name
        try:
            real = source.resolve(strict=True)
        except (OSError, RuntimeError):
            raise Refused(f"{named_by} names {name}, but there is no file {source}") from None
        if not real.is_relative_to(self.real):
            raise Refused(
                f"{named_by} names {name}, which leads outside {self.folder} (through a link); "
                "a package holds only files from the manifest's folder"
            )
        if not real.is_file():
            raise Refused(f"{named_by} names {name}, but {source} is not a file")
        self.files[name] = source
        return source


def _package_files(manifest: Path, homework: Homework) -> dict[str, bytes]:
    """Every file the package holds besides the manifest, by name, read whole."""
    from mtcalm.audio.metadata import AudioFileError, read_audio_info
    from mtcalm.homework.archive import MAX_TOTAL_BYTES

    sources = _Sources(manifest.parent)
    for item in homework.content:
        if item.kind == "playlist":
            _add_playlist(sources, item.value, str(manifest))
        elif item.kind == "script":
            _add_script(sources, item.value, str(manifest))
    for avoid in homework.avoid:
        if not avoid.track.startswith("bundled:"):
            try:
                read_audio_info(sources.add(avoid.track, str(manifest)))
            except AudioFileError as error:
                raise Refused(f"{manifest}: {avoid.track}: {error.short}: {error.long}") from None
    try:
        total = sum(path.stat().st_size for path in sources.files.values())
        if total > MAX_TOTAL_BYTES:
            raise Refused(
                f"its files take {_amount(total)}; a homework package takes at most "
                f"{_amount(MAX_TOTAL_BYTES)}"
            )
        return {name: path.read_bytes() for name, path in sorted(sources.files.items())}
    except OSError as error:
        raise Refused(f"{error.filename} cannot be read: {error.strerror or error}") from None


def _add_playlist(sources: _Sources, name: str, named_by: str) -> None:
    """The playlist ``name`` and every audio file it names, which must be in ``audio/``."""
    from mtcalm.homework.manifest import package_path
    from mtcalm.playlists import PlaylistError, load_playlist

    source = sources.add(name, named_by)
    try:
        playlist = load_playlist(source)
    except PlaylistError as error:
        raise Refused(str(error)) from None
    for number, track in enumerate(playlist.tracks, start=1):
        where = f"{source}:{track.line}" if track.line else str(source)
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(name), track.entry))
        audio = package_path(joined)
        if audio is None or not audio.startswith("audio/"):
            raise Refused(
                f'{where}: track {number} "{track.entry}" must name a file in the audio/ folder '
                'beside the manifest, by a relative path such as "../audio/rain.ogg"'
            )
        sources.add(audio, where)
        if track.problem is not None:
            problem = track.problem
            raise Refused(
                f'{where}: track {number} "{track.entry}": {problem.short}: {problem.long}'
            )


def _add_script(sources: _Sources, name: str, named_by: str) -> None:
    """The script ``name``, and the playlist it plays when that is beside the manifest."""
    from mtcalm.homework.package import bundled_content_refs
    from mtcalm.scripts import ScriptError, load_script

    source = sources.add(name, named_by)
    try:
        script = load_script(source)
    except ScriptError as error:
        raise Refused(str(error)) from None
    music = f"playlists/{script.playlist}.toml"
    if os.path.lexists(sources.folder / music):
        _add_playlist(sources, music, str(source))
    elif f"playlist:{script.playlist}" not in bundled_content_refs():
        raise Refused(
            f'{source}: plays the playlist "{script.playlist}", which is neither {music} beside '
            "the manifest nor a playlist mtcalm includes"
        )


def _write(output: Path, manifest: bytes, files: dict[str, bytes], replace: bool) -> int:
    """Write the package beside ``output``, check it, then give it its name; its size."""
    from mtcalm.datadir import fsync_folder, partial_path, publish, why_not_written
    from mtcalm.homework.package import check_package, write_package

    temporary = partial_path(output.absolute())
    try:
        write_package(temporary, manifest, files)
        problems = check_package(temporary)
        if problems:
            raise Refused(
                f"the package would be refused, so nothing was written: {'; '.join(problems)}"
            )
        size = temporary.stat().st_size
        if replace:
            temporary.replace(output)
            fsync_folder(output.absolute().parent)
        else:
            publish(temporary, output)
    except FileExistsError:
        raise Refused(f"{output} exists already; add --force to replace it") from None
    except OSError as error:
        reason = why_not_written(error, output.absolute().parent)
        raise Refused(f"{output} could not be written: {reason}") from None
    except ValueError as error:  # a name write_package refuses; the checks above come first
        raise Refused(f"{output} could not be written: {error}") from None
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()
    return size


def _amount(size: int) -> str:
    if size < 1024:
        return f"{size} byte{'' if size == 1 else 's'}"
    if size < 1024**2:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024**2:.1f} MB"


# -- show ----------------------------------------------------------------------------------------


def _show(path: Path, stdout: TextIO, stderr: TextIO) -> int:
    from mtcalm.homework.install import HomeworkRefused, read_package

    try:
        homework, _ = read_package(path)
        titles = content_titles(path, homework)
    except HomeworkRefused as refused:
        refuse(stderr, f"{refused.short}: {printable(refused.long)}")
        return EXIT_REFUSED
    print("\n".join(preview_lines(homework, titles)), file=stdout, flush=True)
    return EXIT_OK


def preview_lines(homework: Homework, titles: dict[str, str]) -> list[str]:
    """What ``show`` prints, line by line; ``titles`` are the content's titles by value."""
    therapist = homework.therapist
    lines = [
        printable(homework.title),
        f"Revision {homework.revision} of {printable(homework.id)}",
        f"Therapist: {printable(therapist.name)}",
    ]
    if therapist.reach:
        lines.append(f"How to reach them: {printable(therapist.reach)}")
    if homework.instructions:
        lines += ["", "Instructions:", *_indented(homework.instructions)]
    lines += ["", f"Schedule: {schedule_words(homework)}", "", "To listen to:"]
    for item in homework.content:
        kind, _, name = item.value.partition(":") if item.kind == "ref" else (item.kind, "", "")
        where = "comes with mtcalm" if item.kind == "ref" else f"in the package: {item.value}"
        title = titles.get(item.value, name or item.value)
        lines.append(f"  {printable(title)} (a {KIND_WORDS[kind]}; {printable(where)})")
    lines += _heading("Added to the check-in", homework.checkin_items)
    for question in homework.checkin_items:
        if question.key in CHECKIN_WORDS:
            lines.append(f"  {CHECKIN_WORDS[question.key]}, 0 to 10")
            continue
        low = f" ({question.low_anchor})" if question.low_anchor else ""
        high = f" ({question.high_anchor})" if question.high_anchor else ""
        lines.append(f"  {printable(f'{question.label} 0{low} to 10{high}')}")
    lines += _heading("Support contacts", homework.contacts)
    for contact in homework.contacts:
        reach = f": {contact.reach}" if contact.reach else ""
        lines.append(f"  {printable(contact.name + reach)}")
        lines += _indented(contact.note, "    ")
    lines += _heading("Tracks to avoid", homework.avoid)
    for avoid in homework.avoid:
        bundled = avoid.track.startswith("bundled:")
        where = "comes with mtcalm" if bundled else f"in the package: {avoid.track}"
        lines.append(f"  {printable(avoid.title)} ({printable(where)})")
    return lines


def schedule_words(homework: Homework) -> str:
    """The schedule as a sentence: "3 sessions a week for 4 weeks from Monday 7 December 2026,
    at least 15 minutes each; reminders at 08:30 and 20:00".
    """
    schedule = homework.schedule
    words = (
        f"{_count(schedule.sessions_per_week, 'session')} a week for "
        f"{_count(schedule.weeks, 'week')} from {_day(schedule.starts)}, at least "
        f"{_count(schedule.minimum_minutes, 'minute')} each"
    )
    times = [moment.strftime("%H:%M") for moment in schedule.preferred_times]
    if times:
        listed = times[0] if len(times) == 1 else f"{', '.join(times[:-1])} and {times[-1]}"
        words += f"; {'reminder' if len(times) == 1 else 'reminders'} at {listed}"
    return words


def _heading(words: str, entries: Sequence[object]) -> list[str]:
    return ["", f"{words}:" if entries else f"{words}: none"]


def _indented(text: str, indent: str = "  ") -> list[str]:
    return [f"{indent}{printable(line)}".rstrip() for line in text.splitlines()]


def _count(number: int, unit: str) -> str:
    return f"{number} {unit}{'' if number == 1 else 's'}"


def _day(day: date) -> str:
    """The day as "Monday 7 December 2026", in English whatever the locale, as all here."""
    weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    months = "January February March April May June July August September October November "
    months += "December"
    return f"{weekdays[day.weekday()]} {day.day} {months.split()[day.month - 1]} {day.year}"
