"""Home: the playlists to choose from, and the guided-imagery scripts to listen with."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from mtcalm.playlists import Playlist
from mtcalm.scripts import Script
from mtcalm.ui import theme
from mtcalm.ui.layout import scrolling_page
from mtcalm.ui.text import minutes_text, plain_label, plural


class ChoiceCard(QFrame):
    """A card with a title, lines of text beneath it and a Begin button for ``choice``."""

    begin_requested = Signal(object)

    def __init__(self, choice: object, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choice = choice
        self.setProperty("role", "card")
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(24, 20, 24, 20)
        self._layout.setSpacing(theme.SPACING)
        self.text = QVBoxLayout()
        self.text.setSpacing(6)
        self.text.addWidget(plain_label(title, "heading"))
        self._layout.addLayout(self.text, 1)
        self.begin_button = QPushButton(self.tr("Begin"))
        self.begin_button.setProperty("role", "primary")
        self.begin_button.clicked.connect(lambda: self.begin_requested.emit(self.choice))
        self._layout.addWidget(self.begin_button, 0, Qt.AlignmentFlag.AlignVCenter)


class PlaylistCard(ChoiceCard):
    def __init__(self, playlist: Playlist, flagged: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(playlist, playlist.title, parent)
        self.playlist = playlist
        count = len(playlist.playable_tracks)
        tracks = plural(count, self.tr("%n track"), self.tr("%n tracks"))
        facts = f"{minutes_text(playlist.duration)} · {tracks}"
        if flagged:
            facts += " · " + plural(
                flagged,
                self.tr("%n flagged as a trigger"),
                self.tr("%n flagged as triggers"),
            )
        self.text.addWidget(plain_label(facts, "muted"))
        if playlist.purpose:
            self.text.addWidget(plain_label(playlist.purpose))
        if playlist.suggested_use:
            self.text.addWidget(plain_label(playlist.suggested_use, "muted"))
        if playlist.problems:
            self.text.addWidget(
                plain_label(
                    self.tr("Some tracks cannot be played: %1").replace(
                        "%1", "; ".join(playlist.problems)
                    ),
                    "muted",
                )
            )
        self.begin_button.setAccessibleName(self.tr("Begin %1").replace("%1", playlist.title))
        self.begin_button.setEnabled(bool(playlist.playable_tracks))


class ScriptCard(ChoiceCard):
    """A guided-imagery script: what it is, how long, with which music, and a Begin button."""

    def __init__(
        self, script: Script, playlist_title: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(script, script.title, parent)
        self.script = script
        facts = minutes_text(script.duration)
        if playlist_title is not None:
            music = self.tr("with the “%1” music").replace("%1", playlist_title)
            facts = f"{facts} · {music}"
        self.text.addWidget(plain_label(facts, "muted"))
        self.text.addWidget(plain_label(script.summary))
        self.reason = plain_label("", "muted")
        if playlist_title is None:
            self.reason.setText(
                self.tr("It cannot begin: its music, the playlist “%1”, is not here.").replace(
                    "%1", script.playlist
                )
            )
        self.reason.setVisible(playlist_title is None)
        self.text.addWidget(self.reason)
        self.begin_button.setAccessibleName(
            self.tr("Begin guided imagery: %1").replace("%1", script.title)
        )
        self.begin_button.setEnabled(playlist_title is not None)


class HomePage(QWidget):
    """Choose something to listen to."""

    begin_requested = Signal(object)  # Playlist
    script_requested = Signal(object)  # Script

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = scrolling_page(self)
        self._layout.addWidget(plain_label(self.tr("What would you like to listen to?"), "title"))
        self._layout.addWidget(
            plain_label(
                self.tr(
                    "Choose a playlist. You will check in briefly before and after, "
                    "so you can see what changed."
                ),
                "muted",
            )
        )
        self.notice = plain_label("", "notice")
        self.notice.hide()
        self._layout.addWidget(self.notice)
        self._cards_layout = QVBoxLayout()
        self._cards_layout.setSpacing(theme.SPACING)
        self._layout.addLayout(self._cards_layout)
        self.empty = plain_label(self.tr("No playlists were found."), "muted")
        self._layout.addWidget(self.empty)
        self._layout.addWidget(self._build_scripts_section())
        self._layout.addStretch(1)
        self._layout.addWidget(
            plain_label(
                self.tr(
                    "mtcalm is a relaxation and self-help tool used alongside care. "
                    "It is not a medical device and does not diagnose."
                ),
                "muted",
            )
        )
        self.cards: list[PlaylistCard] = []
        self.script_cards: list[ScriptCard] = []

    def _build_scripts_section(self) -> QWidget:
        self.scripts_section = QWidget()
        column = QVBoxLayout(self.scripts_section)
        column.setContentsMargins(0, theme.SPACING, 0, 0)
        column.setSpacing(theme.SPACING)
        column.addWidget(plain_label(self.tr("Guided imagery"), "heading"))
        column.addWidget(
            plain_label(
                self.tr(
                    "Words to imagine with, shown over music: settling, imagery, then a gentle "
                    "return. You can open your eyes and stop at any time."
                ),
                "muted",
            )
        )
        self._script_cards_layout = QVBoxLayout()
        self._script_cards_layout.setSpacing(theme.SPACING)
        column.addLayout(self._script_cards_layout)
        self.scripts_section.hide()
        return self.scripts_section

    def set_playlists(
        self, playlists: Sequence[Playlist], flagged: Mapping[str, int] | None = None
    ) -> None:
        """Offer ``playlists``; ``flagged`` counts each one's tracks flagged as triggers, by id."""
        for card in self.cards:
            card.deleteLater()
        self.cards = []
        for playlist in playlists:
            card = PlaylistCard(playlist, (flagged or {}).get(playlist.id, 0))
            card.begin_requested.connect(self.begin_requested.emit)
            self._cards_layout.addWidget(card)
            self.cards.append(card)
        self.empty.setVisible(not self.cards)

    def set_scripts(self, scripts: Sequence[Script], playlist_titles: Mapping[str, str]) -> None:
        """Offer ``scripts``; ``playlist_titles`` maps the playlists' ids to their titles."""
        for card in self.script_cards:
            card.deleteLater()
        self.script_cards = []
        for script in scripts:
            card = ScriptCard(script, playlist_titles.get(script.playlist))
            card.begin_requested.connect(self.script_requested.emit)
            self._script_cards_layout.addWidget(card)
            self.script_cards.append(card)
        self.scripts_section.setVisible(bool(self.script_cards))

    def show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))
