"""How a person tells articles apart: "headline · site · date", the one label that the
terminal views, the HTML reports, the server pages and the watch lines all show.

Ids are file paths, JSONL line numbers or URLs: fine for a program, useless to a reader
who compares two reprints of one story. So a label is built from what a reader knows:

* the headline: the given title, else the headline that the boilerplate stage finds at
  the top of the text (``boilerplate.find_boilerplate``: the same rule that keeps the
  headline out of matching, so a label never names a masthead or a byline);
* the site: as given, else the host of the article's URL;
* the publication time, short ("2024-03-01 08:15"), as given when it is not ISO 8601.

The id shows only when none of these is known. Every part passes through
:func:`~newstrace.report.safe.visible`: labels are inert text (no control characters,
no lone surrogates); a caller still escapes them for its medium (``plain``/``markup``
for rich, ``html.escape`` for pages), because ``[`` and ``<`` are not control characters.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

from ..boilerplate import find_boilerplate
from ..model import Article
from .safe import visible

__all__ = ["Label", "Labelled", "describe", "label", "label_of_record", "short_time"]

SEPARATOR = " · "
_ISO_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}))?")
_TIME_CHARS = 24  # a time not in ISO form is shown as given, cut to this length
_WWW = "www."


class Labelled(Protocol):
    """What a label is made of: an :class:`~newstrace.model.Article`, an archive list
    row (``archive_store.ArticleRow``) or any record with these fields."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str | None: ...
    @property
    def site(self) -> str | None: ...
    @property
    def published(self) -> str | None: ...
    @property
    def url(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class _Record:
    """A label's fields from a JSON-like mapping (the article references of alerts)."""

    id: str
    title: str | None
    site: str | None
    published: str | None
    url: str | None


@dataclass(frozen=True, slots=True)
class Label:
    """The parts of an article's label, each already inert (``visible``); empty when
    not known. ``id`` is kept for links and follow-up commands, not for reading."""

    id: str
    headline: str = ""
    site: str = ""
    when: str = ""

    @property
    def place(self) -> str:
        """Site and time: the second line of a label where the headline has its own."""
        return SEPARATOR.join(x for x in (self.site, self.when) if x)

    def text(self, limit: int | None = None) -> str:
        """The whole label, the headline cut to ``limit`` characters (an ellipsis says
        so); the id only when nothing else is known."""
        head = cut(self.headline, limit) if limit else self.headline
        shown = SEPARATOR.join(x for x in (head, self.place) if x)
        return shown or self.id

    def __str__(self) -> str:
        return self.text()


def cut(text: str, limit: int) -> str:
    """``text`` at most ``limit`` characters long, an ellipsis marking a cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _one_line(text: str | None) -> str:
    """Whitespace runs (newlines too) as one space, then made inert."""
    return visible(" ".join((text or "").split()))


def detected_headline(text: str) -> str:
    """The headline line at the top of an article's text, as the boilerplate stage
    finds it for matching (empty when the text opens with no headline)."""
    span = find_boilerplate(text).title
    return "" if span is None else text[span.start : span.end]


def _headline(item: Labelled) -> str:
    if item.title and item.title.strip():
        return _one_line(item.title)
    if isinstance(item, Article):
        return _one_line(detected_headline(item.text))
    return ""


def _site(item: Labelled) -> str:
    """The site as given, else the host of the URL (without a leading "www.")."""
    if item.site and item.site.strip():
        return _one_line(item.site)
    try:
        host = urlsplit(item.url or "").hostname or ""
    except ValueError:  # a malformed address names no host
        host = ""
    return _one_line(host.removeprefix(_WWW))


def short_time(published: str | None) -> str:
    """A publication time for reading: "2024-03-01 08:15" from ISO 8601 (the date alone
    when no time is given), any other form as given and cut."""
    value = " ".join((published or "").split())
    found = _ISO_TIME.match(value)
    if found is None:
        return visible(cut(value, _TIME_CHARS))
    day, minute = found.groups()
    return f"{day} {minute}" if minute else day


def describe(item: Labelled | None, fallback: str = "") -> Label:
    """The label parts of ``item``; ``fallback`` (an id) when the item is not known."""
    if item is None:
        return Label(visible(fallback))
    return Label(visible(item.id), _headline(item), _site(item), short_time(item.published))


def label(item: Labelled | None, fallback: str = "", limit: int | None = None) -> str:
    """ "headline · site · date" of ``item`` (its id only when nothing else is known),
    inert; ``fallback`` names an item that is not known."""
    return describe(item, fallback).text(limit)


def label_of_record(record: Mapping[str, Any]) -> str:
    """The label of an article given as a JSON-like mapping with the fields of
    :class:`Labelled` (missing ones count as unknown)."""

    def field(key: str) -> str | None:
        value = record.get(key)
        return value if isinstance(value, str) else None

    return label(
        _Record(
            str(record.get("id", "")),
            field("title"),
            field("site"),
            field("published"),
            field("url"),
        )
    )
