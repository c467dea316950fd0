"""Layout, part 1: the published steps as a graph, with its loops and its main path.

No coordinates here.  ``parse_steps`` reads ``FlowStep``-shaped mappings
(checked, never trusted: they come from a release's JSON) and ``FlowGraph``
finds what the later parts place: the back-edges (loops such as 补正材料 →
受理), each step's layer, and the **main path** from the first step, always
following the successor the others rejoin, else an unconditional one, else
the longest way on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum, auto
from typing import TYPE_CHECKING, Any

from kiosk.viewmodels.flowchart._model import BoxKind
from kiosk.viewmodels.text import plain

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["FlowGraph", "Link", "Step", "parse_steps"]

#: A (source step id, target step id) pair: one ``next`` of a step.
Link = tuple[str, str]


@dataclass
class Step:
    """One step as the layout reads it: plain text and the successors that exist.

    ``index`` is the step's position among the steps kept (repeated ids and
    non-mappings dropped); ``successors`` are known step ids, without repeats.
    """

    step_id: str
    index: int
    title: str
    actor: str
    time_limit: str
    condition: str
    successors: list[str]

    def texts(self) -> list[str]:
        """The box's texts: the title, then the actor and the time limit if given."""
        texts = [self.title]
        if self.actor:
            texts.append(self.actor)
        if self.time_limit:
            texts.append(f"时限：{self.time_limit}")
        return texts


def parse_steps(steps: Sequence[Mapping[str, Any]]) -> dict[str, Step]:
    """The steps by id, in the published order.

    A step without an id is named by its position (``#3``); a repeated id
    keeps the first step, as the validator expects; ``next`` ids that name no
    step are dropped; text loses control characters (``plain``).
    """
    found: dict[str, Step] = {}
    raw_next: dict[str, list[str]] = {}
    items: Sequence[object] = steps  # JSON from a release: check, never trust the annotation
    for position, step in enumerate(items):
        if not isinstance(step, Mapping):
            continue
        step_id = plain(step.get("step_id")) or f"#{position + 1}"
        if step_id in found:
            continue
        targets = step.get("next") or ()
        if isinstance(targets, str):
            targets = (targets,)
        raw_next[step_id] = [plain(target) for target in targets]
        found[step_id] = Step(
            step_id=step_id,
            index=len(found),
            title=plain(step.get("name")) or step_id,
            actor=plain(step.get("actor")),
            time_limit=plain(step.get("time_limit")),
            condition=plain(step.get("condition")),
            successors=[],
        )
    for step_id, step in found.items():
        step.successors = [target for target in dict.fromkeys(raw_next[step_id]) if target in found]
    return found


class FlowGraph:
    """The steps as a graph whose back-edges are set apart, leaving a DAG.

    Attributes:
        steps: the steps by id, in the published order.
        order: the step ids in the published order.
        root: the first step's id (the start).
        back_edges: edges to a step still on the depth-first stack (loops).
        forward: each step's successors without the back-edges.
        rank: each step's layer: the longest forward path reaching it.
        onward: the longest forward path on from each step, in edges.
        reachable: the steps each step reaches forward, itself included.
        main_path: the main path's step ids, from the root to its end.
    """

    def __init__(self, steps: dict[str, Step]) -> None:
        self.steps = steps
        self.order = list(steps)
        self.root = self.order[0]
        self.back_edges: set[Link] = set()
        post_order = self._find_back_edges()
        self.forward: dict[str, list[str]] = {
            step_id: [t for t in step.successors if (step_id, t) not in self.back_edges]
            for step_id, step in steps.items()
        }
        self.rank = dict.fromkeys(self.order, 0)
        for step_id in reversed(post_order):  # a topological order
            for target in self.forward[step_id]:
                self.rank[target] = max(self.rank[target], self.rank[step_id] + 1)
        self.onward = dict.fromkeys(self.order, 0)
        self.reachable: dict[str, set[str]] = {}
        for step_id in post_order:  # successors first
            targets = self.forward[step_id]
            self.onward[step_id] = max((self.onward[t] + 1 for t in targets), default=0)
            self.reachable[step_id] = {step_id}.union(*(self.reachable[t] for t in targets))
        self.main_path = self._find_main_path()
        self._on_main_path = set(self.main_path)

    def on_main_path(self, step_id: str) -> bool:
        """Whether a step is on the main path (else it is a branch)."""
        return step_id in self._on_main_path

    def box_kind(self, step_id: str) -> BoxKind:
        """How a step's box is drawn: the start, a main step, the end or a branch."""
        if step_id == self.root:
            return BoxKind.START
        if not self.on_main_path(step_id):
            return BoxKind.BRANCH
        return BoxKind.END if step_id == self.main_path[-1] else BoxKind.STEP

    def _find_back_edges(self) -> list[str]:
        """Mark edges to a step still on the DFS stack as back-edges; return the post-order."""
        state = dict.fromkeys(self.order, _Visit.NEW)
        post_order: list[str] = []
        for start in self.order:
            if state[start] is not _Visit.NEW:
                continue
            state[start] = _Visit.ON_STACK
            stack = [(start, iter(self.steps[start].successors))]
            while stack:
                step_id, targets = stack[-1]
                for target in targets:
                    if state[target] is _Visit.NEW:
                        state[target] = _Visit.ON_STACK
                        stack.append((target, iter(self.steps[target].successors)))
                        break
                    if state[target] is _Visit.ON_STACK:
                        self.back_edges.add((step_id, target))
                else:
                    state[step_id] = _Visit.DONE
                    post_order.append(step_id)
                    stack.pop()
        return post_order

    def _find_main_path(self) -> list[str]:
        path = [self.root]
        while self.forward[path[-1]]:
            siblings = self.forward[path[-1]]

            def preference(target: str, siblings: list[str] = siblings) -> tuple[bool, bool, int]:
                # The step other branches rejoin (决定 after 听证) is the main line;
                # then an unconditional continuation; then the longest way on.
                rejoined = any(
                    target in self.reachable[other] for other in siblings if other != target
                )
                return (rejoined, not self.steps[target].condition, self.onward[target])

            path.append(max(siblings, key=preference))  # max keeps the first of equals
        return path


class _Visit(Enum):
    """A step's state in the depth-first search for back-edges."""

    NEW = auto()
    ON_STACK = auto()
    DONE = auto()
