"""JSON form of results: the documented, stable schema of ``compare --format json``."""

from __future__ import annotations

from typing import Any

from .. import __version__
from ..model import Article, Comparison, Span


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
