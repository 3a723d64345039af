"""The reflection after a session: a note and a drawing, kept with the session in the journal."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mtcalm.checkin import CheckIn, Phase
from mtcalm.drawing import (
    DEFAULT_WIDTH,
    MAX_POINTS,
    MAX_POINTS_PER_STROKE,
    MAX_STROKES,
    MAX_TEXT_BYTES,
    PALETTE,
    Drawing,
    DrawingError,
    Stroke,
    from_json,
    to_json,
)
from mtcalm.journal.file import SCHEMA_STEPS, JournalTooNew, JournalWriteFailed
from mtcalm.journal.store import (
    MAX_REFLECTION_NOTE_LENGTH,
    EventKind,
    Journal,
    Outcome,
    Reflection,
)
from tests.legacy_journals import write_old_session

BEFORE = CheckIn(Phase.BEFORE, {"distress": 6}, note="tight chest")
AFTER = CheckIn(Phase.AFTER, {"distress": 3, "helpfulness": 3})
START = datetime(2024, 5, 6, 20, 15, 0).astimezone()
PROMPT = "Draw or write what the safe place felt like."


def line(
    colour: str = "sage", *points: tuple[float, float], width: float = DEFAULT_WIDTH
) -> Stroke:
    return Stroke(colour, width, points or ((0.3, 0.3), (0.5, 0.6), (0.7, 0.4)))


SUN = Drawing((line("sand", (0.5, 0.2), (0.6, 0.3), (0.5, 0.4)), line("sky")))


@pytest.fixture
def journal_path(data_dir: Path) -> Path:
    data_dir.mkdir(mode=0o700)
    return data_dir / "journal.sqlite3"


@pytest.fixture
def journal(journal_path: Path) -> Iterator[Journal]:
    with Journal.open(journal_path) as opened:
        yield opened


def a_session(journal: Journal, title: str = "Safe place") -> int:
    session_id = journal.start_session("script:safe-place", title, BEFORE, started_at=START)
    journal.finish_session(session_id, Outcome.COMPLETED, 900)
    journal.record_after(session_id, AFTER)
    return session_id


def raw(path: Path, sql: str, parameters: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(path)
    try:
        with connection:
            return connection.execute(sql, parameters).fetchall()
    finally:
        connection.close()


# -- the drawing model ------------------------------------------------------------------------


def test_strokes_are_added_and_undone_in_order() -> None:
    first, second = line("sage"), line("rose")
    drawing = Drawing().add(first).add(second)
    assert drawing.strokes == (first, second)
    assert not drawing.is_empty
    assert drawing.undo().strokes == (first,)
    assert drawing.undo().undo().is_empty
    assert Drawing().undo().is_empty, "undo on an empty drawing leaves it empty"
    assert Drawing().is_empty


def test_the_palette_is_small_soft_and_known() -> None:
    assert 5 <= len(PALETTE) <= 6
    assert {"sand", "sage", "sky", "lavender", "rose"} <= set(PALETTE)
    darkest = min(
        sum(int(colour[index : index + 2], 16) for index in (1, 3, 5))
        for colour in PALETTE.values()
    )
    assert darkest < 3 * 0x80, "one colour is dark enough to see on a light background"


@pytest.mark.parametrize(
    "make",
    [
        lambda: Stroke("crimson", DEFAULT_WIDTH, ((0.5, 0.5),)),
        lambda: Stroke("sage", 0.0, ((0.5, 0.5),)),
        lambda: Stroke("sage", 5.0, ((0.5, 0.5),)),
        lambda: Stroke("sage", DEFAULT_WIDTH, ()),
        lambda: Stroke("sage", DEFAULT_WIDTH, ((1.5, 0.5),)),
        lambda: Stroke("sage", DEFAULT_WIDTH, ((float("nan"), 0.5),)),
        lambda: Stroke("sage", DEFAULT_WIDTH, ((0.5, -0.1),)),
        lambda: Stroke("sage", DEFAULT_WIDTH, ((0.5, 0.5),) * (MAX_POINTS_PER_STROKE + 1)),
    ],
    ids=["colour", "zero-width", "huge-width", "no-points", "outside", "nan", "negative", "long"],
)
def test_a_stroke_that_cannot_be_drawn_is_refused(make: object) -> None:
    with pytest.raises(DrawingError):
        make()  # type: ignore[operator]


def test_a_drawing_stops_at_its_limits() -> None:
    dot = Stroke("sage", DEFAULT_WIDTH, ((0.5, 0.5),))
    full = Drawing((dot,) * MAX_STROKES)
    assert not full.can_add(1)
    with pytest.raises(DrawingError, match="lines"):
        full.add(dot)
    long = Stroke("sage", DEFAULT_WIDTH, ((0.5, 0.5),) * MAX_POINTS_PER_STROKE)
    dense = Drawing((long,) * (MAX_POINTS // MAX_POINTS_PER_STROKE))
    assert dense.point_count == MAX_POINTS
    with pytest.raises(DrawingError, match="points"):
        dense.add(dot)


# -- saving and reading drawings --------------------------------------------------------------


def test_a_drawing_survives_a_round_trip() -> None:
    text = to_json(SUN)
    assert from_json(text) == SUN
    assert " " not in text, "compact"
    assert json.loads(text)["format"] == 1
    assert from_json(to_json(Drawing())) == Drawing()


def test_points_too_close_to_be_seen_are_dropped_on_saving() -> None:
    wobbly = tuple((0.2 + step * 0.0005, 0.5) for step in range(1000))  # 0.5 long, tiny steps
    drawing = Drawing((Stroke("dusk", DEFAULT_WIDTH, wobbly),))
    restored = from_json(to_json(drawing))
    points = restored.strokes[0].points
    assert 200 <= len(points) <= 260
    assert points[0] == (0.2, 0.5)
    assert points[-1][0] == pytest.approx(0.2 + 999 * 0.0005, abs=0.0025)
    assert len(to_json(drawing)) < len(json.dumps([list(point) for point in wobbly])) / 3


def test_a_dot_is_kept() -> None:
    dot = Drawing((Stroke("rose", 0.03, ((0.5, 0.5), (0.5005, 0.5))),))
    assert from_json(to_json(dot)).strokes[0].points == ((0.5, 0.5),)


def valid_document(**changes: object) -> str:
    document: dict[str, object] = {
        "format": 1,
        "strokes": [{"c": "sage", "w": 0.01, "p": [0.1, 0.2, 0.3, 0.4]}],
    }
    document.update(changes)
    return json.dumps(document)


def stroke_document(**changes: object) -> str:
    stroke: dict[str, object] = {"c": "sage", "w": 0.01, "p": [0.1, 0.2, 0.3, 0.4]}
    stroke.update(changes)
    return json.dumps({"format": 1, "strokes": [stroke]})


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "not valid JSON"),
        ("{", "not valid JSON"),
        ("null", "not a drawing"),
        ("[1, 2]", "not a drawing"),
        ('"a drawing"', "not a drawing"),
        (valid_document(format=None), "format"),
        (valid_document(format=True), "format"),
        (valid_document(format="1"), "format"),
        (valid_document(format=2), "newer mtcalm"),
        (valid_document(strokes={"c": "sage"}), "no list of lines"),
        (valid_document(strokes=["sage"]), "damaged"),
        (stroke_document(c="crimson"), "colour"),
        (stroke_document(c=None), "colour"),
        (stroke_document(w="wide"), "width"),
        (stroke_document(w=True), "width"),
        (stroke_document(w=-1), "width"),
        (stroke_document(p=[0.1, 0.2, 0.3]), "points"),
        (stroke_document(p=[]), "no points"),
        (stroke_document(p=[0.1, "0.2"]), "pair of numbers"),
        (stroke_document(p=[0.1, [0.2]]), "pair of numbers"),
        (stroke_document(p=[0.1, False]), "pair of numbers"),
        (stroke_document(p=[0.1, 1.0001]), "outside"),
        (stroke_document(p=[-0.0001, 0.5]), "outside"),
        ('{"format": 1, "strokes": [{"c": "sage", "w": NaN, "p": [0.1, 0.2]}]}', "NaN"),
        ('{"format": 1, "strokes": [{"c": "sage", "w": 0.01, "p": [Infinity, 0.2]}]}', "Inf"),
        ('{"format": 1, "strokes": [{"c": "sage", "w": 0.01, "p": [1e999, 0.2]}]}', "outside"),
        (
            '{"format": 1, "strokes": [{"c": "sage", "w": 0.01, "p": [' + "9" * 400 + ", 0]}]}",
            "pair of numbers",
        ),
        (
            '{"format": 1, "strokes": [{"c": "sage", "w": 0.01, "p": [' + "9" * 5000 + ", 0]}]}",
            "not valid JSON",
        ),
        ("[" * 100_000 + "]" * 100_000, "not valid JSON"),
        ('{"format": 1, "strokes": [' + "[" * 50_000 + "]" * 50_000 + "]}", "not valid JSON"),
        ("\ud800", "not valid JSON"),
    ],
)
def test_a_damaged_or_hostile_drawing_is_refused_plainly(text: str, words: str) -> None:
    with pytest.raises(DrawingError, match=words) as raised:
        from_json(text)
    assert "Traceback" not in str(raised.value)
    assert len(str(raised.value)) < 120


def test_drawings_beyond_the_limits_are_refused() -> None:
    dot = {"c": "sage", "w": 0.01, "p": [0.5, 0.5]}
    with pytest.raises(DrawingError, match=f"more than {MAX_STROKES} lines"):
        from_json(json.dumps({"format": 1, "strokes": [dot] * (MAX_STROKES + 1)}))
    long = {"c": "sage", "w": 0.01, "p": [0.5] * (2 * MAX_POINTS_PER_STROKE + 2)}
    with pytest.raises(DrawingError, match="points"):
        from_json(json.dumps({"format": 1, "strokes": [long]}))
    # 11 strokes of 19,000 points: each allowed, together over the total.
    many = {"c": "sage", "w": 0.01, "p": [0.5] * (2 * 19_000)}
    text = json.dumps({"format": 1, "strokes": [many] * 11}, separators=(",", ":"))
    assert len(text) < MAX_TEXT_BYTES
    with pytest.raises(DrawingError, match=f"more than {MAX_POINTS} points"):
        from_json(text)
    with pytest.raises(DrawingError, match="too large"):
        from_json(valid_document(padding="x" * MAX_TEXT_BYTES))
    with pytest.raises(DrawingError, match="too large"):  # under the limit in characters only
        from_json(valid_document(padding="é" * (MAX_TEXT_BYTES // 2 + 10)))


def test_unknown_keys_are_ignored_so_small_additions_stay_readable() -> None:
    assert from_json(valid_document(author="someone")).strokes[0].colour == "sage"


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from([*PALETTE, "format", "strokes", "c", "w", "p"]),
    lambda children: (
        st.lists(children, max_size=6)
        | st.dictionaries(st.sampled_from(["format", "strokes", "c", "w", "p", "x"]), children)
    ),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.text(max_size=200),
        json_values.map(json.dumps),
        st.builds(
            lambda strokes: json.dumps({"format": 1, "strokes": strokes}),
            st.lists(
                st.fixed_dictionaries(
                    {"c": json_values, "w": json_values, "p": st.lists(json_values, max_size=8)}
                ),
                max_size=4,
            ),
        ),
    )
)
def test_reading_any_text_only_ever_raises_a_drawing_error(text: str) -> None:
    try:
        drawing = from_json(text)
    except DrawingError:
        return
    # Whatever was accepted saves and reads back (rounded and simplified) as the same lines.
    restored = from_json(to_json(drawing))
    assert [stroke.colour for stroke in restored.strokes] == [
        stroke.colour for stroke in drawing.strokes
    ]


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300), st.integers(min_value=0, max_value=200))
def test_a_saved_drawing_with_bytes_broken_only_ever_raises_a_drawing_error(
    noise: bytes, where: int
) -> None:
    text = to_json(SUN)
    broken = text[:where] + noise.decode("latin-1") + text[where + len(noise) :]
    with contextlib.suppress(DrawingError):
        from_json(broken)


# -- the reflection in the journal ------------------------------------------------------------


def test_a_reflection_is_kept_with_its_session(journal: Journal) -> None:
    session_id = a_session(journal)
    note = "Warm sand, the sound of the sea.\nI felt safe — for a while. ' \" ; DROP TABLE x; --"
    journal.record_reflection(session_id, PROMPT, note, SUN, recorded_at=START)

    reflection = journal.reflection(session_id)
    assert reflection == Reflection(START, PROMPT, note, SUN)
    assert reflection is not None and reflection.drawing_problem == ""
    assert journal.reflection_marks()[session_id].has_note
    assert journal.reflection_marks()[session_id].has_drawing
    stored = raw(journal.path, "SELECT drawing FROM reflections")[0][0]
    assert isinstance(stored, str) and from_json(stored) == SUN


def test_a_session_without_a_reflection_has_none(journal: Journal) -> None:
    session_id = a_session(journal)
    assert journal.reflection(session_id) is None
    assert journal.reflection(9999) is None
    assert journal.reflection_marks() == {}


def test_a_reflection_with_only_a_note_stores_no_drawing(journal: Journal) -> None:
    session_id = a_session(journal)
    journal.record_reflection(session_id, "", "Only words today.", Drawing())
    assert raw(journal.path, "SELECT prompt, drawing FROM reflections") == [("", "")]
    reflection = journal.reflection(session_id)
    assert reflection is not None and reflection.drawing.is_empty
    mark = journal.reflection_marks()[session_id]
    assert (mark.has_note, mark.has_drawing) == (True, False)


def test_keeping_a_reflection_again_replaces_it(journal: Journal) -> None:
    session_id = a_session(journal)
    journal.record_reflection(session_id, PROMPT, "first", SUN)
    journal.record_reflection(session_id, PROMPT, "second thoughts", Drawing())
    reflection = journal.reflection(session_id)
    assert reflection is not None
    assert (reflection.note, reflection.drawing) == ("second thoughts", Drawing())
    assert raw(journal.path, "SELECT count(*) FROM reflections") == [(1,)]


def test_a_reflection_for_an_unknown_session_is_refused(journal: Journal) -> None:
    with pytest.raises(JournalWriteFailed) as raised:
        journal.record_reflection(4242, PROMPT, "note", SUN)
    assert "could not be saved" in raised.value.short
    assert raw(journal.path, "SELECT count(*) FROM reflections") == [(0,)]


def test_an_overlong_note_is_refused_and_nothing_kept(journal: Journal) -> None:
    session_id = a_session(journal)
    with pytest.raises(ValueError, match="longer than"):
        journal.record_reflection(session_id, "", "n" * (MAX_REFLECTION_NOTE_LENGTH + 1), SUN)
    assert journal.reflection(session_id) is None


def test_deleting_a_session_deletes_its_reflection(journal: Journal) -> None:
    kept, removed = a_session(journal, "Kept"), a_session(journal, "Removed")
    journal.record_reflection(kept, PROMPT, "kept", SUN)
    journal.record_reflection(removed, PROMPT, "removed", SUN)
    journal._connection.execute("DELETE FROM sessions WHERE id = ?", (removed,))
    assert journal.reflection(removed) is None
    assert set(journal.reflection_marks()) == {kept}
    assert raw(journal.path, "SELECT session_id FROM reflections") == [(kept,)]


@pytest.mark.parametrize(
    "stored",
    ["{not json", '{"format": 1, "strokes": [{"c": "crimson", "w": 0.01, "p": [0.1, 0.1]}]}'],
)
def test_a_damaged_stored_drawing_keeps_the_note_and_says_so(journal: Journal, stored: str) -> None:
    session_id = a_session(journal)
    journal.record_reflection(session_id, PROMPT, "the note is still here", SUN)
    raw(journal.path, "UPDATE reflections SET drawing = ?", (stored,))

    reflection = journal.reflection(session_id)
    assert reflection is not None
    assert reflection.note == "the note is still here"
    assert reflection.drawing.is_empty
    assert reflection.drawing_problem.startswith("The drawing could not be shown")


def test_a_huge_or_binary_stored_drawing_is_not_read(journal: Journal) -> None:
    session_id = a_session(journal)
    journal.record_reflection(session_id, PROMPT, "note", SUN)
    raw(journal.path, "UPDATE reflections SET drawing = zeroblob(?)", (MAX_TEXT_BYTES + 1,))
    reflection = journal.reflection(session_id)
    assert reflection is not None and "too large" in reflection.drawing_problem
    raw(journal.path, "UPDATE reflections SET drawing = x'00ff10'")
    reflection = journal.reflection(session_id)
    assert reflection is not None and reflection.drawing.is_empty
    assert reflection.drawing_problem


def test_a_damaged_recorded_time_does_not_hide_the_reflection(journal: Journal) -> None:
    session_id = a_session(journal)
    journal.record_reflection(session_id, PROMPT, "note", SUN)
    raw(journal.path, "UPDATE reflections SET recorded_at = 'yesterday-ish'")
    reflection = journal.reflection(session_id)
    assert reflection is not None and reflection.note == "note"


# -- writes that fail -------------------------------------------------------------------------


def test_a_full_disk_keeps_the_reflection_before_it(journal: Journal) -> None:
    session_id = a_session(journal)
    journal.record_reflection(session_id, PROMPT, "saved before the disk filled", SUN)
    connection = journal._connection
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    connection.execute(f"PRAGMA max_page_count = {pages}")
    big = Drawing(
        tuple(line("sage", *((0.5, step / 5000) for step in range(5000))) for _ in range(20))
    )

    with pytest.raises(JournalWriteFailed) as raised:
        journal.record_reflection(session_id, PROMPT, "n" * 20_000, big)

    assert "disk is full" in raised.value.long
    reflection = journal.reflection(session_id)
    assert reflection is not None
    assert (reflection.note, reflection.drawing) == ("saved before the disk filled", SUN)
    assert not connection.in_transaction
    connection.execute(f"PRAGMA max_page_count = {pages + 10_000}")  # space freed
    journal.record_reflection(session_id, PROMPT, "n" * 20_000, big)
    kept = journal.reflection(session_id)
    assert kept is not None and len(kept.drawing.strokes) == 20


def test_a_read_only_journal_keeps_no_reflection(journal: Journal) -> None:
    session_id = a_session(journal)
    journal._connection.execute("PRAGMA query_only = ON")
    with pytest.raises(JournalWriteFailed) as raised:
        journal.record_reflection(session_id, PROMPT, "note", SUN)
    assert "Nothing was lost" in raised.value.long
    journal._connection.execute("PRAGMA query_only = OFF")
    assert journal.reflection(session_id) is None


# -- the upgrade to journal format 2 ----------------------------------------------------------


def test_a_version_1_journal_upgrades_with_a_backup_and_nothing_lost(journal_path: Path) -> None:
    with Journal.open(journal_path, schema_steps=SCHEMA_STEPS[:1]) as old:
        ids = [
            write_old_session(
                old, "script:safe-place", f"Session {index}", BEFORE, after=AFTER, started_at=START
            )
            for index in range(3)
        ]
        old.record_event(ids[0], EventKind.GROUNDING, "5-4")
    assert raw(journal_path, "PRAGMA user_version") == [(1,)]

    with Journal.open(journal_path) as upgraded:
        assert upgraded.schema_version == len(SCHEMA_STEPS)
        records = sorted(upgraded.sessions(), key=lambda record: record.id)
        assert [record.content_title for record in records] == [f"Session {i}" for i in range(3)]
        assert all(record.before == BEFORE and record.after == AFTER for record in records)
        assert len({record.uid for record in records}) == 3  # each got its own identity
        assert all(len(record.uid) == 32 for record in records)
        assert [event.detail for event in upgraded.events(ids[0])] == ["5-4"]
        assert upgraded.reflection(ids[0]) is None
        assert upgraded.flagged_tracks() == {}
        upgraded.record_reflection(ids[0], PROMPT, "first reflection", SUN)
        upgraded.flag_track("bundled:playlists/a.ogg", "A")

    [backup] = list((journal_path.parent / "backups").iterdir())
    assert backup.name.startswith("journal-v1-")
    assert raw(backup, "PRAGMA user_version") == [(1,)]
    assert raw(backup, "SELECT count(*) FROM sessions") == [(3,)]
    tables = {row[0] for row in raw(backup, "SELECT name FROM sqlite_schema WHERE type='table'")}
    assert "reflections" not in tables

    with Journal.open(journal_path) as reopened:  # no second upgrade, no second backup
        reflection = reopened.reflection(ids[0])
        assert reflection is not None and reflection.drawing == SUN
    assert len(list((journal_path.parent / "backups").iterdir())) == 1


def test_a_journal_of_the_current_version_is_refused_by_a_build_that_knows_one_less(
    journal_path: Path,
) -> None:
    with Journal.open(journal_path) as journal:
        session_id = a_session(journal)
        journal.record_reflection(session_id, PROMPT, "kept", SUN)
    before = journal_path.read_bytes()

    with pytest.raises(JournalTooNew) as raised:
        Journal.open(journal_path, schema_steps=SCHEMA_STEPS[:-1])

    current = len(SCHEMA_STEPS)
    assert f"format {current}" in raised.value.long
    assert f"knows up to {current - 1}" in raised.value.long
    assert journal_path.read_bytes() == before


unit = st.floats(min_value=0.0, max_value=1.0)
strokes = st.builds(
    Stroke,
    st.sampled_from(sorted(PALETTE)),
    st.floats(min_value=0.002, max_value=0.08),
    st.lists(st.tuples(unit, unit), min_size=1, max_size=30).map(tuple),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(strokes, max_size=6))
def test_any_drawing_saves_and_reads_back_within_rounding(drawn: list[Stroke]) -> None:
    drawing = Drawing(tuple(drawn))
    restored = from_json(to_json(drawing))
    assert len(restored.strokes) == len(drawing.strokes)
    for before, after in zip(drawing.strokes, restored.strokes, strict=True):
        assert after.colour == before.colour
        assert after.width == pytest.approx(before.width, abs=1e-4)
        assert after.points[0] == pytest.approx(before.points[0], abs=1e-4)
        assert 1 <= len(after.points) <= len(before.points)
