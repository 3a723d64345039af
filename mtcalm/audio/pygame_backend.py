"""The SDL output (SDL as bundled with pygame): the mixer's blocks, pushed onto SDL's own queue.

SDL keeps the queue and feeds the sound device from it on its audio thread, in C, without
Python's lock: nothing the rest of the app does in Python can hold the sound up, and what is
queued is known exactly, so "heard" is counted, not guessed. The mixer (not SDL) decides
every sample: crossfades, loops and fades are exact.

pygame's ``Channel.queue`` was used before; its end-of-sound callback runs on SDL's audio
thread and looks at the queued sound before taking Python's lock, so a block queued just as
the previous one ran out could be left in the queue of an idle channel, and playback then
never went on (measured: 5 of 22 runs of ``mtcalm play`` with ``SDL_DISKAUDIODELAY=0``).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mtcalm.audio.decoder import CHANNELS, SAMPLE_RATE
from mtcalm.audio.events import OutputFailure, PlayerError
from mtcalm.audio.output import QUEUE_AHEAD_FRAMES

if TYPE_CHECKING:
    from mtcalm.audio.decoder import Frames

BUFFER_SAMPLES = 512  # SDL's device buffer: 11.6 ms
FULL_SCALE = 32767
BYTES_PER_FRAME = 2 * CHANNELS  # signed 16-bit, interleaved
SDL_INIT_AUDIO = 0x00000010
AUDIO_S16SYS = 0x8010 if sys.byteorder == "little" else 0x9010

NO_DEVICE = "No sound device was found"
NO_DEVICE_LONG = (
    "Sessions play silently. Check-ins, timing and the journal still work. "
    "Connect speakers or headphones and start mtcalm again to hear the music."
)


class _AudioSpec(ctypes.Structure):
    _fields_ = [
        ("freq", ctypes.c_int),
        ("format", ctypes.c_uint16),
        ("channels", ctypes.c_uint8),
        ("silence", ctypes.c_uint8),
        ("samples", ctypes.c_uint16),
        ("padding", ctypes.c_uint16),
        ("size", ctypes.c_uint32),
        ("callback", ctypes.c_void_p),
        ("userdata", ctypes.c_void_p),
    ]


def _import_pygame() -> Any:
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    # SDL would take SIGINT and SIGTERM for its own event queue, which nothing here reads:
    # the process would then ignore a logout or `timeout`. Python keeps them.
    os.environ.setdefault("SDL_NO_SIGNAL_HANDLERS", "1")
    import pygame

    return pygame


def _sdl_library_path(pygame: Any) -> str | None:
    """The SDL library pygame loaded (its wheels carry their own copy)."""
    maps = Path("/proc/self/maps")
    with contextlib.suppress(OSError):
        for line in maps.read_text().splitlines():
            name = line.rsplit(" ", 1)[-1]
            if "/libSDL2-" in name or "/libSDL2." in name:
                return name
    package = Path(pygame.__file__).parent
    for folder in (package, package / ".dylibs", package.parent / "pygame_ce.libs"):
        for pattern in ("SDL2.dll", "libSDL2-2.0*.dylib", "libSDL2-2*.so*", "libSDL2.so*"):
            for found in sorted(folder.glob(pattern)):
                return str(found)
    return ctypes.util.find_library("SDL2")


def _load_sdl(pygame: Any) -> Any:
    path = _sdl_library_path(pygame)
    if path is None:
        raise OSError("the SDL library was not found")
    sdl = ctypes.CDLL(path)
    sdl.SDL_GetError.restype = ctypes.c_char_p
    sdl.SDL_GetError.argtypes = []
    sdl.SDL_InitSubSystem.argtypes = [ctypes.c_uint32]
    sdl.SDL_InitSubSystem.restype = ctypes.c_int
    sdl.SDL_QuitSubSystem.argtypes = [ctypes.c_uint32]
    sdl.SDL_QuitSubSystem.restype = None
    sdl.SDL_OpenAudioDevice.argtypes = [
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.POINTER(_AudioSpec),
        ctypes.POINTER(_AudioSpec),
        ctypes.c_int,
    ]
    sdl.SDL_OpenAudioDevice.restype = ctypes.c_uint32
    sdl.SDL_PauseAudioDevice.argtypes = [ctypes.c_uint32, ctypes.c_int]
    sdl.SDL_PauseAudioDevice.restype = None
    sdl.SDL_QueueAudio.argtypes = [ctypes.c_uint32, ctypes.c_void_p, ctypes.c_uint32]
    sdl.SDL_QueueAudio.restype = ctypes.c_int
    sdl.SDL_GetQueuedAudioSize.argtypes = [ctypes.c_uint32]
    sdl.SDL_GetQueuedAudioSize.restype = ctypes.c_uint32
    sdl.SDL_ClearQueuedAudio.argtypes = [ctypes.c_uint32]
    sdl.SDL_ClearQueuedAudio.restype = None
    sdl.SDL_CloseAudioDevice.argtypes = [ctypes.c_uint32]
    sdl.SDL_CloseAudioDevice.restype = None
    return sdl


# ALSA's library reports every failed probe on stderr ("ALSA lib confmisc.c:855:(parse_card)
# cannot find card '0'", 16 lines on a machine without a card) through one replaceable handler.
# While the device is opened that handler does nothing; afterwards ALSA's own is back, so real
# errors during playback still reach stderr. SDL loads "libasound.so.2" by that name, so the
# copy loaded here is the one it uses.
_ALSA_HANDLER = ctypes.CFUNCTYPE(
    None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
)


def _ignore_alsa(file: bytes, line: int, function: bytes, error: int, text: bytes) -> None:
    """ALSA's error lines while probing for a device: the result says enough."""


_QUIET_ALSA = _ALSA_HANDLER(_ignore_alsa)


@contextlib.contextmanager
def quiet_alsa() -> Iterator[None]:
    """Keep ALSA's probing messages off stderr for the duration (no-op without ALSA)."""
    if not sys.platform.startswith("linux"):
        yield
        return
    try:
        alsa = ctypes.CDLL("libasound.so.2")
        set_handler = alsa.snd_lib_error_set_handler
    except (OSError, AttributeError):
        yield
        return
    set_handler.argtypes = [ctypes.c_void_p]
    set_handler.restype = ctypes.c_int
    set_handler(ctypes.cast(_QUIET_ALSA, ctypes.c_void_p))
    try:
        yield
    finally:
        set_handler(None)  # ALSA's default handler: later errors are printed again


def _sdl_error(sdl: Any) -> str:
    raw = sdl.SDL_GetError() or b""
    return str(raw.decode("utf-8", "replace")).strip()


def no_device(detail: str) -> PlayerError:
    """The notice for a machine where no sound device opened; SDL's own words as the detail."""
    return PlayerError(NO_DEVICE, NO_DEVICE_LONG, detail)


class PygameOutput:
    """Plays through the first sound device SDL finds. Create it with :meth:`open`."""

    name = "pygame"

    def __init__(self, sdl: Any, device: int) -> None:
        import numpy as np

        self._np = np
        self._sdl = sdl
        self._device = device
        self._written = 0
        self._closed = False

    @classmethod
    def open(cls) -> PygameOutput:
        """Open the sound device; raises :class:`OutputFailure` when there is none."""
        try:
            pygame = _import_pygame()
            sdl = _load_sdl(pygame)
        except (ImportError, OSError, AttributeError) as error:
            raise OutputFailure(
                PlayerError(
                    "Sound is unavailable",
                    "Sessions play silently: the sound library could not be loaded.",
                    str(error),
                )
            ) from error
        with quiet_alsa():
            if sdl.SDL_InitSubSystem(SDL_INIT_AUDIO) != 0:
                raise OutputFailure(no_device(_sdl_error(sdl)))
            wanted = _AudioSpec(SAMPLE_RATE, AUDIO_S16SYS, CHANNELS, 0, BUFFER_SAMPLES)
            obtained = _AudioSpec()
            # No changes allowed: SDL converts to whatever the device takes.
            device = sdl.SDL_OpenAudioDevice(
                None, 0, ctypes.byref(wanted), ctypes.byref(obtained), 0
            )
            if device == 0:
                detail = _sdl_error(sdl)
                sdl.SDL_QuitSubSystem(SDL_INIT_AUDIO)
                raise OutputFailure(no_device(detail))
        sdl.SDL_PauseAudioDevice(device, 0)  # plays silence until something is queued
        return cls(sdl, device)

    def _queued_frames(self) -> int:
        return int(self._sdl.SDL_GetQueuedAudioSize(self._device)) // BYTES_PER_FRAME

    def wants_block(self) -> bool:
        return self._queued_frames() < QUEUE_AHEAD_FRAMES

    def write(self, block: Frames) -> None:
        np = self._np
        samples = np.rint(np.clip(block, -1.0, 1.0) * FULL_SCALE).astype(np.int16)
        data = samples.tobytes()
        if self._sdl.SDL_QueueAudio(self._device, data, len(data)) != 0:
            raise RuntimeError(f"the sound device refused the audio: {_sdl_error(self._sdl)}")
        self._written += len(block)

    def played_frames(self) -> int:
        """Frames SDL has handed to the device: everything written less what is still queued."""
        return self._written - self._queued_frames()

    def written_frames(self) -> int:
        return self._written

    def stop(self) -> None:
        self._sdl.SDL_ClearQueuedAudio(self._device)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.stop()
        self._sdl.SDL_CloseAudioDevice(self._device)
        self._sdl.SDL_QuitSubSystem(SDL_INIT_AUDIO)
