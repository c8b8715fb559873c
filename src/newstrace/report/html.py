"""Self-contained HTML reports: side-by-side comparisons and scan overviews.

One file, no external resources (works offline, safe to mail). Every piece of article
text and metadata is escaped: articles are hostile input. Reused passages are linked
across the columns (hover or click one side and the other scrolls to it; ``j``/``k``
step through them), drift markers carry a plain-language note, removed boilerplate is
shown greyed. Colours come from the Okabe-Ito palette, readable with colour blindness.

The pages of ``newstrace serve`` are built here too, so that all escaping of article
text lives in one module; a Content-Security-Policy pinned to the hash of our one script
keeps anything that might slip through escaping from running.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from itertools import pairwise
from typing import Any
from urllib.parse import quote, urlencode

from ..model import Article, Comparison, Family, Match, PairResult, Span
from .labels import Labelled, describe, label
from .safe import visible
from .tree_view import tree_section

__all__ = ["CSP", "comparison_body", "comparison_html", "family_graph", "page", "scan_html"]

_CSS = """
:root { --al: #56B4E9; --al-strong: #0072B2; --drift: #D55E00; --bp: #767676;
        --bg: #fafaf8; --fg: #1d1d1f; --muted: #5f6368; --line: #e3e3e0; --card: #fff; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: var(--fg); background: var(--bg); }
header { padding: 1.2rem 2rem; border-bottom: 1px solid var(--line); background: var(--card); }
h1 { font-size: 1.3rem; margin: 0 0 .4rem; line-height: 1.3; overflow-wrap: anywhere; }
h2 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
.lead { color: var(--muted); margin: .2rem 0 0; max-width: 60rem; }
nav.top { display: flex; gap: 1.4rem; align-items: baseline; padding: .6rem 2rem;
          background: #1d2733; color: #fff; font-size: .95rem; }
nav.top a { color: #dfe7ef; text-decoration: none; }
nav.top a:hover, nav.top a[aria-current] { color: #fff; text-decoration: underline; }
nav.top .brand { font-weight: 700; color: #fff; letter-spacing: .02em; margin-right: .6rem; }
nav.top .archived { margin-left: auto; color: #b8c4d0; font-size: .85rem; }
.verdict { display: flex; flex-wrap: wrap; gap: .6rem 1.5rem; align-items: center; }
.badge { display: inline-block; padding: .1rem .6rem; border-radius: 1rem; font-weight: 600;
         font-size: .9rem; background: var(--al-strong); color: #fff; }
.badge.same-story, .badge.unrelated { background: var(--muted); }
.bar { display: inline-block; width: 8rem; height: .6rem; background: var(--line);
       border-radius: .3rem; vertical-align: middle; overflow: hidden; }
.bar > i { display: block; height: 100%; background: var(--al-strong); }
.reasons { color: var(--muted); margin: .5rem 0 0; padding-left: 1.2rem; }
main, .cmp-body { padding: 0 2rem 3rem; }
main.bare { padding: 0; }
details .cmp > header { border-top: 0; }
details .col h2 { background: var(--card); }
details .cmp > header, details .cmp-body { padding-left: 1rem; padding-right: 1rem; }
.cols { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 2rem; }
.col h2 { position: sticky; top: 0; background: var(--bg); padding: .5rem 0; margin: 0;
          border-bottom: 1px solid var(--line); overflow-wrap: anywhere; font-size: .95rem;
          color: var(--muted); }
.text { position: relative; white-space: pre-wrap; overflow-wrap: anywhere;
        word-break: break-word; max-height: 75vh; overflow-y: auto; padding: .5rem .6rem 0 0;
        font-family: Charter, "Iowan Old Style", Georgia, Cambria, serif; font-size: 1.02rem;
        line-height: 1.65; }
.text.article { max-height: none; max-width: 46rem; }
.al { background: color-mix(in srgb, var(--al) 28%, transparent); cursor: pointer;
      border-bottom: 2px solid var(--al); }
.al.active { background: color-mix(in srgb, var(--al-strong) 35%, transparent);
             outline: 2px solid var(--al-strong); }
.drift { text-decoration: underline wavy var(--drift); text-decoration-thickness: 2px;
         text-underline-offset: 3px; }
.dm { color: #fff; background: var(--drift); border-radius: .5rem; font-size: .7rem;
      padding: 0 .3rem; margin: 0 .1rem; font-weight: 700; vertical-align: super;
      font-family: system-ui, sans-serif; line-height: 1; }
td .dm, .legend .dm { vertical-align: baseline; }
.dm.flash { animation: flash 1.2s ease-out 2; }
@keyframes flash {
  50% { box-shadow: 0 0 0 .35rem color-mix(in srgb, var(--drift) 45%, transparent); } }
.bp { color: var(--bp); text-decoration: line-through; }
.title { font-weight: 700; }
.legend { display: flex; flex-wrap: wrap; align-items: center; gap: .4rem 1.2rem; font-size: .85rem;
          color: var(--muted); margin: 1rem 0 .4rem; }
table { border-collapse: collapse; width: 100%; }
td, th { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line);
         vertical-align: top; overflow-wrap: anywhere; }
table.drifts { font-size: .92rem; }
table.drifts td { padding: .25rem .5rem; }
table.drifts tr { cursor: pointer; }
.col h2 .aid { color: var(--fg); }
table.drifts tr:hover { background: color-mix(in srgb, var(--drift) 8%, transparent); }
table.meta { width: auto; max-width: 46rem; }
.kind, td:first-child, th { font-weight: 600; white-space: nowrap; }
.keys { color: var(--muted); font-size: .85rem; }
kbd { font: .8rem ui-monospace, monospace; border: 1px solid #c9c9c4; border-bottom-width: 2px;
      border-radius: .25rem; padding: 0 .3rem; background: #fff; }
.pos { margin-left: .4rem; font-weight: 600; color: var(--fg); }
a { color: var(--al-strong); }
:focus-visible { outline: 3px solid var(--drift); outline-offset: 1px; }
details { border: 1px solid var(--line); border-radius: .4rem; margin: .8rem 0;
          background: var(--card); }
details > summary { padding: .6rem 1rem; cursor: pointer; font-weight: 600; }
details[open] > summary { border-bottom: 1px solid var(--line); }
form.check { display: grid; gap: .4rem; max-width: 52rem; margin-top: 1.2rem; }
form.check label { font-weight: 600; margin-top: .6rem; }
.hint { color: var(--muted); font-weight: 400; }
input[type=text], textarea { font: inherit; padding: .5rem .6rem; border: 1px solid #c9c9c4;
                             border-radius: .35rem; background: #fff; width: 100%; }
textarea { font-family: Charter, Georgia, serif; resize: vertical; }
button { font: inherit; font-weight: 600; justify-self: start; margin-top: .8rem;
         padding: .5rem 1.2rem; border: 0; border-radius: .35rem; background: var(--al-strong);
         color: #fff; cursor: pointer; }
button:hover { background: #005a8c; }
.error { color: #8f3500; background: color-mix(in srgb, var(--drift) 10%, #fff);
         border-left: 4px solid var(--drift); padding: .5rem .8rem; margin: 0; }
ol.matches { list-style: none; padding: 0; display: grid; gap: .8rem; margin: 1.2rem 0; }
.match { background: var(--card); border: 1px solid var(--line); border-radius: .5rem;
         padding: .8rem 1rem; }
.treebox { overflow-x: auto; margin: .4rem 0; }
svg.tree .tnode rect { fill: var(--card); stroke: var(--al-strong); stroke-width: 1.5; }
svg.tree .tnode.root rect { stroke-width: 3; }
svg.tree .tnode.uncredited rect { stroke: var(--drift); stroke-dasharray: 6 3; }
svg.tree text { font: 12px system-ui, sans-serif; fill: var(--fg); }
svg.tree text.th { font-weight: 700; }
svg.tree text.tm { fill: var(--muted); font-weight: 600; }
svg.tree .tnode.uncredited text.tm { fill: #8f3500; }
svg.tree .tedge { fill: none; stroke: var(--al-strong); stroke-width: 2; }
svg.tree a .tedge { stroke-width: 3; cursor: pointer; }
svg.tree a:hover .tedge, svg.tree a:focus .tedge { stroke: var(--drift); }
ul.hops { font-size: .92rem; padding-left: 1.4rem; }
.mhead { display: flex; gap: .8rem; align-items: baseline; flex-wrap: wrap; }
.mid { font-weight: 700; font-size: 1.05rem; overflow-wrap: anywhere; }
.meta { color: var(--muted); font-size: .92rem; overflow-wrap: anywhere; }
.changes { margin: .4rem 0; padding-left: 1.2rem; }
.changes li::marker { color: var(--drift); }
.open { font-weight: 600; font-size: .92rem; }
.family { background: var(--card); border: 1px solid var(--line); border-radius: .5rem;
          padding: .2rem 1rem .8rem; margin: 1rem 0; }
.famrow { display: flex; flex-wrap: wrap; gap: 1rem 2rem; align-items: flex-start; }
ul.pairs { list-style: none; padding: 0; margin: .5rem 0; overflow-wrap: anywhere; }
ul.pairs li { margin: .25rem 0; }
@media (max-width: 900px) { .cols { grid-template-columns: minmax(0, 1fr); }
                            main, header { padding-left: 1rem; padding-right: 1rem; } }
@media (prefers-reduced-motion: reduce) { .dm.flash { animation: none; } }
"""

_JS = """
(function () {
  var current = null;  // {scope, index}
  var reduce = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  function ids(scope) {
    return Array.from(new Set(Array.from(scope.querySelectorAll('[data-al]'))
      .map(function (e) { return +e.dataset.al; }))).sort(function (a, b) { return a - b; });
  }
  function reveal(el) {
    // Scroll the element's own column (not the window): both columns move at once.
    var box = el.closest('.text');
    if (box) box.scrollTo({top: Math.max(0, el.offsetTop - box.clientHeight / 3),
                           behavior: reduce ? 'auto' : 'smooth'});
  }
  function onScreen(scope) {
    var cols = scope.querySelector('.cols');
    if (!cols) return;
    var r = cols.getBoundingClientRect();
    if (r.top > window.innerHeight * 0.6 || r.bottom < 80) cols.scrollIntoView({block: 'start'});
  }
  function light(scope, k) {
    document.querySelectorAll('.al.active').forEach(function (e) {
      e.classList.remove('active');
    });
    scope.querySelectorAll('[data-al="' + k + '"]').forEach(function (e) {
      e.classList.add('active');
    });
  }
  function show(scope, k, scrollSides, focus) {
    light(scope, k);
    scrollSides.forEach(function (side) {
      var first = scope.querySelector('.text-' + side + ' [data-al="' + k + '"]');
      if (first) reveal(first);
    });
    var list = ids(scope);
    current = {scope: scope, index: list.indexOf(k)};
    var pos = scope.querySelector('.pos');
    if (pos) pos.textContent = 'passage ' + (current.index + 1) + ' of ' + list.length;
    if (focus) {
      var f = scope.querySelector('.text-a [data-al="' + k + '"]') ||
              scope.querySelector('[data-al="' + k + '"]');
      if (f) f.focus({preventScroll: true});
    }
  }
  function hit(ev) {
    var t = ev.target.closest && ev.target.closest('[data-al]');
    if (!t) return null;
    var side = t.closest('.text-a') ? 'a' : 'b';
    return {scope: t.closest('.cmp'), k: +t.dataset.al, other: side === 'a' ? 'b' : 'a'};
  }
  function drift(ev) {
    var row = ev.target.closest && ev.target.closest('[data-drift]');
    if (!row || row.classList.contains('dm')) return false;
    var scope = row.closest('.cmp'), k = row.dataset.drift;
    onScreen(scope);
    scope.querySelectorAll('.dm[data-drift="' + k + '"]').forEach(function (m) {
      reveal(m);
      m.classList.remove('flash'); void m.offsetWidth; m.classList.add('flash');
    });
    return true;
  }
  function scopeNow() {
    if (current && current.scope.isConnected) return current.scope;
    return document.querySelector('details[open] .cmp') || document.querySelector('.cmp');
  }
  document.addEventListener('click', function (ev) {
    if (drift(ev)) return;
    var h = hit(ev);
    if (h) show(h.scope, h.k, [h.other], false);
  });
  // Hover only highlights, and only after the pointer really moved: a column that
  // j/k scrolled under a resting pointer must not steal the highlight.
  var pointer = {x: -1, y: -1, moved: true};
  document.addEventListener('mousemove', function (ev) {
    if (ev.clientX !== pointer.x || ev.clientY !== pointer.y) pointer.moved = true;
    pointer.x = ev.clientX; pointer.y = ev.clientY;
  });
  document.addEventListener('mouseover', function (ev) {
    var h = pointer.moved && hit(ev);
    if (h) light(h.scope, h.k);
  });
  document.addEventListener('keydown', function (ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    var t = ev.target;
    if (t.closest && t.closest('input, textarea, select, button')) return;
    if (ev.key === 'Enter' && t.closest) {
      if (drift(ev)) { ev.preventDefault(); return; }
      var h = hit(ev);
      if (h) { show(h.scope, h.k, [h.other], false); ev.preventDefault(); }
      return;
    }
    if (ev.key !== 'j' && ev.key !== 'k') return;
    var scope = scopeNow();
    if (!scope) return;
    var list = ids(scope), at = current && current.scope === scope ? current.index : -1;
    if (!list.length) return;
    var next = ev.key === 'j' ? Math.min(list.length - 1, at + 1) : Math.max(0, at - 1);
    onScreen(scope);
    pointer.moved = false;
    show(scope, list[next], ['a', 'b'], true);
    ev.preventDefault();
  });
  function openHash() {
    var d = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (d && d.tagName === 'DETAILS') {
      d.open = true; d.scrollIntoView();
      current = null;
    }
  }
  window.addEventListener('hashchange', openHash);
  openHash();
})();
"""

_SCRIPT_HASH = base64.b64encode(hashlib.sha256(_JS.encode("utf-8")).digest()).decode("ascii")
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; "
    f"script-src 'sha256-{_SCRIPT_HASH}'; img-src data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
"""Content-Security-Policy of every page: only our own script runs (pinned by its hash),
so markup that slipped through escaping still could not execute; nothing is loaded
from elsewhere. Inline styles stay allowed (coverage bars set their width)."""


@dataclass(frozen=True, slots=True)
class _Mark:
    """A class to put on a character range of one side."""

    span: Span
    cls: str
    alignment: int | None = None
    note: str | None = None
    marker: str | None = None


def _render_text(text: str, marks: Sequence[_Mark]) -> str:
    """The text as flat <span>s: each elementary range carries the classes of every mark
    covering it; a drift marker badge is put where its drift starts."""
    bounds = {0, len(text)}
    for m in marks:
        bounds.update((max(0, min(len(text), m.span.start)), max(0, min(len(text), m.span.end))))
    cuts = sorted(bounds)
    starts: dict[int, list[_Mark]] = {}
    for m in marks:
        if m.marker:
            starts.setdefault(m.span.start, []).append(m)
    out = []
    for lo, hi in pairwise(cuts):
        for m in starts.get(lo, []):
            out.append(
                f'<sup class="dm" data-drift="{escape(m.marker or "")[1:]}" '
                f'title="{escape(m.note or "")}">{escape(m.marker or "")}</sup>'
            )
        if lo == hi:
            continue
        active = [m for m in marks if m.span.start <= lo and hi <= m.span.end]
        piece = escape(text[lo:hi])
        if not active:
            out.append(piece)
            continue
        classes = sorted({m.cls for m in active})
        attrs = [f'class="{" ".join(classes)}"']
        al = next((m.alignment for m in active if m.alignment is not None), None)
        if al is not None:
            attrs.append(f'data-al="{al}" tabindex="0"')
        notes = [m.note for m in active if m.note]
        if notes:
            attrs.append(f'title="{escape(" | ".join(notes))}"')
        out.append(f"<span {' '.join(attrs)}>{piece}</span>")
    return "".join(out)


def _marks(c: Comparison, side: str) -> list[_Mark]:
    marks: list[_Mark] = []
    for k, al in enumerate(c.alignments, 1):
        marks.append(
            _Mark(
                al.a if side == "a" else al.b,
                "al",
                alignment=k,
                note=f"passage {k}: {al.kind}, score {al.score:.2f}",
            )
        )
    for k, d in enumerate(c.drifts, 1):
        span, own_text = (d.a, d.a_text) if side == "a" else (d.b, d.b_text)
        if span is None or not own_text:  # "dropped": the other side holds the value
            continue
        marks.append(_Mark(span, "drift", note=d.note, marker=f"D{k}"))
    for bp in c.boilerplate_a if side == "a" else c.boilerplate_b:
        marks.append(_Mark(bp.span, "bp", note=f"removed: {bp.reason}"))
    title = c.title_a if side == "a" else c.title_b
    if title is not None:
        marks.append(_Mark(title, "title"))
    return marks


def _column_head(article: Article) -> str:
    """Id, site and time (``labels.describe``): what tells two columns apart at a glance."""
    place = describe(article).place
    head = f'<span class="aid">{escape(article.id)}</span>'
    return f"{head} &middot; {escape(place)}" if place else head


def _bar(share: float) -> str:
    share = min(1.0, max(0.0, share))
    return f'<span class="bar" aria-hidden="true"><i style="width:{share * 100:.0f}%"></i></span>'


def comparison_body(c: Comparison) -> str:
    """The report of one comparison, without the page around it (also used by serve)."""
    source = {"a": label(c.a), "b": label(c.b)}.get(c.source or "", "undecided")
    reasons = "".join(f"<li>{escape(r)}</li>" for r in c.reasons)
    drifts = "".join(
        f'<tr data-drift="{k}" tabindex="0"><td><span class="dm">D{k}</span></td>'
        f'<td class="kind">{escape(d.kind)}</td><td>{escape(d.note)}</td></tr>'
        for k, d in enumerate(c.drifts, 1)
    )
    return f"""<div class="cmp">
<header>
  <h1>{escape(label(c.a))} &harr; {escape(label(c.b))}</h1>
  <div class="verdict">
    <span>relation
      <span class="badge {escape(c.relation)} relation">{escape(c.relation)}</span></span>
    <span>likely source: <strong class="source">{escape(source)}</strong></span>
    <span>A covered {_bar(c.coverage.a)} {c.coverage.a:.0%}</span>
    <span>B covered {_bar(c.coverage.b)} {c.coverage.b:.0%}</span>
    <span class="keys">{len(c.alignments)} reused passages &middot; {len(c.drifts)} changes &middot;
      keys: <kbd>j</kbd> / <kbd>k</kbd> next / previous passage
      <span class="pos" aria-live="polite"></span></span>
  </div>
  {f'<ul class="reasons">{reasons}</ul>' if reasons else ""}
</header>
<div class="cmp-body">
  {f'<h2>What the rewrite changed</h2><table class="drifts">{drifts}</table>' if drifts else ""}
  <div class="legend"><span class="al">reused passage</span>
    <span class="drift">changed detail</span> <span class="dm">D1</span> change marker
    <span class="bp">removed boilerplate</span></div>
  <div class="cols">
    <section class="col"><h2>A &middot; {_column_head(c.a)}</h2>
      <div class="text text-a">{_render_text(c.a.text, _marks(c, "a"))}</div></section>
    <section class="col"><h2>B &middot; {_column_head(c.b)}</h2>
      <div class="text text-b">{_render_text(c.b.text, _marks(c, "b"))}</div></section>
  </div>
</div></div>"""


def page(title: str, body: str, *, nav: str = "") -> str:
    """A complete, self-contained HTML page (``nav``: the server's top bar)."""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="referrer" content="no-referrer">
<title>{escape(title)}</title><style>{_CSS}</style></head>
<body>{nav}{body}<script>{_JS}</script></body></html>
"""


def comparison_html(c: Comparison) -> str:
    """A side-by-side report of one comparison as a complete page."""
    return page(
        f"newstrace: {label(c.a)} vs {label(c.b)}",
        f'<main class="bare">{comparison_body(c)}</main>',
    )


def _family_sections(
    pairs: Sequence[PairResult],
    families: Sequence[Family],
    href: Callable[[PairResult], str | None],
    tree: Callable[[int, Family], str | None] = lambda k, fam: None,
    known: Mapping[str, Labelled] | None = None,
) -> str:
    """One section per family: original, member count, graph, and its pairs (each linked
    to its side-by-side view where ``href`` gives one); where ``tree`` renders the
    family's copy tree, that instead of the graph and the pairs. ``known``: articles by
    id, for their labels (an id shows only for an article not known)."""
    known = known or {}
    rows = []
    for k, fam in enumerate(families, 1):
        drawn = tree(k, fam)
        if drawn is not None:
            rows.append(drawn)
            continue
        members = set(fam.members)
        inner = [p for p in pairs if p.a in members and p.b in members]
        links = []
        for p in inner:
            target = href(p)
            names = (escape(label(known.get(m), m)) for m in (p.a, p.b))
            text = f"{' &harr; '.join(names)}: {escape(p.relation)}"
            cov = max(p.coverage_a, p.coverage_b)
            links.append(
                f'<li>{_bar(cov)} <a href="{escape(target)}">{text}</a></li>'
                if target
                else f"<li>{_bar(cov)} {text}</li>"
            )
        rows.append(f"""<section class="family"><h2>Family {k}: original
          <strong>{escape(label(known.get(fam.original), fam.original))}</strong>,
          {len(fam.members)} articles</h2>
          <div class="famrow">{family_graph(fam, inner, known=known)}<ul class="pairs">{"".join(links)}</ul></div>
          </section>""")
    return "".join(rows)


def _pair_anchor(a: str, b: str) -> str:
    """The id of a pair's view: ids as :func:`visible` shows them, so that an id holding
    a file name that is not UTF-8 still makes a link that matches."""
    return f"pair-{visible(a)}--{visible(b)}"


OVERVIEW_PAIR_VIEWS = 200
OVERVIEW_HOP_VIEWS = 300
"""Side-by-side views in a scan's HTML overview: the strongest pairs, and the hops of
the copy trees (families in order), each a full compare written into the one file."""


def overview_pairs(
    pairs: Sequence[PairResult], families: Sequence[Family]
) -> list[tuple[str, str]]:
    """The pairs (ids) that the scan overview shows side by side: the strongest pairs,
    then the (parent, copy) hops of the families' trees, ids ordered, each once."""
    best = [(p.a, p.b) for p in sorted(pairs, key=lambda p: -p.score)[:OVERVIEW_PAIR_VIEWS]]
    hops: list[tuple[str, str]] = []
    for fam in families:
        for e in fam.tree.edges if fam.tree is not None else ():
            if e.parent is not None:
                hops.append((min(e.parent, e.child), max(e.parent, e.child)))
    return list(dict.fromkeys([*best, *list(dict.fromkeys(hops))[:OVERVIEW_HOP_VIEWS]]))


def scan_html(
    pairs: Sequence[PairResult],
    families: Sequence[Family],
    comparisons: Iterable[Comparison] = (),
    *,
    articles: int = 0,
    known: Mapping[str, Article] | None = None,
) -> str:
    """A scan overview: families (original, copies, coverage bars, a small graph, or the
    copy tree where the family has one: see ``tree_section``), and the side-by-side view
    of each pair given in ``comparisons`` (collapsed). ``known``: articles by id, whose
    headlines, sites and times label the tree nodes."""
    by_pair = {(c.a.id, c.b.id): c for c in comparisons}

    def view(a: str, b: str) -> str | None:
        x, y = min(a, b), max(a, b)
        return "#" + quote(_pair_anchor(x, y), safe="") if (x, y) in by_pair else None

    meta = dict(known or {})
    for c in by_pair.values():
        meta.setdefault(c.a.id, c.a)
        meta.setdefault(c.b.id, c.b)
    sections = _family_sections(
        pairs,
        families,
        lambda p: view(p.a, p.b),
        lambda k, fam: tree_section(k, fam, meta, view),
        meta,
    )
    views = "".join(
        f'<details id="{escape(_pair_anchor(c.a.id, c.b.id))}"><summary>{escape(label(c.a))} &harr; '
        f"{escape(label(c.b))} ({escape(c.relation)})</summary>{comparison_body(c)}</details>"
        for c in by_pair.values()
    )
    body = f"""<header><h1>newstrace scan</h1>
      <div class="verdict"><span>{articles:,} articles</span><span>{len(pairs):,} reuse pairs</span>
      <span>{len(families):,} families</span></div></header>
      <main>{sections or "<p>No reuse found.</p>"}<h2>Pairs</h2>{views}</main>"""
    return page("newstrace scan", body)


def family_graph(
    fam: Family,
    pairs: Sequence[PairResult],
    size: int = 220,
    *,
    known: Mapping[str, Labelled] | None = None,
) -> str:
    """A small SVG: members on a circle, the original at the top, reuse pairs as lines;
    each member's tooltip its label (``known``: articles by id)."""
    known = known or {}
    import math

    members = [fam.original] + [m for m in fam.members if m != fam.original]
    n = len(members)
    if n > 40:
        return ""
    r = size / 2 - 24
    pos = {
        m: (
            size / 2 + r * math.sin(2 * math.pi * i / n),
            size / 2 - r * math.cos(2 * math.pi * i / n),
        )
        for i, m in enumerate(members)
    }
    lines = "".join(
        f'<line x1="{pos[p.a][0]:.1f}" y1="{pos[p.a][1]:.1f}" x2="{pos[p.b][0]:.1f}" '
        f'y2="{pos[p.b][1]:.1f}" stroke="#0072B2" '
        f'stroke-width="{1 + 3 * min(1.0, max(p.coverage_a, p.coverage_b)):.1f}"/>'
        for p in pairs
        if p.a in pos and p.b in pos
    )
    nodes = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{9 if m == fam.original else 6}" '
        f'fill="{"#D55E00" if m == fam.original else "#56B4E9"}">'
        f"<title>{escape(label(known.get(m), m))}</title></circle>"
        for m, (x, y) in pos.items()
    )
    return (
        f'<svg width="{size}" height="{size}" role="img" aria-label="reuse graph">'
        f"{lines}{nodes}</svg>"
    )


# --- pages of the local web UI (newstrace serve) -----------------------------------------
#
# The server only routes; every page body is built here, so all escaping of article text
# lives in one module. Links to archived articles carry their id percent-encoded.


def article_href(article_id: str) -> str:
    return "/articles/" + quote(article_id, safe="", errors="surrogateescape")


def compare_href(a: str, b: str) -> str:
    return "/compare?" + urlencode({"a": a, "b": b}, errors="surrogateescape")


def nav_bar(*, archived: int, active: str = "") -> str:
    """The top bar of every server page."""
    items = [
        ("check", "/", "Check an article"),
        ("families", "/families", "Reuse families"),
        ("docs", "/docs", "API"),
    ]
    links = "".join(
        f'<a href="{href}"{" aria-current=page" if key == active else ""}>{label}</a>'
        for key, href, label in items
    )
    return (
        f'<nav class="top"><a class="brand" href="/">newstrace</a>{links}'
        f'<span class="archived">{archived:,} archived articles</span></nav>'
    )


def check_form(*, text: str = "", title: str = "", message: str = "") -> str:
    """Paste or upload an article to check against the archive."""
    error = f'<p class="error" role="alert">{escape(message)}</p>' if message else ""
    return f"""<header><h1>Have we seen this before?</h1>
<p class="lead">Paste an article or upload a .txt or .html file: newstrace finds the archived
articles it reuses or that reuse it, and shows what the rewrite changed.</p></header>
<main><form class="check" method="post" action="/" enctype="multipart/form-data">
  {error}
  <label for="title">Headline <span class="hint">(optional)</span></label>
  <input id="title" name="title" type="text" value="{escape(title)}" autocomplete="off">
  <label for="text">Article text</label>
  <textarea id="text" name="text" rows="14" spellcheck="false">{escape(text)}</textarea>
  <label for="file">&hellip; or a file <span class="hint">(.txt, .html)</span></label>
  <input id="file" name="file" type="file" accept=".txt,.text,.html,.htm,text/plain,text/html">
  <button type="submit">Check against the archive</button>
</form></main>"""


def matches_body(article: Article, matches: Sequence[Match], *, archived: int, ms: float) -> str:
    """Matches of a checked article: one card each, opening its side-by-side view."""
    cards, views = [], []
    for k, m in enumerate(matches, 1):
        c = m.comparison
        source = {"a": "this article", "b": label(c.b)}.get(c.source or "", "undecided")
        changes = "".join(f"<li>{escape(d.note)}</li>" for d in c.drifts[:5])
        more = f"<li>&hellip; {len(c.drifts) - 5} more</li>" if len(c.drifts) > 5 else ""
        cards.append(f"""<li class="match">
  <div class="mhead"><a class="mid" href="#match-{k}">{escape(label(c.b))}</a>
    <span class="badge {escape(c.relation)}">{escape(c.relation)}</span></div>
  <div class="meta">archived as <a href="{escape(article_href(m.id))}">{escape(m.id)}</a>
    &middot; likely source: <strong>{escape(source)}</strong></div>
  <div class="meta">this article covered {_bar(c.coverage.a)} {c.coverage.a:.0%} &middot;
    archived covered {_bar(c.coverage.b)} {c.coverage.b:.0%}</div>
  {f'<ul class="changes">{changes}{more}</ul>' if changes else ""}
  <a class="open" href="#match-{k}">Side by side &rarr;</a></li>""")
        views.append(
            f'<details id="match-{k}"><summary>Side by side: this article &harr; '
            f"{escape(label(c.b))}</summary>{comparison_body(c)}</details>"
        )
    found = f"{len(matches)} match{'es' if len(matches) != 1 else ''}" if matches else "No match"
    return f"""<header><h1>{escape(label(article))}</h1>
<p class="lead"><span class="found">{found}</span> among {archived:,} archived articles
({ms:.0f} ms). <a href="/">Check another article</a></p></header>
<main>{
        f'<ol class="matches">{"".join(cards)}</ol>'
        if cards
        else "<p>Nothing in the archive shares reused passages with this article.</p>"
    }
{"".join(views)}</main>"""


def families_body(pairs: Sequence[PairResult], families: Sequence[Family], *, archived: int) -> str:
    """The archive's reuse families, each pair linking to its side-by-side page."""
    sections = _family_sections(pairs, families, lambda p: compare_href(p.a, p.b))
    return f"""<header><h1>Reuse families</h1>
<p class="lead">{len(families):,} families, {len(pairs):,} reuse pairs among {archived:,}
archived articles. The original is drawn in orange.</p></header>
<main>{sections or "<p>No reuse found in the archive.</p>"}</main>"""


def article_body(
    article: Article,
    *,
    related: Sequence[PairResult] = (),
    known: Mapping[str, Labelled] | None = None,
    family: str = "",
) -> str:
    """One archived article: metadata and text (links only for http(s) URLs), its reuse
    pairs labelled by ``known`` (headline, site, time of the other article), and
    ``family``: its family's copy tree, drawn (HTML, or empty)."""
    known = known or {}
    url = article.url or ""
    if url.lower().startswith(("http://", "https://")):
        url_html = f'<a href="{escape(url)}" rel="noopener noreferrer nofollow">{escape(url)}</a>'
    else:
        url_html = escape(url)
    rows = [
        ("id", escape(article.id)),
        ("site", escape(article.site or "")),
        ("published", escape(article.published or "")),
        ("modified", escape(article.modified or "")),
        ("author", escape(article.author or "")),
        ("url", url_html),
        ("length", f"{len(article.text):,} characters"),
    ]
    meta = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows if v)
    links = "".join(
        f'<li>{_bar(max(p.coverage_a, p.coverage_b))} <a href="{escape(compare_href(p.a, p.b))}">'
        f"{escape(label(known.get(other), other))}</a>: {escape(p.relation)}</li>"
        for p in related
        for other in [p.b if p.a == article.id else p.a]
    )
    return f"""<header><h1>{escape(label(article))}</h1></header>
<main><table class="meta">{meta}</table>
{f'<h2>Reuse pairs</h2><ul class="pairs">{links}</ul>' if links else ""}
{f"<h2>Copy tree of its family</h2>{family}" if family else ""}
<h2>Text</h2><div class="text article">{escape(article.text)}</div></main>"""


def error_body(status: int, message: str) -> str:
    return f"""<header><h1>Error {status}</h1></header>
<main><p class="error" role="alert">{escape(message)}</p><p><a href="/">Back</a></p></main>"""


def api_docs(schema: dict[str, Any]) -> str:
    """The HTTP API from its OpenAPI schema, as a page that works offline (Swagger UI
    would load its scripts from a CDN)."""
    rows = []
    for path, methods in sorted(schema.get("paths", {}).items()):
        for method, op in methods.items():
            body = op.get("requestBody", {}).get("content", {})
            body_ref = next((c.get("schema", {}).get("$ref", "") for c in body.values()), "")
            codes = ", ".join(sorted(op.get("responses", {})))
            rows.append(
                f"<tr><td><code>{escape(method.upper())}</code></td>"
                f"<td><code>{escape(path)}</code></td>"
                f"<td>{escape(op.get('summary', ''))}</td>"
                f"<td>{escape(body_ref.rsplit('/', 1)[-1])}</td>"
                f"<td>{escape(codes)}</td></tr>"
            )
    return (
        f"<header><h1>{escape(schema.get('info', {}).get('title', 'API'))} HTTP API</h1>"
        f'<p class="lead">{escape(schema.get("info", {}).get("description", ""))} '
        'The full OpenAPI schema is at <a href="/openapi.json">/openapi.json</a>.'
        '</p></header><main><table class="api"><thead><tr><th>method</th><th>path</th>'
        "<th>what</th><th>body</th><th>answers</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></main>"
    )
