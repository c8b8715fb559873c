"""The families page of the server: a page of the archive's stored reuse families,
labelled as a person reads them (headlines, sites, dates; ids only inside links), with a
search form, the sort orders and links to the other pages. Everything shown is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from urllib.parse import urlencode

from ..archive_store import ArticleRow, FamilyQuery, FamilyRow
from ..report.html import (
    article_href,
    compare_href,
    family_graph,  # the drawing the scan report uses
)
from ..report.labels import describe, label, short_time
from ..report.tree_view import tree_drawing

__all__ = ["families_body"]

_SORTS = {"largest": "largest first", "newest": "newest first", "uncredited": "most uncredited"}


def _label(article: ArticleRow) -> str:
    """An article's label (``labels.describe``), its site and date set in a hint."""
    named = describe(article)
    head = escape(named.headline or named.id)
    return f'{head} <span class="hint">{escape(named.place)}</span>' if named.place else head


def _form(query: FamilyQuery) -> str:
    options = "".join(
        f'<option value="{k}"{" selected" if k == query.order else ""}>{v}</option>'
        for k, v in _SORTS.items()
    )
    return f"""<form class="search" method="get" action="/families" role="search">
  <label for="q">Words</label>
  <input id="q" name="q" type="search" value="{escape(query.q)}">
  <label for="site">Site</label>
  <input id="site" name="site" type="search" value="{escape(query.site)}">
  <label for="sort">Order</label><select id="sort" name="sort">{options}</select>
  <button type="submit">Show families</button>
</form>"""


def _family(row: FamilyRow) -> str:
    """One family: its copy tree drawn (every hop listed, each with its side-by-side
    view), or, for a family stored without a tree, the graph of its reuse pairs and
    their list (a tree's hops already say which pairs matter: listing every pair of a
    large family of reprints made the page megabytes long)."""
    by_id = {m.id: m for m in row.members}
    members = "".join(
        f'<li><a href="{escape(article_href(m.id))}">{_label(m)}</a>'
        f"{' <strong>original</strong>' if m.id == row.original.id else ''}</li>"
        for m in row.members
    )
    newest = f", newest {escape(short_time(row.newest))}" if row.newest else ""
    fam = row.as_family()
    uncredited = f", {row.uncredited} uncredited" if row.uncredited is not None else ""
    drawn = tree_drawing(fam, by_id, compare_href) if fam.tree is not None else None
    shape = drawn or (
        f'<div class="famrow">{family_graph(fam, row.pairs, known=by_id)}</div>'
        f'<h3>{len(row.pairs)} reuse pairs</h3><ul class="pairs">{_pairs(row, by_id)}</ul>'
    )
    return f"""<section class="family"><h2>{_label(row.original)}</h2>
  <p>{row.size} articles{newest}{uncredited}</p>
  {shape}<ul class="members">{members}</ul>
</section>"""


def _pairs(row: FamilyRow, by_id: dict[str, ArticleRow]) -> str:
    return "".join(
        f'<li><a href="{escape(compare_href(p.a, p.b))}">'
        f"{escape(label(by_id[p.a]))} &harr; {escape(label(by_id[p.b]))}</a>: "
        f"{escape(p.relation)}</li>"
        for p in row.pairs
        if p.a in by_id and p.b in by_id
    )


def _pages(query: FamilyQuery, total: int) -> str:
    last = max(1, -(-total // query.per_page))

    def link(page: int, text: str) -> str:
        params = {"q": query.q, "site": query.site, "sort": query.order, "page": page}
        params["per_page"] = query.per_page
        return f'<a href="/families?{escape(urlencode(params))}">{text}</a>'

    parts = []
    if query.page > 1:
        parts.append(link(query.page - 1, "&larr; previous"))
    parts.append(f"page {query.page} of {last}")
    if query.page < last:
        parts.append(link(query.page + 1, "next &rarr;"))
    return f'<nav class="pages" aria-label="pages">{" · ".join(parts)}</nav>'


def families_body(query: FamilyQuery, total: int, rows: Sequence[FamilyRow]) -> str:
    """A page of families with its search form and page links."""
    found = "".join(_family(r) for r in rows) or "<p>No reuse family matches.</p>"
    return f"""<header><h1>Reuse families</h1>
<p class="lead">{total:,} families of articles that reuse one another, {_SORTS[query.order]};
the original (most often named as the source, else the earliest) is marked.</p>
{_form(query)}</header>
<main>{found}{_pages(query, total)}</main>"""
