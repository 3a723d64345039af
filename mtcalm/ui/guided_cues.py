"""A guided session's words against its music: which cue shows now, and moving between cues.

The script's clock (:class:`mtcalm.guided.ScriptClock`) is the music heard plus a shift: a seek,
or a jump to another cue, shifts it. The listening page then asks for the timer to change by as
much the other way, so the music still ends with the return section.
"""

from __future__ import annotations

from mtcalm.guided import ScriptClock
from mtcalm.scripts import Script, cue_at, next_cue_start, previous_cue_start
from mtcalm.ui.cue_view import CueView


class GuidedCues:
    """A script followed on a :class:`CueView`; with no script (listening), nothing to follow."""

    def __init__(self, view: CueView) -> None:
        self.view = view
        self.script: Script | None = None
        self._clock: ScriptClock | None = None
        self._listened = 0.0  # seconds of music heard, as last reported

    def set_script(self, script: Script | None) -> None:
        """Follow ``script`` from its start (None: no words)."""
        self.script = script
        self._clock = ScriptClock(script) if script else None
        self._listened = 0.0
        self.view.set_words_hidden(False)
        self.view.show_moment(None, None)
        if script is not None:
            self.view.reserve_room_for(cue.text for cue in script.cues)

    def hear(self, listened: float) -> None:
        """The music has now been heard for ``listened`` seconds."""
        self._listened = listened

    def remaining(self) -> float | None:
        """Seconds until the script ends; None with no script (the timer or music decides)."""
        return None if self._clock is None else self._clock.remaining(self._listened)

    def show_cue(self) -> None:
        """Show the cue of this moment in the script."""
        if self.script is None or self._clock is None:
            return
        now = self._clock.at(self._listened)
        self.view.show_moment(cue_at(self.script, now), self._clock.section_at(self._listened))

    def follow_seek(self, moved: float) -> float | None:
        """The music moved by ``moved`` seconds: move the script as far. Returns how far its
        clock moved, or None with no script.
        """
        if self._clock is None:
            return None
        now = self._clock.at(self._listened)
        return self._clock.jump(self._listened, now + moved)

    def jump(self, forward: bool) -> tuple[float, float] | None:
        """Go to the next cue, or back to this one's start (the one before, just after it).

        Returns the script's time jumped to and how far its clock moved; None when there is
        no script or no cue to go to.
        """
        if self.script is None or self._clock is None:
            return None
        now = self._clock.at(self._listened)
        target = (
            next_cue_start(self.script, now) if forward else previous_cue_start(self.script, now)
        )
        if target is None:
            return None
        return target, self._clock.jump(self._listened, target)
