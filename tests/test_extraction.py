"""Tests for HTML body extraction (``ingest.article_from_html``): body kept, debris dropped.

The small pages below were written for these tests: an article between navigation,
related links, comments and a footer; an article cut into several containers with ads
between them; an article with a table. The last test is an accuracy gate on the shared
Scrapinghub article-extraction benchmark (skipped when ``../shared/data`` is absent).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from newstrace import ingest
from newstrace.ingest import article_from_html

ROOT = Path(__file__).resolve().parents[1]

# --------------------------------------------------------------------------- pages

BODY = [
    "The Marrowdale river reached its highest level in sixty years on Tuesday, forcing the "
    "evacuation of about 300 homes in the low-lying Fennick district, officials said.",
    "Water rose more than four metres above its normal level after three days of heavy "
    "rain across the uplands, according to the regional flood agency.",
    "“We have never seen the water come up this fast,” said Orla Venner, who has run the "
    "bakery on Quay Street for twenty-two years. “By noon the cellar was full.”",
    "Emergency crews built a temporary barrier of sandbags along the old towpath overnight, "
    "and two schools in the district were turned into shelters for displaced families.",
    "The agency expects the river to peak on Wednesday evening and warned residents "
    "downstream in Kessock and Lowbridge to move valuables to upper floors.",
    "Rail services between Marrowdale and the coast were suspended after a section of "
    "track near the Fennick viaduct was submerged, the operator said.",
]

NAV = ["Home", "Politics", "Business", "Weather", "Sport"]
RELATED = [
    "Council approves new harbour wall after winter storms",
    "Ten things to know before you buy a flood barrier",
    "Photos: the great thaw of 1962 in pictures",
]
COMMENTS = [
    "Dunmore_77: My grandmother remembers the 1962 flood, it was nothing like this at all.",
    "kestrel_lady: Why did nobody clear the drains in October? Absolutely shameful work.",
]
FOOTER = "© 2024 Marrowdale Evening Gazette. All rights reserved. Privacy policy. Contact us."


def _page(
    article: str, *, title: str = "Marrowdale river floods Fennick district", after: str = ""
) -> str:
    nav = "".join(f'<li><a href="/{w.lower()}">{w}</a></li>' for w in NAV)
    related = "".join(f'<li><a href="/story/{i}">{t}</a></li>' for i, t in enumerate(RELATED))
    comments = "".join(f'<div class="comment"><p>{c}</p></div>' for c in COMMENTS)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | Evening Gazette</title>
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="Marrowdale Evening Gazette"></head>
<body>
<header class="site-header"><div class="logo">Evening Gazette</div>
<nav class="main-menu"><ul>{nav}</ul></nav></header>
<main>
<article class="story">
<h1>{title}</h1>
<div class="byline">By Hamish Tolland, 14 March 2024</div>
{article}
</article>
{after}
<aside class="related"><h3>Related stories</h3><ul>{related}</ul></aside>
<section id="comments" class="comments"><h3>Comments</h3>{comments}</section>
</main>
<footer class="site-footer"><p>{FOOTER}</p></footer>
</body></html>"""


def _paras(paras: list[str]) -> str:
    return "".join(f"<p>{p}</p>" for p in paras)


def _missing(text: str, wanted: list[str]) -> list[str]:
    return [w for w in wanted if w not in text]


def _present(text: str, unwanted: list[str]) -> list[str]:
    return [u for u in unwanted if u in text]


# --------------------------------------------------------------------------- pages


def test_article_between_navigation_related_comments_and_footer() -> None:
    html = _page(f'<div class="story-body">{_paras(BODY)}</div>')
    art = article_from_html(html, id="flood")
    assert not _missing(art.text, BODY)
    assert not _present(art.text, [*RELATED, *COMMENTS, FOOTER, "Politics", "Sport"])
    assert art.title == "Marrowdale river floods Fennick district"
    # page order is kept
    assert [art.text.index(p) for p in BODY] == sorted(art.text.index(p) for p in BODY)


def test_article_split_over_several_containers_is_kept_whole() -> None:
    chunks = [BODY[:2], BODY[2:4], BODY[4:]]
    ad = (
        '<div class="ad-slot"><span>Advertisement</span></div>'
        '<div class="newsletter"><p>Sign up for our morning briefing.</p></div>'
    )
    parts = [
        f'<div class="chunk-row"><div class="story-body body-text">{_paras(c)}</div>'
        f'<div class="rail"></div></div>'
        for c in chunks
    ]
    html = _page(ad.join(parts))
    art = article_from_html(html, id="split")
    assert not _missing(art.text, BODY)
    assert [art.text.index(p) for p in BODY] == sorted(art.text.index(p) for p in BODY)
    assert not _present(art.text, [*RELATED, *COMMENTS, FOOTER, "Advertisement"])


def test_split_chunks_not_taken_from_another_article() -> None:
    """A sibling container with a headline of its own is the next article, not a chunk."""
    other = [
        "In other news, the Lowbridge choir won the national folk competition on Sunday "
        "with a programme of songs collected from fishing villages along the coast.",
        "The choir was founded in 1931 and has forty-two members, the youngest of whom is "
        "fourteen years old and the oldest ninety-one, its secretary said.",
    ]
    html = _page(
        f'<div class="story-body">{_paras(BODY)}</div>',
        after=(
            '<article class="story"><h1>Lowbridge choir wins national title</h1>'
            f'<div class="story-body">{_paras(other)}</div></article>'
        ),
    )
    art = article_from_html(html, id="next")
    assert not _missing(art.text, BODY)
    assert not _present(art.text, other)


def test_table_cells_are_kept() -> None:
    rows = [
        ("Marrowdale", "4.2 m", "1962"),
        ("Kessock", "3.1 m", "1988"),
        ("Lowbridge", "2.7 m", "2007"),
    ]
    table = (
        "<table><thead><tr><th>Gauge</th><th>Level</th><th>Previous record</th></tr>"
        "</thead><tbody>"
        + "".join(f"<tr><td>{a}</td><td>{b}</td><td>{c}</td></tr>" for a, b, c in rows)
        + "</tbody></table>"
    )
    html = _page(f'<div class="story-body">{_paras(BODY[:3])}{table}{_paras(BODY[3:])}</div>')
    art = article_from_html(html, id="table")
    assert not _missing(art.text, BODY)
    for cells in rows:
        assert not _missing(art.text, list(cells))
    assert not _present(art.text, [*RELATED, *COMMENTS, FOOTER])


def test_choice_falls_back_to_recall_when_precision_misses() -> None:
    recall = "\n".join(BODY)
    # precision mode kept a stray notice: far shorter than the recall text
    assert ingest._choose_text("This copy is for your personal use only.", recall) == recall
    # precision mode latched onto another block: long, but not in the recall text
    other = " ".join(f"Unrelated sentence number {i} about something else." for i in range(60))
    assert ingest._choose_text(other, recall) == recall
    # the usual case: precision mode dropped a caption or a teaser, keep its text
    precise = "\n".join(BODY[:-1])
    assert ingest._choose_text(precise, recall + "\nRead more: the great thaw") == precise
    assert ingest._choose_text(None, recall) == recall
    assert ingest._choose_text(precise, None) == precise


# --------------------------------------------------------------------------- accuracy gate

# Benchmark F1 of article_from_html over the 30 gate pages (bench/eval_extraction.py
# --variants newstrace --gate) measured 0.973 with trafilatura 2.3.1; the floor leaves a
# little room for other trafilatura versions, not for a regression (the favor_recall call
# newstrace made before scores 0.964 on these pages, whole-page text far less).
GATE_FLOOR = 0.965


def _bench_module():  # the bench script as a module
    path = ROOT / "bench" / "eval_extraction.py"
    spec = importlib.util.spec_from_file_location("eval_extraction", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("eval_extraction", module)
    spec.loader.exec_module(module)
    return module


def test_benchmark_gate(shared_data: Path) -> None:
    data = shared_data / "article-extraction-benchmark"
    if not (data / "ground-truth.json").is_file():
        pytest.skip("article-extraction-benchmark is not present")
    bench = _bench_module()
    truth, urls, paths = bench.load(data)
    ids = bench.gate_ids(truth)
    assert len(ids) == 30
    preds = {k: bench.v_newstrace(bench.read_html(paths[k]), urls[k]) for k in ids}
    m = bench.score(truth, preds, ids)
    assert m["f1"] >= GATE_FLOOR, m
