"""A detail screen: title, the QR code to the full document, 朗读, and the blocks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kivy.metrics import dp, sp
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.image import Image
from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget

from kiosk.app.widgets.basic import Badge, Card, Progress, QrCode, TapButton, Text
from kiosk.app.widgets.charts import BarChartView
from kiosk.app.widgets.flowchart import FlowchartView
from kiosk.app.widgets.reading import ReadAloud
from kiosk.viewmodels.blocks import (
    Attachment,
    ChartBlock,
    Detail,
    Fields,
    FlowchartBlock,
    Heading,
    ImageBlock,
    Paragraph,
    ProgressBlock,
    QrTarget,
    Timeline,
)
from kiosk.viewmodels.details import build_detail
from kiosk.viewmodels.flowchart import layout_flowchart

if TYPE_CHECKING:
    from kiosk.app.context import Ui
    from kiosk.viewmodels.blocks import Block
    from kiosk.viewmodels.nav import Place
    from kiosk.viewmodels.theme import Theme

__all__ = ["QR_SIDE_DP", "DetailScreen", "build_detail_screen"]

#: About 8 cm on a 43-inch portrait panel: scans from 40 cm with a phone.
QR_SIDE_DP = 360
#: Wide enough to grab, and drawn in the theme's line colour (not #bababa on white).
SCROLLBAR_DP = 14


class DetailScreen(BoxLayout):  # type: ignore[misc]
    """The detail of one item; tapping an attachment puts it into the QR code.

    Portrait: title, 朗读, then one scroll of the QR card and the content (the
    card scrolls away with it).  Landscape: the content scrolls in the full
    height on the left, the QR card and 朗读 stand in a column on the right.
    """

    def __init__(self, ui: Ui, detail: Detail, *, landscape: bool = False) -> None:
        theme = ui.theme
        pad = dp(theme.padding_dp)
        super().__init__(
            orientation="horizontal" if landscape else "vertical", padding=pad, spacing=dp(12)
        )
        self.ui, self.detail, self.theme = ui, detail, theme
        self.qr_card = Card(theme, orientation="vertical" if landscape else "horizontal")
        self.reading = ReadAloud(ui, detail.reading, vertical=landscape)
        side = dp(QR_SIDE_DP) + pad * 2
        width = ui_width() - pad * 4 - ((side + dp(12)) if landscape else 0)
        scroll = ScrollView(
            do_scroll_x=False,
            bar_width=dp(SCROLLBAR_DP),
            bar_color=theme.line,
            bar_inactive_color=theme.line,
            scroll_type=["bars", "content"],
        )
        body = GridLayout(
            cols=1,
            size_hint_y=None,
            spacing=dp(theme.padding_dp * 0.75),
            padding=(0, 0, dp(SCROLLBAR_DP + 8), 0),  # text never runs under the bar
        )
        body.bind(minimum_height=body.setter("height"))
        self.content = scroll
        if landscape:
            body.add_widget(self._title_block())
        else:
            self.add_widget(self._title_block())
            self.add_widget(self.reading)
            body.add_widget(self.qr_card)
        for block in detail.blocks:
            body.add_widget(self._block(block, width))
        scroll.add_widget(body)
        self.add_widget(scroll)
        if landscape:
            column = BoxLayout(orientation="vertical", size_hint_x=None, width=side, spacing=dp(16))
            column.add_widget(self.qr_card)
            column.add_widget(self.reading)
            column.add_widget(Widget())  # the rest of the column stays empty below
            self.add_widget(column)
        self.landscape = landscape
        self.show_qr(detail.qr)

    def _title_block(self) -> Widget:
        theme, detail = self.theme, self.detail
        box = GridLayout(cols=1, size_hint_y=None, spacing=dp(8))
        box.bind(minimum_height=box.setter("height"))
        box.add_widget(Text(detail.title, theme, size=theme.heading_sp, bold=True))
        if detail.subtitle:
            box.add_widget(Text(detail.subtitle, theme, color=theme.muted))
        return box

    def show_qr(self, target: QrTarget | None) -> None:
        """Put a URL into the QR card (the document, or a tapped attachment)."""
        card, theme = self.qr_card, self.theme
        card.clear_widgets()
        if target is None:
            card.add_widget(Text("本条信息没有可扫码查看的原文", theme, color=theme.muted))
            card.qr_url = None
            return
        card.add_widget(QrCode(target.url, dp(QR_SIDE_DP)))
        words = GridLayout(cols=1, size_hint_y=None, spacing=dp(8))
        words.bind(minimum_height=words.setter("height"))
        words.add_widget(Text(target.caption, theme, bold=True))
        where = "上方" if self.landscape else "左侧"
        words.add_widget(Text(f"用手机扫描{where}二维码，查看完整文件", theme, color=theme.muted))
        words.add_widget(Text(target.short, theme, size=theme.small_sp, color=theme.muted))
        card.add_widget(words)
        card.qr_url = target.url

    def _block(self, block: Block, width: float) -> Widget:
        theme = self.theme
        if isinstance(block, Heading):
            return Text(block.text, theme, size=theme.heading_sp, bold=True)
        if isinstance(block, Fields):
            return _fields(block, theme)
        if isinstance(block, Paragraph):
            return Text(block.text, theme)
        if isinstance(block, ProgressBlock):
            return _progress(block, theme)
        if isinstance(block, Timeline):
            return _timeline(block, theme)
        if isinstance(block, ImageBlock):
            height = dp(480) if block.kind == "photo" else width * 1.2
            # nocache: a portrait or flowchart leaves memory with its screen, not 60 s later.
            return Image(
                source=block.path, size_hint_y=None, height=height, fit_mode="contain", nocache=True
            )
        if isinstance(block, FlowchartBlock):
            layout = layout_flowchart(
                block.steps, width=width, char_w=sp(theme.small_sp), line_h=sp(theme.small_sp) * 1.4
            )
            return FlowchartView(layout, theme)
        if isinstance(block, ChartBlock):
            return BarChartView(block.chart, theme)
        if isinstance(block, Attachment):
            url = block.url
            caption = f"扫码查看附件：{block.name}"
            return TapButton(
                f"附件：{block.name}",
                theme,
                lambda: self.show_qr(QrTarget(url, caption)),
                primary=False,
                name=f"attachment-{block.name}",
            )
        raise TypeError(block)


def ui_width() -> float:
    """The window's width (screens lay out flowcharts for it)."""
    from kivy.core.window import Window  # noqa: PLC0415 - exists once the app runs

    return float(Window.width)


def _fields(block: Fields, theme: Theme) -> Widget:
    grid = GridLayout(cols=2, size_hint_y=None, spacing=(dp(16), dp(8)))
    grid.bind(minimum_height=grid.setter("height"))
    for key, value in block.rows:
        name = Text(key, theme, color=theme.muted, size_hint_x=None, width=dp(theme.body_sp * 6))
        grid.add_widget(name)
        grid.add_widget(Text(value, theme))
    return grid


def _progress(block: ProgressBlock, theme: Theme) -> Widget:
    card = Card(theme)
    head = BoxLayout(size_hint_y=None, height=dp(theme.body_sp * 2), spacing=dp(12))
    head.add_widget(Text(block.label, theme, bold=True))
    if block.status:
        head.add_widget(Badge(block.status, theme, block.status_kind))
    card.add_widget(head)
    card.add_widget(Progress(block.pct, theme, block.status_kind))
    card.add_widget(Text(block.text, theme))
    return card


def _timeline(block: Timeline, theme: Theme) -> Widget:
    column = GridLayout(cols=1, size_hint_y=None, spacing=dp(10))
    column.bind(minimum_height=column.setter("height"))
    for when, text, pct in block.items:
        done = f"（完成{pct:.0f}%）" if pct is not None else ""
        column.add_widget(Text(f"{when}{done}", theme, bold=True))
        column.add_widget(Text(text, theme))
    return column


def build_detail_screen(ui: Ui, place: Place, *, landscape: bool = False) -> Widget:
    """The detail of ``place.item``, or a message when the item is no longer published."""
    library = ui.library
    detail = build_detail(library, place.item, ui.today()) if library else None
    if detail is None:
        box = BoxLayout(orientation="vertical", padding=dp(ui.theme.padding_dp))
        box.add_widget(Text("该信息已更新或不再公开，请返回查看其他内容。", ui.theme))
        return box
    return DetailScreen(ui, detail, landscape=landscape)
