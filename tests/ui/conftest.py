"""UI tests share one themed QApplication (pytest-qt's), like the real app."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from mtcalm.ui.theme import apply_theme


@pytest.fixture(autouse=True)
def themed_app(qapp: QApplication) -> QApplication:
    apply_theme(qapp)
    return qapp
