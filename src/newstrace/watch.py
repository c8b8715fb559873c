"""Watch stage: follow folders and feeds, check each new article against the archive,
alert on every new copy, and archive it.

Each new article is checked (``Archive.check``), alerted when it reuses an archived
article or is reused by one, then added (``Archive.add``). What was processed is what the
archive holds, so a restarted watch skips what it has seen and alerts nothing twice (an
alert is written before its article is added: only a kill between the two writes, a
window of one insert, can repeat an alert).

Files: a file of a watched folder is read once its size and modification time have
stayed the same for ``Options.watch_settle`` seconds (:class:`FileGate`), so a file still
being written is not read half-way; temporary names (``*.part``, ``*.tmp``,
``*.crdownload``, ``*~``, hidden files) are never read: write under one and rename.
File events (watchfiles) only wake the loop; every decision is taken on ``stat`` at a
look, with an injectable clock, so tests need no sleeps.

Feeds: polled every ``Options.watch_poll`` seconds through the polite fetcher
(:mod:`newstrace.fetch`); an item is new when its URL (its id) is not archived.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TextIO

from .archive import Archive
from .cluster import pick_original
from .errors import InputError, MissingExtraError
from .fetch import Fetcher, article_from_url, feed_links
from .ingest import (
    INPUT_SUFFIXES,
    JSONL_SUFFIXES,
    WARC_SUFFIXES,
    file_id,
    iter_file_articles,
    iter_named_paths,
    path_name,
)
from .lineage import check_tree
from .model import Article, CopyTree, Match, PairResult
from .options import DEFAULT_OPTIONS, Options
from .report.labels import label, label_of_record
from .report.safe import json_text

__all__ = [
    "TEMP_SUFFIXES",
    "AlertSink",
    "FileGate",
    "Watcher",
    "alert_dict",
    "alert_line",
    "file_events",
    "post_json",
]

TEMP_SUFFIXES = (".part", ".partial", ".tmp", ".temp", ".crdownload", ".download", ".swp", "~")
"""Names that downloaders, editors and careful writers use while a file is incomplete."""
WEBHOOK_ATTEMPTS = 3
"""Tries of one webhook post: a receiver down for a moment still gets the alert, one
that stays down does not hold the watch up for long."""
WEBHOOK_BACKOFF = 1.0
"""Seconds before the second try; each later try waits twice as long."""
WEBHOOK_TIMEOUT = 10.0
"""Seconds to connect to, and then to wait for, a webhook receiver."""

FEED_ITEM_TRIES = 3
"""Polls at which a feed item that failed (a page down, a timeout after the fetcher's own
retries) is fetched again before the watch gives up on it until a restart: an outage
of a few polls is outlived, a page that is gone costs only a few requests."""

OnError = Callable[[InputError], None]


def is_temporary(path: Path) -> bool:
    """Whether a file name says the file is still being written (or is hidden)."""
    name = path.name.lower()
    return name.startswith((".", "#")) or name.endswith(TEMP_SUFFIXES)


# --- files ---------------------------------------------------------------------------------


Stamp = tuple[int, int]  # size, mtime in ns


@dataclass
class FileGate:
    """Which files are complete: the settle rule (see the module docstring), on the
    ``stat`` of each file at each look and an injectable clock."""

    settle: float
    clock: Callable[[], float] = time.monotonic
    _first: dict[Path, tuple[Stamp, float]] = field(default_factory=dict)
    _read: dict[Path, Stamp] = field(default_factory=dict)

    def ready(self, paths: Iterable[Path]) -> list[Path]:
        """The files among ``paths`` (and those still settling) whose size and mtime
        have not changed for ``settle`` seconds and that were not read as they are."""
        now = self.clock()
        out = []
        for path in sorted({*paths, *self._first}):
            stamp = _stamp(path)
            if stamp is None or is_temporary(path) or self._read.get(path) == stamp:
                self._first.pop(path, None)
                continue
            first = self._first.get(path)
            if first is None or first[0] != stamp:
                self._first[path] = (stamp, now)
            elif stamp[0] > 0 and now - first[1] >= self.settle:
                out.append(path)
        return out

    def done(self, path: Path) -> None:
        """``path`` was read as it is now: read again only when it changes."""
        stamp = self._first.pop(path, None)
        now = _stamp(path)
        if now is not None:
            self._read[path] = stamp[0] if stamp else now

    @property
    def waiting(self) -> int:
        """Files seen but not yet settled."""
        return len(self._first)


def _stamp(path: Path) -> Stamp | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns) if path.is_file() else None


# --- alerts --------------------------------------------------------------------------------


def _ref(art: Article) -> dict[str, Any]:
    return {
        "id": art.id,
        "title": art.title,
        "site": art.site,
        "published": art.published,
        "url": art.url,
        "origin": art.origin,
    }


def _best(matches: Sequence[Match]) -> Match:
    return max(matches, key=lambda m: (m.comparison.score, m.id))


def _source_id(m: Match) -> str | None:
    c = m.comparison
    return {"a": c.a.id, "b": c.b.id}.get(c.source or "")


def _pair(m: Match) -> PairResult:
    c = m.comparison
    (a, ca), (b, cb) = sorted([(c.a.id, c.coverage.a), (c.b.id, c.coverage.b)])
    return PairResult(a, b, c.relation, ca, cb, _source_id(m), c.score)


def _credit(m: Match) -> dict[str, Any]:
    """Whether the copy of the pair (the new article unless it is the likely source)
    names the other as its source."""
    from .credit import find_credit

    c = m.comparison
    copy, source = (c.b, c.a) if c.source == "a" else (c.a, c.b)
    credit = find_credit(copy, [source])
    return {"credited": credit.credited, "credit": credit.reason or None}


def alert_dict(
    article: Article, matches: Sequence[Match], tree: CopyTree | None = None
) -> dict[str, Any]:
    """One alert: the new article, the archived article it matches best, relation,
    likely source, the family as this check sees it (the article and every archived
    article it shares reuse with) with its original, the new article's parent in the
    family's copy tree (``tree``; null when it is the original or the tree cannot
    tell, then ``parent_candidates`` says between which), drifts and credit."""
    best = _best(matches)
    c = best.comparison
    members = sorted({article.id, *(m.id for m in matches)})
    edge = tree.edge(article.id) if tree is not None else None
    if tree is not None and tree.root is not None:
        original = tree.root
    else:
        published = {article.id: article.published}
        published.update({m.id: m.comparison.b.published for m in matches})
        original = pick_original(members, [_pair(m) for m in matches], published)
    return {
        "alert": "reuse",
        "article": _ref(article),
        "matched": _ref(c.b),
        "relation": c.relation,
        "score": round(c.score, 4),
        "source": _source_id(best),
        "family": {"original": original, "members": members},
        "parent": edge.parent if edge is not None else None,
        "parent_candidates": list(edge.undecided) if edge is not None else [],
        **_credit(best),
        "drifts": [
            {"kind": d.kind, "note": d.note, "new": d.a_text, "archived": d.b_text}
            for d in c.drifts
        ],
        "matches": [
            {"id": m.id, "relation": m.comparison.relation, "score": round(m.comparison.score, 4)}
            for m in matches
        ],
    }


def _label(ref: dict[str, Any]) -> str:
    """An article of an alert as a person knows it (``labels.label_of_record``), quoted
    so that the line reads as a sentence around it."""
    return f"\u201c{label_of_record(ref)}\u201d"


def alert_line(alert: dict[str, Any]) -> str:
    """The alert in one line for a person reading the terminal."""
    credited = {True: "credited", False: "not credited", None: "credit unclear"}[alert["credited"]]
    new, old = _label(alert["article"]), _label(alert["matched"])
    relation, source = alert["relation"], alert["source"]
    if source == alert["matched"]["id"]:
        said = f"{new} is a {relation} of {old}"
    elif source == alert["article"]["id"]:
        said = f"{old} is a {relation} of {new}"
    else:
        said = f"{new} and {old}: {relation}, source undecided"
    return f"{said}; {credited}; {len(alert['drifts'])} change(s)"


def post_json(
    url: str,
    body: str,
    *,
    pool: Any = None,
    attempts: int = WEBHOOK_ATTEMPTS,
    sleep: Callable[[float], None] = time.sleep,
) -> str | None:
    """POST ``body`` (JSON) to ``url``; None when a 2xx came back, else why not (after
    up to ``attempts`` tries on 5xx, 429 and broken connections, backing off)."""
    import urllib3

    pool = pool or urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=WEBHOOK_TIMEOUT, read=WEBHOOK_TIMEOUT), retries=False
    )
    reason = "not tried"
    for attempt in range(attempts):
        if attempt:
            sleep(WEBHOOK_BACKOFF * 2 ** (attempt - 1))
        try:
            r = pool.request(
                "POST", url, body=body.encode(), headers={"Content-Type": "application/json"}
            )
        except urllib3.exceptions.HTTPError as exc:
            reason = f"cannot post ({type(exc).__name__})"
            continue
        if 200 <= r.status < 300:
            return None
        reason = f"HTTP status {r.status}"
        if r.status != 429 and r.status < 500:
            break
    return reason


@dataclass
class AlertSink:
    """Where alerts go: one JSON line each on ``out`` (flushed at once), a webhook when
    given, a readable line on ``log``; a failed post is one line and the watch goes on."""

    out: TextIO
    webhook: str | None = None
    log: Callable[[str], None] = lambda line: None
    post: Callable[[str, str], str | None] = post_json
    sent: int = 0

    def __call__(self, alert: dict[str, Any]) -> None:
        line = json_text(alert)
        self.out.write(line + "\n")
        self.out.flush()
        self.sent += 1
        self.log(f"alert: {alert_line(alert)}")
        if self.webhook:
            failed = self.post(self.webhook, line)
            if failed:
                self.log(f"webhook {self.webhook}: {failed}; the alert is in the alerts output")


# --- the loop ------------------------------------------------------------------------------


@dataclass
class Watcher:
    """One watch over an open archive: folders, feeds, and the alerts of what is new."""

    archive: Archive
    folders: Sequence[Path]
    feeds: Sequence[str]
    alert: Callable[[dict[str, Any]], None]
    on_error: OnError
    options: Options = DEFAULT_OPTIONS
    fetcher: Fetcher | None = None
    id_prefix: str = ""
    clock: Callable[[], float] = time.monotonic
    tree_of: Callable[[Article, Sequence[Match], Options], CopyTree | None] = check_tree
    """Places a new article in its family's copy tree (the tree ``check`` shows)."""
    log: Callable[[str], None] = lambda line: None
    stop: threading.Event = field(default_factory=threading.Event)
    added: int = 0
    alerts: int = 0
    _gate: FileGate = field(init=False)
    _archived: set[str] = field(init=False)
    _next_poll: dict[str, float] = field(init=False)
    _failed_urls: dict[str, int] = field(default_factory=dict, init=False)
    """Feed item URL -> polls at which it failed (given up at ``FEED_ITEM_TRIES``)."""

    def __post_init__(self) -> None:
        self.folders = [Path(f).absolute() for f in self.folders]
        self._gate = FileGate(self.options.watch_settle, self.clock)
        self._archived = set(self.archive.ids())
        self._next_poll = {f: self.clock() for f in self.feeds}

    def start(self) -> None:
        """The first look: every file already in the folders (those archived are marked
        read without being read again), and every feed."""
        found = []
        for path, name in self._walk(self.folders):
            if self._prefixed(file_id(name)) in self._archived and not _many(path):
                self._gate.done(path)
            else:
                found.append(path)
        self.look(found)

    def look(self, changed: Iterable[Path]) -> None:
        """One look: files changed (and those still settling) that are complete now are
        read, and feeds that are due are polled; each new article is processed."""
        changed = list(changed)
        paths = [p for p in changed if not p.is_dir()]
        paths += [p for p, _ in self._walk([p for p in changed if p.is_dir()])]
        for path in self._gate.ready(paths):
            if self.stop.is_set():
                return
            self._read_file(path)
        self._poll_feeds()

    def run(self, wakes: Iterable[Iterable[Path]]) -> None:
        """Start, then look at each wake (file events, or a timeout) until ``stop``."""
        self.start()
        for changed in wakes:
            if self.stop.is_set():
                break
            self.look(changed)

    def _walk(self, roots: Sequence[Path]) -> Iterator[tuple[Path, str]]:
        """Article files under ``roots``, each with its name inside its watched folder."""
        quiet: OnError = lambda exc: None  # noqa: E731 - folders' other files are not news
        for path, _ in iter_named_paths(roots, on_error=quiet):
            if not is_temporary(path) and path.name.lower().endswith(INPUT_SUFFIXES):
                yield path, self._name(path)

    def _name(self, path: Path) -> str:
        for root in self.folders:
            if path.is_relative_to(root):
                return path_name(path.relative_to(root).as_posix())
        return path.name

    def _prefixed(self, art_id: str) -> str:
        return self.id_prefix + art_id

    def _read_file(self, path: Path) -> None:
        self._gate.done(path)
        arts = iter_file_articles(
            path, self._name(path), options=self.options, on_error=self.on_error
        )
        for art in arts:
            if self.stop.is_set():
                return
            self.process(art)

    def _poll_feeds(self) -> None:
        now = self.clock()
        for feed in self.feeds:
            if self._next_poll[feed] > now or self.stop.is_set():
                continue
            self._next_poll[feed] = now + self.options.watch_poll
            self._poll(feed)

    def _poll(self, feed: str) -> None:
        assert self.fetcher is not None, "feeds need a fetcher"
        try:
            links = feed_links(feed, self.fetcher)
        except InputError as exc:
            self.on_error(exc)
            return
        for url, listed in links:
            if self.stop.is_set():
                return
            tries = self._failed_urls.get(url, 0)
            if self._prefixed(url) in self._archived or tries >= FEED_ITEM_TRIES:
                continue
            try:
                art = article_from_url(url, self.fetcher, options=self.options, listed_time=listed)
            except InputError as exc:
                self._item_failed(url, exc)
                continue
            self._failed_urls.pop(url, None)
            self.process(art)

    def _item_failed(self, url: str, exc: InputError) -> None:
        """Count a feed item's failure and say it, with whether it will be tried again."""
        tries = self._failed_urls[url] = self._failed_urls.get(url, 0) + 1
        when = "at the next poll" if tries < FEED_ITEM_TRIES else "after a restart"
        self.on_error(
            InputError(
                exc.source, f"{exc.message} (try {tries} of {FEED_ITEM_TRIES}; again {when})"
            )
        )

    def process(self, art: Article) -> None:
        """Check one article, alert if it is reuse, archive it (unless archived)."""
        if self.id_prefix:
            art = replace(art, id=self._prefixed(art.id))
        if art.id in self._archived:
            self._already(art)
            return
        matches = self.archive.check(art)
        if matches:
            self.alert(alert_dict(art, matches, self.tree_of(art, matches, self.options)))
            self.alerts += 1
        self.archive.add([art])
        for exc in self.archive.errors:
            self.on_error(exc)
        self.archive.errors.clear()
        self._archived.add(art.id)
        self.added += 1
        self.log(f"read: {label(art)}")

    def _already(self, art: Article) -> None:
        """An archived id met again: nothing to do, unless its text changed."""
        if self.archive.get(art.id).text != art.text:
            self.on_error(
                InputError(
                    art.origin or art.id,
                    f"id {art.id!r} is already archived with other text; not checked "
                    "(a changed story needs a new file name)",
                )
            )


def _many(path: Path) -> bool:
    """Whether a file holds many articles (JSONL, WARC): its ids are known only inside."""
    return path.name.lower().endswith(JSONL_SUFFIXES + WARC_SUFFIXES)


def file_events(
    folders: Sequence[Path], settle: float, stop: threading.Event
) -> Iterator[set[Path]]:
    """The paths that changed in ``folders``, as watchfiles reports them; an empty set
    at least every ``settle`` seconds, so files that went quiet are looked at again."""
    try:
        import watchfiles
    except ImportError:
        raise MissingExtraError("watching folders", "watch") from None
    timeout_ms = max(1, int(settle * 1000))
    for changes in watchfiles.watch(
        *folders,
        stop_event=stop,
        rust_timeout=timeout_ms,
        yield_on_timeout=True,
        debounce=timeout_ms,
        raise_interrupt=False,
    ):
        yield {Path(p) for _, p in changes}


def ticks(every: float, stop: threading.Event) -> Iterator[set[Path]]:
    """A wake every ``every`` seconds until ``stop`` (feeds only, no folders)."""
    while not stop.wait(every):
        yield set()


def stderr_log(line: str) -> None:
    print(f"newstrace: {line}", file=sys.stderr, flush=True)
