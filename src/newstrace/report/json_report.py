"""JSON form of results: the documented, stable schema of ``compare --format json``."""

from __future__ import annotations

from typing import Any

from .. import __version__
from ..model import Article, Comparison, CopyEdge, CopyTree, Credit, Span


def _span(span: Span | None) -> list[int] | None:
    return None if span is None else [span.start, span.end]


def article_dict(article: Article, *, with_text: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": article.id,
        "origin": article.origin,
        "format": article.format,
        "title": article.title,
        "site": article.site,
        "published": article.published,
        "url": article.url,
        "author": article.author,
        "length": len(article.text),
    }
    if with_text:
        out["text"] = article.text
    return out


def comparison_dict(c: Comparison) -> dict[str, Any]:
    """Plain-JSON dict of a comparison; offsets are characters into each input as read."""
    return {
        "newstrace": __version__,
        "relation": c.relation,
        "source": c.source,
        "reasons": list(c.reasons),
        "score": c.score,
        "coverage": {"a": c.coverage.a, "b": c.coverage.b},
        "alignments": [
            {
                "a_start": al.a.start,
                "a_end": al.a.end,
                "b_start": al.b.start,
                "b_end": al.b.end,
                "score": al.score,
                "kind": al.kind,
                "a_sentences": list(al.a_sentences),
                "b_sentences": list(al.b_sentences),
            }
            for al in c.alignments
        ],
        "drifts": [
            {
                "kind": d.kind,
                "a_start": d.a.start if d.a else None,
                "a_end": d.a.end if d.a else None,
                "b_start": d.b.start if d.b else None,
                "b_end": d.b.end if d.b else None,
                "a_text": d.a_text,
                "b_text": d.b_text,
                "note": d.note,
            }
            for d in c.drifts
        ],
        "boilerplate": {
            "a": [_span(bp.span) for bp in c.boilerplate_a],
            "b": [_span(bp.span) for bp in c.boilerplate_b],
        },
        "boilerplate_reasons": {
            "a": [bp.reason for bp in c.boilerplate_a],
            "b": [bp.reason for bp in c.boilerplate_b],
        },
        "title": {"a": _span(c.title_a), "b": _span(c.title_b)},
        "articles": {
            "a": article_dict(c.a, with_text=c.a.format != "text"),
            "b": article_dict(c.b, with_text=c.b.format != "text"),
        },
    }


def credit_dict(credit: Credit | None) -> dict[str, Any]:
    """One copy's credit: ``credited`` true, false or null (named an outlet no source
    identifies, or not read), the evidence span in the copy's text and its words."""
    if credit is None:
        return {"credited": None, "span": None, "text": "", "form": None, "reason": "not read"}
    return {
        "credited": credit.credited,
        "span": _span(credit.span),
        "text": credit.text,
        "organisation": credit.organisation,
        "form": credit.form,
        "reason": credit.reason,
    }


def tree_dict(tree: CopyTree) -> dict[str, Any]:
    """The copy-tree fields of a family line (families.jsonl, the Spark ``families/``
    output, ``check --format json``): ``parent`` member -> parent id (null: the root, or
    undecided), ``edges`` (from parent to copy, with confidence and reasons),
    ``undecided`` member without a parent -> the candidates the evidence cannot tell
    apart (maybe none) and why, ``credit``
    copy -> its credit, ``credit_summary`` (copies, credited, uncredited, unknown), and
    why the root is the original."""
    summary = tree.credit_summary()
    return {
        "parent": tree.parents(),
        "edges": [
            {
                "from": e.parent,
                "to": e.child,
                "confidence": e.confidence,
                "reasons": list(e.reasons),
            }
            for e in tree.edges
            if e.parent is not None
        ],
        "undecided": {
            e.child: {"candidates": list(e.undecided), "reasons": list(e.reasons)}
            for e in tree.edges
            if e.parent is None and e.child != tree.root
        },
        "original_confidence": tree.root_confidence,
        "original_reasons": list(tree.root_reasons),
        "credit": {e.child: credit_dict(e.credit) for e in tree.edges if e.child != tree.root},
        "credit_summary": {
            "copies": summary.copies,
            "credited": summary.credited,
            "uncredited": summary.uncredited,
            "unknown": summary.unknown,
        },
    }


def _credit_from(d: dict[str, Any]) -> Credit | None:
    if d.get("reason") == "not read" and d["credited"] is None:
        return None
    span = d["span"]
    return Credit(
        d["credited"],
        None if span is None else Span(*span),
        d["text"],
        d.get("organisation"),
        d.get("form"),
        d["reason"],
    )


def tree_from_dict(d: dict[str, Any], root: str | None) -> CopyTree:
    """The ``CopyTree`` that ``tree_dict`` wrote (the Spark job ships trees as this
    JSON), members in the order of ``parent``."""
    placed = {e["to"]: (e["confidence"], tuple(e["reasons"]), ()) for e in d["edges"]}
    unplaced = {
        m: (0.0, tuple(u["reasons"]), tuple(u["candidates"])) for m, u in d["undecided"].items()
    }
    root_edge = (d["original_confidence"], tuple(d["original_reasons"]), ())
    edges = []
    for member, parent in d["parent"].items():
        confidence, why, undecided = (
            root_edge if member == root else placed.get(member) or unplaced[member]
        )
        credit = _credit_from(d["credit"][member]) if member in d["credit"] else None
        edges.append(CopyEdge(member, parent, confidence, why, undecided, credit))
    return CopyTree(root, tuple(edges), d["original_confidence"], tuple(d["original_reasons"]))
