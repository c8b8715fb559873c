"""A family's copy tree as inline SVG for the scan report: left to right in time.

Each generation of copies is one column to the right of the article it was made from
(a copy is never older than its parent); the copies of one article stack top to bottom
by publication time. Nodes are labelled with headline, site and time, never ids (an id
shows only where an article has no headline and was not read). Every hop links to the
side-by-side view of that pair where the report has one, and is listed again below the
drawing as text with its confidence and reasons (readable without the drawing, and
without colour). Copies that do not credit their source carry the text marker
"⚠ uncredited". All article text is escaped: it is hostile input; the drawing has no
script and loads nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html import escape

from ..model import CopyEdge, CopyTree, Family
from .labels import Labelled, cut, describe, label

__all__ = ["tree_drawing", "tree_section"]

_NODE_W = 230  # px: a node box, room for about 32 characters of headline
_NODE_H = 62  # px: three lines (headline, site and time, marker)
_GAP_X = 56  # px between generations: room for the hop's curve
_GAP_Y = 12  # px between stacked copies
_PAD = 8  # px around the drawing
_HEADLINE_CHARS = 29  # a longer headline is cut (the full one is in the node's tooltip)
_UNCREDITED = "⚠ uncredited"
_UNDECIDED = "? parent undecided"

View = Callable[[str, str], str | None]


@dataclass(frozen=True, slots=True)
class _Node:
    member: str
    depth: int
    row: int


def _published(article: Labelled | None) -> str:
    """The publication time as given, for ordering copies (undated last)."""
    return (article.published if article else None) or "\uffff"


def _layout(tree: CopyTree, meta: Mapping[str, Labelled]) -> list[_Node]:
    """Depth-first from the root, children by publication time; members without a
    parent (undecided) in the first generation after the tree."""
    kids: dict[str, list[str]] = {}
    for e in tree.edges:
        if e.parent is not None:
            kids.setdefault(e.parent, []).append(e.child)

    def order(m: str) -> tuple[str, str]:
        return (_published(meta.get(m)), m)

    out: list[_Node] = []
    seen: set[str] = set()

    def visit(m: str, depth: int) -> None:
        if m in seen:
            return
        seen.add(m)
        out.append(_Node(m, depth, len(out)))
        for k in sorted(kids.get(m, ()), key=order):
            visit(k, depth + 1)

    if tree.root is not None:
        visit(tree.root, 0)
    for e in sorted(tree.edges, key=lambda e: order(e.child)):
        if e.child not in seen:
            visit(e.child, 1)
    return out


def _marker(edge: CopyEdge, root: str | None) -> str:
    if edge.child == root:
        return "original"
    if edge.parent is None:
        return _UNDECIDED
    if edge.credit is not None and edge.credit.credited is False:
        return _UNCREDITED
    if edge.credit is not None and edge.credit.credited:
        return "credits its source"
    return ""


def _box(x: int, y: int, edge: CopyEdge, root: str | None, article: Labelled | None) -> str:
    named = describe(article, edge.child)
    head = named.headline or named.id
    mark = _marker(edge, root)
    cls = (
        "tnode"
        + (" uncredited" if mark == _UNCREDITED else "")
        + (" root" if mark == "original" else "")
    )
    return (
        f'<g class="{cls}"><title>{escape(named.text())}</title>'
        f'<rect x="{x}" y="{y}" width="{_NODE_W}" height="{_NODE_H}" rx="6"/>'
        f'<text x="{x + 8}" y="{y + 18}" class="th">{escape(cut(head, _HEADLINE_CHARS))}</text>'
        f'<text x="{x + 8}" y="{y + 36}">{escape(cut(named.place, _HEADLINE_CHARS + 4))}</text>'
        f'<text x="{x + 8}" y="{y + 54}" class="tm">{escape(mark)}</text></g>'
    )


class _Names:
    """Members' labels, each made once per drawing (a large family's reasons name the
    same members again and again)."""

    def __init__(self, meta: Mapping[str, Labelled]) -> None:
        self._meta = meta
        self._made: dict[str, str] = {}

    def __call__(self, member: str) -> str:
        made = self._made.get(member)
        if made is None:
            made = self._made[member] = label(self._meta.get(member), member)
        return made


def _readable(reason: str, names: _Names, members: tuple[str, ...]) -> str:
    """A reason with member ids replaced by their labels (longest ids first)."""
    for m in sorted(members, key=len, reverse=True):
        if m in reason:
            reason = reason.replace(m, f"“{names(m)}”")
    return reason


def _open(e: CopyEdge, names: _Names, fam: Family, view: View) -> str:
    """A member whose parent is undecided, as a list item: the candidates, each with its
    side-by-side view, and why nothing decided."""
    links = []
    for c in e.undecided:
        href = view(c, e.child)
        name = escape(names(c))
        links.append(f'{name} (<a href="{escape(href)}">side by side</a>)' if href else name)
    why = "; ".join(_readable(r, names, fam.members) for r in e.reasons)
    return (
        f"<li>{escape(names(e.child))}: {_UNDECIDED}, from {' or '.join(links)}. {escape(why)}</li>"
    )


def _hop(e: CopyEdge, names: _Names, fam: Family, view: View) -> str:
    """One hop as a list item: parent → copy, confidence, credit, reasons, link."""
    assert e.parent is not None
    href = view(e.parent, e.child)
    link = f' <a href="{escape(href)}">side by side</a>' if href else ""
    mark = f" <strong>{_UNCREDITED}</strong>" if _marker(e, fam.original) == _UNCREDITED else ""
    credit = f" ({escape(_readable(e.credit.reason, names, fam.members))})" if e.credit else ""
    why = "; ".join(_readable(r, names, fam.members) for r in e.reasons)
    return (
        f"<li>{escape(names(e.parent))} &rarr; "
        f"{escape(names(e.child))}: confidence {e.confidence:.2f}{mark}"
        f'{credit}{link}<br><span class="hint">{escape(why)}</span></li>'
    )


def _drawing(
    fam: Family, tree: CopyTree, meta: Mapping[str, Labelled], names: _Names, view: View
) -> str:
    nodes = _layout(tree, meta)
    where = {
        n.member: (_PAD + n.depth * (_NODE_W + _GAP_X), _PAD + n.row * (_NODE_H + _GAP_Y))
        for n in nodes
    }
    edges = {e.child: e for e in tree.edges}
    hops = []
    for e in tree.edges:
        if e.parent is None or e.parent not in where or e.child not in where:
            continue
        (px, py), (cx, cy) = where[e.parent], where[e.child]
        x1, y1, x2, y2 = px + _NODE_W, py + _NODE_H // 2, cx, cy + _NODE_H // 2
        mid = (x1 + x2) // 2
        path = (
            f'<path d="M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}" class="tedge">'
            f"<title>{escape(names(e.parent))} → "
            f"{escape(names(e.child))}: confidence {e.confidence:.2f}</title></path>"
        )
        href = view(e.parent, e.child)
        hops.append(f'<a href="{escape(href)}">{path}</a>' if href else path)
    boxes = "".join(
        _box(*where[n.member], edges[n.member], tree.root, meta.get(n.member)) for n in nodes
    )
    width = _PAD * 2 + (max(n.depth for n in nodes) + 1) * (_NODE_W + _GAP_X) - _GAP_X
    height = _PAD * 2 + len(nodes) * (_NODE_H + _GAP_Y) - _GAP_Y
    return (
        f'<svg class="tree" width="{width}" height="{height}" role="img" '
        f'aria-label="copy tree, oldest on the left">{"".join(hops)}{boxes}</svg>'
    )


def tree_drawing(fam: Family, meta: Mapping[str, Labelled], view: View) -> str | None:
    """A family's copy tree drawn, with its hops listed below as text (None when it
    has no tree): ``meta`` labels members, ``view(a, b)`` is the link to a pair's
    side-by-side view (or None). The scan report and the server's families page both
    show trees through this."""
    tree = fam.tree
    if tree is None or not tree.edges:
        return None
    names = _Names(meta)
    placed = [e for e in tree.edges if e.parent is not None]
    hops = "".join(_hop(e, names, fam, view) for e in placed)
    hops += "".join(_open(e, names, fam, view) for e in tree.edges if e.undecided)
    return f"""<div class="treebox">{_drawing(fam, tree, meta, names, view)}</div>
      <details class="hops"><summary>How each copy was made ({len(placed)} hops)</summary>
      <ul class="hops">{hops}</ul></details>"""


def tree_section(number: int, fam: Family, meta: Mapping[str, Labelled], view: View) -> str | None:
    """Family ``number``'s section of the scan report, with its copy tree (None when it
    has none)."""
    drawing = tree_drawing(fam, meta, view)
    if fam.tree is None or drawing is None:
        return None
    summary = fam.tree.credit_summary()
    root = fam.tree.root or fam.original
    return f"""<section class="family"><h2>Family {number}: original
      <strong>{escape(label(meta.get(root), root))}</strong>, {len(fam.members)} articles,
      {summary.copies} copies, {summary.uncredited} uncredited</h2>
      {drawing}</section>"""
