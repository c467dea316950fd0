"""The flowchart layout: every demo county flowchart and handmade graphs are drawable.

"Drawable" is checked geometrically: boxes inside the drawing and apart, text
inside its box, orthogonal edges from border to border that cross no box,
condition labels present and clear of boxes, edges and each other.
"""

from __future__ import annotations

import inspect
import itertools
import json
import math
import types

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from content import demo
from content.linebreak import may_break_between
from content.serialize import to_record
from kiosk.viewmodels import flowchart
from kiosk.viewmodels.flowchart import BoxKind, FlowLayout, layout_flowchart
from kiosk.viewmodels.flowchart._wrap import wrap

EPS = 1e-6
#: (char_w, line_h) of the normal and the elder theme at density 1.
METRICS = [(20.0, 27.0), (30.0, 42.0)]


@pytest.fixture(scope="module")
def demo_flowcharts() -> list[tuple[str, dict]]:
    county = demo.generate_county()
    found = [
        (item.item_code, to_record(item)["flowchart"])
        for item in county.power_items
        if item.flowchart is not None and item.flowchart.steps
    ]
    assert len(found) == 208  # 104 with steps only + 104 with steps and image
    return found


def _step(sid, name, *, nxt=(), condition=None, actor=None, time_limit=None):
    step = {"step_id": sid, "name": name, "next": list(nxt)}
    if condition is not None:
        step["condition"] = condition
    if actor is not None:
        step["actor"] = actor
    if time_limit is not None:
        step["time_limit"] = time_limit
    return step


LICENSE = [
    _step("s1", "申请", actor="申请人", nxt=["s2"]),
    _step("s2", "受理", actor="窗口工作人员", nxt=["s3", "s2x"]),
    _step("s2x", "补正材料", condition="材料不齐全或不符合法定形式", nxt=["s2"]),
    _step("s3", "审查", actor="承办股室", condition="材料齐全", nxt=["s4"]),
    _step("s4", "决定", actor="负责人", time_limit="20个工作日", nxt=["s5"]),
    _step("s5", "送达"),
]


# --- the geometric checks -------------------------------------------------------------


def _overlap(a, b) -> bool:
    """Open rectangles (x, y, w, h) intersect."""
    return (
        a[0] < b[0] + b[2] - EPS
        and b[0] < a[0] + a[2] - EPS
        and a[1] < b[1] + b[3] - EPS
        and b[1] < a[1] + a[3] - EPS
    )


def _segment_hits(p, q, rect) -> bool:
    """An axis-parallel segment enters the open interior of a rectangle."""
    x0, x1 = sorted((p[0], q[0]))
    y0, y1 = sorted((p[1], q[1]))
    left, top, right, bottom = rect[0], rect[1], rect[0] + rect[2], rect[1] + rect[3]
    if math.isclose(y0, y1):  # horizontal
        return top + EPS < y0 < bottom - EPS and x0 < right - EPS and x1 > left + EPS
    return left + EPS < x0 < right - EPS and y0 < bottom - EPS and y1 > top + EPS


def _on_border(point, box) -> bool:
    x, y = point
    inside_x = box.x - EPS <= x <= box.right + EPS
    inside_y = box.y - EPS <= y <= box.bottom + EPS
    on_vertical = math.isclose(x, box.x) or math.isclose(x, box.right)
    on_horizontal = math.isclose(y, box.y) or math.isclose(y, box.bottom)
    return (on_vertical and inside_y) or (on_horizontal and inside_x)


def _label_rect(layout: FlowLayout, edge):
    x, y = edge.label_pos
    width = max(len(line) for line in edge.label_lines) * layout.char_w
    return (x, y, width, len(edge.label_lines) * layout.line_h)


def _inside(rect, layout: FlowLayout) -> bool:
    x, y, w, h = rect
    return -EPS <= x <= x + w <= layout.width + EPS and -EPS <= y <= y + h <= layout.height + EPS


def assert_sound(layout: FlowLayout, steps) -> None:
    ids = list(dict.fromkeys(s["step_id"] for s in steps))
    assert [b.step_id for b in layout.boxes] == ids
    _assert_boxes(layout)
    labels = _assert_edges(layout, steps)
    _assert_labels(layout, labels)


def _assert_boxes(layout: FlowLayout) -> None:
    rects = [(b.x, b.y, b.w, b.h) for b in layout.boxes]
    for box, rect in zip(layout.boxes, rects, strict=True):
        assert _inside(rect, layout), box
        assert box.lines
        assert 1 <= box.title_lines <= len(box.lines)
        for line in box.lines:
            assert len(line) * layout.char_w <= box.w - 2 * layout.padding + EPS, (line, box)
        assert len(box.lines) * layout.line_h <= box.h - 2 * layout.padding + EPS
    for i, a in enumerate(rects):
        for b in rects[i + 1 :]:
            assert not _overlap(a, b), (a, b)


def _assert_edges(layout: FlowLayout, steps) -> list[tuple[float, float, float, float]]:
    """Edges from border to border, orthogonal, clear of boxes; returns the label rects."""
    boxes = {b.step_id: b for b in layout.boxes}
    rects = [(b.x, b.y, b.w, b.h) for b in layout.boxes]
    conditions = {s["step_id"]: s.get("condition") for s in reversed(steps)}  # first wins
    labels = {}
    for edge in layout.edges:
        assert len(edge.points) >= 2
        assert _on_border(edge.points[0], boxes[edge.source]), edge
        assert _on_border(edge.points[-1], boxes[edge.target]), edge
        for p, q in zip(edge.points, edge.points[1:], strict=False):
            assert math.isclose(p[0], q[0]) or math.isclose(p[1], q[1]), edge  # orthogonal
            span = (min(p[0], q[0]), min(p[1], q[1]), abs(p[0] - q[0]), abs(p[1] - q[1]))
            assert _inside(span, layout), edge
            for rect in rects:
                assert not _segment_hits(p, q, rect), (edge, rect)
        (ax, ay), (bx, by) = edge.points[-2], edge.points[-1]
        assert math.hypot(bx - ax, by - ay) >= layout.arrow - EPS  # room for the head
        condition = conditions[edge.target]
        if condition:
            assert edge.label == condition
            assert edge.label_pos is not None
            assert edge.label_lines
            assert "".join(edge.label_lines) == "".join(condition.split())
            labels[edge.label_lines, edge.label_pos] = _label_rect(layout, edge)
        else:
            assert edge.label is None
            assert edge.label_pos is None
    return list(labels.values())


def _assert_labels(layout: FlowLayout, label_rects) -> None:
    """Labels: inside the drawing, off every box, off every edge, apart from each other."""
    rects = [(b.x, b.y, b.w, b.h) for b in layout.boxes]
    for rect in label_rects:
        assert _inside(rect, layout), rect
        for box in rects:
            assert not _overlap(rect, box), (rect, box)
        for edge in layout.edges:
            for p, q in zip(edge.points, edge.points[1:], strict=False):
                assert not _segment_hits(p, q, rect), (rect, edge)
    for i, a in enumerate(label_rects):
        for b in label_rects[i + 1 :]:
            assert not _overlap(a, b), (a, b)


# --- the demo county ---------------------------------------------------------------------


@pytest.mark.parametrize(("char_w", "line_h"), METRICS)
@pytest.mark.parametrize("width", [1000.0, 600.0])
def test_every_demo_flowchart_lays_out_soundly(demo_flowcharts, char_w, line_h, width):
    kinds = set()
    for _code, chart in demo_flowcharts:
        kinds.add(chart["chart_kind"])
        layout = layout_flowchart(chart["steps"], width=width, char_w=char_w, line_h=line_h)
        assert layout.width == width
        assert_sound(layout, chart["steps"])
    assert kinds == {"general_procedure", "license"}


def test_demo_layouts_are_deterministic(demo_flowcharts):
    for _code, chart in demo_flowcharts[:40]:
        first = layout_flowchart(chart["steps"], width=1000, char_w=30, line_h=42)
        again = layout_flowchart(
            json.loads(json.dumps(chart["steps"])), width=1000, char_w=30, line_h=42
        )
        assert first == again


def test_license_main_path_is_central_and_the_loop_goes_back():
    layout = layout_flowchart(LICENSE, width=1000, char_w=30, line_h=42)
    main = [layout.box(s) for s in ("s1", "s2", "s3", "s4", "s5")]
    assert {round(b.cx, 6) for b in main} == {500.0}  # one central column
    assert [b.y for b in main] == sorted(b.y for b in main)
    assert [b.kind for b in main] == ["start", "step", "step", "step", "end"]
    assert all(isinstance(b.kind, BoxKind) for b in layout.boxes)
    fix = layout.box("s2x")
    assert fix.kind == "branch"
    assert fix.x >= main[0].right  # to the side
    back = [e for e in layout.edges if e.back]
    assert [(e.source, e.target) for e in back] == [("s2x", "s2")]
    # The loop leaves 补正材料 to the right, runs up a lane beside the branch column
    # and comes back into 受理's right side: it crosses no other line.
    points = back[0].points
    assert points[0][0] == fix.right
    assert max(x for x, _ in points) > fix.right
    accept = layout.box("s2")
    assert points[-1][0] == accept.right
    assert accept.y < points[-1][1] < accept.bottom
    assert points[-2][0] > points[-1][0]  # the head points left, into the box
    into_fix = next(e for e in layout.edges if e.target == "s2x")
    assert into_fix.label == "材料不齐全或不符合法定形式"
    # Elder text wraps by character, balanced; the normal size has room for one line.
    assert layout.box("s4").lines == ("决定", "负责人", "时限：20", "个工作日")
    assert layout.box("s4").title_lines == 1
    normal = layout_flowchart(LICENSE, width=1000, char_w=20, line_h=27)
    assert normal.box("s4").lines == ("决定", "负责人", "时限：20个工作日")


def test_penalty_hearing_is_a_side_branch_that_rejoins(demo_flowcharts):
    chart = next(c for _, c in demo_flowcharts if any(s["name"] == "听证" for s in c["steps"]))
    layout = layout_flowchart(chart["steps"], width=1000, char_w=20, line_h=27)
    by_name = {b.lines[0]: b for b in layout.boxes}
    assert by_name["听证"].kind == "branch"
    assert by_name["不予立案"].kind == "branch"
    assert by_name["决定"].kind == "step"
    assert by_name["决定"].cx == by_name["告知"].cx == by_name["立案"].cx
    assert by_name["听证"].x > by_name["告知"].right
    assert not any(e.back for e in layout.edges)


# --- handmade graphs ---------------------------------------------------------------------


def test_empty_steps_raise():
    with pytest.raises(ValueError, match="at least one step"):
        layout_flowchart([], width=1000, char_w=20, line_h=27)


def test_too_narrow_raises():
    with pytest.raises(ValueError, match="too narrow"):
        layout_flowchart(LICENSE, width=60, char_w=20, line_h=27)


def test_single_step():
    steps = [_step("only", "告知")]
    layout = layout_flowchart(steps, width=500, char_w=20, line_h=27)
    assert [b.kind for b in layout.boxes] == ["start"]
    assert layout.edges == ()
    assert_sound(layout, steps)


@pytest.mark.parametrize(
    "steps",
    [
        pytest.param(
            [_step("a", "一", nxt=["b"]), _step("b", "二", nxt=["c"]), _step("c", "三", nxt=["a"])],
            id="three-cycle",
        ),
        pytest.param([_step("a", "自环", nxt=["a", "b"]), _step("b", "结束")], id="self-loop"),
        pytest.param(
            [_step("a", "甲", nxt=["b"]), _step("b", "乙", nxt=["a"], condition="退回")],
            id="two-cycle-with-label",
        ),
        pytest.param(
            [
                _step("a", "开始", nxt=["b", "zz", "", "a-missing"]),
                _step("b", "结束", nxt=["nowhere"]),
            ],
            id="unknown-next",
        ),
        pytest.param(
            [_step("a", "开始", nxt=["b"]), _step("b", "中"), _step("a", "重复", nxt=["b"])],
            id="repeated-id",
        ),
        pytest.param(
            [_step("a", "开始"), _step("lost", "无人指向", nxt=["a"]), _step("c", "孤立")],
            id="unreachable",
        ),
        pytest.param(
            [_step("a", "受理", nxt=[f"b{i}" for i in range(9)])]
            + [_step(f"b{i}", f"情形{i}", condition=f"条件{i}", nxt=["z"]) for i in range(9)]
            + [_step("z", "办结")],
            id="wide-layer",
        ),
        pytest.param(
            [
                _step("a", "开始", nxt=["b", "d"]),
                _step("b", "中一", nxt=["c"]),
                _step("c", "中二", nxt=["d", "a"]),
                _step("d", "结束", condition="跳过中间步骤直接办结的情形"),
            ],
            id="skip-edge-and-loop",
        ),
        pytest.param(
            [
                _step(
                    "a",
                    "对申请人提交的全部申请材料进行形式审查并出具受理通知书",
                    actor="县行政审批局窗口工作人员（综合受理窗口）",
                    time_limit="即时办结，特殊情况不超过5个工作日",
                    nxt=["b", "c"],
                ),
                _step("b", "不予受理", condition="申请事项依法不属于本行政机关职权范围的"),
                _step("c", "审查", condition="符合", nxt=["a"]),
            ],
            id="long-texts",
        ),
        pytest.param(
            [_step("a", "[size=3000]大[/size]", nxt=["b"]), _step("b", "[ref=x]点[/ref]")],
            id="markup-is-text",
        ),
    ],
)
@pytest.mark.parametrize(("char_w", "line_h"), METRICS)
def test_handmade_graphs(steps, char_w, line_h):
    layout = layout_flowchart(steps, width=1000, char_w=char_w, line_h=line_h)
    assert_sound(layout, steps)
    assert layout == layout_flowchart(steps, width=1000, char_w=char_w, line_h=line_h)


def test_wide_layer_wraps_onto_more_rows_on_a_narrow_screen():
    steps = (
        [_step("a", "受理", nxt=[f"b{i}" for i in range(6)])]
        + [_step(f"b{i}", f"情形{i}", nxt=["z"]) for i in range(6)]
        + [_step("z", "办结")]
    )
    layout = layout_flowchart(steps, width=400, char_w=20, line_h=27)
    assert_sound(layout, steps)
    assert len({b.y for b in layout.boxes}) > 3  # a, z and more than one row of 情形


def test_markup_stays_literal_text():
    steps = [_step("a", "[b]加粗[/b]")]
    layout = layout_flowchart(steps, width=1000, char_w=20, line_h=27)
    assert "".join(layout.boxes[0].lines) == "[b]加粗[/b]"


def test_control_characters_are_dropped_and_missing_fields_tolerated():
    steps = [{"step_id": "a", "name": "受\u202e理\x00", "next": "b"}, {"step_id": "b"}, {}]
    layout = layout_flowchart(steps, width=1000, char_w=20, line_h=27)
    assert [b.lines[0] for b in layout.boxes] == ["受理", "b", "#3"]
    assert len(layout.edges) == 1


# --- random graphs -------------------------------------------------------------------------


@st.composite
def graphs(draw):
    count = draw(st.integers(1, 12))
    ids = [f"s{i}" for i in range(count)]
    steps = []
    for sid in ids:
        nxt = draw(st.lists(st.sampled_from([*ids, "ghost"]), max_size=3))
        condition = draw(st.none() | st.sampled_from(["通过", "不符合法定条件的", "材料不齐全"]))
        name = draw(st.sampled_from(["受理", "审查", "不予受理", "补正材料", "集体讨论决定"]))
        steps.append(_step(sid, name, nxt=nxt, condition=condition, actor=None))
    return steps


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(steps=graphs(), width=st.sampled_from([420.0, 700.0, 1000.0]), elder=st.booleans())
def test_random_graphs_lay_out_soundly(steps, width, elder):
    char_w, line_h = METRICS[elder]
    layout = layout_flowchart(steps, width=width, char_w=char_w, line_h=line_h)
    assert_sound(layout, steps)


# --- the package's face ----------------------------------------------------------------


def test_all_lists_exactly_the_public_names():
    public = {
        name
        for name, value in vars(flowchart).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and (
            not (inspect.isclass(value) or inspect.isroutine(value))
            or value.__module__.startswith("kiosk.")
        )
    }
    assert len(flowchart.__all__) == len(set(flowchart.__all__))
    assert set(flowchart.__all__) == public
    assert public == {"Box", "BoxKind", "Edge", "FlowLayout", "Point", "layout_flowchart"}


# --- text wrapping -----------------------------------------------------------------------


def test_wrapping_keeps_brackets_with_their_text():
    # 【 and 】 joined the flowchart's rules with the boards' (content.linebreak).
    assert wrap("审查【公示】", 3) == ("审查", "【公", "示】")
    assert wrap("提交《申请书》", 3) == ("提交", "《申请", "书》")
    assert wrap("不予受理。", 4) == ("不予受", "理。")


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(
    text=st.lists(
        st.sampled_from("受理审查决定送达【】《》（）“”，。、—…%·"), min_size=1, max_size=40
    ).map("".join),
    per_line=st.integers(1, 12),
)
def test_wrapped_lines_fit_and_break_by_the_rules_where_one_character_can_move(text, per_line):
    lines = wrap(text, per_line)
    assert "".join(lines) == text
    assert all(len(line) <= per_line for line in lines)
    for before, after in itertools.pairwise(lines):
        # A forbidden break stays only where moving one character down does not help.
        if not may_break_between(before, after):
            assert len(before) == 1 or not may_break_between(before + after[0], after[1:])
