"""Contrast (WCAG 2.2 AA) and the one focus ring, computed from the theme itself.

The named pairs in the theme are checked, and so is the style sheet as written: every text
colour against the background it is drawn on, in every state a button can be in (hover on a
selected chip, focus on a primary button...), so a later colour change cannot break them quietly.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFrame,
    QPlainTextEdit,
    QPushButton,
    QSlider,
    QTableView,
    QVBoxLayout,
)

from mtcalm.ui import theme
from mtcalm.ui.rating_scale import RatingScale, WordScale

# -- WCAG arithmetic, written out here rather than taken from the code under test ---------------


def channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    rgb = QColor(colour)
    assert rgb.isValid(), colour
    r, g, b = (channel(v) for v in (rgb.red(), rgb.green(), rgb.blue()))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str, second: str) -> float:
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_arithmetic_is_wcag_s():
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)


# -- the theme's own list ------------------------------------------------------------------------


def test_each_named_pair_meets_its_minimum():
    failures = []
    for pair in theme.CONTRAST_PAIRS:
        ratio = contrast(pair.foreground, pair.background)
        if ratio < pair.minimum:
            failures.append(
                f"{pair.what}: {pair.foreground} on {pair.background} is {ratio:.2f}:1,"
                f" needs {pair.minimum}:1"
            )
    assert not failures, "\n".join(failures)
    assert len(theme.CONTRAST_PAIRS) > 40


def test_a_selected_state_stands_out_more_than_an_unselected_one():
    for state in theme.SELECTED_STATES:
        selected = contrast(state.selected, state.surface)
        unselected = 1.0 if state.unselected is None else contrast(state.unselected, state.surface)
        assert selected >= theme.NON_TEXT_MINIMUM, state.what
        assert selected > unselected, f"{state.what}: selected {selected:.2f} ≤ {unselected:.2f}"


def test_the_focus_ring_shows_on_every_surface():
    for surface in (*theme.LIGHT_SURFACES, theme.PRESSED):
        assert contrast(theme.FOCUS, surface) >= theme.NON_TEXT_MINIMUM, surface
    # On the accent fill the ring is double, with the surface showing between ring and fill.
    for surface in theme.SURFACES:
        assert contrast(surface, theme.ACCENT) >= theme.NON_TEXT_MINIMUM


# -- reading the style sheet ----------------------------------------------------------------------

SIMPLE = re.compile(
    r"^(?P<type>\*|[A-Za-z]+)(?P<attrs>(?:\[[a-z-]+=\"[a-z-]+\"\])*)(?P<states>(?::!?[a-z-]+)*)$"
)
HEX = re.compile(r"#[0-9A-Fa-f]{6}\b")
BORDER_STYLES = {
    "none",
    "solid",
    "double",
    "dashed",
    "dotted",
    "groove",
    "ridge",
    "inset",
    "outset",
}


@dataclass
class Rule:
    selector: str
    declarations: dict[str, str]
    order: int


def rules() -> list[Rule]:
    found = []
    for order, match in enumerate(re.finditer(r"([^{}]+)\{([^{}]*)\}", theme.STYLE_SHEET)):
        declarations = {}
        for part in match.group(2).split(";"):
            if ":" in part:
                name, value = part.split(":", 1)
                declarations[name.strip()] = value.strip()
        for selector in match.group(1).split(","):
            found.append(Rule(selector.strip(), declarations, order))
    return found


@dataclass(frozen=True)
class Widget:
    """A widget as a selector sees it: its class and base classes, properties, states."""

    types: tuple[str, ...]
    attrs: tuple[tuple[str, str], ...] = ()
    states: frozenset[str] = field(default_factory=frozenset)

    def matches(self, selector: str) -> tuple[int, int] | None:
        """The selector's specificity if it applies to this widget, else None."""
        simple = SIMPLE.match(selector)
        if simple is None:
            return None  # descendant or sub-control selectors: not about the widget itself
        kind = simple["type"]
        if kind != "*" and kind not in self.types:
            return None
        attrs = re.findall(r"\[([a-z-]+)=\"([a-z-]+)\"\]", simple["attrs"])
        if any(attr not in self.attrs for attr in attrs):
            return None
        states = re.findall(r":(!?)([a-z-]+)", simple["states"])
        for negated, state in states:
            if (state in self.states) == bool(negated):
                return None
        return len(attrs) + len(states), 0 if kind == "*" else 1


def expand(name: str, value: str) -> dict[str, str]:
    """Long-hand properties for the short-hands the theme uses."""
    if name in ("background", "background-color"):
        return {"background": value}
    if name == "border":
        out = {"border-width": "0px", "border-style": "none", "border-color": ""}
        for token in value.split():
            if token.endswith("px") or token == "0":
                out["border-width"] = token
            elif token in BORDER_STYLES:
                out["border-style"] = token
            else:
                out["border-color"] = token
        return out
    return {name: value}


def cascade(widget: Widget) -> dict[str, str]:
    """What the style sheet gives ``widget``, in CSS order: specificity, then position."""
    matching = []
    for rule in rules():
        specificity = widget.matches(rule.selector)
        if specificity is not None:
            matching.append((specificity, rule.order, rule))
    style: dict[str, str] = {}
    for _, _, rule in sorted(matching, key=lambda item: (item[0], item[1])):
        for name, value in rule.declarations.items():
            style.update(expand(name, value))
    return style


def backgrounds_under(style: dict[str, str]) -> tuple[str, ...]:
    """The colour text is drawn on: the widget's own fill, or any surface it may sit on."""
    fill = style.get("background", "transparent")
    return (fill,) if HEX.fullmatch(fill) else theme.SURFACES


def is_large(style: dict[str, str]) -> bool:
    size = float(style.get("font-size", "0pt").removesuffix("pt") or 0)
    weight = int(style.get("font-weight", "400"))
    return size >= 18 or (size >= 14 and weight >= 700)


def pixels(value: str) -> list[int]:
    return [int(token.removesuffix("px")) for token in value.split()]


PUSH_BUTTON = ("QPushButton", "QAbstractButton", "QWidget")
BUTTON_KINDS = {
    "secondary (default)": (),
    "primary": (("role", "primary"),),
    "tertiary (quiet)": (("role", "quiet"),),
    "header tab (nav)": (("role", "nav"),),
    "chip": (("role", "chip"),),
    "compact": (("density", "compact"),),
    "Stop and ground": (("role", "ground"),),
}
OTHER_KINDS = {
    "QComboBox": ("QComboBox", "QWidget"),
    "QPlainTextEdit": ("QPlainTextEdit", "QAbstractScrollArea", "QFrame", "QWidget"),
    "QTextEdit": ("QTextEdit", "QAbstractScrollArea", "QFrame", "QWidget"),
    "QLineEdit": ("QLineEdit", "QWidget"),
    "QTableView": ("QTableView", "QAbstractItemView", "QAbstractScrollArea", "QFrame", "QWidget"),
    "QListView": ("QListView", "QAbstractItemView", "QAbstractScrollArea", "QFrame", "QWidget"),
    "QCheckBox": ("QCheckBox", "QAbstractButton", "QWidget"),
    "QRadioButton": ("QRadioButton", "QAbstractButton", "QWidget"),
    "QSlider": ("QSlider", "QAbstractSlider", "QWidget"),
    "QScrollArea": ("QScrollArea", "QAbstractScrollArea", "QFrame", "QWidget"),
}


def button_states() -> Iterator[frozenset[str]]:
    """Every state a push button can be in that a person can meet."""
    for checked, disabled in itertools.product((False, True), repeat=2):
        base = {"checked"} if checked else set()
        if disabled:
            yield frozenset(base | {"disabled"})
            continue
        for extra in ((), ("hover",), ("hover", "pressed"), ("focus",), ("focus", "hover")):
            yield frozenset(base | set(extra))


ALL_BUTTONS = [
    (f"{kind}:{'+'.join(sorted(states)) or 'normal'}", Widget(PUSH_BUTTON, attrs, states))
    for kind, attrs in BUTTON_KINDS.items()
    for states in button_states()
]


def test_the_sheet_is_read_whole():
    """The little reader above understands every rule (a typo would hide one from the tests)."""
    assert len(rules()) > 60
    assert all(rule.declarations for rule in rules())


def test_button_text_contrasts_in_every_state():
    """Every role in every state: hover on a chosen chip, a disabled primary button..."""
    failures = []
    for name, widget in ALL_BUTTONS:
        style = cascade(widget)
        colour = style.get("color", theme.TEXT)
        minimum = theme.DISABLED_MINIMUM if "disabled" in widget.states else theme.TEXT_MINIMUM
        for background in backgrounds_under(style):
            ratio = contrast(colour, background)
            if ratio < minimum:
                failures.append(f"{name}: {colour} on {background} is {ratio:.2f}:1")
    assert not failures, "\n".join(failures)


def own_style(rule: Rule) -> dict[str, str]:
    """What ``rule`` gives its widget, on top of what the rest of the sheet gives it there."""
    style: dict[str, str] = {}
    simple = SIMPLE.match(rule.selector)
    if simple is not None:
        states = frozenset(re.findall(r":([a-z-]+)", simple["states"]))
        attrs = tuple(re.findall(r"\[([a-z-]+)=\"([a-z-]+)\"\]", simple["attrs"]))
        style = cascade(Widget((simple["type"], "QWidget"), attrs, states))
    for name, value in rule.declarations.items():
        style.update(expand(name, value))
    return style


def holds_text(rule: Rule) -> bool:
    """Whether the widget or sub-control ``rule`` paints has text (a groove has none)."""
    if rule.selector.startswith(("QSlider", "QScrollBar", "QProgressBar")):
        return False
    return "::" not in rule.selector or any(
        part in rule.selector for part in ("::item", "::section")
    )


def test_every_text_colour_in_the_sheet_contrasts_with_what_it_sits_on():
    """Each ``color``, ``selection-color`` and ``placeholder-text-color``, and the inherited
    text colour on each fill the sheet sets, against the background it is drawn on.
    """
    checked = 0
    for rule in rules():
        style = own_style(rule)
        texts: list[tuple[str, str]] = [
            (name, rule.declarations[name])
            for name in ("color", "placeholder-text-color")
            if name in rule.declarations
        ]
        if (
            not texts
            and HEX.fullmatch(rule.declarations.get("background", ""))
            and holds_text(rule)
        ):
            texts = [("color (inherited)", style.get("color", theme.TEXT))]
        under = backgrounds_under(style)
        if "selection-color" in rule.declarations:
            texts.append(("selection-color", rule.declarations["selection-color"]))
        disabled = ":disabled" in rule.selector
        for name, colour in texts:
            minimum = (
                theme.DISABLED_MINIMUM
                if disabled
                else theme.LARGE_TEXT_MINIMUM
                if is_large(style)
                else theme.TEXT_MINIMUM
            )
            on = (
                (rule.declarations["selection-background-color"],)
                if name == "selection-color"
                else under
            )
            for background in on:
                ratio = contrast(colour, background)
                assert ratio >= minimum, (
                    f"{rule.selector} {{ {name}: {colour} }} on {background}: {ratio:.2f}:1"
                )
                checked += 1
    assert checked > 30


def test_the_edges_a_person_must_see_are_3_to_1():
    """Outlined buttons, fields, lists' drop-downs, grooves and check boxes."""
    edges = {
        "QPushButton": ("border", Widget(PUSH_BUTTON)),
        "QComboBox": ("border", Widget(OTHER_KINDS["QComboBox"])),
        "QPlainTextEdit": ("border", Widget(OTHER_KINDS["QPlainTextEdit"])),
        "QLineEdit": ("border", Widget(OTHER_KINDS["QLineEdit"])),
        "ground": ("border", Widget(PUSH_BUTTON, (("role", "ground"),))),
    }
    for what, (_, widget) in edges.items():
        colour = cascade(widget)["border-color"]
        for surface in theme.SURFACES:
            assert contrast(colour, surface) >= theme.NON_TEXT_MINIMUM, (what, surface)
    groove = next(r for r in rules() if r.selector == "QSlider::groove:horizontal")
    indicator = next(r for r in rules() if r.selector == "QCheckBox::indicator")
    for colour in (groove.declarations["background"], indicator.declarations["border"].split()[-1]):
        for surface in theme.SURFACES:
            assert contrast(colour, surface) >= theme.NON_TEXT_MINIMUM, (colour, surface)


# -- the one focus ring ---------------------------------------------------------------------------


def ring_problem(style: dict[str, str]) -> str | None:
    """What is wrong with the focus ring ``style`` gives, if anything."""
    if style.get("border-color") != theme.FOCUS:
        return f"ring colour {style.get('border-color')!r}, not the focus colour"
    width = pixels(style["border-width"])[0]
    if style.get("border-style") == "double":
        if width < 5:
            return "a double ring needs 5px: a 2px ring, a 2px gap, a 1px line"
        if style.get("background-clip") != "padding":
            return "the gap of a double ring must show the surface (background-clip: padding)"
        return None
    if style.get("border-style") != "solid" or width < theme.FOCUS_WIDTH:
        return f"a {width}px {style.get('border-style')} ring"
    fill = style.get("background", "transparent")
    if HEX.fullmatch(fill) and contrast(theme.FOCUS, fill) < theme.NON_TEXT_MINIMUM:
        return f"a ring right on a {fill} fill must be double, with a gap"
    return None


def box(style: dict[str, str]) -> tuple[int, int]:
    """Border plus padding, vertically and horizontally."""
    border = pixels(style["border-width"])[0]
    padding = pixels(style["padding"])
    return border + padding[0], border + padding[-1]


def test_buttons_show_the_ring_on_focus_and_only_then():
    failures = []
    for name, widget in ALL_BUTTONS:
        style = cascade(widget)
        if "focus" in widget.states:
            problem = ring_problem(style)
            if problem:
                failures.append(f"{name}: {problem}")
        elif style.get("border-color") == theme.FOCUS:
            failures.append(f"{name}: looks focused without focus")
    assert not failures, "\n".join(failures)


def test_focus_moves_nothing():
    """Border and padding add up the same with and without focus: the text never shifts."""
    failures = []
    for name, widget in ALL_BUTTONS:
        if "focus" in widget.states:
            plain = Widget(widget.types, widget.attrs, widget.states - {"focus"})
            if box(cascade(widget)) != box(cascade(plain)):
                failures.append(f"{name}: {box(cascade(widget))} ≠ {box(cascade(plain))}")
    assert not failures, "\n".join(failures)


def test_every_other_control_kind_shows_the_same_ring():
    for kind, types in OTHER_KINDS.items():
        assert ring_problem(cascade(Widget(types, (), frozenset({"focus"})))) is None, kind
        assert cascade(Widget(types)).get("border-color") != theme.FOCUS, kind


def test_no_other_focus_signs():
    """No Fusion focus rectangles (the dotted box), no grey cell frames in tables."""
    universal = [r for r in rules() if r.selector == "*"]
    assert any(r.declarations.get("outline") in ("none", "0") for r in universal)
    assert "dashed" not in theme.STYLE_SHEET and "dotted" not in theme.STYLE_SHEET
    for rule in rules():
        colour = rule.declarations.get("border-color", "") + rule.declarations.get("border", "")
        if theme.FOCUS in colour:
            assert ":focus" in rule.selector, f"{rule.selector} uses the focus colour"


# -- the palette ----------------------------------------------------------------------------------


def test_palette_text_roles_contrast(themed_app: QApplication):
    palette = themed_app.palette()
    role = QPalette.ColorRole
    for foreground, background in (
        (role.Text, role.Base),
        (role.WindowText, role.Window),
        (role.ButtonText, role.Button),
        (role.HighlightedText, role.Highlight),
        (role.PlaceholderText, role.Base),
        (role.ToolTipText, role.ToolTipBase),
    ):
        ratio = contrast(palette.color(foreground).name(), palette.color(background).name())
        assert ratio >= theme.TEXT_MINIMUM, (foreground, background, ratio)


def test_placeholder_is_drawn_solid_at_4_5_to_1(qtbot):
    """A style sheet ``color`` makes Qt draw placeholders at half opacity unless told not to."""
    field = QPlainTextEdit()
    field.setPlaceholderText("Anything you want to remember")
    qtbot.addWidget(field)
    field.show()
    colour = field.palette().color(QPalette.ColorRole.PlaceholderText)
    assert colour.alpha() == 255
    assert contrast(colour.name(), theme.SURFACE) >= theme.TEXT_MINIMUM


# -- rendered: the ring is there, solid, in the focus colour --------------------------------------


def near(colour: QColor, hex_colour: str, tolerance: int = 40) -> bool:
    target = QColor(hex_colour)
    return (
        abs(colour.red() - target.red())
        + abs(colour.green() - target.green())
        + abs(colour.blue() - target.blue())
        <= tolerance
    )


def focused_image(qtbot, widget, size=(240, 60)) -> tuple[QFrame, QImage, QImage]:
    """The widget on a card (kept by the caller), its image unfocused, then focused."""
    card = QFrame()
    card.setProperty("role", "card")
    layout = QVBoxLayout(card)
    layout.setContentsMargins(12, 12, 12, 12)
    layout.addWidget(widget)
    other = QPushButton("other")
    layout.addWidget(other)
    qtbot.addWidget(card)
    card.resize(*size)
    card.show()
    qtbot.waitExposed(card)
    other.setFocus()
    qtbot.waitUntil(other.hasFocus)
    plain = widget.grab().toImage()
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(widget.hasFocus)
    return card, plain, widget.grab().toImage()


def solid_run(image: QImage, y: int, start: int, end: int, colour: str) -> bool:
    """Every pixel of row ``y`` from ``start`` to ``end`` is close to ``colour``: no dashes."""
    return all(near(image.pixelColor(x, y), colour) for x in range(start, end))


def count_near(image: QImage, colour: str) -> int:
    return sum(
        near(image.pixelColor(x, y), colour, 12)
        for x in range(image.width())
        for y in range(image.height())
    )


def top_edge_row(image: QImage, colour: str) -> int:
    """The first row (from the top, mid-width) in the ring's colour."""
    middle = image.width() // 2
    for y in range(6):
        if near(image.pixelColor(middle, y), colour):
            return y
    raise AssertionError(f"no {colour} near the top edge")


@pytest.mark.parametrize("checked", [False, True], ids=["chip", "chosen chip"])
def test_a_focused_chip_has_one_solid_ring(qtbot, checked: bool):
    chip = QPushButton("calm")
    chip.setProperty("role", "chip")
    chip.setCheckable(True)
    chip.setChecked(checked)
    _card, plain, focused = focused_image(qtbot, chip)
    assert count_near(plain, theme.FOCUS) == 0, "no ring without focus"
    assert count_near(focused, theme.FOCUS) > 2 * focused.width()
    y = top_edge_row(focused, theme.FOCUS)
    width = focused.width()
    assert solid_run(focused, y, width // 4, 3 * width // 4, theme.FOCUS), "a solid ring"
    if checked:  # the surface shows between the ring and the fill
        gap = [focused.pixelColor(width // 2, y + dy) for dy in range(2, 5)]
        assert any(near(colour, theme.SURFACE) for colour in gap)


def test_a_focused_slider_has_the_ring_around_it(qtbot):
    slider = QSlider(Qt.Orientation.Horizontal)
    slider.setValue(40)
    _card, plain, focused = focused_image(qtbot, slider)
    assert count_near(plain, theme.FOCUS) == 0
    y = top_edge_row(focused, theme.FOCUS)
    assert solid_run(focused, y, 12, focused.width() - 12, theme.FOCUS)


@pytest.mark.parametrize("kind", ["numbers", "words"])
def test_a_focused_rating_scale_has_the_ring_and_a_visible_track(qtbot, kind: str):
    scale = RatingScale(0, 10) if kind == "numbers" else WordScale(0, ("no", "some", "yes"))
    _card, plain, focused = focused_image(qtbot, scale, size=(420, 140))
    assert count_near(plain, theme.FOCUS) == 0
    y = top_edge_row(focused, theme.FOCUS)
    assert solid_run(focused, y, 14, focused.width() - 14, theme.FOCUS)
    if kind == "numbers":  # the unanswered groove: the track colour, 3:1 on the card
        track = plain.pixelColor(plain.width() // 2, 20)
        assert near(track, theme.TRACK, 12)
        assert contrast(track.name(), theme.SURFACE) >= theme.NON_TEXT_MINIMUM
        scale.set_value(10)
        answered = scale.grab().toImage().pixelColor(scale.width() // 2, 20)
        assert near(answered, theme.ACCENT, 12), "an answered scale looks different"


def dict_attrs(button: QPushButton) -> tuple[tuple[str, str], ...]:
    return tuple(
        (name, str(button.property(name)))
        for name in ("role", "density")
        if button.property(name) is not None
    )


def test_qt_draws_what_the_reader_above_works_out(qtbot):
    """The cascade worked out in these tests is Qt's: sample the fill Qt paints."""
    holder = QFrame()
    holder.setProperty("role", "card")
    layout = QVBoxLayout(holder)
    qtbot.addWidget(holder)
    cases = []
    for kind, attrs in BUTTON_KINDS.items():
        choices: tuple[set[str], ...] = (set(), {"hover"}, {"checked"}, {"checked", "hover"})
        for states in (*choices, {"disabled"}):
            button = QPushButton("word")
            for name, value in attrs:
                button.setProperty(name, value)
            button.setCheckable(True)
            button.setChecked("checked" in states)
            button.setEnabled("disabled" not in states)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            layout.addWidget(button)
            cases.append((f"{kind}:{'+'.join(sorted(states))}", button, frozenset(states)))
    holder.show()
    qtbot.waitExposed(holder)
    failures = []
    for name, button, kept in cases:
        if "hover" in kept:
            qtbot.mouseMove(button, button.rect().center())
            qtbot.waitUntil(button.underMouse)
        image = button.grab().toImage()
        # (a transparent button shows what is behind it: only fills are compared)
        expected = cascade(Widget(PUSH_BUTTON, dict_attrs(button), kept)).get("background")
        painted = image.pixelColor(16, image.height() // 2)
        if expected and HEX.fullmatch(expected) and not near(painted, expected, 6):
            failures.append(f"{name}: Qt paints {painted.name()}, the reader expects {expected}")
    assert not failures, "\n".join(failures)


def test_a_focused_table_shows_its_row_not_a_cell_frame(qtbot):
    """No grey or dotted frame around the current cell: the selected row is simply filled."""
    table = QTableView()
    model = QStandardItemModel(4, 3, table)
    for row, column in itertools.product(range(4), range(3)):
        model.setItem(row, column, QStandardItem(f"row {row} column {column}"))
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setShowGrid(False)
    qtbot.addWidget(table)
    table.resize(480, 220)
    table.show()
    qtbot.waitExposed(table)
    table.activateWindow()
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    table.setCurrentIndex(model.index(1, 1))
    image = table.viewport().grab().toImage()
    cell = table.visualRect(model.index(1, 1))
    # From the row's top down to the first row of (light) text: nothing but the fill.
    for y in range(cell.top(), cell.bottom()):
        line = [image.pixelColor(x, y) for x in range(cell.left(), cell.right())]
        if any(colour.lightness() > 150 for colour in line):
            break
        odd = {colour.name() for colour in line if not near(colour, theme.ACCENT, 12)}
        assert not odd, f"something drawn around the current cell at y={y}: {odd}"
    else:
        raise AssertionError("no text in the cell")
    assert y > cell.top() + 3, "the text sits inside the row's padding"
