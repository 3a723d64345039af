"""Make a realistic synthetic journal of N sessions, the same file for the same seed.

    .venv/bin/python benchmarks/make_journal.py --sessions 100000 --data-dir DIR [--seed 7]

Years of twice-daily-ish use, with gaps and hard weeks: listening sessions (bundled playlists,
guided imagery, the person's own playlists, one since deleted) and check-ins on their own; check-
ins before and after with unanswered items, skipped check-ins, optional items switched on for
part of the history (craving, tension, an item of the person's own whose words changed once),
feeling words, notes of every length, reflections with drawings, tracks heard, track and
grounding events, sessions ended early or never finished, trigger flags, background sounds and
support contacts. Uses only mtcalm and its own dependencies: the schema is made by
``Journal.open``, then every row goes in with ``executemany`` in one transaction
(``synchronous=OFF`` for this connection only). Refuses to write over an existing journal.
"""

from __future__ import annotations

import argparse
import math
import random
import sqlite3
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from a checkout without installing

from mtcalm.checkin import (  # noqa: E402
    CRAVING,
    EMOTION_GROUPS,
    MAX_NOTE_LENGTH,
    TENSION,
    CheckInItem,
    Phase,
    custom_item,
    items_for,
)
from mtcalm.datadir import ensure_private_dir  # noqa: E402
from mtcalm.drawing import MAX_WIDTH, MIN_WIDTH, PALETTE, Drawing, Stroke, to_json  # noqa: E402
from mtcalm.journal.store import CHECKIN_ONLY_REF, Journal, definition_id  # noqa: E402

JOURNAL_NAME = "journal.sqlite3"
DEFAULT_END = date(2026, 11, 30)  # the newest day; fixed, so a seed always gives the same file
BATCH = 5_000  # sessions' rows held before they are written (all in one transaction)
DRAWINGS = 400  # distinct drawings at most, reused (one for every 25 sessions below that)

# Lines a note is made of ("|" between them), some with accents and an emoji, as people write.
SENTENCES = (
    """
Rough day at work.|Slept badly again.|Felt the pull this afternoon but went for a walk instead.
Talked to my sister, which helped.|Shoulders tight all day.|The rain on the window was nice.
Group tonight; a lot came up.|I kept thinking about the old flat.|Calmer than I expected.
Ate properly today.|Too tired to think much.|Walked the long way home past the canal.
The second track brought back a memory, a good one this time.|Head full of noise.
My therapist asked me to notice where I feel it in my body: chest, mostly.|Sunday blues.
Anniversary next week and I can feel it coming.|Bought flowers for the kitchen table.
Payday, and I paid the rent first thing.|Couldn't settle, so I stopped early.|🙂 good one.
Breathing felt easier by the end.|Read for an hour without checking my phone.
Met an old friend from before; it was awkward, then fine.|Café with J. — we laughed a lot.
Naïve maybe, but I think things are getting better.|Noticed the urge, named it, let it pass.
Angry at myself for snapping at the kids.|Neighbours loud again until 2.|Day 30 of the routine.
""".strip()
    .replace("\n", "|")
    .split("|")
)
WORD_SETS = {name: words for name, words in EMOTION_GROUPS}
GROUNDING_SHARE = 0.03
CONTACTS = (
    ("Maya", "sponsor, text first", "any time, really"),
    ("Tuesday group", "the church hall on Mill Road", ""),
    ("Dr Okafor's practice", "front desk, weekdays", "ask for the nurse line"),
)


@dataclass(frozen=True)
class Content:
    """Something to listen to, as the journal names it."""

    ref: str
    title: str
    tracks: tuple[tuple[str, str, str, float], ...]  # key, file name, title, seconds
    prompt: str = ""
    weight: float = 1.0

    @property
    def planned(self) -> float:
        return sum(track[3] for track in self.tracks)


Rows = dict[str, list[tuple[object, ...]]]  # rows waiting to be written, by table

INSERTS = {
    "sessions": "INSERT INTO sessions (id, started_at, updated_at, ended_at, content_ref,"
    " content_title, planned_seconds, listened_seconds, outcome, uid, kind, ambience)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "checkins": "INSERT INTO checkins (id, session_id, phase, recorded_at, skipped, note)"
    " VALUES (?, ?, ?, ?, ?, ?)",
    "answers": "INSERT INTO answers (checkin_id, item, value, scale, scale_min, scale_max,"
    " definition_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
    "emotions": "INSERT INTO emotions (checkin_id, word) VALUES (?, ?)",
    "events": "INSERT INTO session_events (session_id, at, kind, detail) VALUES (?, ?, ?, ?)",
    "tracks": "INSERT INTO session_tracks (session_id, position, track_key, title,"
    " heard_seconds) VALUES (?, ?, ?, ?, ?)",
    "reflections": "INSERT INTO reflections (session_id, recorded_at, prompt, note, drawing)"
    " VALUES (?, ?, ?, ?, ?)",
}


class JournalExists(Exception):
    """There is a journal in the folder already; nothing was written."""


def contents() -> list[Content]:
    """The bundled playlists and guided imagery, two playlists of the person's own (one since
    deleted, so only the journal remembers it), with favourites weighted up.
    """
    from mtcalm.assets import assets_dir, bundled_playlists_dir, bundled_scripts_dir
    from mtcalm.playlists import load_playlists
    from mtcalm.scripts import load_scripts
    from mtcalm.track_flags import track_key

    root = assets_dir()
    playlists = {playlist.id: playlist for playlist in load_playlists(bundled_playlists_dir())}

    def tracks_of(playlist_id: str) -> tuple[tuple[str, str, str, float], ...]:
        return tuple(
            (track_key(track.path, root), track.path.name, track.title, track.duration or 240.0)
            for track in playlists[playlist_id].tracks
        )

    found = [
        Content(
            f"playlist:{key}",
            playlist.title,
            tracks_of(key),
            weight=3.0 if key == "settle" else 1.5,
        )
        for key, playlist in sorted(playlists.items())
    ]
    found += [
        Content(script.ref, script.title, tracks_of(script.playlist), script.reflection.strip())
        for script in load_scripts(bundled_scripts_dir())
        if script.playlist in playlists
    ]
    own = "/home/sam/Music/Evening"
    found.append(
        Content(
            "playlist:calm-evening",
            "Calm evening",
            tuple(
                (f"{own}/{n:02d} Piece {n}.ogg", f"{n:02d} Piece {n}.ogg", f"Piece {n}", 300.0)
                for n in range(1, 5)
            ),
            weight=2.0,
        )
    )
    found.append(
        Content(
            "playlist:old-favourites",
            "Old favourites",
            ((f"{own}/Old/slow.mp3", "slow.mp3", "Slow", 410.0),),
            weight=0.3,
        )
    )
    return found


def drawing_pool(rng: random.Random, count: int) -> list[str]:
    """Drawings as mtcalm stores them: soft lines inside the circle, validated by mtcalm."""
    colours = sorted(PALETTE)
    pool = []
    for _ in range(count):
        strokes = []
        for _ in range(rng.choice((1, 2, 3, 4, 6, 9, 14))):
            x, y = rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.7)
            heading = rng.uniform(0, 2 * math.pi)
            points = []
            for _ in range(rng.randint(4, 140)):
                heading += rng.gauss(0, 0.35)
                x = min(0.95, max(0.05, x + 0.012 * math.cos(heading)))
                y = min(0.95, max(0.05, y + 0.012 * math.sin(heading)))
                points.append((x, y))
            width = rng.uniform(MIN_WIDTH, MAX_WIDTH / 3)
            strokes.append(Stroke(rng.choice(colours), width, tuple(points)))
        pool.append(to_json(Drawing(tuple(strokes))))
    return pool


def text(rng: random.Random, limit: int = MAX_NOTE_LENGTH) -> str:
    """A note: mostly a line, sometimes a few, now and then a page."""
    roll = rng.random()
    count = 1 if roll < 0.55 else rng.randint(2, 4) if roll < 0.85 else rng.randint(5, 15)
    if roll > 0.97:
        count = rng.randint(30, 90)
    return " ".join(rng.choice(SENTENCES) for _ in range(count))[:limit].strip()


def day_counts(rng: random.Random, sessions: int) -> list[int]:
    """Entries on each day: about two, with gaps (a holiday, a hard month away) and bursts."""
    counts: list[int] = []
    total, mode, left = 0, "usual", 0
    while total < sessions:
        if left == 0:
            roll = rng.random()
            mode, left = (
                ("gap", rng.randint(3, 40))
                if roll < 0.015
                else ("burst", rng.randint(2, 10))
                if roll < 0.027
                else ("light", rng.randint(5, 30))
                if roll < 0.04
                else ("usual", 1)
            )
        left -= 1
        if mode == "gap":
            count = 0
        elif mode == "burst":
            count = rng.choice((3, 4, 4, 5, 6))
        elif mode == "light":
            count = rng.choice((0, 1, 1, 1, 2))
        else:
            count = rng.choice((1, 2, 2, 2, 2, 3))
        count = min(count, sessions - total)
        counts.append(count)
        total += count
    return counts


def offset_on(day: date) -> timezone:
    """Summer and winter time, as a person's clock shows it."""
    return timezone(timedelta(hours=2 if 4 <= day.month <= 10 else 1))


@dataclass
class Generator:
    """Draws one session after another from a seeded generator."""

    rng: random.Random
    days: int
    cursor: sqlite3.Cursor
    catalogue: list[Content] = field(default_factory=list)
    drawings: list[str] = field(default_factory=list)
    ambience: list[str] = field(default_factory=list)
    rows: Rows = field(default_factory=lambda: {table: [] for table in INSERTS})
    flags: dict[str, tuple[str, str]] = field(default_factory=dict)
    definitions: dict[CheckInItem, int] = field(default_factory=dict)
    checkin_id: int = 0
    mood: float = 5.0

    def optional_items(self, day: int) -> list[CheckInItem]:
        """What was switched on that day: craving for long stretches, tension for a while, an
        item of the person's own (its words changed once), then another.
        """
        share = day / max(1, self.days)
        chosen = []
        if 0.15 <= share < 0.70 or share >= 0.88:
            chosen.append(CRAVING)
        if 0.40 <= share < 0.62:
            chosen.append(TENSION)
        if 0.55 <= share < 0.80:
            chosen.append(custom_item("custom-shoulders", "Tight shoulders", "loose", "like stone"))
        elif share >= 0.80:
            chosen.append(custom_item("custom-shoulders", "Tight shoulders", "loose", "locked up"))
        if share >= 0.90:
            chosen.append(custom_item("custom-worry", "Worry", "quiet mind", "racing"))
        return chosen

    def definition(self, item: CheckInItem) -> int:
        if item not in self.definitions:
            self.definitions[item] = definition_id(self.cursor, item)
        return self.definitions[item]

    def checkin(
        self,
        session_id: int,
        phase: Phase,
        at: datetime,
        optional: list[CheckInItem],
        values: dict[str, int],
        *,
        skipped: bool = False,
        note_share: float = 0.3,
    ) -> None:
        """One check-in's rows as ``Journal`` writes them (a skipped one asks the core items)."""
        rng = self.rng
        self.checkin_id += 1
        items = items_for(phase) if skipped else items_for(phase, optional)
        note = "" if skipped or rng.random() > note_share else text(rng)
        self.rows["checkins"].append(
            (
                self.checkin_id,
                session_id,
                phase.value,
                at.isoformat(timespec="seconds"),
                int(skipped),
                note,
            )
        )
        for item in items:
            value = None if skipped or rng.random() < 0.04 else values.get(item.key)
            scale, definition = item.scale, self.definition(item)
            row = (self.checkin_id, item.key, value, scale.key, scale.minimum, scale.maximum)
            self.rows["answers"].append((*row, definition))
        if not skipped and rng.random() < 0.65:
            group = (
                "settled" if values["distress"] <= 3 else rng.choice(("low", "stirred", "heavy"))
            )
            words = rng.sample(WORD_SETS[group], rng.randint(1, 3))
            self.rows["emotions"].extend((self.checkin_id, word) for word in words)

    def values(self, hour: int, optional: list[CheckInItem]) -> dict[str, int]:
        rng = self.rng
        distress = _clamp(self.mood + rng.gauss(0, 1.5))
        found = {
            "distress": distress,
            "pleasantness": _clamp(10 - distress + rng.gauss(0, 1.5)),
            "energy": _clamp(rng.gauss(3.5 if hour < 10 or hour > 20 else 5.5, 2)),
        }
        for item in optional:
            found[item.key] = _clamp(distress * 0.7 + rng.gauss(0, 2))
        return found

    def session(self, session_id: int, day: date, day_number: int, minute: int) -> None:
        rng = self.rng
        zone = offset_on(day)
        start = datetime(day.year, day.month, day.day, tzinfo=zone) + timedelta(
            minutes=minute, seconds=rng.randint(0, 59)
        )
        uid = f"{rng.getrandbits(128):032x}"
        optional = self.optional_items(day_number)
        before = self.values(start.hour, optional)
        stamp = start.isoformat(timespec="seconds")
        if rng.random() < 0.12:  # "Just check in"
            entry = (stamp, stamp, stamp, CHECKIN_ONLY_REF, "", None, 0.0, "completed")
            self.rows["sessions"].append((session_id, *entry, uid, "checkin", ""))
            self.checkin(session_id, Phase.BEFORE, start, optional, before, note_share=0.45)
            return
        content = rng.choices(self.catalogue, [c.weight for c in self.catalogue])[0]
        planned = content.planned
        roll = rng.random()
        outcome = "in_progress" if roll < 0.004 else "ended_early" if roll < 0.11 else "completed"
        listened = planned if outcome == "completed" else planned * rng.uniform(0.03, 0.9)
        ambience = rng.choice(self.ambience) if self.ambience and rng.random() < 0.35 else ""
        ended = start + timedelta(seconds=listened + rng.randint(2, 40))
        self.checkin(session_id, Phase.BEFORE, start, optional, before, skipped=rng.random() < 0.04)
        heard_so_far = 0.0
        for position, (key, name, title, seconds) in enumerate(content.tracks):
            heard = min(seconds, listened - heard_so_far)
            if heard <= 0:
                break
            at = (start + timedelta(seconds=heard_so_far)).isoformat(timespec="seconds")
            self.rows["events"].append((session_id, at, "track_started", name))
            if rng.random() < 0.002:
                self.rows["events"].append((session_id, at, "track_failed", f"{name}: unreadable"))
            self.rows["tracks"].append((session_id, position, key, title, round(heard, 1)))
            heard_so_far += heard
        change = rng.gauss(1.6, 1.4) if rng.random() > 0.04 else -rng.uniform(2, 4)
        if rng.random() < GROUNDING_SHARE or change < -2:
            at = (start + timedelta(seconds=listened / 2)).isoformat(timespec="seconds")
            self.rows["events"].append((session_id, at, "grounding", ""))
        ended_stamp = None if outcome == "in_progress" else ended.isoformat(timespec="seconds")
        updated = (start + timedelta(seconds=listened)).isoformat(timespec="seconds")
        times = (stamp, ended_stamp or updated, ended_stamp)
        what = (content.ref, content.title, planned, round(listened, 1), outcome)
        self.rows["sessions"].append((session_id, *times, *what, uid, "listening", ambience))
        if outcome == "in_progress" or (outcome == "ended_early" and rng.random() < 0.15):
            return  # the app was closed before the check-in after
        after_at = ended + timedelta(seconds=rng.randint(15, 120))
        skipped = rng.random() < (0.35 if outcome == "ended_early" else 0.05)
        after = {
            key: _clamp(value - change * (0.7 if key != "distress" else 1.0))
            for key, value in before.items()
        }
        after["pleasantness"] = _clamp(before["pleasantness"] + change * 0.7)
        after["helpfulness"] = max(0, min(4, round(1.5 + change * 0.6 + rng.gauss(0, 0.7))))
        stirred = rng.random() < (0.3 if change < -2 else 0.02)
        after["stirred_up"] = int(stirred)
        self.checkin(
            session_id, Phase.AFTER, after_at, optional, after, skipped=skipped, note_share=0.22
        )
        if stirred and not skipped and content.tracks and rng.random() < 0.4:
            key, _name, title, _seconds = content.tracks[-1]
            self.flags.setdefault(key, (title, after_at.isoformat(timespec="seconds")))
        if outcome == "completed" and not skipped and rng.random() < 0.18:
            note = text(rng, 20_000) if rng.random() < 0.75 else ""
            drawing = rng.choice(self.drawings) if rng.random() < 0.45 or not note else ""
            at = (after_at + timedelta(seconds=rng.randint(60, 360))).isoformat(timespec="seconds")
            self.rows["reflections"].append((session_id, at, content.prompt, note, drawing))

    def next_mood(self, busy: bool) -> None:
        """The day's mood drifts back to the middle; hard weeks push it up."""
        self.mood += 0.15 * (4.5 - self.mood) + self.rng.gauss(0, 0.8) + (0.6 if busy else 0)
        self.mood = min(9.5, max(0.5, self.mood))


def _clamp(value: float) -> int:
    return max(0, min(10, round(value)))


# When entries happen (start minute, spread): morning, evening, afternoon, late morning, night.
SLOTS = ((390, 180), (1170, 240), (780, 300), (600, 120), (1380, 50), (1000, 100))


def generate(
    data_dir: Path,
    sessions: int,
    seed: int = 7,
    end: date = DEFAULT_END,
    progress: Callable[[int], None] | None = None,
) -> Path:
    """Write a journal of ``sessions`` sessions into ``data_dir``; where it is.

    Raises :class:`JournalExists` if the folder has a journal already.
    """
    ensure_private_dir(data_dir)
    path = data_dir / JOURNAL_NAME
    for existing in (path, path.with_name(JOURNAL_NAME + "-wal")):
        if existing.exists():
            raise JournalExists(f"{existing} exists already; choose an empty folder.")
    Journal.open(path).close()  # the app's own schema, made as the app makes it
    rng = random.Random(seed)
    counts = day_counts(rng, sessions)
    first_day = end - timedelta(days=len(counts) - 1)
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA synchronous = OFF")  # this connection only: generating
        connection.execute("BEGIN IMMEDIATE")
        maker = Generator(rng, len(counts), connection.cursor())
        maker.catalogue = contents()
        maker.drawings = drawing_pool(rng, max(1, min(DRAWINGS, sessions // 25)))
        from mtcalm.ambience import bundled_ambience

        maker.ambience = [sound.key for sound in bundled_ambience()]
        session_id = 0
        for number, count in enumerate(counts):
            day = first_day + timedelta(days=number)
            minutes = sorted(slot + rng.randint(0, spread) for slot, spread in SLOTS[:count])
            for minute in minutes:
                session_id += 1
                maker.session(session_id, day, number, minute)
                if session_id % BATCH == 0:
                    _write(connection, maker.rows)
                    if progress is not None:
                        progress(session_id)
            maker.next_mood(count > 3)
        _write(connection, maker.rows)
        _write_personal(connection, maker, end)
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    finally:
        connection.close()
    return path


def _write(connection: sqlite3.Connection, rows: Rows) -> None:
    for table, sql in INSERTS.items():
        connection.executemany(sql, rows[table])
        rows[table].clear()


def _write_personal(connection: sqlite3.Connection, maker: Generator, end: date) -> None:
    """Trigger flags, the items switched on at the end, and support contacts."""
    connection.executemany(
        "INSERT INTO track_flags (track_key, title, flagged_at) VALUES (?, ?, ?)",
        [(key, title, at) for key, (title, at) in sorted(maker.flags.items())],
    )
    chosen = maker.optional_items(maker.days)
    connection.executemany(
        "INSERT INTO chosen_items (item, label, low_anchor, high_anchor, position, set_by)"
        " VALUES (?, ?, ?, ?, ?, 'person')",
        [(i.key, i.label, i.low_anchor, i.high_anchor, n) for n, i in enumerate(chosen)],
    )
    added = datetime(end.year, end.month, end.day, 9, tzinfo=offset_on(end)).isoformat(
        timespec="seconds"
    )
    connection.executemany(
        "INSERT INTO support_contacts (name, reach, note, position, set_by, added_at)"
        " VALUES (?, ?, ?, ?, 'person', ?)",
        [(name, reach, note, n, added) for n, (name, reach, note) in enumerate(CONTACTS)],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sessions", type=int, required=True, help="how many entries")
    parser.add_argument("--data-dir", type=Path, required=True, help="the data folder to fill")
    parser.add_argument("--seed", type=int, default=7, help="the same seed, the same file")
    arguments = parser.parse_args(argv)
    if arguments.sessions < 0:
        parser.error("--sessions cannot be negative")
    started = time.perf_counter()

    def report(done: int) -> None:
        print(f"  {done:>9,} sessions  {time.perf_counter() - started:6.1f} s", flush=True)

    try:
        path = generate(arguments.data_dir, arguments.sessions, arguments.seed, progress=report)
    except JournalExists as exists:
        print(f"make_journal: {exists}", file=sys.stderr)
        return 1
    size = path.stat().st_size / 1e6
    print(
        f"wrote {path}: {arguments.sessions:,} sessions, {size:.1f} MB, seed {arguments.seed},"
        f" in {time.perf_counter() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
