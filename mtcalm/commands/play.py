"""``mtcalm play``: files played through the app's own audio engine, to check the sound setup.

The files go through exactly what a session uses (:class:`mtcalm.audio.player.Player` on the
pygame output), with its fades, crossfades, ambience and timer, and the command exits when
the last sound has been heard. There is deliberately no silent fallback: a machine without a
usable sound device is the answer the person running this wants to know about.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:  # the audio engine is imported only when something is played
    from mtcalm.audio.events import EndReason, OutputFailure, PlayerError, PlayerEvent
    from mtcalm.audio.player import Player

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a command stopped by Ctrl-C
EXIT_TERMINATED = 143  # 128 + SIGTERM (``timeout``, a logout)

DEFAULT_FADE_IN_SECONDS = 3.0  # a session's own fade-in and fade-out (mtcalm.ui.main_window)
DEFAULT_FADE_OUT_SECONDS = 4.0
DEFAULT_CROSSFADE_SECONDS = 0.0
DEFAULT_VOLUME = 0.7  # the app's starting volume (mtcalm.settings)
MAX_CROSSFADE_SECONDS = 12.0  # the engine's own limit (mtcalm.audio.mixer)
MAX_SECONDS = 86400.0  # a day: anything longer is a typing slip (and overflows sample counts)
INTERRUPT_FADE_SECONDS = 0.5
INTERRUPT_PATIENCE_SECONDS = 3.0  # after Ctrl-C, stop at once if the fade has not ended by then
POLL_SECONDS = 0.05
# PlaybackEnded comes when the player's clock says the last sample was heard; SDL and the
# sound server still hold a few buffers then, and closing the device would drop them.
DRAIN_SECONDS = 0.2

DESCRIPTION = """\
Play audio files in the order given through mtcalm's own audio engine and sound
device, with the fades a session uses, then exit: a check of the sound setup or
of a file. A file that cannot be played is named on standard error with the
reason, and skipped."""

EPILOG = """\
The sound device is the one SDL opens; SDL_AUDIODRIVER chooses its driver
(pipewire, pulseaudio, alsa, ...). There is no silent fallback.

exit status:
  0    something played
  1    nothing could be played, or no sound device could be opened
  2    usage error
  130  interrupted: Ctrl-C fades out over half a second, then exits
  143  terminated (SIGTERM, as from `timeout`): the same quick fade, then exits
       (a second Ctrl-C stops at once)"""


# -- the command line ---------------------------------------------------------------------------


def add_play_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``play`` and its options to the ``mtcalm`` command's subcommands."""
    play = commands.add_parser(
        "play",
        help="play audio files through the sound device with a session's fades",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    play.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="an audio file (OGG Vorbis, Opus, FLAC, MP3 or WAV)",
    )
    play.add_argument(
        "--fade-in",
        type=seconds_value,
        default=DEFAULT_FADE_IN_SECONDS,
        metavar="S",
        help=f"fade in over S seconds at the start (default: {DEFAULT_FADE_IN_SECONDS:g}, "
        "as a session starts)",
    )
    play.add_argument(
        "--fade-out",
        type=seconds_value,
        default=DEFAULT_FADE_OUT_SECONDS,
        metavar="S",
        help="fade out over S seconds, ending with the last file or at --seconds "
        f"(default: {DEFAULT_FADE_OUT_SECONDS:g}, as a session ends)",
    )
    play.add_argument(
        "--crossfade",
        type=crossfade_value,
        default=DEFAULT_CROSSFADE_SECONDS,
        metavar="S",
        help=f"overlap consecutive files by S seconds, 0 to {MAX_CROSSFADE_SECONDS:g}; "
        f"0 joins them without a gap (default: {DEFAULT_CROSSFADE_SECONDS:g})",
    )
    play.add_argument(
        "--seconds",
        type=timer_value,
        default=None,
        metavar="S",
        help="stop after S seconds of listening, fading out to end exactly then; files "
        "shorter than that play round again, as with a session timer "
        "(default: play the files once)",
    )
    play.add_argument(
        "--ambience",
        type=Path,
        default=None,
        metavar="FILE",
        help="loop FILE quietly under the music, at the app's ambience level (default: none)",
    )
    play.add_argument(
        "--volume",
        type=volume_value,
        default=DEFAULT_VOLUME,
        metavar="V",
        help=f"volume from 0 to 1 on the app's volume curve (default: {DEFAULT_VOLUME:g}, "
        "the app's starting volume, so files sound as they do in a session; 1 plays them "
        "at the engine's full level)",
    )


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def seconds_value(text: str) -> float:
    """A length in seconds: a number, 0 or more, at most a day."""
    value = _number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"seconds cannot be negative, not {text}")
    if value > MAX_SECONDS:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_SECONDS:g} seconds, not {text}")
    return value


def crossfade_value(text: str) -> float:
    """A crossfade in seconds, within what the engine does."""
    value = _number(text)
    if not 0 <= value <= MAX_CROSSFADE_SECONDS:
        raise argparse.ArgumentTypeError(
            f"must be from 0 to {MAX_CROSSFADE_SECONDS:g} seconds, not {text}"
        )
    return value


def timer_value(text: str) -> float:
    """How long to play, in seconds: more than 0, at most a day."""
    value = seconds_value(text)
    if value == 0:
        raise argparse.ArgumentTypeError(f"must be more than 0 seconds, not {text}")
    return value


def volume_value(text: str) -> float:
    """A volume from 0 to 1."""
    value = _number(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"must be from 0 to 1, not {text}")
    return value


# -- playing ------------------------------------------------------------------------------------


class Terminal:
    """Where the command speaks: progress on stdout, problems on stderr, one line each."""

    def __init__(self, stdout: TextIO, stderr: TextIO) -> None:
        self._stdout: TextIO | None = stdout
        self._stderr = stderr

    def say(self, text: str) -> None:
        """A line of progress; if stdout has gone away (``| head``), stay quiet from then on."""
        if self._stdout is None:
            return
        try:
            print(text, file=self._stdout, flush=True)
        except (OSError, ValueError):
            self._stdout = None

    def problem(self, text: str) -> None:
        line = " ".join(text.split())
        with contextlib.suppress(OSError, ValueError):  # nowhere left to say it
            print(f"mtcalm: {line}", file=self._stderr, flush=True)


class Listening:
    """What has been heard of the programme so far, told on the terminal as it is heard."""

    def __init__(self, terminal: Terminal) -> None:
        self.terminal = terminal
        self.quiet = False  # after Ctrl-C: report problems, not progress
        self.started = 0
        self.failed: set[Path] = set()
        self.ended: EndReason | None = None  # why the programme ended, once its end is heard

    def take(self, events: list[PlayerEvent]) -> None:
        from mtcalm.audio.events import AmbienceFailed, PlaybackEnded, TrackFailed, TrackStarted

        for event in events:
            if isinstance(event, TrackStarted):
                self.started += 1
                if not self.quiet:
                    self.terminal.say(f"Playing {event.index + 1}: {track_title(event.path)}")
            elif isinstance(event, TrackFailed) and event.index < 0:  # the engine, not a file
                self.terminal.problem(f"playback stopped: {event.error.long}")
            elif isinstance(event, TrackFailed | AmbienceFailed):
                self._report_failure(event.path, event.error)
            elif isinstance(event, PlaybackEnded):
                self.ended = event.reason

    def _report_failure(self, path: Path, error: PlayerError) -> None:
        if path in self.failed:  # a programme played round again fails on it again
            return
        self.failed.add(path)
        self.terminal.problem(f"cannot play {path}: {failure_reason(path, error)}")


def failure_reason(path: Path, error: PlayerError) -> str:
    """The engine's reason, without the path its text starts with (the line names it already)."""
    text = error.long.strip().rstrip(".")
    named = str(path)
    if not text.startswith(named) or text == named:
        return text or error.short
    rest = text[len(named) :]
    if rest.startswith(":"):  # "PATH: Permission denied"
        return rest[1:].strip()
    rest = rest.strip()
    if rest.startswith("could not be played:"):  # "PATH could not be played: <why>"
        why = rest.removeprefix("could not be played:").strip()
        return why.removeprefix(f"Error opening {named!r}:").strip()  # libsndfile's prefix
    return f"it {rest}"  # "PATH is empty", "PATH does not exist or is not a file"


def track_title(path: Path) -> str:
    """The title tag, else the file's name."""
    from mtcalm.audio.metadata import AudioFileError, read_audio_info

    try:
        title = read_audio_info(path).title.strip()
    except AudioFileError:
        title = ""
    return title or path.name


class Terminated(KeyboardInterrupt):
    """SIGTERM: stop as Ctrl-C does (a quick fade), and say so in the exit status."""


def _terminate(number: int, frame: object) -> None:
    raise Terminated


def run_play(arguments: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Play ``arguments.files`` as the ``play`` command does; the exit status. Never raises."""
    terminal = Terminal(stdout, stderr)
    on_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if on_main_thread else None
    try:
        return _play(arguments, terminal)
    except Terminated:
        terminal.problem("terminated")
        return EXIT_TERMINATED
    except KeyboardInterrupt:
        terminal.problem("interrupted")
        return EXIT_INTERRUPTED
    except Exception as error:  # a bug or an unforeseen failure: one line, never a traceback
        terminal.problem(f"unexpected error: {type(error).__name__}: {error}")
        return EXIT_FAILED
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _play(arguments: argparse.Namespace, terminal: Terminal) -> int:
    from mtcalm.audio.events import EndReason, OutputFailure
    from mtcalm.audio.player import Player
    from mtcalm.audio.pygame_backend import PygameOutput

    files: list[Path] = list(arguments.files)
    try:
        output = PygameOutput.open()
    except OutputFailure as failure:
        terminal.problem(device_problem(failure))
        return EXIT_FAILED
    player = Player(output, volume=arguments.volume)
    listening = Listening(terminal)
    interrupted: KeyboardInterrupt | None = None
    try:
        if arguments.ambience is not None:
            player.set_ambience(arguments.ambience)
        player.play(
            files,
            fade_in=arguments.fade_in,
            crossfade=arguments.crossfade,
            fade_out=arguments.fade_out,
            timer=arguments.seconds,
        )
        try:
            _wait_until(lambda: listening.ended is not None, player, listening)
        except KeyboardInterrupt as stop:
            interrupted = stop
            listening.quiet = True
            _fade_out_quickly(player, listening)
        if listening.ended is not None:
            time.sleep(DRAIN_SECONDS)
    finally:
        player.close()
    if isinstance(interrupted, Terminated):
        terminal.problem("terminated")
        return EXIT_TERMINATED
    if interrupted is not None:
        terminal.problem("interrupted")
        return EXIT_INTERRUPTED
    if not listening.started:
        failed = sum(1 for path in files if path in listening.failed)
        count = f" ({failed} of {_files(len(files))} failed)" if failed else ""
        terminal.problem(f"nothing could be played{count}")
        return EXIT_FAILED
    if listening.ended in (EndReason.COMPLETED, EndReason.TIMER, EndReason.ENDED):
        return EXIT_OK
    return EXIT_FAILED  # the engine stopped part-way; its reason is on stderr already


def _files(count: int) -> str:
    return f"{count} file" if count == 1 else f"{count} files"


def device_problem(failure: OutputFailure) -> str:
    """One line for a sound device that would not open: what, and SDL's own words for why."""
    error = failure.error
    return f"{error.short.lower()}: {error.detail or error.long}"


def _wait_until(
    done: Callable[[], bool],
    player: Player,
    listening: Listening,
    deadline: float = math.inf,
    while_waiting: Callable[[], None] | None = None,
) -> bool:
    """Take the player's events until ``done()`` or the monotonic ``deadline``; ``done()``."""
    while True:
        listening.take(player.poll_events())
        if done():
            return True
        if time.monotonic() >= deadline:
            return False
        if while_waiting is not None:
            while_waiting()
        time.sleep(POLL_SECONDS)


def _fade_out_quickly(player: Player, listening: Listening) -> None:
    """After Ctrl-C: a short fade, then stop; a second Ctrl-C (propagating) stops at once."""
    from mtcalm.audio.events import PlayerState

    def end_if_still_playing() -> None:
        # The player ignores end() until its first sound is heard (its state is still
        # "stopped"), so ask again for as long as it plays on.
        if player.status().state is PlayerState.PLAYING:
            player.end(INTERRUPT_FADE_SECONDS)

    player.end(INTERRUPT_FADE_SECONDS)
    _wait_until(
        lambda: listening.ended is not None,
        player,
        listening,
        deadline=time.monotonic() + INTERRUPT_PATIENCE_SECONDS,
        while_waiting=end_if_still_playing,
    )
