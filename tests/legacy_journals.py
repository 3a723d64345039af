"""Journals as earlier mtcalm versions wrote them, made with plain SQL.

The store writes only the current format; upgrade tests need sessions written the old way (no
stable identity, no item definitions) into a journal of an older version.
"""

from __future__ import annotations

from datetime import datetime

from mtcalm.checkin import CheckIn
from mtcalm.journal.store import Journal


def write_old_session(
    journal: Journal,
    content_ref: str,
    content_title: str,
    before: CheckIn,
    *,
    after: CheckIn | None = None,
    started_at: datetime | None = None,
) -> int:
    """A session with its check-ins, as journal versions 1 and 2 kept them; returns its id."""
    stamp = (started_at or datetime(2024, 5, 6, 21, 0).astimezone()).isoformat(timespec="seconds")
    connection = journal._connection
    with connection:
        cursor = connection.execute(
            "INSERT INTO sessions (started_at, updated_at, content_ref, content_title)"
            " VALUES (?, ?, ?, ?)",
            (stamp, stamp, content_ref, content_title),
        )
        session_id = int(cursor.lastrowid or 0)
        for checkin in (before, after):
            if checkin is None:
                continue
            checkin_id = connection.execute(
                "INSERT INTO checkins (session_id, phase, recorded_at, skipped, note)"
                " VALUES (?, ?, ?, ?, ?)",
                (session_id, checkin.phase.value, stamp, int(checkin.skipped), checkin.note),
            ).lastrowid
            connection.executemany(
                "INSERT INTO answers (checkin_id, item, value, scale, scale_min, scale_max)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        checkin_id,
                        item.key,
                        checkin.answers.get(item.key),
                        item.scale.key,
                        item.scale.minimum,
                        item.scale.maximum,
                    )
                    for item in checkin.items
                ],
            )
            connection.executemany(
                "INSERT INTO emotions (checkin_id, word) VALUES (?, ?)",
                [(checkin_id, word) for word in checkin.emotions],
            )
    return session_id
