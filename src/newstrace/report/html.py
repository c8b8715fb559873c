"""Self-contained HTML reports: side-by-side comparisons and scan overviews.

One file, no external resources (works offline, safe to mail). Every piece of article
text and metadata is escaped: articles are hostile input. Reused passages are linked
across the columns (hover or click one side and the other scrolls to it; ``j``/``k``
step through them), drift markers carry a plain-language note, removed boilerplate is
shown greyed. Colours come from the Okabe-Ito palette, readable with colour blindness.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from ..model import Article, Comparison, Family, PairResult, Span

__all__ = ["comparison_html", "scan_html"]

_CSS = """
:root { --al: #56B4E9; --al-strong: #0072B2; --drift: #D55E00; --bp: #8a8a8a;
        --bg: #fdfdfc; --fg: #1d1d1f; --muted: #5f6368; --line: #e3e3e0; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: var(--fg); background: var(--bg); }
header { padding: 1.2rem 2rem; border-bottom: 1px solid var(--line); background: #fff; }
h1 { font-size: 1.25rem; margin: 0 0 .4rem; }
h2 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
.verdict { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: center; }
.badge { display: inline-block; padding: .15rem .6rem; border-radius: 1rem; font-weight: 600;
         background: var(--al-strong); color: #fff; }
.badge.same-story, .badge.unrelated { background: var(--muted); }
.bar { display: inline-block; width: 9rem; height: .6rem; background: var(--line);
       border-radius: .3rem; vertical-align: middle; overflow: hidden; }
.bar > i { display: block; height: 100%; background: var(--al-strong); }
.reasons { color: var(--muted); margin: .5rem 0 0; padding-left: 1.2rem; }
main { padding: 0 2rem 3rem; }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 2rem; }
.col h2 { position: sticky; top: 0; background: var(--bg); padding: .5rem 0; margin: 0;
          border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; word-break: break-word;
        max-height: 75vh; overflow-y: auto; padding-right: .5rem; }
.al { background: color-mix(in srgb, var(--al) 28%, transparent); cursor: pointer;
      border-bottom: 2px solid var(--al); }
.al.active { background: color-mix(in srgb, var(--al-strong) 35%, transparent);
             outline: 2px solid var(--al-strong); }
.drift { text-decoration: underline wavy var(--drift); text-underline-offset: 3px; }
.dm { color: #fff; background: var(--drift); border-radius: .5rem; font-size: .7rem;
      padding: 0 .3rem; margin: 0 .1rem; font-weight: 700; vertical-align: super; }
.bp { color: var(--bp); text-decoration: line-through; }
.title { font-weight: 700; }
table { border-collapse: collapse; width: 100%; }
td, th { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line);
         vertical-align: top; overflow-wrap: anywhere; }
.kind, td:first-child { font-weight: 600; white-space: nowrap; }
.keys { color: var(--muted); font-size: .85rem; }
a { color: var(--al-strong); }
:focus-visible { outline: 3px solid var(--drift); }
@media (max-width: 900px) { .cols { grid-template-columns: 1fr; } }
"""

_JS = """
(function () {
  var current = null;  // {scope, index}
  function ids(scope) {
    return Array.from(new Set(Array.from(scope.querySelectorAll('[data-al]'))
      .map(function (e) { return +e.dataset.al; }))).sort(function (a, b) { return a - b; });
  }
  function show(scope, k, scroll) {
    document.querySelectorAll('.al.active').forEach(function (e) { e.classList.remove('active'); });
    scope.querySelectorAll('[data-al="' + k + '"]').forEach(function (e) { e.classList.add('active'); });
    if (scroll) {
      ['a', 'b'].forEach(function (side) {
        var first = scope.querySelector('.text-' + side + ' [data-al="' + k + '"]');
        if (first) first.scrollIntoView({block: 'center', behavior: 'smooth'});
      });
    }
    current = {scope: scope, index: ids(scope).indexOf(k)};
  }
  function hit(ev) {
    var t = ev.target.closest && ev.target.closest('[data-al]');
    return t ? {scope: t.closest('.cmp'), k: +t.dataset.al} : null;
  }
  document.addEventListener('click', function (ev) { var h = hit(ev); if (h) show(h.scope, h.k, true); });
  document.addEventListener('mouseover', function (ev) { var h = hit(ev); if (h) show(h.scope, h.k, false); });
  document.addEventListener('keydown', function (ev) {
    if (ev.target.closest && ev.target.closest('input, textarea')) return;
    var scope = current ? current.scope : document.querySelector('.cmp');
    if (!scope) return;
    var list = ids(scope), at = current ? current.index : -1;
    if (!list.length) return;
    if (ev.key === 'j') { show(scope, list[Math.min(list.length - 1, at + 1)], true); ev.preventDefault(); }
    if (ev.key === 'k') { show(scope, list[Math.max(0, at - 1)], true); ev.preventDefault(); }
  });
  function openHash() {
    var d = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (d && d.tagName === 'DETAILS') { d.open = true; d.scrollIntoView(); current = null; }
  }
  window.addEventListener('hashchange', openHash);
  openHash();
})();
"""


@dataclass(frozen=True, slots=True)
class _Mark:
    """A class to put on a character range of one side."""

    span: Span
    cls: str
    alignment: int | None = None
    note: str | None = None
    marker: str | None = None


def _name(article: Article) -> str:
    return article.title or article.origin or article.id


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
    for lo, hi in zip(cuts, cuts[1:]):
        for m in starts.get(lo, []):
            out.append(f'<sup class="dm" title="{escape(m.note or "")}">{escape(m.marker or "")}</sup>')
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
        marks.append(_Mark(al.a if side == "a" else al.b, "al", alignment=k,
                           note=f"passage {k}: {al.kind}, score {al.score:.2f}"))
    for k, d in enumerate(c.drifts, 1):
        span, own_text = (d.a, d.a_text) if side == "a" else (d.b, d.b_text)
        if span is None or not own_text:  # "dropped": the other side holds the value
            continue
        marks.append(_Mark(span, "drift", note=d.note, marker=f"D{k}"))
    for bp in (c.boilerplate_a if side == "a" else c.boilerplate_b):
        marks.append(_Mark(bp.span, "bp", note=f"removed: {bp.reason}"))
    title = c.title_a if side == "a" else c.title_b
    if title is not None:
        marks.append(_Mark(title, "title"))
    return marks


def _bar(share: float) -> str:
    return f'<span class="bar" aria-hidden="true"><i style="width:{share * 100:.0f}%"></i></span>'


def comparison_body(c: Comparison) -> str:
    """The report of one comparison, without the page around it (also used by serve)."""
    source = {"a": _name(c.a), "b": _name(c.b)}.get(c.source or "", "undecided")
    reasons = "".join(f"<li>{escape(r)}</li>" for r in c.reasons)
    drifts = "".join(
        f'<tr><td>D{k}</td><td class="kind">{escape(d.kind)}</td><td>{escape(d.note)}</td></tr>'
        for k, d in enumerate(c.drifts, 1))
    return f"""<div class="cmp">
<header>
  <h1>{escape(_name(c.a))} &harr; {escape(_name(c.b))}</h1>
  <div class="verdict">
    <span>relation <span class="badge {escape(c.relation)} relation">{escape(c.relation)}</span></span>
    <span>likely source: <strong class="source">{escape(source)}</strong></span>
    <span>A covered {_bar(c.coverage.a)} {c.coverage.a:.0%}</span>
    <span>B covered {_bar(c.coverage.b)} {c.coverage.b:.0%}</span>
    <span class="keys">{len(c.alignments)} reused passages &middot; {len(c.drifts)} changes &middot;
      keys: j / k next / previous passage</span>
  </div>
  {f'<ul class="reasons">{reasons}</ul>' if reasons else ''}
</header>
<main>
  {f'<h2>What the rewrite changed</h2><table class="drifts"><tbody>{drifts}</tbody></table>' if drifts else ''}
  <div class="cols">
    <section class="col"><h2>A &middot; {escape(c.a.origin or c.a.id)}</h2>
      <div class="text text-a">{_render_text(c.a.text, _marks(c, "a"))}</div></section>
    <section class="col"><h2>B &middot; {escape(c.b.origin or c.b.id)}</h2>
      <div class="text text-b">{_render_text(c.b.text, _marks(c, "b"))}</div></section>
  </div>
</main></div>"""


def page(title: str, body: str) -> str:
    """A complete, self-contained HTML page."""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>{escape(title)}</title><style>{_CSS}</style></head>
<body>{body}<script>{_JS}</script></body></html>
"""


def comparison_html(c: Comparison) -> str:
    """A side-by-side report of one comparison as a complete page."""
    return page(f"newstrace: {_name(c.a)} vs {_name(c.b)}", comparison_body(c))


def scan_html(pairs: Sequence[PairResult], families: Sequence[Family],
              comparisons: Iterable[Comparison] = (), *, articles: int = 0) -> str:
    """A scan overview: families (original, copies, coverage bars, a small graph), and
    the side-by-side view of each pair given in ``comparisons`` (collapsed)."""
    by_pair = {(c.a.id, c.b.id): c for c in comparisons}
    fam_rows = []
    for k, fam in enumerate(families, 1):
        inner = [p for p in pairs if p.a in fam.members and p.b in fam.members]
        links = []
        for p in inner:
            anchor = f"#pair-{escape(p.a)}--{escape(p.b)}" if (p.a, p.b) in by_pair else ""
            label = f"{escape(p.a)} &harr; {escape(p.b)}: {escape(p.relation)}"
            cov = max(p.coverage_a, p.coverage_b)
            links.append(f'<li>{_bar(cov)} <a href="{anchor}">{label}</a></li>' if anchor
                         else f"<li>{_bar(cov)} {label}</li>")
        fam_rows.append(f"""<section class="family"><h2>Family {k}: original
          <strong>{escape(fam.original)}</strong>, {len(fam.members)} articles</h2>
          {_graph(fam, inner)}<ul>{''.join(links)}</ul></section>""")
    views = "".join(
        f'<details id="pair-{escape(c.a.id)}--{escape(c.b.id)}"><summary>{escape(c.a.id)} &harr; '
        f'{escape(c.b.id)} ({escape(c.relation)})</summary>{comparison_body(c)}</details>'
        for c in by_pair.values())
    body = f"""<header><h1>newstrace scan</h1>
      <div class="verdict"><span>{articles:,} articles</span><span>{len(pairs):,} reuse pairs</span>
      <span>{len(families):,} families</span></div></header>
      <main>{''.join(fam_rows) or '<p>No reuse found.</p>'}<h2>Pairs</h2>{views}</main>"""
    return page("newstrace scan", body)


def _graph(fam: Family, pairs: Sequence[PairResult], size: int = 220) -> str:
    """A small SVG: members on a circle, the original at the top, reuse pairs as lines."""
    import math

    members = [fam.original] + [m for m in fam.members if m != fam.original]
    n = len(members)
    if n > 40:
        return ""
    r = size / 2 - 24
    pos = {m: (size / 2 + r * math.sin(2 * math.pi * i / n), size / 2 - r * math.cos(2 * math.pi * i / n))
           for i, m in enumerate(members)}
    lines = "".join(
        f'<line x1="{pos[p.a][0]:.1f}" y1="{pos[p.a][1]:.1f}" x2="{pos[p.b][0]:.1f}" '
        f'y2="{pos[p.b][1]:.1f}" stroke="#0072B2" stroke-width="{1 + 3 * max(p.coverage_a, p.coverage_b):.1f}"/>'
        for p in pairs if p.a in pos and p.b in pos)
    nodes = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{9 if m == fam.original else 6}" '
        f'fill="{"#D55E00" if m == fam.original else "#56B4E9"}"><title>{escape(m)}</title></circle>'
        for m, (x, y) in pos.items())
    return (f'<svg width="{size}" height="{size}" role="img" aria-label="reuse graph">'
            f"{lines}{nodes}</svg>")
