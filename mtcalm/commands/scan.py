"""``mtcalm scan``: read the audio in a folder tree as the library does, and summarise it.

The scan is :func:`mtcalm.library.scan_library` with the data folder's cache, so a second scan
of an unchanged folder opens no file. Every path printed comes from the file system and may
hold anything a file name can: it is escaped before it reaches a terminal.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:  # the library is imported only when a scan runs: it is off the GUI's start-up
    from mtcalm.library import ScanProgress, ScanResult

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a command stopped by Ctrl-C

DESCRIPTION = """\
Read the audio files in DIR and every folder below it, as mtcalm's library does, and
print what was found: how many files, their total duration, how many of each format,
and every file that cannot be played, with the reason. Hidden files and folders are
left out. What was read is kept in the data folder, so scanning an unchanged folder
again opens no file."""

EPILOG = """\
--json prints one JSON document instead (paths as the file system gives them):
  {
    "folder": "/home/me/Music",       the folder scanned, made absolute
    "files": 120,                     audio files that can be played
    "seconds": 27712.5,               their total duration, in seconds
    "formats": {"FLAC": 80, "MP3": 40},
                                      playable files of each format: "Ogg Vorbis",
                                      "Opus", "FLAC", "MP3", "WAV"
    "unreadable": [{"path": "...", "reason": "Empty file"}],
                                      audio files that cannot be played, and why
    "folders_unreadable": [{"path": "...", "reason": "Permission denied"}],
                                      folders that could not be searched, and why
    "other_formats": {".m4a": 3},     files in audio formats mtcalm does not play
    "limit_reached": false,           true when the scan stopped at its limits
                                      (100,000 audio files; 2,000,000 names);
                                      folders more than 32 deep are listed in
                                      folders_unreadable, not searched
    "scan_seconds": 0.42              how long the scan took
  }

exit status:
  0    the scan completed (unreadable files are reported, not errors)
  1    an unexpected failure
  2    usage error: DIR missing, not a folder or not readable
  130  interrupted by Ctrl-C (what was read so far is kept for the next scan)"""

ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\"}
SURROGATES = range(0xDC80, 0xDD00)  # bytes of a file name that are not UTF-8 (surrogateescape)


# -- the command line ---------------------------------------------------------------------------


def add_scan_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``scan`` and its options to the ``mtcalm`` command's subcommands."""
    scan = commands.add_parser(
        "scan",
        help="read the audio files in a folder and summarise them",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    scan.add_argument("folder", type=Path, metavar="DIR", help="the folder to scan")
    scan.add_argument(
        "--json", action="store_true", help="print one JSON document (described below)"
    )


def run_scan(arguments: argparse.Namespace, data_dir: Path, stdout: TextIO, stderr: TextIO) -> int:
    """Scan ``arguments.folder`` as the ``scan`` command does; the exit status. Never raises."""
    cache = None
    try:
        from mtcalm.audio.info_cache import AudioInfoCache

        folder = Path(os.path.abspath(arguments.folder))  # noqa: PTH100 (keeps links as named)
        problem = folder_problem(folder)
        if problem:
            _problem(stderr, problem)
            return EXIT_USAGE
        cache = AudioInfoCache.load(data_dir)
        result = _scan(folder, cache, stderr)
        if arguments.json:
            text = json.dumps(scan_document(folder, result), indent=2) + "\n"
        else:
            text = summary_text(folder, result)
        return _write(stdout, stderr, text)
    except KeyboardInterrupt:
        with contextlib.suppress(KeyboardInterrupt, Exception):
            _clear_progress(stderr)
            if cache is not None:
                cache.save()  # the files read so far need not be read again
        _problem(stderr, "interrupted")
        return EXIT_INTERRUPTED
    except Exception as error:  # a bug or an unforeseen failure: one line, never a traceback
        _problem(stderr, f"unexpected error: {type(error).__name__}: {error}")
        return EXIT_FAILED


def folder_problem(folder: Path) -> str:
    """Why ``folder`` cannot be scanned, in one line; empty when it can."""
    shown = printable(str(folder))
    try:
        if not folder.exists():
            return f"there is no folder {shown}"
        if not folder.is_dir():
            return f"{shown} is not a folder"
        with os.scandir(folder) as listing:
            next(listing, None)
    except OSError as error:
        return f"cannot read the folder {shown}: {error.strerror or type(error).__name__}"
    return ""


def _scan(folder: Path, cache: Any, stderr: TextIO) -> ScanResult:
    from mtcalm.library import scan_library

    show: Callable[[ScanProgress], None] | None = None
    if _is_terminal(stderr):

        def show(progress: ScanProgress) -> None:
            if progress.finding:
                line = f"Looking for audio files: {progress.files_found:,} found"
            else:
                line = f"Reading {progress.files_done:,} of {progress.files_found:,} files"
            with contextlib.suppress(OSError, ValueError):
                stderr.write(f"\r{line}\x1b[K")
                stderr.flush()

    try:
        return scan_library([folder], cache, progress=show)
    finally:
        if show is not None:
            _clear_progress(stderr)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (OSError, ValueError, AttributeError):
        return False


def _clear_progress(stderr: TextIO) -> None:
    if _is_terminal(stderr):
        with contextlib.suppress(OSError, ValueError):
            stderr.write("\r\x1b[K")
            stderr.flush()


# -- what is printed ----------------------------------------------------------------------------


def scan_document(folder: Path, result: ScanResult) -> dict[str, Any]:
    """The ``--json`` document (its schema is in the command's help)."""
    return {
        "folder": str(folder),
        "files": len(result.tracks),
        "seconds": round(result.total_duration, 3),
        "formats": result.formats(),
        "unreadable": [{"path": str(item.path), "reason": item.reason} for item in result.broken],
        "folders_unreadable": [
            {"path": str(item.path), "reason": item.reason} for item in result.folders_unreadable
        ],
        "other_formats": dict(sorted(result.other_formats.items())),
        "limit_reached": result.limit_reached,
        "scan_seconds": round(result.seconds, 3),
    }


def summary_text(folder: Path, result: ScanResult) -> str:
    """The summary a person reads, one fact a line; every path escaped."""
    lines = [f"Folder: {printable(str(folder))}"]
    broken = len(result.broken)
    lines.append(f"Files: {len(result.tracks):,} playable, {broken:,} unreadable")
    lines.append(f"Total duration: {clock_text(result.total_duration)}")
    formats = result.formats()
    if formats:
        lines.append("Formats: " + ", ".join(f"{name} {n:,}" for name, n in formats.items()))
    else:
        lines.append("Formats: none")
    if result.other_formats:
        others = sorted(result.other_formats.items(), key=lambda item: (-item[1], item[0]))
        count = sum(result.other_formats.values())
        listed = ", ".join(f"{suffix} {n:,}" for suffix, n in others)
        lines.append(f"Not played by mtcalm: {_files(count)} ({listed})")
    if result.limit_reached:
        lines.append("The scan stopped at its limit: some files were not looked at.")
    if result.folders_unreadable:
        lines.append(f"Folders that could not be read: {len(result.folders_unreadable):,}")
        lines += [
            f"  {printable(str(item.path))}: {printable(item.reason)}"
            for item in result.folders_unreadable
        ]
    if result.broken:
        lines.append(f"Unreadable files: {broken:,}")
        lines += [
            f"  {printable(str(item.path))}: {printable(item.reason)}" for item in result.broken
        ]
    return "\n".join(lines) + "\n"


def _files(count: int) -> str:
    return "1 file" if count == 1 else f"{count:,} files"


def clock_text(seconds: float) -> str:
    """``h:mm:ss``, hours counting on past a day."""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, second = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{second:02d}"


def printable(text: str) -> str:
    """``text`` with every character a terminal would act on (or hide) escaped, and backslash."""
    if text.isprintable() and "\\" not in text:
        return text
    pieces = []
    for character in text:
        code = ord(character)
        if character in ESCAPES:
            pieces.append(ESCAPES[character])
        elif character.isprintable():
            pieces.append(character)
        elif code in SURROGATES:
            pieces.append(f"\\x{code - 0xDC00:02x}")  # the raw byte of the file name
        elif code < 0x100:
            pieces.append(f"\\x{code:02x}")
        elif code < 0x10000:
            pieces.append(f"\\u{code:04x}")
        else:
            pieces.append(f"\\U{code:08x}")
    return "".join(pieces)


def _write(stdout: TextIO, stderr: TextIO, text: str) -> int:
    try:
        try:
            stdout.write(text)
        except UnicodeEncodeError:  # a terminal that cannot show every character of a name
            encoding = stdout.encoding or "ascii"
            stdout.write(text.encode(encoding, "backslashreplace").decode(encoding))
        stdout.flush()
    except BrokenPipeError:  # the reader went away (``| head``): nothing more to say
        _silence(stdout)
        return EXIT_FAILED
    except (OSError, ValueError) as error:
        _problem(stderr, f"cannot write the summary: {error}")
        return EXIT_FAILED
    return EXIT_OK


def _silence(stream: TextIO) -> None:
    """Point ``stream`` at /dev/null so Python's exit does not complain about the pipe."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, stream.fileno())
        os.close(null)


def _problem(stderr: TextIO, text: str) -> None:
    with contextlib.suppress(OSError, ValueError):  # nowhere left to say it
        print(f"mtcalm: {text}", file=stderr, flush=True)
