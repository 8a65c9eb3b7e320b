"""The unit tree a roster import would leave behind: the stored tree with the file's rows laid over it,
checked as a whole before anything is written. No loops; tiers strictly descending along every path
(province > district > commune > village); a unit's new tier checked against the units still below it.
Any tier may head a tree. A row with no parent code places a new unit at the top and leaves a stored unit
where it is while its parent is of a higher tier, so a district may import its own file without a province
row and without leaving its province (a unit whose stored parent is not above it is lifted to the top: how a
stored loop is undone)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from cdht.handlers.ports import TIERS, UnitRecord

TIER_NAMES = {"province": "tỉnh", "district": "huyện", "commune": "xã", "village": "thôn"}
RANK = {tier: rank for rank, tier in enumerate(TIERS)}  # lower is higher up
NO_PARENT = "không có cấp trên"


class DeclaredUnit(Protocol):
    """A unit as a file row declares it (roster.UnitRow)."""

    @property
    def row(self) -> int: ...
    @property
    def code(self) -> str: ...
    @property
    def tier(self) -> str: ...
    @property
    def parent_code(self) -> str: ...


@dataclass(frozen=True)
class Move:
    code: str
    old_parent: str | None
    new_parent: str | None

    def text(self) -> str:
        return f"Chuyển đơn vị {self.code}: {self.old_parent or NO_PARENT} → {self.new_parent or NO_PARENT}."


@dataclass(frozen=True)
class _Node:
    code: str
    tier: str
    parent: str | None
    row: int | None  # the file's row; None: stored and not in the file
    changed: bool  # new, or its tier or parent differs from what is stored
    tier_changed: bool


@dataclass
class TreePlan:
    parents: dict[str, str | None] = field(default_factory=dict)  # each declared unit's parent code, after
    moves: list[Move] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def plan_tree(declared: Sequence[DeclaredUnit], stored: Sequence[UnitRecord]) -> TreePlan:
    """Where each declared unit will hang, the moves, and every problem of the resulting tree (by row)."""
    by_id = {unit.id: unit for unit in stored}
    nodes = {
        unit.code: _Node(unit.code, unit.tier, _code_of(by_id, unit.parent_id), None, False, False)
        for unit in stored
    }
    tiers = {code: node.tier for code, node in nodes.items()} | {unit.code: unit.tier for unit in declared}
    plan = TreePlan()
    for unit in declared:
        known = nodes.get(unit.code)
        parent = unit.parent_code or (
            known.parent if known and _outranks(tiers, known.parent, unit.tier) else None
        )
        moved = known is not None and known.parent != parent
        tier_changed = known is not None and known.tier != unit.tier
        changed = known is None or moved or tier_changed
        nodes[unit.code] = _Node(unit.code, unit.tier, parent, unit.row, changed, tier_changed)
        plan.parents[unit.code] = parent
        if known is not None and moved:
            plan.moves.append(Move(unit.code, known.parent, parent))
    problems = [_edge_problem(node, nodes) for node in nodes.values()]
    found = [problem for problem in problems if problem is not None]
    found += [_loop(cycle) for cycle in _cycles(nodes)]
    plan.problems = [text for _, text in sorted(found, key=lambda problem: problem[0])]
    return plan


def _outranks(tiers: Mapping[str, str], code: str | None, tier: str) -> bool:
    """Whether the unit `code` may stand above a unit of `tier` (once the file's tiers are laid over)."""
    return code is not None and RANK.get(tiers.get(code, ""), len(TIERS)) < RANK.get(tier, len(TIERS))


def _code_of(by_id: Mapping[int, UnitRecord], unit_id: int | None) -> str | None:
    unit = by_id.get(unit_id) if unit_id is not None else None
    return unit.code if unit else None


def _edge_problem(node: _Node, nodes: Mapping[str, _Node]) -> tuple[int, str] | None:
    if node.parent is None:
        return None
    parent = nodes.get(node.parent)
    if parent is None:
        return node.row or 0, f"Dòng {node.row}: không tìm thấy đơn vị cấp trên {node.parent}."
    if RANK.get(parent.tier, len(TIERS)) >= RANK.get(node.tier, len(TIERS)):
        return _misplaced(node, parent)
    return None


def _tier(node: _Node) -> str:
    return f"cấp {TIER_NAMES.get(node.tier, node.tier)}"


def _misplaced(child: _Node, parent: _Node) -> tuple[int, str]:
    """Name the row that made a child sit under a unit of its own tier or lower."""
    if child.row is not None and (child.changed or not parent.tier_changed):
        return child.row, (
            f"Dòng {child.row}: {parent.code} ({_tier(parent)}) không thể là cấp trên của "
            f"{child.code} ({_tier(child)}); cấp trên phải cao hơn (tỉnh > huyện > xã > thôn)."
        )
    if parent.row is not None and parent.tier_changed:
        return parent.row, (
            f"Dòng {parent.row}: không thể đổi {parent.code} thành {_tier(parent)} vì {child.code} "
            f"({_tier(child)}) đang ở dưới đơn vị này; hãy chuyển {child.code} sang đơn vị khác trong cùng tệp."
        )
    return _LAST, (
        f"Cây đơn vị đã lưu đang sai: {child.code} ({_tier(child)}) nằm dưới {parent.code} ({_tier(parent)}); "
        f"hãy thêm vào tệp một dòng đặt {child.code} vào đúng đơn vị cấp trên."
    )


_LAST = 1 << 30  # problems of stored data, not of a row: listed after the rows'


def _cycles(nodes: Mapping[str, _Node]) -> list[list[_Node]]:
    """Each loop of parent links once, in the order its units point up. Linear: every unit is walked once."""
    done: set[str] = set()
    found = []
    for start in nodes:
        path: list[str] = []
        on_path: dict[str, int] = {}
        code: str | None = start
        while code is not None and code in nodes and code not in done:
            if code in on_path:
                found.append([nodes[member] for member in path[on_path[code] :]])
                break
            on_path[code] = len(path)
            path.append(code)
            code = nodes[code].parent
        done.update(path)
    return found


def _loop(cycle: list[_Node]) -> tuple[int, str]:
    chain = ", ".join(f"{node.code} nằm dưới {node.parent}" for node in cycle)
    declared = [node for node in cycle if node.row is not None]
    blamed = [node.row for node in [n for n in declared if n.changed] or declared if node.row is not None]
    if blamed:
        row = min(blamed)
        return (
            row,
            f"Dòng {row}: cây đơn vị sẽ có vòng lặp ({chain}); một đơn vị không thể nằm dưới chính nó.",
        )
    return (
        _LAST,
        f"Cây đơn vị đã lưu có vòng lặp ({chain}); hãy thêm vào tệp các dòng đặt lại các đơn vị này.",
    )
