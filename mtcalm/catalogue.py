"""What there is to listen to: the bundled and own playlists, the scripts, and what of each
would play once the tracks flagged as triggers are left out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mtcalm.playlists import Playlist, Track
from mtcalm.scripts import Script

if TYPE_CHECKING:
    from mtcalm.journal.store import Journal
    from mtcalm.playlists import AudioReader
    from mtcalm.track_flags import TriggerFlags


class Catalogue:
    """The playlists and scripts on offer, and the trigger flags read from the journal."""

    def __init__(
        self,
        journal: Callable[[], Journal | None],
        playlists: Sequence[Playlist],
        scripts: Sequence[Script] = (),
        own_playlists: Sequence[Playlist] = (),
    ) -> None:
        self._journal = journal
        self.playlists = list(playlists)  # the bundled ones
        self.own_playlists = list(own_playlists)
        self.scripts = list(scripts)
        # The programme in progress's own playlists and scripts (from its package), offered
        # on its card on Home; None until read, and read again for another programme.
        self.homework_folder: Path | None = None
        self.homework_playlists: list[Playlist] = []
        self.homework_scripts: list[Script] = []
        self._flags: TriggerFlags | None = None

    def all_playlists(self) -> list[Playlist]:
        return [*self.playlists, *self.own_playlists]

    def playlist_of(self, script: Script) -> Playlist | None:
        """The music ``script`` is spoken over, if it is here (a homework's own first)."""
        every = [*self.homework_playlists, *self.all_playlists()]
        return next((p for p in every if p.id == script.playlist), None)

    def use_homework_content(
        self, folder: Path | None, read_info: AudioReader | None = None
    ) -> None:
        """Offer the playlists and scripts a programme's package brought (in ``folder``, inside
        the data folder), read once per programme; None: none.
        """
        if folder == self.homework_folder:
            return
        self.homework_folder = folder
        self.homework_playlists, self.homework_scripts = [], []
        if folder is None:
            return
        from mtcalm.playlists import load_playlists
        from mtcalm.scripts import load_scripts

        if read_info is None:
            self.homework_playlists = load_playlists(folder / "playlists")
        else:
            self.homework_playlists = load_playlists(folder / "playlists", read_info)
        self.homework_scripts = load_scripts(folder / "scripts")

    @property
    def flags(self) -> TriggerFlags | None:
        """The tracks flagged as triggers, read from the journal when first needed."""
        journal = self._journal()
        if self._flags is None and journal is not None:
            from mtcalm.assets import assets_dir
            from mtcalm.track_flags import TriggerFlags

            self._flags = TriggerFlags(journal, assets_dir())
        return self._flags

    def refresh_flags(self) -> None:
        """The flags changed elsewhere, or the journal was replaced: read them again."""
        if self._flags is not None:
            self._flags.refresh()

    def forget_flags(self) -> None:
        """Another journal is open: its flags are read when next needed."""
        self._flags = None

    def flagged_counts(self) -> dict[str, int]:
        """How many tracks of each playlist are flagged, by playlist id."""
        flags = self.flags
        return {
            playlist.id: len(flags.flagged_indexes(playlist.tracks)) if flags else 0
            for playlist in self.all_playlists()
        }

    def programme(self, playlist: Playlist, *, include_flagged: bool) -> tuple[Track, ...]:
        """What a session with ``playlist`` plays: flagged tracks left out unless included."""
        flags = self.flags
        if flags is None:
            return playlist.tracks
        return tuple(flags.playable(playlist.tracks, include_flagged=include_flagged))
