"""Home: the playlists to choose from, each with its length and what it is for."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from mtcalm.playlists import Playlist
from mtcalm.ui import theme
from mtcalm.ui.layout import scrolling_page
from mtcalm.ui.text import minutes_text, plain_label, plural


class PlaylistCard(QFrame):
    begin_requested = Signal(object)

    def __init__(self, playlist: Playlist, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.playlist = playlist
        self.setProperty("role", "card")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(theme.SPACING)
        text = QVBoxLayout()
        text.setSpacing(6)
        text.addWidget(plain_label(playlist.title, "heading"))
        count = len(playlist.playable_tracks)
        tracks = plural(count, self.tr("%n track"), self.tr("%n tracks"))
        facts = f"{minutes_text(playlist.duration)} · {tracks}"
        text.addWidget(plain_label(facts, "muted"))
        if playlist.purpose:
            text.addWidget(plain_label(playlist.purpose))
        if playlist.suggested_use:
            text.addWidget(plain_label(playlist.suggested_use, "muted"))
        if playlist.problems:
            text.addWidget(
                plain_label(
                    self.tr("Some tracks cannot be played: %1").replace(
                        "%1", "; ".join(playlist.problems)
                    ),
                    "muted",
                )
            )
        layout.addLayout(text, 1)
        self.begin_button = QPushButton(self.tr("Begin"))
        self.begin_button.setProperty("role", "primary")
        self.begin_button.setAccessibleName(self.tr("Begin %1").replace("%1", playlist.title))
        self.begin_button.setEnabled(bool(playlist.playable_tracks))
        self.begin_button.clicked.connect(lambda: self.begin_requested.emit(self.playlist))
        layout.addWidget(self.begin_button, 0, Qt.AlignmentFlag.AlignVCenter)


class HomePage(QWidget):
    """Choose something to listen to."""

    begin_requested = Signal(object)  # Playlist

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

    def set_playlists(self, playlists: Sequence[Playlist]) -> None:
        for card in self.cards:
            card.deleteLater()
        self.cards = []
        for playlist in playlists:
            card = PlaylistCard(playlist)
            card.begin_requested.connect(self.begin_requested.emit)
            self._cards_layout.addWidget(card)
            self.cards.append(card)
        self.empty.setVisible(not self.cards)

    def show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))
