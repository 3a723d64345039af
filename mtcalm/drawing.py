"""The reflection drawing: strokes in soft colours inside a circle, kept small and validated.

Points are in the unit square (0..1 on both axes) with the circle inscribed in it, so a drawing
looks the same at any size. Stored drawings come back through :func:`from_json`, which accepts
only what :func:`to_json` could have written, within size limits.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

# Soft colours that read calmly on the light surface; "dusk" is dark enough for fine lines.
PALETTE: Mapping[str, str] = MappingProxyType(
    {
        "dusk": "#4A5568",
        "sage": "#7FA38C",
        "sky": "#7EA6C4",
        "lavender": "#A395C4",
        "rose": "#D19A9A",
        "sand": "#D2B48C",
    }
)
DEFAULT_COLOUR = "dusk"

# Widths are fractions of the drawing's side, like the points.
MIN_WIDTH = 0.002
MAX_WIDTH = 0.08
DEFAULT_WIDTH = 0.012

MAX_STROKES = 2_000
MAX_POINTS_PER_STROKE = 20_000
MAX_POINTS = 200_000
MAX_TEXT_BYTES = 4_000_000

# On saving, a point closer than this to the previous kept point adds nothing visible.
SIMPLIFY_DISTANCE = 0.002
DECIMALS = 4
FORMAT = 1

Point = tuple[float, float]


class DrawingError(ValueError):
    """A drawing that cannot be used; the message says why in plain words."""


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_point(point: Point) -> None:
    x, y = point
    if not (_is_number(x) and _is_number(y)):
        raise DrawingError("a point of the drawing is not a pair of numbers")
    if not (math.isfinite(x) and math.isfinite(y) and 0.0 <= x <= 1.0 and 0.0 <= y <= 1.0):
        raise DrawingError("a point of the drawing lies outside it")


@dataclass(frozen=True)
class Stroke:
    """One line drawn without lifting the pen: a colour, a width and at least one point."""

    colour: str
    width: float
    points: tuple[Point, ...]

    def __post_init__(self) -> None:
        if self.colour not in PALETTE:
            raise DrawingError(f"the drawing uses a colour mtcalm does not know ({self.colour!r})")
        if not (_is_number(self.width) and MIN_WIDTH <= self.width <= MAX_WIDTH):
            raise DrawingError("a line of the drawing has a width mtcalm cannot draw")
        if not self.points:
            raise DrawingError("a line of the drawing has no points")
        if len(self.points) > MAX_POINTS_PER_STROKE:
            raise DrawingError(
                f"a line of the drawing has more than {MAX_POINTS_PER_STROKE} points"
            )
        for point in self.points:
            _check_point(point)

    def simplified(self) -> Stroke:
        """The same line without points too close to the previous kept one to be seen."""
        kept = [self.points[0]]
        for point in self.points[1:]:
            last = kept[-1]
            if math.hypot(point[0] - last[0], point[1] - last[1]) >= SIMPLIFY_DISTANCE:
                kept.append(point)
        return Stroke(self.colour, self.width, tuple(kept))


@dataclass(frozen=True)
class Drawing:
    """Strokes in the order they were drawn. Immutable: changes give a new drawing."""

    strokes: tuple[Stroke, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if len(self.strokes) > MAX_STROKES:
            raise DrawingError(f"the drawing has more than {MAX_STROKES} lines")
        if self.point_count > MAX_POINTS:
            raise DrawingError(f"the drawing has more than {MAX_POINTS} points")

    @property
    def is_empty(self) -> bool:
        return not self.strokes

    @property
    def point_count(self) -> int:
        return sum(len(stroke.points) for stroke in self.strokes)

    def add(self, stroke: Stroke) -> Drawing:
        """This drawing with ``stroke`` on top; raises :class:`DrawingError` past the limits."""
        return Drawing((*self.strokes, stroke))

    def undo(self) -> Drawing:
        """This drawing without its last stroke (an empty drawing stays empty)."""
        return Drawing(self.strokes[:-1])

    def can_add(self, points: int) -> bool:
        """Whether a stroke of ``points`` points still fits within the limits."""
        return len(self.strokes) < MAX_STROKES and self.point_count + points <= MAX_POINTS


def to_json(drawing: Drawing) -> str:
    """Compact JSON for ``drawing``, its lines simplified and coordinates rounded."""
    strokes = []
    for stroke in drawing.strokes:
        flat: list[float] = []
        for x, y in stroke.simplified().points:
            flat += (round(x, DECIMALS), round(y, DECIMALS))
        strokes.append({"c": stroke.colour, "w": round(stroke.width, DECIMALS), "p": flat})
    return json.dumps({"format": FORMAT, "strokes": strokes}, separators=(",", ":"))


def _refuse_constant(name: str) -> float:
    raise DrawingError(f"the drawing contains {name}, which is not a number it can use")


def from_json(text: str) -> Drawing:
    """The drawing stored as ``text``; raises :class:`DrawingError` for anything else."""
    if not isinstance(text, str):
        raise DrawingError("the drawing is not text")
    if len(text) > MAX_TEXT_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_TEXT_BYTES:
        raise DrawingError("the drawing is too large")
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except DrawingError:
        raise
    except (ValueError, RecursionError) as error:  # JSONDecodeError is a ValueError
        raise DrawingError("the drawing is damaged (it is not valid JSON)") from error
    if not isinstance(document, dict):
        raise DrawingError("the drawing is damaged (it is not a drawing)")
    version = document.get("format")
    if type(version) is not int or version != FORMAT:
        if type(version) is int and version > FORMAT:
            raise DrawingError("the drawing was made by a newer mtcalm")
        raise DrawingError("the drawing is damaged (its format is missing)")
    entries = document.get("strokes")
    if not isinstance(entries, list):
        raise DrawingError("the drawing is damaged (it has no list of lines)")
    if len(entries) > MAX_STROKES:
        raise DrawingError(f"the drawing has more than {MAX_STROKES} lines")
    strokes: list[Stroke] = []
    total = 0
    for entry in entries:
        stroke = _stroke_from(entry)
        total += len(stroke.points)
        if total > MAX_POINTS:
            raise DrawingError(f"the drawing has more than {MAX_POINTS} points")
        strokes.append(stroke)
    return Drawing(tuple(strokes))


def _stroke_from(entry: object) -> Stroke:
    if not isinstance(entry, dict):
        raise DrawingError("a line of the drawing is damaged")
    colour, width, flat = entry.get("c"), entry.get("w"), entry.get("p")
    if not isinstance(colour, str):
        raise DrawingError("a line of the drawing has no colour")
    if not isinstance(flat, list) or len(flat) % 2:
        raise DrawingError("a line of the drawing has damaged points")
    if len(flat) > 2 * MAX_POINTS_PER_STROKE:
        raise DrawingError(f"a line of the drawing has more than {MAX_POINTS_PER_STROKE} points")
    return Stroke(
        colour, _number(width, "a line of the drawing has no usable width"), tuple(_pairs(flat))
    )


def _number(value: object, problem: str) -> float:
    """``value`` as a float, if it is a JSON number a float can hold."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise DrawingError(problem)
    try:
        return float(value)
    except OverflowError as error:  # an integer too large for a float
        raise DrawingError(problem) from error


def _pairs(flat: list[object]) -> Iterable[Point]:
    problem = "a point of the drawing is not a pair of numbers"
    for index in range(0, len(flat), 2):
        yield (_number(flat[index], problem), _number(flat[index + 1], problem))
