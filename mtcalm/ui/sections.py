"""The sections besides Listen: Breathe, My music, Journal and Your data, and what the home
page lists. Each page is built, and its module loaded, when first opened.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt

PREVIEW_FADE_SECONDS = 0.5

if TYPE_CHECKING:
    from mtcalm.homework.manifest import Homework
    from mtcalm.playlists import Playlist
    from mtcalm.scripts import Script
    from mtcalm.ui.daily_backup import DailyBackup
    from mtcalm.ui.data_page import DataPage
    from mtcalm.ui.homework_history import HomeworkPage
    from mtcalm.ui.journal_page import JournalPage
    from mtcalm.ui.journal_views import ChangesOverTimePage, WhatHelpsPage
    from mtcalm.ui.library_page import LibraryPage
    from mtcalm.ui.main_window import MainWindow
    from mtcalm.ui.pacer_page import PacerPage


class Sections(QObject):
    """The pages of the header's sections, in ``window``."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._daily_backup: DailyBackup | None = None
        self._pacer_in_session = False
        self._listening_for_previews = False

    @property
    def library(self) -> LibraryPage:
        def build() -> LibraryPage:
            from mtcalm.ui.library_page import LibraryPage

            workspace = self.window.workspace
            problem = workspace.journal_problem
            page = LibraryPage(
                workspace.data_dir,
                workspace.journal,
                play_flagged_tracks=workspace.settings.play_flagged_tracks,
                journal_problem=problem.short if problem else "",
                info_cache=self.window.info_cache,
                flags=self.window.catalogue.flags,
            )
            page.play_flagged_changed.connect(lambda on: self._remember(play_flagged_tracks=on))
            page.flags_changed.connect(self.flags_changed_elsewhere)
            page.playlists_changed.connect(self._on_own_playlists_changed)
            page.preview_requested.connect(self._preview)
            page.preview_stop_requested.connect(self._stop_preview)
            return page

        return self.window.page("library", build)

    def _preview(self, path: Path) -> None:
        """Play a track of My music on its own, briefly faded; never during a session."""
        if self.window.in_session:
            return
        audio = self.window.screens.ensure_audio()
        if not self._listening_for_previews:
            self._listening_for_previews = True
            audio.playback_ended.connect(self._preview_ended)
            audio.track_failed.connect(self._preview_failed)
        audio.player.play([path], fade_in=PREVIEW_FADE_SECONDS, fade_out=PREVIEW_FADE_SECONDS)
        self.library.show_preview(path)

    def _stop_preview(self) -> None:
        audio = self.window.screens.audio
        if self.library.previewing is not None and audio is not None:
            audio.player.end(fade_out=PREVIEW_FADE_SECONDS)
        self.library.show_preview(None)

    def _preview_ended(self, _completed: bool = False) -> None:
        if not self.window.flow.music_on and self.library.previewing is not None:
            self.library.show_preview(None)

    def _preview_failed(self, _index: int, short: str, _long: str) -> None:
        if not self.window.flow.music_on and self.library.previewing is not None:
            self.library.show_preview(
                None, self.tr("The preview could not be played: %1").replace("%1", short)
            )

    def show_library(self) -> None:
        self.window.show_page(self.library)

    @property
    def journal(self) -> JournalPage:
        def build() -> JournalPage:
            from mtcalm.ui.journal_page import JournalPage

            page = JournalPage(self.window.pages)  # made in place: no restyling when added
            page.changes_requested.connect(self.show_changes)
            page.helps_requested.connect(self.show_what_helps)
            page.export_requested.connect(self.export_journal)
            page.homework_requested.connect(self.show_homework)
            return page

        return self.window.page("journal", build)

    def show_changes(self) -> None:
        """Charts of before and after over time, with their tables."""
        journal = self.window.workspace.journal
        if journal is None:
            return

        def build() -> ChangesOverTimePage:
            from mtcalm.ui.journal_views import ChangesOverTimePage

            page = ChangesOverTimePage(journal)
            page.back_requested.connect(self.show_journal)
            return page

        seen_before = self.window.built("journal_changes") is not None
        page = self.window.page("journal_changes", build)
        self.window.show_page(page)
        if seen_before:  # the first time, the panel reads as it is first shown
            page.refresh()

    def show_what_helps(self) -> None:
        """What helps me: average changes by music, sound and time of day."""
        journal = self.window.workspace.journal
        if journal is None:
            return

        def build() -> WhatHelpsPage:
            from mtcalm.ui.journal_views import WhatHelpsPage

            page = WhatHelpsPage(journal)
            page.back_requested.connect(self.show_journal)
            return page

        page = self.window.page("journal_helps", build)
        self.window.show_page(page)
        page.refresh()

    def show_homework(self) -> None:
        """Listening homework, week by week, kindly."""
        journal = self.window.workspace.journal
        if journal is None:
            return

        def build() -> HomeworkPage:
            from mtcalm.ui.homework_history import HomeworkPage

            page = HomeworkPage(journal)
            page.back_requested.connect(self.show_journal)
            return page

        page = self.window.page("journal_homework", build)
        page.refresh()
        self.window.show_page(page)

    def export_journal(self) -> None:
        """A PDF summary, a spreadsheet or a complete copy, written where the person chooses."""
        journal = self.window.workspace.journal
        if journal is None:
            return
        from mtcalm.ui.export_dialog import ExportDialog

        dialog = ExportDialog(journal, self.window)
        dialog.open()

    def show_journal(self) -> None:
        """The journal page: read the first time, and afterwards only what is new."""
        journal = self.window.workspace.journal
        if journal is None:
            return
        page = self.journal
        page.show_journal(journal)
        self.window.show_page(page)

    @property
    def daily_backup(self) -> DailyBackup:
        """Today's copy of the journal, made off the UI thread (loaded when first needed)."""
        if self._daily_backup is None:
            from mtcalm.ui.daily_backup import DailyBackup

            self._daily_backup = DailyBackup(self.window.workspace, self.window)
        return self._daily_backup

    @property
    def data_page(self) -> DataPage:
        def build() -> DataPage:
            from mtcalm.ui.data_page import DataPage

            page = DataPage(self.window.workspace, self.daily_backup)
            page.busy_changed.connect(
                lambda busy: self.window.header.set_sections_enabled(not busy)
            )
            page.journal_replaced.connect(self._after_restore)
            page.back_requested.connect(self.window.problems.show)
            page.homework_file_chosen.connect(self.window.import_homework)
            page.make_homework_requested.connect(self.make_homework)
            page.review_requested.connect(self.review_export)
            return page

        return self.window.page("data", build)

    def make_homework(self) -> None:
        """The therapist's editor: a homework package for a client."""
        from mtcalm.ui.homework_editor import HomeworkEditor

        catalogue = self.window.catalogue
        editor = HomeworkEditor(catalogue.all_playlists(), catalogue.scripts, self.window)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.open()

    def review_export(self) -> None:
        """A client's journal export, read-only in a window of its own, held in memory only."""
        from mtcalm.ui.review_open import choose_and_review

        choose_and_review(self.window)

    def show_data(self) -> None:
        page = self.data_page
        page.set_back_visible(self.window.workspace.journal is None)
        page.refresh()
        self.window.show_page(page)

    def _after_restore(self) -> None:
        """The journal was replaced: what was read from it is read again. The person stays
        where they are (grounding, say) unless they were waiting on Your data.
        """
        waiting = self.window.current_name() in ("data", "problem")
        if self.window.workspace.journal is None:
            if waiting:
                self.window.problems.show()
            return
        self.journal_changed()
        if self.window.built("library") is not None:
            self.library.refresh_flags()  # the same journal object, opened on the new file
        if waiting:
            self.window.show_page(self.data_page)  # the header comes back if it was hidden

    def journal_changed(self, *, another: bool = False) -> None:
        """The journal was restored, or ``another`` file opened: read the flags again."""
        if another:
            self.window.catalogue.forget_flags()
        else:
            self.window.catalogue.refresh_flags()
        self.refresh_content()

    # -- content --------------------------------------------------------------------------------

    def refresh_content(self) -> None:
        """Home lists the bundled and own playlists, then the scripts with their music."""
        catalogue = self.window.catalogue
        playlists = catalogue.all_playlists()
        own = [playlist.id for playlist in catalogue.own_playlists]
        self.window.home.set_playlists(playlists, catalogue.flagged_counts(), own_ids=own)
        self.window.home.set_scripts(catalogue.scripts, {p.id: p.title for p in playlists})
        self._show_homework(playlists)

    def _show_homework(self, playlists: Sequence[Playlist]) -> None:
        """The programme in progress on Home, with a Begin for what it asks to listen to."""
        journal = self.window.workspace.journal
        if journal is None or not journal.reading(
            "SELECT 1 FROM homework WHERE replaced_at IS NULL AND left_at IS NULL LIMIT 1"
        ):
            self.window.home.set_homework(None, ())
            self._refresh_reminders()
            return  # no programme: nothing more is read (the usual start)
        from mtcalm.homework.adherence import content_refs, this_week
        from mtcalm.homework.install import programme_folder

        week = this_week(journal.reading, date.today())
        catalogue = self.window.catalogue
        info = self.window.info_cache
        catalogue.use_homework_content(
            programme_folder(journal.reading, self.window.workspace.data_dir, week.homework)
            if week is not None
            else None,
            info.read if info is not None else None,
        )
        choices: dict[str, Playlist | Script] = {playlist.ref: playlist for playlist in playlists}
        choices.update({script.ref: script for script in catalogue.scripts})
        choices.update({playlist.ref: playlist for playlist in catalogue.homework_playlists})
        choices.update({script.ref: script for script in catalogue.homework_scripts})
        to_listen = []
        if week is not None:
            for ref in content_refs(week.homework):
                choice = choices.get(ref)
                if choice is not None:
                    to_listen.append((choice.title, choice))
        self.window.home.set_homework(week, to_listen)
        self._refresh_reminders()

    def _refresh_reminders(self) -> None:
        if self.window.reminders is not None:  # a programme added, left, or another journal
            self.window.reminders.refresh()

    def leave_homework(self, homework: Homework) -> None:
        """Stop following ``homework`` once the person says so; its history stays."""
        from mtcalm.homework.install import leave_programme
        from mtcalm.journal.file import JournalError
        from mtcalm.ui.ask import ask_yes_no

        journal = self.window.workspace.journal
        if journal is None:
            return
        if not ask_yes_no(
            self.window,
            self.tr("mtcalm"),
            self.tr("Stop “%1”?").replace("%1", homework.title),
            self.tr("Stop this homework"),
            self.tr("Keep it"),
            detail=self.tr(
                "Home will no longer show it. Every session you listened to stays in your "
                "journal. The questions, contacts and flags it added stay until you change "
                "them. Your therapist can send you a new version at any time."
            ),
        ):
            return
        try:
            leave_programme(journal, homework.id)
        except JournalError as error:
            self.window.tell(error.short, error.long)
            return
        self.refresh_content()

    def _on_own_playlists_changed(self) -> None:
        self.window.catalogue.own_playlists = self.library.own_playlists()
        self.refresh_content()

    def flags_changed_elsewhere(self) -> None:
        """The flags changed elsewhere (My music, a homework package): read them again, and
        show them on the home page."""
        self.window.catalogue.refresh_flags()
        self.refresh_content()

    # -- breathing and grounding ----------------------------------------------------------------

    @property
    def pacer(self) -> PacerPage:
        def build() -> PacerPage:
            from mtcalm.ui.pacer_page import PacerPage

            page = PacerPage()
            page.pattern_changed.connect(
                lambda bpm, ratio: self._remember(breaths_per_minute=bpm, exhale_ratio=ratio)
            )
            page.reduced_motion_changed.connect(lambda on: self._remember(reduced_motion=on))
            page.done.connect(self._leave_pacer)
            return page

        return self.window.page("pacer", build)

    def show_pacer(self, *, during_music: bool = False) -> None:
        """The breathing guide: on its own, or over a session whose music keeps playing."""
        self._pacer_in_session = during_music
        settings = self.window.workspace.settings
        page = self.pacer
        page.set_pattern(settings.breaths_per_minute, settings.exhale_ratio)
        page.set_reduced_motion(settings.reduced_motion)
        page.set_done_text(self.tr("Back to the music") if during_music else self.tr("Back home"))
        self.window.show_page(page)
        page.start()

    def _leave_pacer(self) -> None:
        from mtcalm.session.flow import Step

        self.pacer.stop()
        if self._pacer_in_session and self.window.flow.step is Step.BREATHING:
            self.window.flow.go_back()
        else:
            self.window.show_home()

    def _remember(self, **changes: object) -> None:
        self.window.workspace.settings = self.window.workspace.settings.with_changes(**changes)
