"""The calm look: warm, low-contrast colours, generous spacing, readable type."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

BACKGROUND = "#F2EEE7"
SURFACE = "#FAF8F4"
TEXT = "#2F3B40"
MUTED = "#5F6D71"
ACCENT = "#4E7A78"
ACCENT_HOVER = "#5A8886"
ACCENT_TEXT = "#F7F5F0"
BORDER = "#DCD4C8"
SOFT_ACCENT = "#DCE7E4"
GROUND = "#8C5B4A"
GROUND_SOFT = "#F3E3DA"
NOTICE = "#F1E6CF"

# A calm chevron for drop-down lists (Qt style sheets draw no arrow once a combo box is styled).
CHEVRON_DOWN = (Path(__file__).parent / "chevron-down.svg").as_posix()

SPACING = 16
HEADER_HEIGHT = 58
PAGE_MARGIN = 32

STYLE_SHEET = f"""
QWidget {{ color: {TEXT}; }}
QMainWindow, QStackedWidget, QScrollArea, QScrollArea > QWidget > QWidget {{
    background: {BACKGROUND};
}}
QLabel[role="title"] {{ font-size: 22pt; font-weight: 300; }}
QLabel[role="heading"] {{ font-size: 15pt; font-weight: 400; }}
QLabel[role="muted"] {{ color: {MUTED}; }}
QLabel[role="large"] {{ font-size: 17pt; font-weight: 300; }}
QLabel[role="wordmark"] {{ font-size: 15pt; font-weight: 300; color: {ACCENT}; }}
QLabel[role="notice"] {{
    background: {NOTICE}; border-radius: 8px; padding: 10px 14px;
}}
QFrame[role="card"] {{
    background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 12px;
}}
QFrame[role="header"] {{ background: {SURFACE}; border-bottom: 1px solid {BORDER}; }}
QPushButton {{
    background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 18px;
    padding: 8px 20px; min-height: 20px;
}}
QPushButton:hover {{ border-color: {ACCENT}; }}
QPushButton:focus {{ border: 2px solid {ACCENT}; }}
QPushButton:disabled {{ color: #A8ADA8; border-color: #E4DED4; }}
QPushButton[role="primary"] {{
    background: {ACCENT}; color: {ACCENT_TEXT}; border: 1px solid {ACCENT};
}}
QPushButton[role="primary"]:hover {{ background: {ACCENT_HOVER}; }}
QPushButton[role="primary"]:focus {{ border: 2px solid {TEXT}; }}
QPushButton[role="primary"]:disabled {{ background: #B9C9C6; border-color: #B9C9C6; }}
QPushButton[role="ground"] {{
    background: {GROUND_SOFT}; color: {GROUND}; border: 1px solid #E2C6B8;
}}
QPushButton[role="ground"]:focus {{ border: 2px solid {GROUND}; }}
QPushButton[role="quiet"] {{
    background: transparent; border: 1px solid transparent; color: {MUTED};
}}
QPushButton[role="quiet"]:hover {{ color: {TEXT}; border-color: {BORDER}; }}
QPushButton[role="quiet"]:focus {{ border: 2px solid {ACCENT}; }}
QPushButton[role="quiet"]:checked {{ color: {ACCENT}; background: {SOFT_ACCENT}; }}
QPushButton[role="nav"] {{ background: transparent; border: 1px solid transparent; }}
QPushButton[role="nav"]:checked {{ background: {SOFT_ACCENT}; color: {ACCENT}; }}
QPushButton[role="nav"]:focus {{ border: 2px solid {ACCENT}; }}
QPushButton[role="chip"] {{ border-radius: 14px; padding: 4px 14px; min-height: 18px; }}
QPushButton[density="compact"] {{ border-radius: 14px; padding: 4px 14px; min-height: 18px; }}
QPushButton[role="chip"]:checked {{
    background: {SOFT_ACCENT}; border-color: {ACCENT}; color: {ACCENT};
}}
QComboBox {{
    background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 8px;
    padding: 6px 12px; min-height: 20px; combobox-popup: 0;
}}
QComboBox:hover {{ border-color: {ACCENT}; }}
QComboBox:focus {{ border: 2px solid {ACCENT}; padding: 5px 11px; }}
QComboBox:disabled {{ color: #A8ADA8; border-color: #E4DED4; }}
QComboBox::drop-down {{
    subcontrol-origin: padding; subcontrol-position: center right; width: 22px; border: none;
}}
QComboBox::down-arrow {{ image: url({CHEVRON_DOWN}); width: 12px; height: 8px; }}
QComboBox::down-arrow:disabled {{ image: none; }}
QComboBox QAbstractItemView {{
    background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 8px; padding: 4px;
    outline: 0;
}}
QComboBox QAbstractItemView::item {{ padding: 6px 10px; min-height: 20px; border-radius: 6px; }}
QComboBox QAbstractItemView::item:selected {{ background: {SOFT_ACCENT}; color: {TEXT}; }}
QPlainTextEdit, QTableView {{
    background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 8px; padding: 6px;
    selection-background-color: {SOFT_ACCENT}; selection-color: {TEXT};
}}
QPlainTextEdit:focus {{ border: 2px solid {ACCENT}; }}
QTableView::item {{ padding: 6px 10px; }}
QHeaderView::section {{
    background: {SURFACE}; color: {MUTED}; border: none; border-bottom: 1px solid {BORDER};
    padding: 8px 6px;
}}
QProgressBar {{
    background: #E4DED4; border: none; border-radius: 3px; max-height: 6px; min-height: 6px;
}}
QProgressBar::chunk {{ background: {ACCENT}; border-radius: 3px; }}
QSlider:horizontal {{ min-height: 28px; background: transparent; }}
QSlider::groove:horizontal {{ height: 6px; background: #E4DED4; border-radius: 3px; }}
QSlider::sub-page:horizontal {{ background: {ACCENT}; border-radius: 3px; }}
QSlider::handle:horizontal {{
    background: {SURFACE}; border: 2px solid {ACCENT}; width: 16px; margin: -7px 0;
    border-radius: 10px;
}}
QSlider::handle:horizontal:focus {{ background: {ACCENT}; }}
QSlider::sub-page:horizontal:disabled {{ background: #C9D3D0; }}
QSlider::handle:horizontal:disabled {{ border-color: #C9D3D0; }}
QScrollBar:vertical {{ background: transparent; width: 10px; }}
QScrollBar::handle:vertical {{ background: {BORDER}; border-radius: 5px; min-height: 30px; }}
QScrollBar::add-line, QScrollBar::sub-line {{ height: 0; }}
"""


def apply_theme(app: QApplication) -> None:
    """Give the whole application the calm palette, type and style sheet."""
    app.setStyle("Fusion")
    palette = app.palette()
    for role, colour in (
        (QPalette.ColorRole.Window, BACKGROUND),
        (QPalette.ColorRole.Base, SURFACE),
        (QPalette.ColorRole.AlternateBase, "#F5F1EA"),
        (QPalette.ColorRole.Text, TEXT),
        (QPalette.ColorRole.WindowText, TEXT),
        (QPalette.ColorRole.ButtonText, TEXT),
        (QPalette.ColorRole.Button, SURFACE),
        (QPalette.ColorRole.Highlight, SOFT_ACCENT),
        (QPalette.ColorRole.HighlightedText, TEXT),
        (QPalette.ColorRole.PlaceholderText, MUTED),
    ):
        palette.setColor(role, QColor(colour))
    app.setPalette(palette)
    font = QFont(app.font())
    font.setPointSizeF(max(font.pointSizeF(), 11.5))
    app.setFont(font)
    app.setStyleSheet(STYLE_SHEET)
