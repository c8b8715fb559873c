"""Terminal view of a comparison (rich): verdict, aligned pairs side by side, drifts."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..model import Comparison
from .labels import label
from .safe import plain, visible

_RELATION_STYLE = {
    "duplicate": "bold red",
    "rewrite": "bold magenta",
    "partial": "bold yellow",
    "same-story": "bold cyan",
    "unrelated": "bold green",
}


def _bar(share: float, width: int = 20) -> str:
    full = round(share * width)
    return "█" * full + "░" * (width - full)


def _snippet(text: str, limit: int = 400, style: str = "") -> Text:
    """Article text on one line, cut at ``limit``, shown literally (never as markup)."""
    text = " ".join(text.split())
    return plain(text if len(text) <= limit else text[: limit - 1] + "…", style)


def render_comparison(c: Comparison, console: Console) -> None:
    """Print a comparison for a person reading a terminal."""
    head = Text()
    head.append("relation  ")
    head.append(c.relation, style=_RELATION_STYLE.get(c.relation, "bold"))
    head.append(f"   score {c.score:.2f}\n")
    src = {"a": label(c.a), "b": label(c.b)}.get(c.source or "", "undecided")
    head.append(f"source    {src}\n")
    head.append(f"A {_bar(c.coverage.a)} {c.coverage.a:5.0%} covered  {label(c.a)}\n")
    head.append(f"B {_bar(c.coverage.b)} {c.coverage.b:5.0%} covered  {label(c.b)}")
    parts: list[Text] = [head]
    if c.reasons:
        parts.append(Text("\n").join(plain(f"• {r}", style="dim") for r in c.reasons))
    console.print(Panel(Group(*parts), title="newstrace compare", expand=False))

    if c.alignments:
        table = Table(title=f"Aligned passages ({len(c.alignments)})", show_lines=True, expand=True)
        table.add_column("#", justify="right", width=3)
        table.add_column("kind", width=9)
        table.add_column("score", justify="right", width=5)
        table.add_column("A", ratio=1)
        table.add_column("B", ratio=1)
        for k, al in enumerate(c.alignments, 1):
            table.add_row(
                str(k),
                al.kind,
                f"{al.score:.2f}",
                _snippet(c.a.text[al.a.start : al.a.end]),
                _snippet(c.b.text[al.b.start : al.b.end]),
            )
        console.print(table)

    if c.drifts:
        table = Table(title=f"What changed ({len(c.drifts)})", show_lines=True, expand=True)
        table.add_column("kind", width=15, style="bold")
        table.add_column("A", ratio=1)
        table.add_column("B", ratio=1)
        table.add_column("note", ratio=1)
        for d in c.drifts:
            table.add_row(
                d.kind,
                _snippet(d.a_text, 200) or "—",
                _snippet(d.b_text, 200) or "—",
                _snippet(d.note, 200),
            )
        console.print(table)

    for side, article, removed in (("A", c.a, c.boilerplate_a), ("B", c.b, c.boilerplate_b)):
        if removed:
            lines = Text()
            for bp in removed:
                lines.append(f"  {visible(bp.reason):<38} ", style="dim")
                lines.append(_snippet(article.text[bp.span.start : bp.span.end], 70, "dim strike"))
                lines.append("\n")
            console.print(Text(f"Boilerplate removed from {side} ({len(removed)})", style="bold"))
            console.print(lines, end="")
