"""Scan and check results as files (JSONL + summary JSON) and terminal tables."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..model import Article, CopyTree, Family, Match, PairResult, ScanResult
from ..options import Options
from .json_report import comparison_dict, credit_dict, tree_dict
from .labels import Labelled, label
from .output import atomic_open, check_dir, remove_stale, write_atomic
from .safe import json_text, markup, plain, visible


def pair_dict(p: PairResult) -> dict[str, Any]:
    """One line of pairs.jsonl: ``source`` is the id of the likely original, or null."""
    return {
        "a": p.a,
        "b": p.b,
        "relation": p.relation,
        "coverage": {"a": p.coverage_a, "b": p.coverage_b},
        "source": p.source,
        "score": p.score,
    }


def family_dict(f: Family, number: int) -> dict[str, Any]:
    """One line of families.jsonl: the family, and its copy tree when it has one
    (``json_report.tree_dict``: parent, edges, undecided, credit, credit_summary)."""
    out: dict[str, Any] = {
        "family": number,
        "original": f.original,
        "size": len(f.members),
        "members": list(f.members),
    }
    if f.tree is not None:
        out.update(tree_dict(f.tree))
    return out


def summary_dict(result: ScanResult) -> dict[str, Any]:
    relations = Counter(p.relation for p in result.pairs)
    return {
        "articles": result.articles,
        "failed_inputs": len(result.failed),
        "candidates": result.candidates,
        "pairs": len(result.pairs),
        "relations": dict(sorted(relations.items())),
        "families": len(result.families),
        "largest_family": max((len(f.members) for f in result.families), default=0),
        "seconds": {k: round(v, 3) for k, v in result.seconds.items()},
    }


def write_scan(result: ScanResult, out: Path) -> list[Path]:
    """pairs.jsonl, families.jsonl, summary.json (and errors.txt when inputs failed; an
    errors.txt of an earlier run is removed). Each file is written whole under a
    temporary name and renamed; file names that are not UTF-8 are written escaped."""
    out = check_dir(out)
    written = [out / "pairs.jsonl", out / "families.jsonl", out / "summary.json"]
    with atomic_open(written[0]) as fh:
        for p in result.pairs:
            fh.write(json_text(pair_dict(p)) + "\n")
    with atomic_open(written[1]) as fh:
        for k, f in enumerate(result.families, 1):
            fh.write(json_text(family_dict(f, k)) + "\n")
    write_atomic(written[2], json_text(summary_dict(result), indent=2) + "\n")
    errors = out / "errors.txt"
    if result.failed:
        write_atomic(errors, "".join(f"{visible(e)}\n" for e in result.failed))
        written.append(errors)
    else:
        remove_stale(errors)
    return written


_COPIES_SHOWN = 6  # copies listed per family in the terminal; the rest are counted
_COPY_HEADLINE = 60  # characters of a copy's headline in the families table
TOP_FAMILIES = 20  # families shown in the terminal, largest first


def _ranked(families: Sequence[Family], top: int) -> list[tuple[int, Family]]:
    """The ``top`` largest families with their numbers in families.jsonl (ties: in
    file order)."""
    return sorted(enumerate(families, 1), key=lambda x: (-len(x[1].members), x[0]))[:top]


def _copies(f: Family) -> list[str]:
    return [m for m in f.members if m != f.original]


def listed_ids(families: Sequence[Family], top: int = TOP_FAMILIES) -> set[str]:
    """The articles that :func:`render_scan` labels: the callers that can read them
    again (the CLI) look up only these."""
    return {m for _, f in _ranked(families, top) for m in (f.original, *_copies(f)[:_COPIES_SHOWN])}


def _families_table(families: Sequence[Family], top: int, known: Mapping[str, Labelled]) -> Table:
    """The largest families, each article by its label (an id only where the article
    was not read again): the original, then the first copies one a line."""
    fam = Table(title=f"Largest families (of {len(families)})", expand=False)
    fam.add_column("#", justify="right")
    fam.add_column("original")
    fam.add_column("size", justify="right")
    fam.add_column("copies")
    for k, f in _ranked(families, top):
        copies = _copies(f)
        shown = [label(known.get(m), m, _COPY_HEADLINE) for m in copies[:_COPIES_SHOWN]]
        if len(copies) > _COPIES_SHOWN:
            shown.append(f"… (+{len(copies) - _COPIES_SHOWN})")
        original = label(known.get(f.original), f.original)
        fam.add_row(
            str(k),
            plain(original),
            str(len(f.members)),
            Text("\n").join(plain(f"• {x}") for x in shown),
        )
    return fam


def render_scan(
    result: ScanResult,
    console: Console,
    *,
    top: int = TOP_FAMILIES,
    known: Mapping[str, Labelled] | None = None,
) -> None:
    """Summary table, the largest families, and failed inputs (first few). ``known``:
    articles by id (``listed_ids`` says which are shown), for their labels."""
    s = summary_dict(result)
    table = Table(title="newstrace scan", show_header=False, expand=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row("articles", f"{s['articles']:,}")
    table.add_row("failed inputs", f"{s['failed_inputs']:,}")
    table.add_row("candidate pairs", f"{s['candidates']:,}")
    for relation, n in s["relations"].items():
        table.add_row(f"  {relation}", f"{n:,}")
    table.add_row("reuse families", f"{s['families']:,}")
    total = result.seconds.get("total", 0.0)
    rate = s["articles"] / total if total else 0.0
    table.add_row("time", f"{total:.2f} s ({rate:,.0f} articles/s)")
    console.print(table)
    if result.families:
        console.print(_families_table(result.families, top, known or {}))
    for e in result.failed[:10]:
        console.print(f"[yellow]skipped[/yellow] {markup(e)}", highlight=False, markup=True)
    if len(result.failed) > 10:
        console.print(f"… and {len(result.failed) - 10} more failed inputs")


def match_dict(m: Match) -> dict[str, Any]:
    """One archive match: the archived id, band hits, and the full comparison (the
    checked article is ``a``, the archived one ``b``)."""
    d = comparison_dict(m.comparison)
    d.pop("articles", None)
    return {"id": m.id, "band_hits": m.band_hits, **d}


def check_dict(
    article: Article, matches: Sequence[Match], archived: int, ms: float, options: Options
) -> dict[str, Any]:
    """What ``check --format json`` and ``POST /api/check`` answer: the article, the
    archive's size, the time taken, the matches, and where the article would sit in
    the copy tree of the family it makes with them (``family``, null without matches;
    ``lineage.check_tree``), with its URL when it has one."""
    from ..lineage import check_tree

    tree = check_tree(article, matches, options)
    found: dict[str, Any] = {
        "article": article.origin or article.id,
        "archived": archived,
        "milliseconds": round(ms, 2),
        "matches": [match_dict(m) for m in matches],
        "family": None if tree is None else place_dict(tree, article.id),
    }
    if article.url:
        found["url"] = article.url
    return found


def place_dict(tree: CopyTree, article_id: str) -> dict[str, Any]:
    """Where a checked article sits in the tree of its family (``lineage.check_tree``):
    its likely ``parent`` (null: it is the original, or undecided between
    ``candidates``), the ``children`` made from it, its ``credit``, the ``members``, and
    the whole ``tree`` (``tree_dict``'s fields, as in families.jsonl)."""
    edge = tree.edge(article_id)
    return {
        "original": tree.root,
        "is_original": tree.root == article_id,
        "parent": edge.parent,
        "confidence": edge.confidence,
        "reasons": list(edge.reasons),
        "candidates": list(edge.undecided),
        "children": list(tree.children(article_id)),
        "credit": None if tree.root == article_id else credit_dict(edge.credit),
        "members": [e.child for e in tree.edges],
        "tree": tree_dict(tree),
    }


def render_matches(
    matches: list[Match], console: Console, article: Article, ms: float, archived: int
) -> None:
    """The checked ``article``'s label, then one line per match: its label and id (for
    ``newstrace show ID``), relation, coverage, source; its drifts indented below."""
    head = (
        f"{label(article)}: {len(matches) or 'no'} match(es) among {archived:,} archived "
        f"articles ({ms:.1f} ms)"
    )
    console.print(plain(head), highlight=False)
    for m in matches:
        c = m.comparison
        source = {"a": "this article", "b": "the archived one"}.get(c.source or "", "undecided")
        console.print(
            f"  [bold]{markup(label(c.b))}[/bold]  [dim]id {markup(m.id)}[/dim]\n"
            f"    {c.relation}  coverage this "
            f"{c.coverage.a:.0%} / archived {c.coverage.b:.0%}  "
            f"source: {markup(source)}",
            highlight=False,
        )
        for d in c.drifts:
            console.print(plain(f"      - {d.kind}: {d.note}"), highlight=False)
