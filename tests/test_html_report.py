"""HTML reports: self-contained, escaped, with linked passages and drift markers."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

from newstrace import Article, compare, iter_articles
from newstrace.report.html import comparison_html, scan_html
from newstrace.scan import scan

from .conftest import DEMO, ROOT

HOSTILE = (
    "<script>alert('x')</script> The harbour master said <img src=x onerror=alert(1)> "
    "that the night ferry ran late on Tuesday, March 3, after 212 passengers boarded. "
    '<a href="javascript:alert(2)">more</a> ' + "W" * 20000
)


def test_comparison_report_links_passages_and_marks_drifts() -> None:
    c = compare(DEMO / "01-wire.txt", DEMO / "04-spin.txt")
    html = comparison_html(c)
    assert html.count('data-al="1"') >= 2  # passage 1 marked on both sides
    assert len(re.findall(r'class="dm"', html)) >= len([d for d in c.drifts if d.a_text])
    assert "€2.3 million became €3.2 million" in html
    assert 'class="bp"' in html  # removed boilerplate shown greyed
    assert "rewrite" in html


def test_report_is_self_contained() -> None:
    html = comparison_html(compare(DEMO / "01-wire.txt", DEMO / "02-reprint-herald.txt"))
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "<link" not in html and "@import" not in html


def test_hostile_text_is_inert() -> None:
    evil = Article(
        id="<b>id</b>", text=HOSTILE, title="<script>t()</script>", origin='"><script>o()</script>'
    )
    html = comparison_html(compare(evil, evil))
    body = html.split("<body>", 1)[1].rsplit("<script>", 1)[0]  # our own script is last
    assert "<script" not in body
    assert "<img" not in body and "<a href" not in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body
    assert "W" * 20000 in body  # long lines are kept (wrapped by CSS), not cut


def test_scan_report_lists_families_and_pair_views() -> None:
    arts = list(iter_articles([ROOT / "demo" / "corpus.jsonl"]))
    result = scan(arts)
    by_id = {a.id: a for a in arts}
    views = [compare(by_id[p.a], by_id[p.b]) for p in result.pairs[:3]]
    html = scan_html(result.pairs, result.families, views, articles=result.articles, known=by_id)
    # the original is named by headline, site and time (the copy tree's root), not its id
    wire = by_id["01-wire"]
    assert re.search(rf"Family 1: original\s+<strong>{re.escape(wire.title or '')} ·", html)
    assert html.count('<details id="pair-') == 3
    assert "<svg" in html


def test_scan_report_draws_each_family_as_a_copy_tree() -> None:
    """Nodes labelled with headline, site and time; uncredited copies marked in text;
    each hop links to its side-by-side view; hostile headlines stay inert."""
    arts = list(iter_articles([ROOT / "demo" / "corpus.jsonl"]))
    evil = "<script>alert(1)</script>"
    arts = [replace(a, title=evil) if a.id == "04-spin" else a for a in arts]
    result = scan(arts)
    by_id = {a.id: a for a in arts}
    fam = result.families[0]
    assert fam.tree is not None
    hops = [(e.parent, e.child) for e in fam.tree.edges if e.parent is not None]
    views = [compare(by_id[min(h)], by_id[max(h)]) for h in hops]
    html = scan_html(result.pairs, result.families, views, articles=result.articles, known=by_id)
    body = html.split("<body>", 1)[1].rsplit("<script>", 1)[0]
    assert "<script" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    tree = body.split('<svg class="tree"', 1)[1].split("</svg>", 1)[0]
    assert "Northgate Wire · 2026-03-04 08:30" in tree  # site and time of the original
    assert ">04-spin<" not in tree and ">01-wire<" not in tree  # no ids where people read
    uncredited = [e.child for e in fam.tree.edges if e.credit and e.credit.credited is False]
    assert uncredited and tree.count("⚠ uncredited") == len(uncredited)
    for parent, child in hops:
        anchor = quote(f"pair-{min(parent, child)}--{max(parent, child)}", safe="")
        assert f'<a href="#{anchor}"><path' in tree
        assert f'<details id="pair-{min(parent, child)}--{max(parent, child)}">' in body


def test_cli_writes_html(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "newstrace",
            "compare",
            str(DEMO / "01-wire.txt"),
            str(DEMO / "04-spin.txt"),
            "--html",
            str(out),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_csp_pins_our_only_script() -> None:
    import base64
    import hashlib

    from newstrace.report.html import CSP

    html = comparison_html(compare(DEMO / "01-wire.txt", DEMO / "04-spin.txt"))
    scripts = re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in CSP and CSP in html
    assert "unsafe-inline" not in CSP.split("script-src")[1].split(";")[0]


def test_drift_rows_point_at_markers() -> None:
    c = compare(DEMO / "01-wire.txt", DEMO / "04-spin.txt")
    html = comparison_html(c)
    for k in range(1, len(c.drifts) + 1):
        assert f'<tr data-drift="{k}"' in html
    assert 'class="dm" data-drift="1"' in html
    assert '<span class="pos" aria-live="polite">' in html


def test_server_page_bodies_escape_everything() -> None:
    from newstrace.model import Family, PairResult
    from newstrace.report.html import article_body, families_body

    evil_id = '"><img src=x onerror=alert(1)>'
    art = Article(
        id=evil_id,
        text=HOSTILE,
        title="<script>t()</script>",
        url="javascript:alert(3)",
        site="<b>s</b>",
    )
    pairs = [
        PairResult(
            a=evil_id,
            b="b",
            relation="rewrite",
            coverage_a=0.5,
            coverage_b=1.5,
            source=None,
            score=0.9,
        )
    ]
    fams = [Family(members=(evil_id, "b"), original=evil_id)]
    for html in (article_body(art, related=pairs), families_body(pairs, fams, archived=2)):
        assert not re.search(r"<(script|img)\b", html)
        assert 'href="javascript' not in html
        assert "width:100%" in html or "families" not in html  # coverage bars clamp to 100 %
    assert "/compare?a=%22%3E%3Cimg" in families_body(pairs, fams, archived=2)
