"""UI tests share one themed QApplication (pytest-qt's), like the real app."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from mtcalm.ui.keys import install_key_behaviour
from mtcalm.ui.theme import apply_theme


@pytest.fixture(autouse=True)
def themed_app(qapp: QApplication) -> QApplication:
    apply_theme(qapp)
    install_key_behaviour(qapp)  # as the app does
    return qapp


@pytest.fixture(autouse=True)
def short_fades(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sessions fade in and out over a fraction of a second, so tests do not wait for them."""
    from mtcalm.session import flow as session_flow

    monkeypatch.setattr(session_flow, "FADE_IN_SECONDS", 0.2)
    monkeypatch.setattr(session_flow, "FADE_OUT_SECONDS", 0.3)
