"""The charts of before and after: what the panel shows, the keyboard, the table of the same
numbers, and the drawing itself (read back from its pixels)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QApplication, QWidget

from mtcalm.checkin import CheckIn, CheckInItem, Phase, custom_item, items_for
from mtcalm.journal.store import Journal
from mtcalm.journal.trends import ItemTrend, Period, TrendPoint, Trends, trends
from mtcalm.ui.chart_painting import PRINT_INK, paint_trend
from mtcalm.ui.chart_words import chart_summary, scale_caption, table_rows
from mtcalm.ui.charts import ChartsPanel
from tests.ui.page_checks import SMALL_PAGE, clipped_widgets, larger_text, unnamed_controls

TODAY = date(2026, 3, 29)  # a Sunday
ZONE = timezone(timedelta(hours=1))
HOSTILE = custom_item("custom-mine", "<b>Tight</b> & sore", "<i>loose</i>", "locked")


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    opened = Journal.open(tmp_path / "journal.sqlite3")
    yield opened
    opened.close()


def listen(
    journal: Journal, day: date, before: dict[str, int], after: dict[str, int], *extra: CheckInItem
) -> None:
    when = datetime(day.year, day.month, day.day, 19, tzinfo=ZONE)
    items = (items_for(Phase.BEFORE, extra), items_for(Phase.AFTER, extra))
    session = journal.start_session(
        "playlist:settle", "Settle", CheckIn(Phase.BEFORE, before, items=items[0]), started_at=when
    )
    journal.record_after(session, CheckIn(Phase.AFTER, after, items=items[1]))


def weeks_of_sessions(journal: Journal) -> None:
    """Six weeks of evenings: distress 7 → 4 at first, 5 → 2 in the last three weeks."""
    for day in range(42):
        when = TODAY - timedelta(days=day)
        start = 7 if day >= 21 else 5
        listen(
            journal, when, {"distress": start, "energy": 4}, {"distress": start - 3, "energy": 6}
        )


def panel_for(qtbot, journal: Journal) -> ChartsPanel:
    panel = ChartsPanel(journal, today=lambda: TODAY)
    qtbot.addWidget(panel)
    panel.resize(900, 700)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def choose(panel: ChartsPanel, range_key: str) -> None:
    panel.range_choice.setCurrentIndex(panel.range_choice.findData(range_key))


def test_the_panel_shows_each_item_with_its_name_and_the_weekly_numbers(qtbot, journal) -> None:
    weeks_of_sessions(journal)
    panel = panel_for(qtbot, journal)

    assert panel.range_choice.currentText() == "Last 3 months"
    assert [panel.item_choice.itemText(i) for i in range(panel.item_choice.count())] == [
        "Distress",
        "Energy",
    ]
    assert panel.trends is not None and panel.trends.period is Period.WEEK
    assert panel.chart.isVisible() and not panel.empty_note.isVisible()
    assert panel.chart.accessibleName() == "Distress: chart of before and after"
    assert panel.chart.accessibleDescription().startswith(
        "Distress, average per week, over 42 sessions: before 6.0 on average, after 3.0, down 3.0."
    )
    assert panel.point_note.text() == (
        "Week of 23 Mar 2026: before 5.0, after 2.0, down 3.0, 7 sessions"
    )


def test_arrow_keys_walk_through_the_weeks_and_say_each_one(qtbot, journal) -> None:
    weeks_of_sessions(journal)
    panel = panel_for(qtbot, journal)
    panel.chart.setFocus()
    qtbot.waitUntil(panel.chart.hasFocus)
    assert panel.chart.focusPolicy() == Qt.FocusPolicy.StrongFocus

    qtbot.keyClick(panel.chart, Qt.Key.Key_Home)
    assert panel.point_note.text() == (
        "Week of 16 Feb 2026: before 7.0, after 4.0, down 3.0, 7 sessions"
    )
    qtbot.keyClick(panel.chart, Qt.Key.Key_Right)
    qtbot.keyClick(panel.chart, Qt.Key.Key_Right)
    qtbot.keyClick(panel.chart, Qt.Key.Key_Right)
    assert panel.point_note.text().startswith("Week of 9 Mar 2026: before 5.0")
    assert "Week of 9 Mar 2026" in panel.chart.accessibleDescription()
    qtbot.keyClick(panel.chart, Qt.Key.Key_End)
    qtbot.keyClick(panel.chart, Qt.Key.Key_Right)  # past the end: stays on the last week
    assert panel.point_note.text().startswith("Week of 23 Mar 2026")


def test_the_table_holds_the_same_numbers_and_follows_the_chart(qtbot, journal) -> None:
    weeks_of_sessions(journal)
    panel = panel_for(qtbot, journal)
    assert not panel.table.isVisible()

    qtbot.mouseClick(panel.table_toggle, Qt.MouseButton.LeftButton)

    assert panel.table.isVisible()
    assert panel.table_toggle.text() == "Hide the table"
    headings = [panel.table.horizontalHeaderItem(c).text() for c in range(5)]
    assert headings == ["Week starting", "Sessions", "Before", "After", "Change"]
    shown = [
        tuple(panel.table.item(row, column).text() for column in range(5))
        for row in range(panel.table.rowCount())
    ]
    assert panel.trends is not None
    distress = panel.trends.item("distress")
    assert distress is not None
    assert shown == table_rows(panel.trends, distress)
    assert shown[0] == ("16 Feb 2026", "7", "7.0", "4.0", "down 3.0")
    assert panel.table.accessibleName() == "Distress: the chart's numbers"
    panel.table.setCurrentCell(1, 0)
    assert panel.chart.point() == 1
    assert panel.point_note.text().startswith("Week of 23 Feb 2026")


def test_a_short_period_is_shown_session_by_session_and_the_range_reads_again(
    qtbot, journal
) -> None:
    weeks_of_sessions(journal)
    listen(journal, TODAY - timedelta(days=200), {"distress": 10}, {"distress": 0})
    panel = panel_for(qtbot, journal)

    choose(panel, "4 weeks")
    short = panel.trends
    assert short is not None and short.period is Period.SESSION
    assert panel.chart.point_text().startswith("Sun 29 Mar 2026, 19:00: before 5.0, after 2.0")
    headings = [
        panel.table.horizontalHeaderItem(c).text() for c in range(panel.table.columnCount())
    ]
    assert headings == ["Session", "Before", "After", "Change"]  # one session a row: no count
    choose(panel, "all")  # read on a background thread: the page stays usable
    qtbot.waitUntil(lambda: panel.trends is not short, timeout=15000)
    everything = panel.trends
    assert everything is not None and everything.period is Period.WEEK
    assert everything.item("distress").sessions == 43


def test_the_journal_is_read_when_the_panel_is_first_shown(qtbot, journal) -> None:
    weeks_of_sessions(journal)
    panel = ChartsPanel(journal, today=lambda: TODAY)
    qtbot.addWidget(panel)
    unread = panel.trends
    assert unread is None  # made at start-up, it reads nothing yet
    panel.show()
    qtbot.waitExposed(panel)
    shown = panel.trends
    assert shown is not None and shown.item("distress") is not None


def test_nothing_to_chart_says_so_calmly(qtbot, journal) -> None:
    journal.record_checkin(CheckIn(Phase.BEFORE, {"distress": 4}))
    panel = panel_for(qtbot, journal)

    assert panel.empty_note.isVisible()
    assert not panel.chart.isVisible()
    assert "Nothing to chart here yet" in panel.empty_note.text()
    assert not panel.item_choice.isEnabled()
    assert panel.table.rowCount() == 0


def test_an_item_of_ones_own_is_shown_as_typed_never_as_rich_text(qtbot, journal) -> None:
    listen(journal, TODAY, {"custom-mine": 8}, {"custom-mine": 3}, HOSTILE)
    panel = panel_for(qtbot, journal)

    assert panel.item_choice.itemText(0) == "<b>Tight</b> & sore"
    assert panel.chart.accessibleName() == "<b>Tight</b> & sore: chart of before and after"
    assert panel.trends is not None
    mine = panel.trends.item("custom-mine")
    assert mine is not None
    assert scale_caption(mine) == "0 = <i>loose</i>, 10 = locked"
    assert panel.point_note.textFormat() == Qt.TextFormat.PlainText


def test_every_control_is_named_and_nothing_is_cut_at_800_by_600(
    qtbot, journal, themed_app: QApplication
) -> None:
    weeks_of_sessions(journal)
    holder = QWidget()
    qtbot.addWidget(holder)
    panel = ChartsPanel(journal, today=lambda: TODAY, parent=holder)
    holder.resize(*SMALL_PAGE)
    panel.resize(*SMALL_PAGE)
    holder.show()
    qtbot.waitExposed(holder)
    panel.table_toggle.setChecked(True)

    assert unnamed_controls(panel) == []
    assert clipped_widgets(panel) == []
    with larger_text(themed_app):
        panel.resize(*SMALL_PAGE)
        QApplication.processEvents()
        assert clipped_widgets(panel) == []
        assert not panel.chart.grab().isNull()


# -- the drawing -------------------------------------------------------------------------------


def two_weeks() -> tuple[Trends, ItemTrend]:
    """Week one from 10 before to 0 after; week two, after a week without sessions, 0 → 10."""
    first = date(2026, 3, 2)
    points = (
        TrendPoint(first, 0, 10.0, 0.0, 3),
        TrendPoint(first + timedelta(days=14), 2, 0.0, 10.0, 2),
    )
    trend = ItemTrend("distress", "sud-0-10", 0, 10, "", "", "", points)
    return Trends(Period.WEEK, first, first + timedelta(days=20), first, 3, (trend,)), trend


def dark(image: QImage, x: float, y: float, reach: int = 3) -> bool:
    """Whether there is ink near (x, y)."""
    for dx in range(-reach, reach + 1):
        for dy in range(-reach, reach + 1):
            colour = QColor(image.pixel(int(x) + dx, int(y) + dy))
            if colour.lightness() < 100:
                return True
    return False


def test_the_drawing_puts_each_value_where_the_scale_says_in_black_on_white() -> None:
    found, trend = two_weeks()
    image = QImage(800, 400, QImage.Format.Format_RGB32)
    image.fill(QColor("#FFFFFF"))
    painter = QPainter(image)
    font = QFont()
    font.setPixelSize(14)
    painter.setFont(font)
    plot = paint_trend(painter, QRectF(0, 0, 800, 400), found, trend, PRINT_INK)
    painter.end()

    assert plot is not None
    slot_width = plot.width() / 3
    first_x, gap_x, last_x = (plot.left() + (s + 0.5) * slot_width for s in (0, 1, 2))
    assert dark(image, first_x, plot.top())  # before, 10: at the top
    assert dark(image, first_x, plot.bottom() - 4)  # after, 0: at the bottom
    assert dark(image, last_x, plot.top())  # after, 10
    middle = plot.top() + plot.height() / 2
    assert not dark(image, gap_x, middle, reach=6)  # no line made up across the empty week
    colours = {image.pixel(x, y) for x in range(0, 800, 3) for y in range(0, 400, 3)}
    greys = {QColor(c).red() == QColor(c).green() == QColor(c).blue() for c in colours}
    assert greys == {True}  # nothing but black, greys and white: it prints the same


def test_a_chart_too_small_to_read_draws_no_points() -> None:
    found, trend = two_weeks()
    image = QImage(120, 40, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    assert paint_trend(painter, QRectF(0, 0, 120, 40), found, trend, PRINT_INK) is None
    painter.end()


def test_the_summary_weighs_each_week_by_its_sessions(journal) -> None:
    weeks_of_sessions(journal)
    found = trends(journal, since=TODAY - timedelta(days=41), until=TODAY)
    distress = found.item("distress")
    assert distress is not None
    assert chart_summary(found, distress) == (
        "Distress, average per week, over 42 sessions: before 6.0 on average, after 3.0, down 3.0."
    )
