"""The journal's schema: one step per format, each upgrading a journal from the version before.

Append a step for a new format; never edit one that has shipped. Every step runs inside the
upgrade's transaction, after a backup of the journal as it was (see :mod:`mtcalm.journal.file`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable


def _create_v1(connection: sqlite3.Connection) -> None:
    _run_script(
        connection,
        """
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            ended_at TEXT,
            content_ref TEXT NOT NULL,
            content_title TEXT NOT NULL,
            planned_seconds REAL,
            listened_seconds REAL NOT NULL DEFAULT 0 CHECK (listened_seconds >= 0),
            outcome TEXT NOT NULL DEFAULT 'in_progress'
                CHECK (outcome IN ('in_progress', 'completed', 'ended_early'))
        );
        CREATE INDEX sessions_by_start ON sessions (started_at);
        CREATE TABLE checkins (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            phase TEXT NOT NULL CHECK (phase IN ('before', 'after')),
            recorded_at TEXT NOT NULL,
            skipped INTEGER NOT NULL DEFAULT 0 CHECK (skipped IN (0, 1)),
            note TEXT NOT NULL DEFAULT '',
            UNIQUE (session_id, phase)
        );
        -- One row per item asked: value NULL means asked and not answered.
        CREATE TABLE answers (
            checkin_id INTEGER NOT NULL REFERENCES checkins (id) ON DELETE CASCADE,
            item TEXT NOT NULL,
            value INTEGER,
            scale TEXT NOT NULL,
            scale_min INTEGER NOT NULL,
            scale_max INTEGER NOT NULL,
            PRIMARY KEY (checkin_id, item)
        );
        CREATE TABLE emotions (
            checkin_id INTEGER NOT NULL REFERENCES checkins (id) ON DELETE CASCADE,
            word TEXT NOT NULL,
            PRIMARY KEY (checkin_id, word)
        );
        -- What happened during a session: tracks played or failed, grounding used.
        CREATE TABLE session_events (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            kind TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT ''
        );
        """,
    )


def _create_v2(connection: sqlite3.Connection) -> None:
    _run_script(
        connection,
        """
        -- What the person wrote and drew after a session (drawing: mtcalm.drawing JSON or '').
        CREATE TABLE reflections (
            session_id INTEGER PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
            recorded_at TEXT NOT NULL,
            prompt TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '',
            drawing TEXT NOT NULL DEFAULT ''
        );
        -- Tracks the person flagged as bringing up urges or hard memories.
        CREATE TABLE track_flags (
            track_key TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            flagged_at TEXT NOT NULL
        );
        """,
    )


def _create_v3(connection: sqlite3.Connection) -> None:
    """Journal 3: what the journal to read together needs (issue 11)."""
    _run_script(
        connection,
        """
        -- A stable identity that an export carries and an import matches on.
        ALTER TABLE sessions ADD COLUMN uid TEXT;
        UPDATE sessions SET uid = lower(hex(randomblob(16))) WHERE uid IS NULL;
        CREATE UNIQUE INDEX sessions_by_uid ON sessions (uid);
        -- 'checkin': a check-in on its own ("Just check in"), with one check-in and no music.
        ALTER TABLE sessions ADD COLUMN kind TEXT NOT NULL DEFAULT 'listening'
            CHECK (kind IN ('listening', 'checkin'));
        -- The background sound last chosen in the session ('' for none).
        ALTER TABLE sessions ADD COLUMN ambience TEXT NOT NULL DEFAULT '';
        CREATE INDEX sessions_by_content ON sessions (content_ref, started_at);
        CREATE INDEX session_events_by_session ON session_events (session_id);
        -- What each item asked meant when it was asked: answers point here, so changing or
        -- removing an item never changes an old answer's meaning.
        CREATE TABLE item_definitions (
            id INTEGER PRIMARY KEY,
            item TEXT NOT NULL,
            label TEXT NOT NULL DEFAULT '',
            scale TEXT NOT NULL,
            scale_min INTEGER NOT NULL,
            scale_max INTEGER NOT NULL,
            low_anchor TEXT NOT NULL DEFAULT '',
            high_anchor TEXT NOT NULL DEFAULT '',
            UNIQUE (item, label, scale, scale_min, scale_max, low_anchor, high_anchor)
        );
        ALTER TABLE answers ADD COLUMN definition_id INTEGER REFERENCES item_definitions (id);
        -- The optional items the person (or a therapist's homework) switched on, in order.
        CREATE TABLE chosen_items (
            item TEXT PRIMARY KEY,
            label TEXT NOT NULL DEFAULT '',
            low_anchor TEXT NOT NULL DEFAULT '',
            high_anchor TEXT NOT NULL DEFAULT '',
            position INTEGER NOT NULL,
            set_by TEXT NOT NULL DEFAULT 'person'
        );
        -- People to reach when it is hard, entered by the person (or a therapist's homework).
        CREATE TABLE support_contacts (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL CHECK (length(trim(name)) > 0),
            reach TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '',
            position INTEGER NOT NULL,
            set_by TEXT NOT NULL DEFAULT 'person',
            added_at TEXT NOT NULL
        );
        -- The tracks of a session and how long each was actually heard.
        CREATE TABLE session_tracks (
            session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            track_key TEXT NOT NULL,
            title TEXT NOT NULL,
            heard_seconds REAL NOT NULL DEFAULT 0 CHECK (heard_seconds >= 0),
            PRIMARY KEY (session_id, position)
        );
        """,
    )


def _create_v4(connection: sqlite3.Connection) -> None:
    """Journal 4: the journal page counts check-ins on their own, and lists them, by index."""
    _run_script(connection, "CREATE INDEX sessions_by_kind ON sessions (kind, started_at);")


# What a pair of answers must be to count in the sums (and in a chart session by session): a
# listening session with a real local
# date, neither check-in skipped, the same item on the same scale before and after, both values
# inside it. Used with b (the answer before), a (the answer after), cb, ca and s.
PAIR_COUNTS = """
    s.kind = 'listening' AND date(substr(s.started_at, 1, 10)) IS NOT NULL
    AND cb.skipped = 0 AND ca.skipped = 0
    AND a.scale = b.scale AND a.scale_min = b.scale_min AND a.scale_max = b.scale_max
    AND b.value BETWEEN b.scale_min AND b.scale_max
    AND a.value BETWEEN a.scale_min AND a.scale_max
"""
# Adds (sign 1) or takes away (sign -1) pairs' numbers in a sums table: {table}, its period
# {key} (from s.started_at), and {pairs}, the FROM clause naming s, cb, ca, b and a.
_CHANGE_SUMS = """
    INSERT INTO {table} (starts, item, scale, scale_min, scale_max, pairs, before_total,
                         after_total, definition_id)
    SELECT {key}, b.item, b.scale, b.scale_min, b.scale_max, {sign} * count(*),
           {sign} * total(b.value), {sign} * total(a.value), max(b.definition_id)
    {pairs} AND {counts}
    GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT (starts, item, scale, scale_min, scale_max) DO UPDATE SET
        pairs = pairs + excluded.pairs,
        before_total = before_total + excluded.before_total,
        after_total = after_total + excluded.after_total,
        definition_id = coalesce(max(definition_id, excluded.definition_id), definition_id,
                                 excluded.definition_id)
"""
_SUMS_KEYS = {
    "day_sums": "substr(s.started_at, 1, 10)",
    "month_sums": "substr(s.started_at, 1, 7)",
}
_BOTH_CHECKINS = """
    JOIN checkins AS cb ON cb.session_id = s.id AND cb.phase = 'before'
    JOIN checkins AS ca ON ca.session_id = s.id AND ca.phase = 'after'
"""
_ALL_PAIRS = f"""
    FROM sessions AS s {_BOTH_CHECKINS}
    JOIN answers AS b ON b.checkin_id = cb.id
    JOIN answers AS a ON a.checkin_id = ca.id AND a.item = b.item
    WHERE 1
"""
# The pairs one row of a table takes part in, {row} being OLD or NEW in a trigger; each join
# starts from that row and runs on a primary key or an index.
_PAIRS_OF_ROW = {
    "answers": f"""
    FROM checkins AS x JOIN sessions AS s ON s.id = x.session_id {_BOTH_CHECKINS}
    JOIN answers AS b ON b.checkin_id = cb.id AND b.item = {{row}}.item
    JOIN answers AS a ON a.checkin_id = ca.id AND a.item = {{row}}.item
    WHERE x.id = {{row}}.checkin_id
""",
    "checkins": f"""
    FROM sessions AS s {_BOTH_CHECKINS}
    JOIN answers AS b ON b.checkin_id = cb.id
    JOIN answers AS a ON a.checkin_id = ca.id AND a.item = b.item
    WHERE s.id = {{row}}.session_id AND {{row}}.id IN (cb.id, ca.id)
""",
    "sessions": f"""
    FROM sessions AS s {_BOTH_CHECKINS}
    JOIN answers AS b ON b.checkin_id = cb.id
    JOIN answers AS a ON a.checkin_id = ca.id AND a.item = b.item
    WHERE s.id = {{row}}.id
""",
}
# When a table's rows change what the sums hold: (event, trigger time, row, sign). A row is
# taken away while it is still there (before it is deleted or changed), and added once it is
# there. A foreign key's cascade deletes the parent row first, so the rows it deletes with it
# find no pairs left to take away.
_SUMS_TRIGGERS = (
    ("INSERT", "AFTER", "NEW", 1),
    ("DELETE", "BEFORE", "OLD", -1),
    ("UPDATE", "BEFORE", "OLD", -1),
    ("UPDATE", "AFTER", "NEW", 1),
)
# A session's other columns (how long it ran, how it ended, its sound) change while it runs
# and never move a pair.
_SUMS_COLUMNS = {"answers": "", "checkins": "", "sessions": " OF id, started_at, kind"}


def change_sums_sql(table: str, pairs: str = _ALL_PAIRS, sign: int = 1) -> str:
    """The statement adding to (or, with ``sign`` -1, taking from) ``table`` (day_sums or
    month_sums) every pair ``pairs`` finds.
    """
    return _CHANGE_SUMS.format(
        table=table, key=_SUMS_KEYS[table], pairs=pairs, counts=PAIR_COUNTS, sign=sign
    )


def _create_v5(connection: sqlite3.Connection) -> None:
    """Journal 5: before and after summed by day and by month, so a chart of all time reads a
    few thousand rows, not every answer ever given; and an index of the reflections with a
    drawing.

    Triggers keep the sums whenever an answer, a check-in or a session is added, changed or
    deleted, by mtcalm or by any other tool. The sums are derived: an export leaves them out,
    and they can always be made again from the answers (:func:`rebuild_sums`).
    """
    for table, starts in (("day_sums", "day"), ("month_sums", "month")):
        _run_script(
            connection,
            f"""
            -- Listening sessions' answers before and after, summed by local {starts} ('starts'
            -- is the first characters of the stored time) and by item and scale.
            CREATE TABLE {table} (
                starts TEXT NOT NULL,
                item TEXT NOT NULL,
                scale TEXT NOT NULL,
                scale_min INTEGER NOT NULL,
                scale_max INTEGER NOT NULL,
                pairs INTEGER NOT NULL,
                before_total REAL NOT NULL,
                after_total REAL NOT NULL,
                definition_id INTEGER,
                PRIMARY KEY (starts, item, scale, scale_min, scale_max)
            ) WITHOUT ROWID;
            """,
        )
    for watched, pairs in _PAIRS_OF_ROW.items():
        for event, time, row, sign in _SUMS_TRIGGERS:
            body = "; ".join(
                change_sums_sql(table, pairs.format(row=row), sign) for table in _SUMS_KEYS
            )
            on = f"{event}{_SUMS_COLUMNS[watched] if event == 'UPDATE' else ''} ON {watched}"
            _run_script(
                connection,
                f"CREATE TRIGGER sums_{time.lower()}_{event.lower()}_{watched} {time} {on}\n"
                f"BEGIN {body}; END;\n",
            )
    rebuild_sums(connection)
    _run_script(
        connection,
        """
        -- Which reflections have a drawing, known without reading the drawings (a CSV export
        -- would otherwise read tens of MB of them to write a 0 or a 1). Not a partial index:
        -- opening walks every index from its root, and SQLite walks a partial one only for a
        -- query that names its condition.
        CREATE INDEX reflections_drawn ON reflections (session_id, drawing != '');
        """,
    )


def _create_v6(connection: sqlite3.Connection) -> None:
    """Journal 6: the therapists' homework programmes imported (issue 12), and who flagged a
    track (the person, or a therapist's homework).
    """
    _run_script(
        connection,
        """
        -- Each revision of a homework programme imported, kept when a newer one replaces it or
        -- the person leaves it: the history of what was asked stays readable.
        CREATE TABLE homework (
            id TEXT NOT NULL,
            revision INTEGER NOT NULL,
            title TEXT NOT NULL,
            therapist TEXT NOT NULL DEFAULT '',
            manifest TEXT NOT NULL,
            folder TEXT NOT NULL DEFAULT '',
            imported_at TEXT NOT NULL,
            replaced_at TEXT,
            left_at TEXT,
            PRIMARY KEY (id, revision)
        );
        ALTER TABLE track_flags ADD COLUMN set_by TEXT NOT NULL DEFAULT 'person';
        """,
    )


def rebuild_sums(connection: sqlite3.Connection) -> None:
    """Make the sums again from every answer, inside the caller's transaction."""
    for table in _SUMS_KEYS:
        connection.execute(f"DELETE FROM {table}")
        connection.execute(change_sums_sql(table))


def _run_script(connection: sqlite3.Connection, script: str) -> None:
    """Run statements one by one inside the caller's transaction.

    ``executescript`` would commit first, breaking the all-or-nothing migration.
    """
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            connection.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement: {statement.strip()[:60]}")


SchemaStep = Callable[[sqlite3.Connection], None]

# SCHEMA_STEPS[n] upgrades a journal from version n to n + 1. Append; never edit a shipped step.
SCHEMA_STEPS: tuple[SchemaStep, ...] = (
    _create_v1,
    _create_v2,
    _create_v3,
    _create_v4,
    _create_v5,
    _create_v6,
)
