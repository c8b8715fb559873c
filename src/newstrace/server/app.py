"""Local web UI and JSON API over an archive (``newstrace serve``).

The app holds only the archive path and the options; every request opens its own read connection to the SQLite file (cheap, and no
connection is shared between threads). Nothing is ever read from disk but the archive:
article ids are looked up in SQLite only. Article text is hostile input: pages are built
by ``report.html``, which escapes everything, and a Content-Security-Policy header lets
only our own script run. Bad input gets a 4xx with a one-line message, never a 500.

The expensive work (reading a submitted article, check, compare) runs in a small pool of
worker processes: a Python thread cannot be stopped, a process can. A job that runs past
the time limit gets a 503 and its worker is killed and replaced. Articles over the
server's size limits (characters, sentences) are refused with a 413 before any compare:
the alignment matrices grow with the product of the two sentence counts, so without them
one request can take minutes and gigabytes (see ``create_app``).
"""

from __future__ import annotations

import json
import time
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, MutableMapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from ..archive import Archive
from ..archive_store import MAX_PAGE, ArticleQuery, FamilyQuery
from ..compare import compare
from ..errors import ArchiveError, InputError, MissingExtraError, NewstraceError
from ..ingest import MAX_ID_CHARS, article_from_html, article_from_text, decode
from ..model import Article
from ..options import DEFAULT_OPTIONS, Options
from ..report import html as pages
from ..report.json_report import comparison_dict
from ..report.labels import label
from ..report.scan_report import check_dict
from ..report.tree_view import tree_drawing
from ..sentences import split_sentences
from . import families_html
from .defaults import HOST, MAX_CHARS, MAX_SENTENCES, PORT, TIMEOUT, WORKERS
from .limits import ConnectionLimits, Hosts, RefusalLog, bind, cross_site
from .limits import server as uvicorn_server
from .workers import _NotFound, _Pool, _Refused

try:
    from fastapi import FastAPI, File, Form, Query, Request, UploadFile
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import HTMLResponse, JSONResponse, Response
    from pydantic import BaseModel, ConfigDict, Field, model_validator
    from starlette.exceptions import HTTPException
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise MissingExtraError("newstrace serve", "serve") from exc

__all__ = ["create_app", "serve"]

MAX_TOP = 50
"""Most archive candidates one ``/api/check`` may ask to verify (each is a full compare)."""
PER_PAGE = 50
"""Default articles per page (``per_page`` may ask up to ``MAX_PAGE``)."""
FAMILIES_PER_PAGE = 20
"""Default families per page: each is drawn as its copy tree (a family of a dozen is a
screen tall), so twenty is several screens already, and the page renders in well under
the 300 ms asked for on a 100k-article archive (``bench/bench_families.py``)."""
MAX_PAGE_NUMBER = 1_000_000
"""Highest page asked for: beyond any archive's pages, and SQLite's OFFSET stays an int."""
MAX_QUERY_CHARS = 500
"""Longest search text or site name: longer is no search a person types."""
MAX_TIME_CHARS = 40
"""Longest time bound (an ISO 8601 time with zone is 25 characters)."""
MAX_TIME_FIELD_CHARS = 100
"""Longest publication or modified time an article may carry (kept as given, so looser
than a time bound)."""
# --- request bodies ------------------------------------------------------------------------


class FamiliesIn(BaseModel):
    """A page of families: sorted, filtered by words of a member's text and by site."""

    model_config = ConfigDict(extra="forbid")

    page: int = Field(default=1, ge=1, le=MAX_PAGE_NUMBER)
    per_page: int = Field(default=FAMILIES_PER_PAGE, ge=1, le=MAX_PAGE)
    sort: Literal["largest", "newest", "uncredited"] = "largest"
    q: str = Field(default="", max_length=MAX_QUERY_CHARS)
    site: str = Field(default="", max_length=MAX_QUERY_CHARS)

    def store(self) -> FamilyQuery:
        return FamilyQuery(self.sort, self.q, self.site, self.page, self.per_page)


class ArticlesIn(BaseModel):
    """A page of articles, filtered by site, words of headline or text, and time."""

    model_config = ConfigDict(extra="forbid")

    page: int = Field(default=1, ge=1, le=MAX_PAGE_NUMBER)
    per_page: int = Field(default=PER_PAGE, ge=1, le=MAX_PAGE)
    site: str = Field(default="", max_length=MAX_QUERY_CHARS)
    q: str = Field(default="", max_length=MAX_QUERY_CHARS)
    since: str = Field(default="", max_length=MAX_TIME_CHARS)
    until: str = Field(default="", max_length=MAX_TIME_CHARS)

    def store(self) -> ArticleQuery:
        return ArticleQuery(self.site, self.since, self.until, self.q, self.page, self.per_page)


class ArticleIn(BaseModel):
    """One article: ``text`` or ``html`` (a page; its body is extracted), with optional
    metadata. In ``/api/compare`` a side may instead be ``{"id": ...}`` of an archived one."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = None
    html: str | None = None
    id: str | None = Field(default=None, max_length=MAX_ID_CHARS)
    title: str | None = Field(default=None, max_length=10_000)
    url: str | None = Field(default=None, max_length=10_000)
    published: str | None = Field(default=None, max_length=MAX_TIME_FIELD_CHARS)
    modified: str | None = Field(default=None, max_length=MAX_TIME_FIELD_CHARS)
    site: str | None = Field(default=None, max_length=1000)
    author: str | None = Field(default=None, max_length=1000)

    @model_validator(mode="after")
    def _unicode(self) -> ArticleIn:
        # JSON may carry lone surrogates ("\ud800"): no UTF-8 form, so SQLite and the
        # response encoder would fail on them later.
        for name, value in self:
            if isinstance(value, str):
                try:
                    value.encode("utf-8")
                except UnicodeEncodeError:
                    raise ValueError(f"{name} is not valid Unicode (lone surrogate)") from None
        return self


class CheckIn(ArticleIn):
    """An article to check against the archive; ``top``: candidates to verify."""

    top: int = Field(default=DEFAULT_OPTIONS.check_candidates, ge=1, le=MAX_TOP)


class CompareIn(BaseModel):
    """Two articles, each given as text, HTML or the id of an archived article."""

    model_config = ConfigDict(extra="forbid")

    a: ArticleIn
    b: ArticleIn


# --- responses -----------------------------------------------------------------------------


class _JSON(JSONResponse):
    """JSON that cannot fail to encode (text read from an archive may, rarely, hold lone
    surrogates: they become '?', one character each, so offsets still hold)."""

    def render(self, content: Any) -> bytes:
        return json.dumps(
            content, ensure_ascii=False, allow_nan=False, separators=(",", ":")
        ).encode("utf-8", "replace")


class _HTML(HTMLResponse):
    def render(self, content: Any) -> bytes:
        return str(content).encode("utf-8", "replace")


@dataclass(frozen=True, slots=True)
class _Limits:
    """How much one article may hold before the server refuses to compare it."""

    max_chars: int = MAX_CHARS
    max_sentences: int = MAX_SENTENCES

    def admit(self, art: Article) -> Article:
        """The article itself, or a 413 when it is over a limit (counted before any
        boilerplate is removed: an upper bound, cheap to compute)."""
        name = art.origin or art.id
        n = len(art.text)
        if n > self.max_chars:
            raise _Refused(
                413,
                f"{name}: article too large for the server: {n:,} characters, "
                f"limit {self.max_chars:,}",
            )
        k = len(split_sentences(art.text))
        if k > self.max_sentences:
            raise _Refused(
                413,
                f"{name}: article too large for the server: {k:,} sentences, "
                f"limit {self.max_sentences:,}",
            )
        return art


# --- state held by one app -----------------------------------------------------------------


@dataclass
class _State:
    """Everything one app instance needs; no module-level state."""

    db_path: Path
    options: Options

    def archive(self) -> Archive:
        return Archive(self.db_path, options=self.options, create=False)

    def size(self) -> int:
        with self.archive() as archive:
            return len(archive)

    def get(self, article_id: str) -> Article:
        with self.archive() as archive:
            return _lookup(archive, article_id)


def _lookup(archive: Archive, article_id: str) -> Article:
    try:
        return archive.get(article_id)
    except InputError:
        raise _NotFound(f"no article with id {article_id!r} in the archive") from None


# --- building articles from requests -------------------------------------------------------


def _from_body(body: ArticleIn, *, default_id: str, options: Options) -> Article:
    """An Article from a request body: exactly one of text and html."""
    name = body.id or default_id
    if body.text is not None and body.html is not None:
        raise InputError(name, "give either text or html, not both")
    meta = {
        "title": body.title,
        "site": body.site,
        "published": body.published,
        "modified": body.modified,
        "author": body.author,
    }
    if body.html is not None:
        return article_from_html(
            body.html, id=name, origin=name, url=body.url, options=options, **meta
        )
    if body.text is not None:
        return article_from_text(
            body.text, id=name, origin=name, url=body.url, options=options, **meta
        )
    raise InputError(name, 'give the article as "text" or "html"')


def _side(body: ArticleIn, name: str, setup: _Setup, archive: Archive) -> Article:
    """One side of a compare: text, HTML, or an archived article named by id alone."""
    if body.text is None and body.html is None and body.id is not None:
        return _lookup(archive, body.id)
    return _from_body(body, default_id=name, options=setup.options)


def _from_upload(data: bytes, filename: str, title: str, options: Options) -> Article:
    """An uploaded file: HTML by its name or its first bytes, else plain text."""
    name = Path(filename.replace("\\", "/")).name or "upload"  # a name only, never a path
    text = decode(data, name)
    head = text.lstrip()[:200].lower()
    if name.lower().endswith((".html", ".htm")) or head.startswith(("<!doctype html", "<html")):
        return article_from_html(text, id=name, origin=name, options=options, title=title or None)
    return article_from_text(text, id=name, origin=name, title=title or None, options=options)


# --- jobs: run in a worker process, everything they need is in their arguments -------------


@dataclass(frozen=True, slots=True)
class _Setup:
    """What every job needs (picklable: it travels to the worker with the job)."""

    db_path: Path
    options: Options
    limits: _Limits

    def archive(self) -> Archive:
        return Archive(self.db_path, options=self.options, create=False)


def _matches(setup: _Setup, art: Article, top: int | None) -> tuple[list[Any], int, float]:
    """The archive's matches of an admitted article, the archive's size and milliseconds."""
    setup.limits.admit(art)
    with setup.archive() as archive:
        t0 = time.perf_counter()
        matches = archive.check(art, limit=top)
        return matches, len(archive), (time.perf_counter() - t0) * 1000


def _job_api_check(setup: _Setup, body: CheckIn) -> dict[str, Any]:
    art = _from_body(body, default_id="submitted", options=setup.options)
    matches, size, ms = _matches(setup, art, body.top)
    return check_dict(art, matches, size, ms, setup.options)


def _job_api_compare(setup: _Setup, body: CompareIn) -> dict[str, Any]:
    with setup.archive() as archive:
        a, b = _side(body.a, "a", setup, archive), _side(body.b, "b", setup, archive)
    a, b = setup.limits.admit(a), setup.limits.admit(b)
    return comparison_dict(compare(a, b, options=setup.options))


def _job_check_form(
    setup: _Setup, text: str, title: str, data: bytes, filename: str
) -> tuple[str, str]:
    """The page title and body of the matches of a pasted or uploaded article."""
    if data:
        art = _from_upload(data, filename, title, setup.options)
    elif text.strip():
        art = article_from_text(
            text, id="pasted", origin="pasted article", title=title or None, options=setup.options
        )
    else:
        raise InputError("form", "paste an article or choose a file")
    matches, size, ms = _matches(setup, art, None)
    return (
        f"newstrace: {label(art, art.origin or art.id)}",
        pages.matches_body(art, matches, archived=size, ms=ms),
    )


def _job_compare_page(setup: _Setup, a: str, b: str) -> tuple[str, str]:
    """The page title (both articles' labels) and body of a side-by-side view."""
    with setup.archive() as archive:
        art_a, art_b = _lookup(archive, a), _lookup(archive, b)
    art_a, art_b = setup.limits.admit(art_a), setup.limits.admit(art_b)
    c = compare(art_a, art_b, options=setup.options)
    title = f"newstrace: {label(art_a)} vs {label(art_b)}"
    return title, f'<main class="bare">{pages.comparison_body(c)}</main>'


# --- middleware ------------------------------------------------------------------------------

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class _Guard:
    """Outermost layer: refuses bodies over the size limit (413) before anything parses
    them, and puts the security headers on every response."""

    def __init__(self, app: ASGIApp, max_body_bytes: int, hosts: Hosts) -> None:
        self.app = app
        self.limit = max_body_bytes
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = self._with_headers(scope, send)
        headers = dict(scope.get("headers") or [])
        if not self.hosts.admits(headers.get(b"host")):
            shown = headers.get(b"host", b"(none)").decode("ascii", "replace")[:100]
            await self._refuse(
                scope,
                receive,
                send,
                400,
                f"unknown Host {shown!r}: this server answers to its own "
                "address only (add names with --allow-host)",
            )
            return
        refused = cross_site(scope.get("method", "GET"), headers)
        if refused is not None:
            await self._refuse(scope, receive, send, 403, refused)
            return
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._too_large(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:  # read the body here, so that chunked uploads are counted too
            message = await receive()
            if message["type"] != "http.request":
                return  # client went away
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._too_large(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    def _with_headers(self, scope: Scope, send: Send) -> Send:
        extra = [
            (b"content-security-policy", pages.CSP.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"x-frame-options", b"DENY"),
        ]

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        return wrapped

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"request body too large (limit {self.limit:,} bytes)"
        await self._refuse(scope, receive, send, 413, message)

    async def _refuse(
        self, scope: Scope, receive: Receive, send: Send, status: int, message: str
    ) -> None:
        response = _error(scope.get("path", ""), status, message, archived=None)
        await response(scope, receive, send)


def _error(path: str, status: int, message: str, *, archived: int | None) -> Response:
    """JSON for the API, an HTML page for the UI; always one line of message."""
    if path.startswith("/api/") or path == "/openapi.json":
        return _JSON({"error": message, "status": status}, status_code=status)
    nav = pages.nav_bar(archived=archived) if archived is not None else ""
    return _HTML(
        pages.page(f"newstrace: error {status}", pages.error_body(status, message), nav=nav),
        status_code=status,
    )


def _validation_message(exc: RequestValidationError) -> str:
    errors = exc.errors()
    if not errors:
        return "invalid request"
    first = errors[0]
    if first.get("type") == "json_invalid":
        ctx = first.get("ctx") or {}
        return f"body is not valid JSON ({ctx.get('error', 'decode error')})"
    where = ".".join(str(x) for x in first.get("loc", ()) if x != "body") or "body"
    msg = str(first.get("msg", "invalid value")).removeprefix("Value error, ")
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {msg}{more}"


# --- the app ---------------------------------------------------------------------------------


def create_app(
    db_path: str | Path,
    *,
    options: Options | None = None,
    max_body_bytes: int = 2_000_000,
    max_chars: int = MAX_CHARS,
    max_sentences: int = MAX_SENTENCES,
    timeout: float = TIMEOUT,
    workers: int = WORKERS,
    host: str = HOST,
    port: int | None = None,
    allow_hosts: Iterable[str] = (),
    allow_writes: bool = False,
) -> FastAPI:
    """The web UI and JSON API over the archive at ``db_path`` (which must exist).

    Limits, so that no request can hold the server: bodies over ``max_body_bytes`` get a
    413 unread; an article (submitted or archived) over ``max_chars`` characters or
    ``max_sentences`` sentences is refused with a 413 before it is compared; a check or
    compare runs in one of ``workers`` processes and gets a 503 after ``timeout`` seconds
    (or after waiting that long for a free worker). Families and article lists are read
    from what the archive stores (``add`` keeps them): a page is a few indexed queries,
    never a scan. ``DELETE /api/articles/{id}`` is answered only with ``allow_writes``
    (403 otherwise).

    Requests whose Host header is not the bound ``host`` or a loopback name with ``port``
    (any port when None), nor one of ``allow_hosts``, get a 400; cross-site POSTs a 403
    (see ``limits``).
    """
    try:
        import python_multipart  # noqa: F401 - parses the upload form
    except ImportError:
        raise MissingExtraError("newstrace serve", "serve") from None
    for name, value in (
        ("max_chars", max_chars),
        ("max_sentences", max_sentences),
        ("timeout", timeout),
        ("workers", workers),
        ("max_body_bytes", max_body_bytes),
    ):
        if not value > 0:
            raise ValueError(f"{name} must be positive, got {value!r}")
    state = _State(Path(db_path), options or DEFAULT_OPTIONS)
    state.size()  # ArchiveError now, not on the first request, when the file is unusable
    setup = _Setup(state.db_path, state.options, _Limits(max_chars, max_sentences))
    hosts = Hosts.build(host, port, tuple(allow_hosts))
    pool = _Pool(workers, timeout)

    def close() -> None:
        pool.close()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        pool.start()
        try:
            yield
        finally:
            close()

    # /docs is our own page (below): Swagger UI would load its scripts from a CDN.
    app = FastAPI(
        title="newstrace",
        version=_version(),
        default_response_class=_JSON,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        description="Find copied and rewritten news in an archive: check an "
        "article, compare two, browse reuse families.",
    )
    weakref.finalize(app, close)  # apps used without their lifespan

    def archived() -> int | None:
        try:
            return state.size()
        except NewstraceError:
            return None

    def fail(request: Request, status: int, message: str) -> Response:
        return _error(request.url.path, status, message, archived=archived())

    @app.exception_handler(_NotFound)
    def _not_found(request: Request, exc: _NotFound) -> Response:
        return fail(request, 404, exc.message)

    @app.exception_handler(_Refused)
    def _refused(request: Request, exc: _Refused) -> Response:
        return fail(request, exc.status, exc.message)

    @app.exception_handler(InputError)
    def _bad_input(request: Request, exc: InputError) -> Response:
        return fail(request, 400, str(exc))

    @app.exception_handler(ArchiveError)
    def _archive(request: Request, exc: ArchiveError) -> Response:
        return fail(request, 503, f"archive unavailable: {exc}")

    @app.exception_handler(NewstraceError)
    def _other(request: Request, exc: NewstraceError) -> Response:
        return fail(request, 400, str(exc))

    @app.exception_handler(RequestValidationError)
    def _invalid(request: Request, exc: RequestValidationError) -> Response:
        return fail(request, 422, _validation_message(exc))

    @app.exception_handler(HTTPException)
    def _http(request: Request, exc: HTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "bad request"
        if exc.status_code == 404 and message == "Not Found":
            message = f"no such page: {request.url.path}"
        return fail(request, exc.status_code, message)

    # --- JSON API ------------------------------------------------------------------------

    @app.post("/api/check", tags=["api"], summary="Check an article against the archive")
    def api_check(body: CheckIn) -> Response:
        """Archived articles that this one reuses or is reused by, best first; each with
        the full comparison (this article is ``a``, the archived one ``b``)."""
        return _JSON(pool.run("check", _job_api_check, setup, body))

    @app.post("/api/compare", tags=["api"], summary="Compare two articles")
    def api_compare(body: CompareIn) -> Response:
        """The schema of ``newstrace compare --format json``; a side is text, HTML, or
        ``{"id": ...}`` of an archived article."""
        return _JSON(pool.run("comparison", _job_api_compare, setup, body))

    @app.get("/api/articles/{article_id:path}", tags=["api"], summary="One archived article")
    def api_article(article_id: str) -> Response:
        art = state.get(article_id)
        return _JSON(
            {
                "id": art.id,
                "title": art.title,
                "url": art.url,
                "published": art.published,
                "modified": art.modified,
                "site": art.site,
                "author": art.author,
                "text": art.text,
            }
        )

    @app.get("/api/families", tags=["api"], summary="Reuse families of the archive")
    def api_families(query: Annotated[FamiliesIn, Query()]) -> Response:
        """A page of the archive's reuse families (kept by ``add``): each with its
        original and members (headline, site, time, id) and its reuse pairs (the format
        of ``scan --out``'s pairs.jsonl). ``sort``: ``largest``, ``newest`` or
        ``uncredited`` (copies that credit no source; null until stored); ``q``: words
        of a member's headline or text; ``site``: a member's site."""
        with state.archive() as archive:
            total, rows = archive.family_page(query.store())
            size = len(archive)
        return _JSON(
            {
                "archived": size,
                "total": total,
                "page": query.page,
                "per_page": query.per_page,
                "sort": query.sort,
                "families": [row.as_dict() for row in rows],
            }
        )

    @app.get("/api/articles", tags=["api"], summary="Archived articles")
    def api_articles(query: Annotated[ArticlesIn, Query()]) -> Response:
        """A page of archived articles (headline, site, time, id, url, modified time),
        oldest first,
        filtered by ``site``, words ``q`` of headline or text, and times ``since`` and
        ``until``."""
        with state.archive() as archive:
            wanted = query.store()
            total = archive.count_articles(wanted)
            rows = [row.as_dict() for row in archive.list_articles(wanted)]
        return _JSON(
            {"total": total, "page": query.page, "per_page": query.per_page, "articles": rows}
        )

    @app.delete("/api/articles/{article_id:path}", tags=["api"], summary="Remove an article")
    def api_remove(article_id: str) -> Response:
        """Remove an archived article (its pairs, and its family regrouped), as
        ``newstrace remove`` does; only on a server started with ``--allow-writes``."""
        if not allow_writes:
            raise _Refused(403, "this server is read-only (start it with --allow-writes)")
        with Archive(state.db_path, options=state.options, create=False, readonly=False) as ar:
            try:
                ar.remove([article_id])
            except InputError:
                raise _NotFound(f"no article with id {article_id!r} in the archive") from None
            return _JSON({"removed": article_id, "archived": len(ar)})

    # --- HTML pages ------------------------------------------------------------------------

    def html(title: str, body: str, *, active: str = "", status: int = 200) -> Response:
        nav = pages.nav_bar(archived=archived() or 0, active=active)
        return _HTML(pages.page(title, body, nav=nav), status_code=status)

    @app.get("/docs", include_in_schema=False)
    def docs_page() -> Response:
        return html("newstrace: HTTP API", pages.api_docs(app.openapi()), active="docs")

    @app.get("/", include_in_schema=False)
    def check_page() -> Response:
        return html("newstrace: check an article", pages.check_form(), active="check")

    @app.post("/", include_in_schema=False)
    def check_submit(
        text: Annotated[str, Form()] = "",
        title: Annotated[str, Form()] = "",
        file: Annotated[UploadFile | None, File()] = None,
    ) -> Response:
        data = file.file.read(max_body_bytes + 1) if file is not None else b""
        name = (file.filename if file is not None else None) or "upload"
        try:
            page_title, body = pool.run("check", _job_check_form, setup, text, title, data, name)
        except _Refused as exc:
            if exc.status not in (400, 413):
                raise
            return html(
                "newstrace: check an article",
                pages.check_form(text=text, title=title, message=exc.message),
                active="check",
                status=exc.status,
            )
        return html(page_title, body, active="check")

    @app.get("/families", include_in_schema=False)
    def families_page(query: Annotated[FamiliesIn, Query()]) -> Response:
        with state.archive() as archive:
            total, rows = archive.family_page(query.store())
        return html(
            "newstrace: reuse families",
            families_html.families_body(query.store(), total, rows),
            active="families",
        )

    @app.get("/compare", include_in_schema=False)
    def compare_page(
        a: Annotated[str, Query(max_length=MAX_ID_CHARS)],
        b: Annotated[str, Query(max_length=MAX_ID_CHARS)],
    ) -> Response:
        return html(*pool.run("comparison", _job_compare_page, setup, a, b))

    @app.get("/articles/{article_id:path}", include_in_schema=False)
    def article_page(article_id: str) -> Response:
        with state.archive() as archive:
            art = _lookup(archive, article_id)
            family = archive.family_of(art.id)
        if family is None:
            return html(f"newstrace: {label(art)}", pages.article_body(art))
        related = [p for p in family.pairs if art.id in (p.a, p.b)]
        known = {m.id: m for m in family.members}
        drawn = tree_drawing(family.as_family(), known, pages.compare_href) or ""
        body = pages.article_body(art, related=related, known=known, family=drawn)
        return html(f"newstrace: {label(art)}", body)

    app.add_middleware(_Guard, max_body_bytes=max_body_bytes, hosts=hosts)
    return app


def _version() -> str:
    from .. import __version__

    return __version__


def serve(
    db_path: str | Path,
    *,
    host: str = HOST,
    port: int = PORT,
    options: Options | None = None,
    max_chars: int = MAX_CHARS,
    max_sentences: int = MAX_SENTENCES,
    timeout: float = TIMEOUT,
    workers: int = WORKERS,
    allow_hosts: Iterable[str] = (),
    limits: ConnectionLimits | None = None,
    allow_writes: bool = False,
) -> None:
    """Run the web UI and API with uvicorn until interrupted (limits: see create_app and
    ``limits``). A busy port is a ServeError (exit code 4)."""
    try:
        import uvicorn  # noqa: F401 - the serve extra
    except ImportError:
        raise MissingExtraError("newstrace serve", "serve") from None
    app = create_app(
        db_path,
        options=options,
        max_chars=max_chars,
        max_sentences=max_sentences,
        timeout=timeout,
        workers=workers,
        host=host,
        port=port,
        allow_hosts=allow_hosts,
        allow_writes=allow_writes,
    )
    sock = bind(host, port)
    try:
        uvicorn_server(app, limits or ConnectionLimits(), refusals=RefusalLog()).run(sockets=[sock])
    finally:
        sock.close()
