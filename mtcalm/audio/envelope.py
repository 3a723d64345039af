"""A level that moves in a straight line, sample by sample, so no change is ever a step."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Levels = npt.NDArray[np.float32]


class Ramp:
    """A value in 0–1 that glides to a target over a number of frames."""

    def __init__(self, value: float) -> None:
        self.value = value
        self.target = value
        self._step = 0.0
        self._left = 0

    @property
    def moving(self) -> bool:
        return self._left > 0

    @property
    def frames_left(self) -> int:
        return self._left

    def move_to(self, target: float, frames: int) -> None:
        """Glide from the present value to ``target`` over ``frames`` (at once if 0)."""
        self.target = target
        if frames <= 0 or target == self.value:
            self.value, self._left, self._step = target, 0, 0.0
        else:
            self._left = frames
            self._step = (target - self.value) / frames

    def render(self, count: int) -> Levels:
        """The value at each of the next ``count`` frames, advancing the ramp."""
        import numpy as np

        if self._left == 0:
            return np.full(count, self.value, dtype=np.float32)
        moving = min(count, self._left)
        values = np.full(count, self.target, dtype=np.float64)
        values[:moving] = self.value + self._step * np.arange(1, moving + 1)
        self._left -= moving
        self.value = self.target if self._left == 0 else float(values[moving - 1])
        return values.astype(np.float32)

    def skip(self, count: int) -> None:
        """Advance without producing values."""
        moving = min(count, self._left)
        self._left -= moving
        self.value = self.target if self._left == 0 else self.value + self._step * moving
