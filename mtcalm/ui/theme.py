"""The calm look: warm, muted colours, generous spacing, readable type, one focus ring.

Every colour the person must read or see to use a control meets WCAG 2.2 AA against what it
sits on: the pairs are listed in :data:`CONTRAST_PAIRS` and checked by the tests, which also
read :data:`STYLE_SHEET` itself, so a colour change cannot quietly break them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtGui import QColor, QFont, QPalette

if TYPE_CHECKING:  # painting is loaded by the widgets that paint, after the first frame
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QPainter, QPen
    from PySide6.QtWidgets import QApplication, QWidget

# -- colours ---------------------------------------------------------------------------------

# Surfaces (light, warm).
BACKGROUND = "#F2EEE7"  # the page
SURFACE = "#FAF8F4"  # cards, the header, fields, outlined buttons
NOTICE = "#F1E6CF"  # a message in a reserved place
SOFT_ACCENT = "#DCE7E4"  # a quiet toggle that is on; the selected item of a drop-down list
HOVER = "#EEE9E0"  # under the pointer (a tint: never a border, which would look like focus)
PRESSED = "#E4DDD1"

# Text.
TEXT = "#2F3B40"
MUTED = "#56646A"  # secondary text; also placeholders (4.5:1 on every surface)
PLACEHOLDER = MUTED

# The accent: filled means "the main action" or "selected", everywhere.
ACCENT = "#3F6866"
ACCENT_HOVER = "#355C5A"
ACCENT_PRESSED = "#2D504E"
ACCENT_TEXT = "#F7F5F0"  # text on ACCENT

# Lines.
BORDER = "#DCD4C8"  # decorative only: cards, dividers, the header's edge
CONTROL_BORDER = "#857D72"  # the outline of a control a person must find: 3:1 on surfaces
TRACK = "#8A8276"  # a slider's groove, answered or not: 3:1 on surfaces

# The one focus ring: 2px, dark petrol, 3:1 or more against every surface above.
FOCUS = "#1D5660"
FOCUS_WIDTH = 2

# "Stop and ground": warm and findable, never alarming.
GROUND = "#85543F"
GROUND_SOFT = "#F3E3DA"
GROUND_HOVER = "#EDD8CC"
GROUND_BORDER = "#A4705F"

# Disabled controls are exempt from WCAG, but stay legible (3:1).
DISABLED_TEXT = "#767B76"
DISABLED_FILL = "#E6E1D8"
DISABLED_BORDER = "#D5CFC5"
DISABLED_TRACK = "#CFC9BF"

# The surfaces a control without its own background can sit on.
SURFACES: tuple[str, ...] = (BACKGROUND, SURFACE, NOTICE)

# -- contrast rules --------------------------------------------------------------------------

TEXT_MINIMUM = 4.5  # text (WCAG 1.4.3)
LARGE_TEXT_MINIMUM = 3.0  # text of 18pt, or 14pt bold
NON_TEXT_MINIMUM = 3.0  # what a person must see to use a control (WCAG 1.4.11), focus rings
DISABLED_MINIMUM = 3.0  # our own floor: exempt from WCAG, still legible


class ContrastPair(NamedTuple):
    """``foreground`` must reach ``minimum`` against ``background``; ``what`` says where."""

    foreground: str
    background: str
    minimum: float
    what: str


def _pairs(
    foreground: str, backgrounds: tuple[str, ...], minimum: float, what: str
) -> tuple[ContrastPair, ...]:
    return tuple(ContrastPair(foreground, background, minimum, what) for background in backgrounds)


LIGHT_SURFACES = (BACKGROUND, SURFACE, NOTICE, SOFT_ACCENT, GROUND_SOFT, HOVER)

CONTRAST_PAIRS: tuple[ContrastPair, ...] = (
    *_pairs(TEXT, (*LIGHT_SURFACES, PRESSED, GROUND_HOVER), TEXT_MINIMUM, "body text"),
    *_pairs(MUTED, LIGHT_SURFACES, TEXT_MINIMUM, "secondary text, scale numbers"),
    *_pairs(PLACEHOLDER, (SURFACE,), TEXT_MINIMUM, "placeholder text in a field"),
    *_pairs(ACCENT, (*SURFACES, HOVER, SOFT_ACCENT), TEXT_MINIMUM, "tertiary buttons, logo"),
    *_pairs(
        ACCENT_TEXT,
        (ACCENT, ACCENT_HOVER, ACCENT_PRESSED),
        TEXT_MINIMUM,
        "primary buttons, selected chips, tabs and rows",
    ),
    *_pairs(GROUND, (GROUND_SOFT, GROUND_HOVER), TEXT_MINIMUM, "Stop and ground"),
    *_pairs(CONTROL_BORDER, SURFACES, NON_TEXT_MINIMUM, "outline of buttons, fields, chips"),
    *_pairs(TRACK, SURFACES, NON_TEXT_MINIMUM, "a slider's groove, even unanswered"),
    *_pairs(ACCENT, SURFACES, NON_TEXT_MINIMUM, "selected fill, answered part of a slider"),
    *_pairs(GROUND_BORDER, SURFACES, NON_TEXT_MINIMUM, "outline of Stop and ground"),
    *_pairs(FOCUS, (*LIGHT_SURFACES, PRESSED), NON_TEXT_MINIMUM, "the focus ring"),
    # On a filled control the ring is double: the surface shows between ring and fill.
    *_pairs(ACCENT, SURFACES, NON_TEXT_MINIMUM, "the gap between focus ring and fill"),
    *_pairs(DISABLED_TEXT, (SURFACE, BACKGROUND, DISABLED_FILL), DISABLED_MINIMUM, "disabled"),
)


class SelectedState(NamedTuple):
    """A selected look must stand out from its surface more than the unselected look does."""

    selected: str
    unselected: str | None  # None: the unselected control has no edge of its own
    surface: str
    what: str


SELECTED_STATES: tuple[SelectedState, ...] = (
    SelectedState(ACCENT, CONTROL_BORDER, SURFACE, "a chosen feeling word or yes/no"),
    SelectedState(ACCENT, None, SURFACE, "the header tab of the section you are in"),
    SelectedState(ACCENT, None, SURFACE, "the chosen word of the helpfulness scale"),
    SelectedState(ACCENT, TRACK, SURFACE, "an answered slider (fill) against unanswered"),
    SelectedState(ACCENT, None, SURFACE, "a selected row in a table or list"),
    SelectedState(CONTROL_BORDER, None, SURFACE, "a quiet toggle that is on (its outline)"),
)


# -- painting helpers for widgets that draw themselves --------------------------------------


def focus_pen() -> QPen:
    """The pen of the one focus ring, for widgets that paint their own."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QPen

    pen = QPen(QColor(FOCUS), FOCUS_WIDTH)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def paint_focus_ring(painter: QPainter, rect: QRectF, radius: float = 10.0) -> None:
    """Draw the focus ring just inside ``rect`` (a widget's own rect, say)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QPainter

    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(focus_pen())
    painter.setBrush(Qt.BrushStyle.NoBrush)
    half = FOCUS_WIDTH / 2
    painter.drawRoundedRect(rect.adjusted(half, half, -half, -half), radius, radius)
    painter.restore()


# A calm chevron for drop-down lists (Qt style sheets draw no arrow once a combo box is styled).
CHEVRON_DOWN = (Path(__file__).parent / "chevron-down.svg").as_posix()

SPACING = 16
HEADER_HEIGHT = 58
PAGE_MARGIN = 32

# Focus on a control with an outline: the outline becomes the ring (2px, padding one less so
# nothing moves). Focus on a filled control: a double ring (2px ring, 2px gap showing the
# surface, a 1px line), so the ring stands apart from the fill; the outline box stays the same
# size (5px border + padding = 1px border + padding + 4px).
RING = f"border: {FOCUS_WIDTH}px solid {FOCUS};"
FILLED_RING = f"border: 5px double {FOCUS}; background-clip: padding;"

STYLE_SHEET = f"""
* {{ outline: none; }}
QWidget {{ color: {TEXT}; }}
QMainWindow, QStackedWidget, QScrollArea, QScrollArea > QWidget > QWidget {{
    background: {BACKGROUND};
}}
QLabel[role="title"] {{ font-size: 22pt; font-weight: 300; }}
QLabel[role="heading"] {{ font-size: 15pt; font-weight: 400; }}
QLabel[role="muted"] {{ color: {MUTED}; }}
QLabel[role="large"] {{ font-size: 17pt; font-weight: 300; }}
QLabel[role="wordmark"] {{ font-size: 15pt; font-weight: 600; color: {ACCENT}; }}
QLabel[role="notice"] {{
    background: {NOTICE}; border-radius: 8px; padding: 10px 14px;
}}
QFrame[role="card"] {{
    background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 12px;
}}
QFrame[role="card"][kind="imagery"] {{ border-left: 4px solid {ACCENT}; }}
QFrame#homeNotice {{ background: {NOTICE}; border-radius: 8px; }}
QFrame[role="header"] {{ background: {SURFACE}; border-bottom: 1px solid {BORDER}; }}

QPushButton {{
    background: {SURFACE}; color: {TEXT}; border: 1px solid {CONTROL_BORDER};
    border-radius: 18px; padding: 8px 20px; min-height: 20px;
}}
QPushButton:hover {{ background: {HOVER}; }}
QPushButton:pressed {{ background: {PRESSED}; }}
QPushButton:focus {{ {RING} padding: 7px 19px; }}
QPushButton:disabled {{
    background: {SURFACE}; color: {DISABLED_TEXT}; border: 1px solid {DISABLED_BORDER};
}}

QPushButton[role="primary"] {{
    background: {ACCENT}; color: {ACCENT_TEXT}; border: 1px solid {ACCENT};
}}
QPushButton[role="primary"]:hover {{ background: {ACCENT_HOVER}; border-color: {ACCENT_HOVER}; }}
QPushButton[role="primary"]:pressed {{
    background: {ACCENT_PRESSED}; border-color: {ACCENT_PRESSED};
}}
QPushButton[role="primary"]:focus {{ {FILLED_RING} padding: 4px 16px; }}
QPushButton[role="primary"]:disabled {{
    background: {DISABLED_FILL}; color: {DISABLED_TEXT}; border: 1px solid {DISABLED_FILL};
    padding: 8px 20px;
}}

QPushButton[role="quiet"] {{
    background: transparent; color: {ACCENT}; border: 1px solid transparent;
}}
QPushButton[role="quiet"]:hover {{ background: {HOVER}; }}
QPushButton[role="quiet"]:pressed {{ background: {PRESSED}; }}
QPushButton[role="quiet"]:checked {{
    background: {SOFT_ACCENT}; color: {TEXT}; border: 1px solid {CONTROL_BORDER};
}}
QPushButton[role="quiet"]:focus {{ {RING} padding: 7px 19px; }}
QPushButton[role="quiet"]:disabled {{
    background: transparent; color: {DISABLED_TEXT}; border: 1px solid transparent;
}}

QPushButton[role="nav"] {{
    background: transparent; color: {TEXT}; border: 1px solid transparent;
}}
QPushButton[role="nav"]:hover {{ background: {HOVER}; }}
QPushButton[role="nav"]:pressed {{ background: {PRESSED}; }}
QPushButton[role="nav"]:checked {{
    background: {ACCENT}; color: {ACCENT_TEXT}; border-color: {ACCENT};
}}
QPushButton[role="nav"]:checked:hover {{
    background: {ACCENT_HOVER}; border-color: {ACCENT_HOVER};
}}
QPushButton[role="nav"]:focus {{ {RING} padding: 7px 19px; }}
QPushButton[role="nav"]:checked:focus {{ {FILLED_RING} padding: 4px 16px; }}

QPushButton[role="chip"], QPushButton[density="compact"] {{
    border-radius: 14px; padding: 4px 14px; min-height: 18px;
}}
QPushButton[role="chip"] {{ padding: 4px 10px; }}
QPushButton[density="compact"]:focus {{ {RING} padding: 3px 13px; }}
QPushButton[role="chip"]:focus {{ {RING} padding: 3px 9px; }}
QPushButton[role="chip"]:checked {{
    background: {ACCENT}; color: {ACCENT_TEXT}; border-color: {ACCENT};
}}
QPushButton[role="chip"]:checked:hover {{
    background: {ACCENT_HOVER}; border-color: {ACCENT_HOVER};
}}
QPushButton[role="chip"]:checked:focus {{ {FILLED_RING} padding: 0px 6px; }}

QPushButton[role="ground"] {{
    background: {GROUND_SOFT}; color: {GROUND}; border: 1px solid {GROUND_BORDER};
}}
QPushButton[role="ground"]:hover {{ background: {GROUND_HOVER}; }}
QPushButton[role="ground"]:pressed {{ background: {GROUND_HOVER}; }}
QPushButton[role="ground"]:focus {{ {RING} padding: 7px 19px; }}

QComboBox {{
    background: {SURFACE}; color: {TEXT}; border: 1px solid {CONTROL_BORDER};
    border-radius: 8px; padding: 6px 12px; min-height: 20px; combobox-popup: 0;
}}
QComboBox:hover {{ background: {HOVER}; }}
QComboBox:focus {{ {RING} padding: 5px 11px; }}
QComboBox:disabled {{ color: {DISABLED_TEXT}; border-color: {DISABLED_BORDER}; }}
QComboBox::drop-down {{
    subcontrol-origin: padding; subcontrol-position: center right; width: 22px; border: none;
}}
QComboBox::down-arrow {{ image: url({CHEVRON_DOWN}); width: 12px; height: 8px; }}
QComboBox::down-arrow:disabled {{ image: none; }}
QComboBox QAbstractItemView {{
    background: {SURFACE}; border: 1px solid {CONTROL_BORDER}; border-radius: 8px;
    padding: 4px;
}}
QComboBox QAbstractItemView::item {{ padding: 6px 10px; min-height: 20px; border-radius: 6px; }}
QComboBox QAbstractItemView::item:selected {{ background: {ACCENT}; color: {ACCENT_TEXT}; }}

QPlainTextEdit, QTextEdit, QLineEdit {{
    background: {SURFACE}; color: {TEXT}; border: 1px solid {CONTROL_BORDER};
    border-radius: 8px; padding: 6px; placeholder-text-color: {PLACEHOLDER};
    selection-background-color: {SOFT_ACCENT}; selection-color: {TEXT};
}}
QPlainTextEdit:focus, QTextEdit:focus, QLineEdit:focus {{ {RING} padding: 5px; }}
QPlainTextEdit:disabled, QTextEdit:disabled, QLineEdit:disabled {{
    color: {DISABLED_TEXT}; border-color: {DISABLED_BORDER};
}}

QTableView, QListView {{
    background: {SURFACE}; color: {TEXT}; border: 1px solid {BORDER}; border-radius: 8px;
    padding: 6px; alternate-background-color: {BACKGROUND};
    selection-background-color: {ACCENT}; selection-color: {ACCENT_TEXT};
}}
QTableView:focus, QListView:focus {{ {RING} padding: 5px; }}
QTableView::item, QListView::item {{ padding: 6px 10px; border: none; }}
QTableView::item:selected, QListView::item:selected {{
    background: {ACCENT}; color: {ACCENT_TEXT};
}}
QComboBox QAbstractItemView:focus {{ border: 1px solid {CONTROL_BORDER}; padding: 4px; }}
QAbstractScrollArea:focus {{ {RING} }}
QHeaderView::section {{
    background: {SURFACE}; color: {MUTED}; border: none; border-bottom: 1px solid {BORDER};
    padding: 8px 6px;
}}

QCheckBox, QRadioButton {{
    color: {TEXT}; spacing: 10px; padding: 4px 8px; border: {FOCUS_WIDTH}px solid transparent;
    border-radius: 8px;
}}
QCheckBox:focus, QRadioButton:focus {{ {RING} }}
QCheckBox:disabled, QRadioButton:disabled {{ color: {DISABLED_TEXT}; }}
QCheckBox::indicator, QRadioButton::indicator {{
    width: 16px; height: 16px; background: {SURFACE}; border: 2px solid {CONTROL_BORDER};
}}
QCheckBox::indicator {{ border-radius: 4px; }}
QRadioButton::indicator {{ border-radius: 10px; }}
QCheckBox::indicator:checked, QRadioButton::indicator:checked {{
    background: {ACCENT}; border: 2px solid {ACCENT}; padding: 2px; background-clip: content;
}}
QCheckBox::indicator:disabled, QRadioButton::indicator:disabled {{
    border-color: {DISABLED_BORDER};
}}

QProgressBar {{
    background: {DISABLED_FILL}; border: none; border-radius: 3px; max-height: 6px;
    min-height: 6px;
}}
QProgressBar::chunk {{ background: {ACCENT}; border-radius: 3px; }}

QSlider:horizontal {{
    min-height: 28px; background: transparent; border: {FOCUS_WIDTH}px solid transparent;
    border-radius: 8px; padding: 0 6px;
}}
QSlider:focus {{ {RING} }}
QSlider::groove:horizontal {{ height: 6px; background: {TRACK}; border-radius: 3px; }}
QSlider::sub-page:horizontal {{ background: {ACCENT}; border-radius: 3px; }}
QSlider::handle:horizontal {{
    background: {SURFACE}; border: 2px solid {ACCENT}; width: 16px; margin: -7px 0;
    border-radius: 10px;
}}
QSlider::groove:horizontal:disabled {{ background: {DISABLED_TRACK}; }}
QSlider::sub-page:horizontal:disabled {{ background: {DISABLED_TRACK}; }}
QSlider::handle:horizontal:disabled {{ border-color: {DISABLED_TRACK}; }}

QScrollBar:vertical {{ background: transparent; width: 10px; }}
QScrollBar::handle:vertical {{ background: {TRACK}; border-radius: 5px; min-height: 30px; }}
QScrollBar::add-line, QScrollBar::sub-line {{ height: 0; }}
"""


def apply_theme(app: QApplication) -> None:
    """Give the whole application the calm palette, type and style sheet."""
    app.setStyle("Fusion")
    palette = app.palette()
    for role, colour in (
        (QPalette.ColorRole.Window, BACKGROUND),
        (QPalette.ColorRole.Base, SURFACE),
        (QPalette.ColorRole.AlternateBase, BACKGROUND),
        (QPalette.ColorRole.Text, TEXT),
        (QPalette.ColorRole.WindowText, TEXT),
        (QPalette.ColorRole.ButtonText, TEXT),
        (QPalette.ColorRole.Button, SURFACE),
        (QPalette.ColorRole.Highlight, ACCENT),
        (QPalette.ColorRole.HighlightedText, ACCENT_TEXT),
        (QPalette.ColorRole.PlaceholderText, PLACEHOLDER),
        (QPalette.ColorRole.ToolTipBase, SURFACE),
        (QPalette.ColorRole.ToolTipText, TEXT),
    ):
        palette.setColor(role, QColor(colour))
    for role, colour in (
        (QPalette.ColorRole.Text, DISABLED_TEXT),
        (QPalette.ColorRole.WindowText, DISABLED_TEXT),
        (QPalette.ColorRole.ButtonText, DISABLED_TEXT),
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(colour))
    app.setPalette(palette)
    font = QFont(app.font())
    font.setPointSizeF(max(font.pointSizeF(), 11.5))
    app.setFont(font)
    app.setStyleSheet(STYLE_SHEET)


def set_role(widget: QWidget, role: str | None, *, compact: bool | None = None) -> None:
    """Give ``widget`` the look of ``role`` ("primary", "quiet", "" or None for the outlined
    default) and, when ``compact`` is given, the compact density; restyled only on a change.
    """
    density = None if compact is None else ("compact" if compact else "")
    same_density = density is None or widget.property("density") == density
    if widget.property("role") == role and same_density:
        return
    widget.setProperty("role", role)
    if density is not None:
        widget.setProperty("density", density)
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    widget.update()
