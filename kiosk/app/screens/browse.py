"""首页, a section's groups (按部门 / 按类别 …) and the item list."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from kivy.factory import Factory
from kivy.graphics import Color, Rectangle
from kivy.metrics import dp, sp
from kivy.properties import NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label
from kivy.uix.recycleboxlayout import RecycleBoxLayout
from kivy.uix.recycleview import RecycleView
from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget

from kiosk.app.widgets.basic import Badge, Progress, TapButton, Text
from kiosk.app.widgets.reading import ReadAloud
from kiosk.viewmodels.home import home_reading, tile_text, tiles
from kiosk.viewmodels.nav import Place, Screen
from kiosk.viewmodels.reading import list_reading
from kiosk.viewmodels.sections import section

if TYPE_CHECKING:
    from collections.abc import Sequence

    from kiosk.app.context import Ui
    from kiosk.viewmodels.sections import Row
    from kiosk.viewmodels.theme import RGBA, Theme

__all__ = ["build_groups", "build_home", "build_list", "row_list"]


def build_home(ui: Ui, *, landscape: bool) -> BoxLayout:
    """Seven large tiles and the search entry."""
    theme = ui.theme
    root = BoxLayout(orientation="vertical", padding=dp(theme.padding_dp), spacing=dp(16))
    root.add_widget(
        Text("政务公开 · 便民查询", theme, size=theme.title_sp, bold=True, halign="center")
    )
    root.add_widget(
        TapButton(
            "搜索：输入拼音首字母，如 bdcdj（不动产登记）",
            theme,
            lambda: ui.go(Place(Screen.SEARCH)),
            primary=False,
            name="search",
            height=dp(theme.touch_dp * 1.5),
        )
    )
    root.add_widget(
        TapButton(
            "依申请公开 · 查询办理进度",
            theme,
            lambda: ui.go(Place(Screen.APPLICATIONS)),
            primary=False,
            name="applications",
            height=dp(theme.touch_dp * 1.5),
        )
    )
    library = ui.library
    counts = {t.section: t.count for t in tiles(library)} if library else {}
    root.add_widget(ReadAloud(ui, home_reading(counts)))
    grid = GridLayout(cols=4 if landscape else 2, spacing=dp(16))
    from kiosk.viewmodels.sections import SECTIONS  # noqa: PLC0415 - fixed order

    for entry in SECTIONS:
        label = tile_text(entry.label, entry.key, counts.get(entry.key))
        grid.add_widget(
            TapButton(
                label,
                theme,
                partial(_open_section, ui, entry.key),
                size=theme.heading_sp,
                name=f"tile-{entry.key}",
                size_hint_y=1,
            )
        )
    root.add_widget(grid)
    return root


def _open_section(ui: Ui, key: str) -> None:
    found = section(key)
    if found.facets:
        ui.go(Place(Screen.GROUPS, key, found.facets[0].key))
    else:
        ui.go(Place(Screen.LIST, key))


def build_groups(ui: Ui, place: Place) -> BoxLayout:
    """Facet tabs and the groups of the chosen facet, each with its count."""
    theme, library = ui.theme, ui.library
    found = section(place.section)
    root = BoxLayout(orientation="vertical", padding=dp(theme.padding_dp), spacing=dp(12))
    root.add_widget(Text(found.label, theme, size=theme.heading_sp, bold=True))
    tabs = BoxLayout(size_hint_y=None, height=dp(theme.touch_dp + 8), spacing=dp(12))
    for facet in found.facets:
        chosen = facet.key == place.facet
        tabs.add_widget(
            TapButton(
                ("● " if chosen else "") + facet.label,
                theme,
                partial(ui.go, Place(Screen.GROUPS, place.section, facet.key)),
                primary=chosen,
                name=f"facet-{facet.key}",
            )
        )
    root.add_widget(tabs)
    scroll = ScrollView(
        do_scroll_x=False, bar_width=dp(12), bar_color=theme.line, bar_inactive_color=theme.line
    )
    column = GridLayout(cols=1, spacing=dp(10), size_hint_y=None)
    column.bind(minimum_height=column.setter("height"))
    groups = found.groups(library, place.facet) if library is not None else []
    if not groups:
        root.add_widget(empty_note(ui))
        return root
    if library is not None:
        for group in groups:
            column.add_widget(
                TapButton(
                    f"{group.label}（{group.count}）",
                    theme,
                    partial(ui.go, Place(Screen.LIST, place.section, place.facet, group.key)),
                    primary=False,
                    name=f"group-{group.key}",
                )
            )
    scroll.add_widget(column)
    root.add_widget(scroll)
    return root


class RowView(ButtonBehavior, BoxLayout):  # type: ignore[misc]
    """One list row, recycled by the RecycleView: only about 20 exist at a time."""

    ui: ClassVar[Ui | None] = None
    title = StringProperty("")
    subtitle = StringProperty("")
    badge = StringProperty("")
    badge_kind = StringProperty("")
    item = StringProperty("")
    progress = NumericProperty(-1)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(orientation="horizontal", spacing=dp(10), padding=dp(12), **kwargs)
        ui = RowView.ui
        assert ui is not None  # noqa: S101 - set by row_list before any row exists
        theme = ui.theme
        # Rows are text on the page with a rule below, not filled cards: every
        # row is redrawn on every frame while scrolling, and under software GL
        # a fill the size of the list cost as much as all the text on it.
        with self.canvas.before:
            Color(*theme.line)
            self._rule = Rectangle()
        self.bind(pos=self._place_rule, size=self._place_rule)
        self._text = BoxLayout(orientation="vertical", spacing=dp(4))
        self._title = self._label(theme.body_sp, theme.fg, max_lines=2)
        self._subtitle = self._label(theme.small_sp, theme.muted, max_lines=1, size_hint_y=0.6)
        self._bar = Progress(0, theme, size_hint_y=0.25)  # in the row only for projects
        self.add_widget(self._text)
        self._badge_box = BoxLayout(size_hint_x=None, width=0)
        self.add_widget(self._badge_box)
        self._theme = theme

    def _label(self, size: float, color: RGBA, **kwargs: Any) -> Label:
        # Wrapped to the row's width but only as tall as its lines: the texture
        # (and what is blended each frame) is the text, not the whole box.
        label = Label(
            markup=False,
            font_size=sp(size),
            color=color,
            halign="left",
            shorten=True,
            shorten_from="right",
            **kwargs,
        )
        label.bind(width=lambda lbl, w: setattr(lbl, "text_size", (w, None)))
        self._text.add_widget(label)
        return label

    def _place_rule(self, *_: Any) -> None:
        self._rule.pos = (self.x, self.y - dp(4))
        self._rule.size = (self.width, dp(1.5))

    def on_title(self, _: Any, value: str) -> None:
        """Kivy property hook."""
        self._title.text = value

    def on_subtitle(self, _: Any, value: str) -> None:
        """Kivy property hook."""
        self._subtitle.text = value

    def on_progress(self, _: Any, value: float) -> None:
        """Kivy property hook: a bar only for projects."""
        self._bar.pct = max(0.0, value)
        shown = self._bar.parent is not None
        if value >= 0 and not shown:
            self._text.add_widget(self._bar)
        elif value < 0 and shown:
            self._text.remove_widget(self._bar)
        self._bar._redraw()  # noqa: SLF001 - same package

    def on_badge(self, _: Any, value: str) -> None:
        """Kivy property hook."""
        self._badge_box.clear_widgets()
        # Only a row with a badge gives up width for it: the title takes the rest.
        self._badge_box.width = dp(self._theme.small_sp * 7) if value else 0
        if value:
            self._badge_box.add_widget(Badge(value, self._theme, self.badge_kind or None))

    def on_release(self) -> None:
        """Open the item."""
        if RowView.ui is not None and self.item:
            RowView.ui.go(Place(Screen.DETAIL, item=self.item))


def build_list(ui: Ui, place: Place) -> BoxLayout:
    """A section's (or a group's) items, newest or most relevant first."""
    theme, library = ui.theme, ui.library
    found = section(place.section)
    root = BoxLayout(orientation="vertical", padding=dp(theme.padding_dp), spacing=dp(12))
    heading = found.label + (f" · {place.group}" if place.group else "")
    root.add_widget(Text(heading, theme, size=theme.heading_sp, bold=True))
    rows = found.rows(library, ui.today(), place.facet, place.group) if library else []
    root.add_widget(ReadAloud(ui, list_reading(heading, [r.title for r in rows], len(rows))))
    if not rows:
        root.add_widget(empty_note(ui))
        return root
    root.add_widget(Text(f"共 {len(rows)} 条，轻触查看详情", theme, color=theme.muted))
    root.add_widget(row_list(ui, rows))
    return root


def empty_note(ui: Ui) -> Widget:
    """What an empty section says (and the way back), never a blank screen."""
    theme = ui.theme
    box = BoxLayout(orientation="vertical", spacing=dp(16), padding=(0, dp(40)))
    box.add_widget(Text("暂无内容", theme, size=theme.title_sp, bold=True, halign="center"))
    box.add_widget(
        Text(
            "本栏目还没有公开的信息，内容发布后会自动显示。",
            theme,
            color=theme.muted,
            halign="center",
        )
    )
    box.add_widget(
        TapButton("返回首页", theme, lambda: ui.go(Place(Screen.HOME)), name="empty-home")
    )
    box.add_widget(Widget())
    return box


def row_list(ui: Ui, rows: Sequence[Row | str]) -> RecycleView:
    """A scrolling list of rows, recycled (only the rows in sight exist as widgets).

    A string among the rows is a group heading (search results by type).
    """
    theme = ui.theme
    RowView.ui = ui
    view = RecycleView(
        bar_width=dp(12),
        bar_color=theme.line,  # visible: #bababa on white was 1.9:1
        bar_inactive_color=theme.line,
        scroll_type=["bars", "content"],
    )
    layout = RecycleBoxLayout(
        orientation="vertical",
        default_size=(None, row_height(theme)),
        default_size_hint=(1, None),
        size_hint_y=None,
        spacing=dp(8),
        key_viewclass="viewclass",
    )
    layout.bind(minimum_height=layout.setter("height"))
    view.add_widget(layout)
    view.viewclass = RowView  # after the layout manager exists, or it is lost
    heading = {
        "viewclass": "ListHeading",
        "height": dp(theme.body_sp * theme.line_spacing + 16),
        "font_size": sp(theme.body_sp),
        "color": theme.accent,
    }
    view.data = [
        {**heading, "text": r}
        if isinstance(r, str)
        else {
            "title": r.title,
            "subtitle": r.subtitle,
            "badge_kind": r.badge_kind or "",
            "badge": r.badge,
            "item": r.id,
            "progress": -1 if r.progress is None else r.progress,
        }
        for r in rows
    ]
    return view


class ListHeading(Label):  # type: ignore[misc]
    """A group's name between recycled rows (its look comes with the data)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(markup=False, bold=True, halign="left", valign="bottom", **kwargs)
        self.bind(size=lambda lbl, s: setattr(lbl, "text_size", s))


Factory.register("ListHeading", cls=ListHeading)


def row_height(theme: Theme) -> float:
    """A row fits two title lines, a subtitle and a progress bar."""
    return float(dp(theme.body_sp * 2 * theme.line_spacing + theme.small_sp * 1.6 + 40))
