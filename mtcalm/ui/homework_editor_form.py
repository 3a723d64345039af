"""The form of the therapist's homework editor: every field of a :class:`Draft`, in plain
sections, filled from a draft and read back into one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time
from pathlib import Path

from PySide6.QtCore import QDate, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFormLayout,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mtcalm.checkin import MAX_ANCHOR_LENGTH, MAX_LABEL_LENGTH
from mtcalm.homework.draft import Draft, OwnAudio, Question, audio_names
from mtcalm.homework.manifest import (
    MAX_CONTACTS,
    MAX_MINUTES,
    MAX_NAME,
    MAX_NOTE,
    MAX_REACH,
    MAX_SESSIONS_PER_WEEK,
    MAX_TIMES,
    MAX_TITLE,
    MAX_WEEKS,
    AvoidTrack,
    Contact,
)
from mtcalm.playlists import Playlist
from mtcalm.scripts import Script
from mtcalm.ui.homework_editor_parts import (
    Checklist,
    FieldsRow,
    FileRow,
    RowList,
    Section,
    TimeRow,
    avoid_items,
    field_row,
    focus_on,
    line_edit,
    new_form,
)
from mtcalm.ui.text import plain_label, tr


class EditorForm(QWidget):
    """Every field of the homework, section by section."""

    add_audio_requested = Signal()

    def __init__(self, playlists: Sequence[Playlist], scripts: Sequence[Script]) -> None:
        super().__init__()
        from mtcalm.assets import assets_dir
        from mtcalm.homework.package import bundled_content_refs
        from mtcalm.track_flags import track_key

        bundled = bundled_content_refs()
        self.playlists = [p for p in playlists if p.ref in bundled]
        self.scripts = [s for s in scripts if s.ref in bundled]
        root = assets_dir()
        by_id = {playlist.id: playlist for playlist in self.playlists}
        self._tracks: dict[str, list[tuple[str, str]]] = {}
        for playlist in self.playlists:
            self._tracks[playlist.ref] = [
                (t.title, track_key(t.path, root)) for t in playlist.tracks
            ]
        for script in self.scripts:
            music = by_id.get(script.playlist)
            self._tracks[script.ref] = self._tracks.get(music.ref, []) if music else []
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(8)
        self.sections: dict[str, Section] = {}
        self._titles: dict[str, str] = {}  # a track's title by its key, as last offered
        self.focus_of: dict[str, QWidget] = {}
        self._about(column)
        self._listening(column)
        self._schedule(column)
        self._checkin(column)
        self._contacts(column)
        self._avoid(column)
        column.addStretch(1)
        self._refresh_avoid()

    # -- building -------------------------------------------------------------------------------

    def _section(
        self, column: QVBoxLayout, parts: Sequence[str], heading: str, hint: str = ""
    ) -> Section:
        section = Section(heading, hint)
        column.addWidget(section)
        for part in parts:
            self.sections[part] = section
        return section

    def _about(self, column: QVBoxLayout) -> None:
        parts = ("title", "instructions", "therapist_name", "therapist_reach", "package")
        section = self._section(column, parts, tr("About"))
        form = new_form()
        self.title = field_row(form, tr("Title"), line_edit(MAX_TITLE))
        self.instructions = QPlainTextEdit()
        self.instructions.setTabChangesFocus(True)
        self.instructions.setFixedHeight(self.instructions.fontMetrics().lineSpacing() * 5 + 24)
        field_row(form, tr("What to do (instructions)"), self.instructions)
        self.therapist_name = field_row(form, tr("Your name"), line_edit(MAX_NAME))
        self.therapist_reach = field_row(
            form, tr("How to reach you (optional)"), line_edit(MAX_REACH)
        )
        section.column.addLayout(form)
        self.focus_of.update(
            title=self.title,
            instructions=self.instructions,
            therapist_name=self.therapist_name,
            therapist_reach=self.therapist_reach,
            package=self.title,
        )

    def _listening(self, column: QVBoxLayout) -> None:
        section = self._section(column, ("content", "own_audio"), tr("What to listen to"))
        self.content = Checklist(tr("No playlists or scripts were found."))
        items = [(tr("%1 (playlist)").replace("%1", p.title), p.ref) for p in self.playlists]
        items += [(tr("%1 (guided imagery)").replace("%1", s.title), s.ref) for s in self.scripts]
        self.content.set_items(items, set())
        self.content.changed.connect(lambda: self._refresh_avoid())
        section.column.addWidget(self.content)
        form = new_form()
        self.own_title = field_row(
            form, tr("Title of your own audio, as one playlist"), line_edit(MAX_TITLE)
        )
        section.column.addLayout(form)
        self.own_audio = RowList(
            tr("Add your own audio files…"),
            QWidget,
            250,
            on_add=self.add_audio_requested.emit,
        )
        self.own_audio.changed.connect(lambda: self._refresh_avoid())
        section.column.addWidget(self.own_audio)
        self.focus_of.update(content=self.content.first(), own_audio=self.own_audio.add_button)

    def _schedule(self, column: QVBoxLayout) -> None:
        section = self._section(
            column,
            ("schedule", "preferred_times"),
            tr("Schedule"),
            tr("Week 1 is the week (Monday to Sunday) the start date falls in."),
        )
        form = new_form()
        self.starts = QDateEdit()
        self.starts.setCalendarPopup(True)
        self.starts.setDisplayFormat("yyyy-MM-dd")
        field_row(form, tr("Starts on"), self.starts)
        self.weeks = self._spin(form, tr("Weeks"), MAX_WEEKS)
        self.sessions = self._spin(form, tr("Sessions a week"), MAX_SESSIONS_PER_WEEK)
        self.minutes = self._spin(form, tr("At least this many minutes a session"), MAX_MINUTES)
        section.column.addLayout(form)
        section.column.addWidget(plain_label(tr("Reminder times (optional)")))
        self.times = RowList(tr("Add a reminder time"), TimeRow, MAX_TIMES)
        section.column.addWidget(self.times)
        self.focus_of.update(schedule=self.starts, preferred_times=self.times.add_button)

    def _spin(self, form: QFormLayout, label: str, high: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(1, high)
        field_row(form, label, spin)
        return spin

    def _checkin(self, column: QVBoxLayout) -> None:
        section = self._section(
            column,
            ("checkin",),
            tr("Check-in"),
            tr("Questions added to your client's check-in, answered from 0 to 10."),
        )
        self.craving = QCheckBox(tr("Craving or urge to use"))
        self.tension = QCheckBox(tr("Tension or pain in the body"))
        for box in (self.craving, self.tension):
            section.column.addWidget(box)
        self.questions = RowList(tr("Add a question of your own"), _question_row, 8)
        section.column.addWidget(self.questions)
        self.focus_of["checkin"] = self.craving

    def _contacts(self, column: QVBoxLayout) -> None:
        section = self._section(
            column,
            ("contacts",),
            tr("Support contacts"),
            tr("People your client can turn to; added to their own list."),
        )
        self.contacts = RowList(tr("Add a support contact"), _contact_row, MAX_CONTACTS)
        section.column.addWidget(self.contacts)
        self.focus_of["contacts"] = self.contacts.add_button

    def _avoid(self, column: QVBoxLayout) -> None:
        section = self._section(
            column,
            ("avoid",),
            tr("Tracks to avoid"),
            tr("Tracks of the chosen content your client should skip; they are flagged."),
        )
        self.avoid = Checklist(tr("Choose something to listen to first."))
        section.column.addWidget(self.avoid)
        self.focus_of["avoid"] = self.avoid

    # -- reading and filling --------------------------------------------------------------------

    def _refresh_avoid(self, ticked: set[str] | None = None) -> None:
        """Offer the tracks of the content now chosen, keeping what was ticked."""
        ticked = set(self.avoid.checked()) if ticked is None else ticked
        tracks: list[tuple[str, str]] = []
        for ref in self.content.checked():
            tracks += [item for item in self._tracks.get(ref, []) if item not in tracks]
        files = self.own_audio_files()
        tracks += [
            (item.title or item.path.name, name)
            for item, name in zip(files, audio_names(files), strict=True)
        ]
        self._titles.update({key: title for title, key in tracks})
        kept = [AvoidTrack(self._titles.get(key, key), key) for key in sorted(ticked)]
        self.avoid.set_items(avoid_items(tracks, kept), ticked)
        self.focus_of["avoid"] = self.avoid.first()

    def own_audio_files(self) -> list[OwnAudio]:
        rows = [row for row in self.own_audio.contents if isinstance(row, FileRow)]
        return [OwnAudio(row.path, row.title.text().strip()) for row in rows]

    def add_audio(self, path: Path, title: str = "") -> None:
        row = FileRow(path, title)
        row.title.textChanged.connect(lambda: self._refresh_avoid())
        self.own_audio.add_row(row)

    def read(self, draft_id: str, revision: int, playlist_name: str) -> Draft:
        """The draft the form holds."""
        day = self.starts.date()
        times = [row.edit.time() for row in self.times.contents if isinstance(row, TimeRow)]
        return Draft(
            id=draft_id,
            revision=revision,
            title=self.title.text(),
            instructions=self.instructions.toPlainText(),
            therapist_name=self.therapist_name.text(),
            therapist_reach=self.therapist_reach.text(),
            starts=date(day.year(), day.month(), day.day()),
            weeks=self.weeks.value(),
            sessions_per_week=self.sessions.value(),
            minimum_minutes=self.minutes.value(),
            preferred_times=sorted({time(moment.hour(), moment.minute()) for moment in times}),
            refs=self.content.checked(),
            own_audio=self.own_audio_files(),
            own_playlist_title=self.own_title.text(),
            own_playlist_name=playlist_name,
            craving=self.craving.isChecked(),
            tension=self.tension.isChecked(),
            questions=[Question(*(edit.text() for edit in row)) for row in self.questions.fields()],
            contacts=[Contact(*(edit.text() for edit in row)) for row in self.contacts.fields()],
            avoid=[AvoidTrack(self._titles.get(key, key), key) for key in self.avoid.checked()],
        )

    def fill(self, draft: Draft) -> None:
        """Show ``draft`` in every field."""
        self.title.setText(draft.title)
        self.instructions.setPlainText(draft.instructions)
        self.therapist_name.setText(draft.therapist_name)
        self.therapist_reach.setText(draft.therapist_reach)
        self.starts.setDate(QDate(draft.starts.year, draft.starts.month, draft.starts.day))
        self.weeks.setValue(draft.weeks)
        self.sessions.setValue(draft.sessions_per_week)
        self.minutes.setValue(draft.minimum_minutes)
        self.times.clear()
        for moment in draft.preferred_times:
            row = TimeRow()
            row.edit.setTime(QTime(moment.hour, moment.minute))
            self.times.add_row(row)
        self.content.check(set(draft.refs))
        self.own_title.setText(draft.own_playlist_title)
        self.own_audio.clear()
        for item in draft.own_audio:
            self.add_audio(item.path, item.title)
        self.craving.setChecked(draft.craving)
        self.tension.setChecked(draft.tension)
        self._fill_rows(self.questions, [(q.label, q.low, q.high) for q in draft.questions])
        self._fill_rows(self.contacts, [(c.name, c.reach, c.note) for c in draft.contacts])
        self._titles.update({track.track: track.title for track in draft.avoid})
        self._refresh_avoid({track.track for track in draft.avoid})

    @staticmethod
    def _fill_rows(rows: RowList, values: list[tuple[str, str, str]]) -> None:
        rows.clear()
        for texts in values:
            rows.add_row()
            for edit, text in zip(rows.fields()[-1], texts, strict=True):
                edit.setText(text)

    def show_problem(self, part: str, message: str) -> None:
        """Say ``message`` in the section of ``part`` and move the focus there."""
        self.clear_problems()
        section = self.sections.get(part, self.sections["package"])
        section.say(message)
        focus_on(self.focus_of.get(part, self.title))

    def clear_problems(self) -> None:
        for section in set(self.sections.values()):
            section.say("")


def _question_row() -> QWidget:
    return FieldsRow(
        [
            (tr("Question"), MAX_LABEL_LENGTH),
            (tr("Words at 0"), MAX_ANCHOR_LENGTH),
            (tr("Words at 10"), MAX_ANCHOR_LENGTH),
        ]
    )


def _contact_row() -> QWidget:
    return FieldsRow(
        [(tr("Name"), MAX_NAME), (tr("How to reach them"), MAX_REACH), (tr("A note"), MAX_NOTE)]
    )
