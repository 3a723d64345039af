"""A guided-imagery session's clock: the music heard so far, moved by the person's seeks and jumps.

The script's time is the programme's listened time (which stands still while paused) plus a
shift. A seek in the music by Δ seconds, or a jump to another cue, adds Δ to the shift; the
caller then changes the player's timer by −Δ, so the music still ends with the return section.
"""

from __future__ import annotations

from mtcalm.scripts import Script, SectionKind


class ScriptClock:
    """Where in ``script`` a session is, given the seconds of music heard so far."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.shift = 0.0

    def at(self, listened: float) -> float:
        """The script's time, within 0 and its duration."""
        return min(self.script.duration, max(0.0, listened + self.shift))

    def shift_by(self, delta: float) -> None:
        """The music moved by ``delta`` seconds more than was heard (a seek)."""
        self.shift += delta

    def jump(self, listened: float, target: float) -> float:
        """Go to ``target`` (clamped to the script); returns how far the script's time moved."""
        target = min(self.script.duration, max(0.0, target))
        delta = target - self.at(listened)
        self.shift = target - listened
        return delta

    def section_at(self, listened: float) -> SectionKind | None:
        """The section being played; the return section still at the very end."""
        seconds = self.at(listened)
        section = self.script.section_at(seconds)
        if section is None and self.script.sections and seconds >= self.script.duration:
            return self.script.sections[-1].kind
        return section.kind if section else None

    def remaining(self, listened: float) -> float:
        """Seconds until the return section ends."""
        return self.script.duration - self.at(listened)
