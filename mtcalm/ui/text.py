"""Words the UI shows for core values, translated through Qt."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel

from mtcalm.checkin import ItemChange
from mtcalm.journal.store import Outcome


def tr(text: str, disambiguation: str | None = None, n: int = -1) -> str:
    return QCoreApplication.translate("mtcalm", text, disambiguation, n)


def plural(count: int, one: str, many: str) -> str:
    """``one`` or ``many`` (each already translated), with %n replaced by ``count``."""
    return (one if count == 1 else many).replace("%n", str(count))


def emotion_name(word: str) -> str:
    return tr(word, "emotion word")


def change_words(change: ItemChange) -> str:
    """A plain phrase for the direction of a change."""
    difference = change.difference
    if change.before is None and change.after is None:
        return tr("not answered")
    if change.before is None:
        return tr("not answered before")
    if difference is None:
        return tr("not answered after")
    if difference == 0:
        return tr("no change")
    if difference < 0:
        return tr("down %1").replace("%1", str(-difference))
    return tr("up %1").replace("%1", str(difference))


def minutes_text(seconds: float) -> str:
    minutes = round(seconds / 60)
    if seconds > 0 and minutes == 0:
        return tr("under a minute")
    return tr("%n min", None, minutes)


def clock_text(seconds: float) -> str:
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def when_text(moment: datetime) -> str:
    return moment.strftime("%a %d %b %Y, %H:%M")


def outcome_text(outcome: Outcome, active: bool = False) -> str:
    if outcome is Outcome.COMPLETED:
        return tr("completed")
    if outcome is Outcome.IN_PROGRESS and active:
        return tr("in progress")
    return tr("ended early")


def plain_tooltip(text: str) -> str:
    """A tooltip that shows ``text`` as it is: Qt guesses whether a tooltip is HTML, so a file
    name such as ``<b>x</b>.sqlite3`` is escaped inside a paragraph that is certainly HTML.
    """
    import html

    return f"<p style='white-space:pre'>{html.escape(text)}</p>"


def plain_label(text: str = "", role: str | None = None, wrap: bool = True) -> QLabel:
    """A label that never interprets its text as HTML: for anything that comes from files."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    label.setWordWrap(wrap)
    if role:
        label.setProperty("role", role)
    return label
