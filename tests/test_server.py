"""The web UI and JSON API (newstrace serve): contract, 4xx errors, limits, hostile text."""

from __future__ import annotations

import contextlib
import json
import re
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the serve extra (fastapi) is not installed")
pytest.importorskip("python_multipart", reason="the serve extra is not installed")
pytest.importorskip("httpx2", reason="starlette's TestClient needs httpx2")

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from newstrace import Article, compare, iter_articles
from newstrace.archive import Archive
from newstrace.errors import ArchiveError
from newstrace.report.json_report import comparison_dict
from newstrace.report.scan_report import match_dict
from newstrace.server import ConnectionLimits, ServeError, create_app
from newstrace.server.limits import RefusalLog, bind
from newstrace.server.limits import server as uvicorn_server

from .conftest import DEMO, ROOT

HOSTILE_ID = 'x"><script>alert(9)</script>'
HOSTILE_TITLE = "<script>alert('title')</script> Ferry <b>crash</b>"
HOSTILE_TEXT = (
    "Dock strike called <script>window.__pwned = 1; alert('x')</script>\n\n"
    "CORROWICK – Around 1,800 dockworkers at the Port of Corrowick will walk out for 72 "
    "hours from Friday, June 12, after talks with the terminal operator over night-shift "
    "rules broke down, their union said on Monday. "
    '<img src=x onerror="window.__pwned = 2; alert(1)">\n\n'
    "The Corrowick Dock and Harbour Workers’ Union said 91 percent of members who voted "
    "backed the strike. The union is seeking a 9 percent pay rise and an end to compulsory "
    'night shifts for workers over 55. <a href="javascript:window.__pwned = 3">read more</a>\n\n'
    "“Our members have carried this port through two record years, and they are being "
    "asked to work more nights for less,” said Delphine Aukett, the union’s general "
    'secretary. <svg onload="window.__pwned = 4"></svg><iframe src="javascript:1">'
    "</iframe>\n\n" + "W" * 6000 + "\n"
)
"""An invented article that reuses the demo's dock-strike story, with markup that would run if it
were not escaped (the ``__pwned`` global records which injection fired), and a very long
line."""


def build_archive(path: Path, *, hostile: bool = True, skip: frozenset[str] = frozenset()) -> Path:
    """The demo corpus (less ``skip``, plus the hostile article) in a fresh archive."""
    arts = [a for a in iter_articles([ROOT / "demo" / "corpus.jsonl"]) if a.id not in skip]
    if hostile:
        arts.append(
            Article(
                id=HOSTILE_ID,
                text=HOSTILE_TEXT,
                title=HOSTILE_TITLE,
                url="javascript:alert(4)",
                site="<i>site</i>",
                published="2026-03-05",
                origin=HOSTILE_ID,
                format="jsonl",
            )
        )
    with Archive(path) as archive:
        archive.add(arts)
    return path


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_archive(tmp_path_factory.mktemp("serve") / "archive.db")


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[TestClient]:
    with _local(create_app(db, max_body_bytes=200_000)) as c:
        yield c


def _local(app: Any) -> TestClient:
    """A test client that talks to the app as http://127.0.0.1 (the server answers to
    its own address only)."""
    return TestClient(app, base_url="http://127.0.0.1")


def _scanned(c: TestClient) -> TestClient:
    """The client (families are stored by ``add``: nothing to wait for)."""
    return c


def _text(name: str) -> str:
    return (DEMO / name).read_text(encoding="utf-8")


def _our_markup(html: str) -> str:
    """The page body without our own trailing script."""
    return html.split("<body>", 1)[1].rsplit("<script>", 1)[0]


# --- API contract ---------------------------------------------------------------------------


def test_check_matches_archive_check(client: TestClient, db: Path) -> None:
    r = client.post("/api/check", json={"text": _text("04-spin.txt"), "title": "spin"})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"article", "archived", "milliseconds", "matches", "family"}
    assert body["archived"] == 15
    ids = [m["id"] for m in body["matches"]]
    assert {"01-wire", "02-reprint-herald", "04-spin"} <= set(ids)
    with Archive(db, create=False) as archive:
        direct = archive.check(
            Article(id="submitted", text=_text("04-spin.txt"), title="spin", origin="submitted")
        )
    assert ids == [m.id for m in direct]
    want = json.loads(json.dumps(match_dict(direct[0]), ensure_ascii=False))
    assert body["matches"][0] == want  # the shape and values of `check --format json`
    place = body["family"]  # where the checked spin would sit in its family's copy tree
    assert set(place["members"]) == {"submitted", *ids} and not place["is_original"]
    assert place["parent"] in ids or place["candidates"]


def test_check_html_and_top(client: TestClient) -> None:
    page = (
        "<html><head><title>Ferry crash</title></head><body><article>"
        + "".join(f"<p>{p}</p>" for p in _text("01-wire.txt").split("\n\n")[1:])
        + "</article></body></html>"
    )
    r = client.post("/api/check", json={"html": page, "id": "mine", "top": 2})
    assert r.status_code == 200, r.text
    assert r.json()["article"] == "mine"
    assert 1 <= len(r.json()["matches"]) <= 2


def test_compare_ids_and_text(client: TestClient, db: Path) -> None:
    r = client.post("/api/compare", json={"a": {"id": "01-wire"}, "b": {"id": "04-spin"}})
    assert r.status_code == 200
    with Archive(db, create=False) as archive:
        want = comparison_dict(compare(archive.get("01-wire"), archive.get("04-spin")))
    assert r.json() == json.loads(json.dumps(want, ensure_ascii=False))
    assert r.json()["relation"] == "rewrite"
    assert any("€3.2 million" in d["note"] for d in r.json()["drifts"])
    r = client.post(
        "/api/compare",
        json={"a": {"text": _text("11-wire-second.txt")}, "b": {"id": "12-spin-second"}},
    )
    assert r.status_code == 200 and r.json()["relation"] in ("rewrite", "partial")


def test_article_and_unknown_ids(client: TestClient) -> None:
    r = client.get("/api/articles/01-wire")
    assert r.status_code == 200
    assert set(r.json()) >= {"id", "title", "url", "published", "modified", "site", "text"}
    assert r.json()["text"].startswith("HARROWMERE, March 4")
    assert r.json()["modified"] is None  # the demo corpus gives no modified times
    for bad in (
        "nope",
        "..%2F..%2Fetc%2Fpasswd",
        "%2Fetc%2Fpasswd",
        "..%5C..%5Cwin.ini",
        "demo%2Fcorpus%2F01-wire.txt",
        "%00",
        "a/..%2F..%2F..%2Fetc%2Fpasswd",
    ):
        r = client.get(f"/api/articles/{bad}")
        assert r.status_code == 404, bad
        assert "root:" not in r.text and "error" in r.json()
    r = client.get("/api/articles/../../../etc/passwd")  # the client normalises it
    assert r.status_code == 404 and "root:" not in r.text
    r = client.get("/articles/..%2F..%2Fetc%2Fpasswd")
    assert r.status_code == 404 and "root:" not in r.text
    r = client.get("/compare", params={"a": "../../etc/passwd", "b": "01-wire"})
    assert r.status_code == 404 and "root:" not in r.text


def test_hostile_id_round_trips(client: TestClient) -> None:
    from urllib.parse import quote

    r = client.get("/api/articles/" + quote(HOSTILE_ID, safe=""))
    assert r.status_code == 200 and r.json()["id"] == HOSTILE_ID


def test_families_come_from_the_archive_and_follow_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No scan ever (the server process scans nothing); an add shows at once."""

    def no_scan(*args: object, **kwargs: object) -> None:
        raise AssertionError("the server scanned the archive")

    monkeypatch.setattr("newstrace.archive.Archive.scan", no_scan)
    db = build_archive(tmp_path / "a.db", hostile=False)
    with _local(create_app(db)) as c:
        first = c.get("/api/families").json()
        assert first["archived"] == 14 and first["total"] == len(first["families"])
        originals = {f["original"]["id"] for f in first["families"]}
        assert {"01-wire", "11-wire-second"} <= originals
        top = first["families"][0]
        assert top["size"] == max(f["size"] for f in first["families"])
        assert top["original"]["title"] and top["original"]["site"]
        assert all(
            set(p) == {"a", "b", "relation", "coverage", "source", "score"} for p in top["pairs"]
        )
        with Archive(db) as archive:
            archive.add([Article(id="15-copy", text=_text("11-wire-second.txt") + "\nMore.")])
        second = c.get("/api/families").json()
        assert second["archived"] == 15
        assert any("15-copy" in {m["id"] for m in f["members"]} for f in second["families"])


def test_families_page_is_paginated_sorted_and_searchable(client: TestClient) -> None:
    one = client.get("/api/families", params={"per_page": 1, "page": 2}).json()
    assert len(one["families"]) == 1 and one["total"] > 1 and one["page"] == 2
    newest = client.get("/api/families", params={"sort": "newest"}).json()["families"]
    times = [f["newest"] for f in newest if f["newest"]]
    assert times == sorted(times, reverse=True)
    assert client.get("/api/families", params={"sort": "uncredited"}).status_code == 200
    ferry = client.get("/api/families", params={"q": "ferries"}).json()["families"]
    assert ferry and all(
        any("ferr" in (m["title"] or "").lower() for m in f["members"]) for f in ferry
    )
    site = client.get("/api/families", params={"site": "northgate wire"}).json()["families"]
    assert site and all(any(m["site"] == "Northgate Wire" for m in f["members"]) for f in site)
    assert client.get("/api/families", params={"per_page": 10_000}).status_code == 422
    assert client.get("/api/families", params={"sort": "ids"}).status_code == 422
    page = client.get("/families", params={"q": "ferries", "per_page": 1})
    assert page.status_code == 200 and "Two ferries collide" in page.text
    assert "Northgate Wire" in page.text and "page 1 of" in page.text


def test_families_show_their_stored_copy_trees(client: TestClient) -> None:
    """Each family of the API carries its copy tree; the page draws it left to right
    (labelled nodes, hops linking to side-by-side views) instead of the pair graph."""
    families = client.get("/api/families", params={"sort": "uncredited"}).json()["families"]
    for f in families:
        members = {m["id"] for m in f["members"]}
        assert set(f["parent"]) == members and f["parent"][f["original"]["id"]] is None
        assert f["uncredited"] == f["credit_summary"]["uncredited"]
    page = client.get("/families", params={"q": "ferries", "per_page": 1}).text
    assert 'class="tree"' in page and "How each copy was made" in page
    svg = page.split('<svg class="tree"', 1)[1].split("</svg>", 1)[0]
    assert "Two ferries collide" in svg and "/compare?" in svg  # headlines; hops link
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert texts and not {t.strip() for t in texts} & {
        m["id"] for f in families for m in f["members"]
    }


def test_article_list_and_delete_only_with_allow_writes(tmp_path: Path) -> None:
    db = build_archive(tmp_path / "a.db", hostile=False)
    with _local(create_app(db)) as c:
        listed = c.get("/api/articles", params={"site": "Northgate Wire"}).json()
        assert listed["total"] == 2 and {a["id"] for a in listed["articles"]} == {
            "01-wire",
            "11-wire-second",
        }
        assert all(a["modified"] is None for a in listed["articles"])
        paged = c.get("/api/articles", params={"per_page": 5, "page": 3}).json()
        assert paged["total"] == 14 and len(paged["articles"]) == 4
        r = c.delete("/api/articles/04-spin")
        assert r.status_code == 403 and "--allow-writes" in r.json()["error"]
    with _local(create_app(db, allow_writes=True)) as c:
        assert c.delete("/api/articles/nope").status_code == 404
        r = c.delete("/api/articles/04-spin")
        assert r.status_code == 200 and r.json() == {"removed": "04-spin", "archived": 13}
        assert c.get("/api/articles/04-spin").status_code == 404
        assert (
            c.delete(
                "/api/articles/01-wire", headers={"origin": "https://evil.example"}
            ).status_code
            == 403
        )
    with Archive(db) as archive:
        assert archive.doctor() == [] and len(archive) == 13


def test_openapi_lists_the_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    api = {"/api/check", "/api/compare", "/api/articles/{article_id}", "/api/families"}
    assert api <= set(paths)
    assert "/" not in paths
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "/api/compare" in docs.text and "CompareIn" in docs.text
    assert "cdn" not in docs.text.lower()  # works offline: no scripts from elsewhere


# --- errors ---------------------------------------------------------------------------------

_FIXTURE = HealthCheck.function_scoped_fixture  # the client is shared on purpose

BAD_BODIES = [
    (b'{"text": ""}', 400, "empty article"),
    (b'{"text": "   \\n "}', 400, "empty article"),
    (b'{"text": "a", "html": "<p>b</p>"}', 400, "not both"),
    (b'{"title": "only a title"}', 400, '"text" or "html"'),
    (b'{"html": "<html></html>"}', 400, "HTML"),
    (b"{bad", 422, "not valid JSON"),
    (b"[]", 422, "dictionary"),
    (b"null", 422, ""),
    (b'{"text": 5}', 422, "text"),
    (b'{"text": "ok", "zzz": 1}', 422, "zzz"),
    (b'{"text": "ok", "top": 0}', 422, "top"),
    (b'{"text": "ok", "top": 100000}', 422, "top"),
    (b'{"text": "\\ud800 lone surrogate"}', 422, "Unicode"),
    (b"", 422, ""),
]


@pytest.mark.parametrize(("body", "status", "words"), BAD_BODIES)
def test_check_bad_input_is_4xx(client: TestClient, body: bytes, status: int, words: str) -> None:
    r = client.post("/api/check", content=body, headers={"content-type": "application/json"})
    assert r.status_code == status, r.text
    message = r.json()["error"]
    assert words in message and "\n" not in message


def test_compare_bad_input_is_4xx(client: TestClient) -> None:
    cases = [
        ({"a": {"id": "nope"}, "b": {"id": "01-wire"}}, 404),
        ({"a": {}, "b": {"id": "01-wire"}}, 400),
        ({"a": {"id": "01-wire"}}, 422),
        ({"a": {"text": "x"}, "b": {"text": ""}}, 400),
        ({"a": "01-wire", "b": "04-spin"}, 422),
    ]
    for body, status in cases:
        r = client.post("/api/compare", json=body)
        assert r.status_code == status, (body, r.text)
        assert r.json()["error"]


def test_methods_and_unknown_routes(client: TestClient) -> None:
    assert client.put("/api/check").status_code == 405
    assert client.get("/api/nothing").status_code == 404
    assert client.get("/api/nothing").json()["error"]
    r = client.get("/nothing")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")


def test_size_limit(client: TestClient) -> None:
    big = json.dumps({"text": "word " * 60_000})
    r = client.post("/api/check", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413 and "too large" in r.json()["error"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while read
        yield b'{"text": "'
        for _ in range(30):
            yield b"w" * 10_000
        yield b'"}'

    r = client.post("/api/check", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413
    r = client.post("/", files={"file": ("big.txt", b"word " * 60_000)})
    assert r.status_code == 413 and "too large" in r.text


@settings(max_examples=40, deadline=None, suppress_health_check=[_FIXTURE])
@given(
    body=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=40),
        lambda kids: (
            st.lists(kids, max_size=3)
            | st.dictionaries(
                st.sampled_from(["text", "html", "id", "top", "a", "b", "title", "url"]),
                kids,
                max_size=4,
            )
        ),
        max_leaves=8,
    )
)
def test_no_500_on_any_json(client: TestClient, body: object) -> None:
    for path in ("/api/check", "/api/compare"):
        r = client.post(path, json=body)  # a 500 would raise in the TestClient
        assert r.status_code < 500
        assert r.status_code == 200 or r.json()["error"]


@settings(max_examples=25, deadline=None, suppress_health_check=[_FIXTURE])
@given(text=st.text(max_size=300), name=st.text(max_size=30))
def test_no_500_on_any_form(client: TestClient, text: str, name: str) -> None:
    r = client.post("/", data={"text": text, "title": name})
    assert r.status_code in (200, 400)
    r = client.post("/", files={"file": (name or "f", text.encode("utf-8", "replace"))})
    assert r.status_code in (200, 400)


def test_missing_archive_is_archive_error(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError):
        create_app(tmp_path / "missing.db")


# --- HTML pages -----------------------------------------------------------------------------


def test_pages_render(client: TestClient) -> None:
    _scanned(client)
    r = client.get("/")
    assert r.status_code == 200 and 'enctype="multipart/form-data"' in r.text
    r = client.get("/families")
    assert r.status_code == 200 and "Two ferries collide" in r.text and "/compare?a=" in r.text
    r = client.get("/compare", params={"a": "01-wire", "b": "04-spin"})
    assert r.status_code == 200
    assert r.text.count('data-al="1"') >= 2 and 'class="dm"' in r.text and 'class="bp"' in r.text
    title = re.search(r"<title>(.*?)</title>", r.text)
    assert title and "Two ferries collide" in title.group(1) and "04-spin" not in title.group(1)
    r = client.get("/articles/01-wire")
    assert r.status_code == 200 and "Reuse pairs" in r.text and "Copy tree" in r.text
    pairs = r.text.split('<ul class="pairs">', 1)[1].split("</ul>", 1)[0]
    named = re.findall(r'<a href="/compare[^"]*">([^<]*)</a>', pairs)
    assert named and not {n.strip() for n in named} & {"02-reprint-herald", "04-spin"}
    assert client.get("/compare", params={"a": "01-wire"}).status_code == 422


def test_article_page_never_scans_the_archive(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_scan(*args: object, **kwargs: object) -> None:
        raise AssertionError("an article page started a scan of the whole archive")

    monkeypatch.setattr("newstrace.archive.Archive.scan", no_scan)
    with _local(create_app(db)) as fresh:
        r = fresh.get("/articles/01-wire")
    assert r.status_code == 200 and "01-wire" in r.text


def test_upload_and_paste(client: TestClient) -> None:
    r = client.post("/", data={"text": _text("04-spin.txt"), "title": "Pasted spin"})
    assert r.status_code == 200 and 'class="match"' in r.text and "#match-1" in r.text
    r = client.post("/", files={"file": ("spin.txt", _text("04-spin.txt").encode("utf-16"))})
    assert r.status_code == 200 and 'class="match"' in r.text
    paras = "".join(f"<p>{p}</p>" for p in _text("12-spin-second.txt").split("\n\n"))
    page = f"<html><body><article>{paras}</article></body></html>"
    r = client.post("/", files={"file": ("../../etc/spin.html", page.encode())})
    assert r.status_code == 200 and "11-wire-second" in r.text
    r = client.post("/", files={"file": ("x.bin", b"\x00\x01" * 50)})
    assert r.status_code == 400 and "binary" in r.text and 'role="alert"' in r.text
    r = client.post("/", data={"text": "  "})
    assert r.status_code == 400 and "paste an article" in r.text


def test_hostile_text_escaped_in_pages(client: TestClient) -> None:
    from urllib.parse import quote

    _scanned(client)
    pages = [
        client.post("/", data={"text": HOSTILE_TEXT, "title": HOSTILE_TITLE}),
        client.get("/compare", params={"a": HOSTILE_ID, "b": "11-wire-second"}),
        client.get("/articles/" + quote(HOSTILE_ID, safe="")),
        client.get("/families"),
        client.get("/compare", params={"a": HOSTILE_ID, "b": "<img src=x onerror=alert(1)>"}),
    ]
    for r in pages:
        assert r.status_code in (200, 404), r.text[:200]
        csp = r.headers["content-security-policy"]
        assert "script-src 'sha256-" in csp and "unsafe-inline" not in csp.split("script-src")[1]
        assert r.headers["x-content-type-options"] == "nosniff"
        body = _our_markup(r.text)
        assert not re.search(
            r"<(script|img|iframe)\b|<svg\b(?! width=| class=\"tree\" width=)", body, re.IGNORECASE
        )
        assert not re.search(r"""<a[^>]+href=["']?\s*javascript:""", body, re.IGNORECASE)
        assert " onerror=" not in body.replace("onerror=&quot;", "").replace("onerror=alert", "")
    assert "&lt;script&gt;window.__pwned = 1" in pages[0].text
    assert "W" * 6000 in pages[0].text  # long lines kept whole (wrapped by CSS)
    assert "&lt;img src=x onerror=&quot;window.__pwned = 2" in pages[1].text
    assert "javascript:alert(4)" in pages[2].text and 'href="javascript' not in pages[2].text


# --- command line ---------------------------------------------------------------------------


def test_cli_serve_help_and_errors(tmp_path: Path) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "newstrace", "serve", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert r.returncode == 0 and "127.0.0.1" in r.stdout and "Examples" in r.stdout
    r = subprocess.run(
        [sys.executable, "-m", "newstrace", "serve", "--db", str(tmp_path / "none.db")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert r.returncode == 3 and r.stderr.count("\n") == 1 and "no such archive" in r.stderr
    blocked = (
        "import sys; sys.modules['fastapi'] = None; sys.argv[0] = 'newstrace'; "
        "from newstrace.cli import main; main()"
    )
    r = subprocess.run(
        [sys.executable, "-c", blocked, "serve", "--db", str(tmp_path / "x.db")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert r.returncode == 2 and r.stderr.count("\n") == 1
    assert "pip install 'newstrace[serve]'" in r.stderr


# --- limits and timeouts on pathological inputs ----------------------------------------------

SLOW = 30.0
"""Seconds any request may take here (a slow shared machine); the server's default work
limit is 20 s, and everything refused is refused in milliseconds."""


def _random_words(chars: int, seed: int) -> str:
    """Sentences of 20 random invented words: every sentence pair shares a few terms, the
    worst case for the alignment matrices."""
    import random

    rng = random.Random(seed)
    vocab = [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 9)))
        for _ in range(20_000)
    ]
    out: list[str] = []
    size = 0
    while size < chars:
        sentence = " ".join(rng.choice(vocab) for _ in range(20)).capitalize() + "."
        out.append(sentence)
        size += len(sentence) + 1
    return " ".join(out)[:chars]


SENTENCE = "The minister said the port would reopen on Friday after talks. "


@pytest.fixture(scope="module")
def roomy(db: Path) -> Iterator[TestClient]:
    """The server's default limits (2 MB bodies, 100,000 characters, 1,000 sentences)."""
    with _local(create_app(db)) as c:
        yield c


def _timed_post(client: TestClient, path: str, body: object) -> tuple[int, str, float]:
    import time

    t0 = time.perf_counter()
    r = client.post(path, json=body)
    return r.status_code, r.text, time.perf_counter() - t0


PATHOLOGICAL = [  # (name, path, body, status, words in the error)
    (
        "two 2 MB articles of random words",
        "/api/compare",
        lambda: {
            "a": {"text": _random_words(2_000_000, 1)},
            "b": {"text": _random_words(2_000_000, 2)},
        },
        413,
        "request body too large",
    ),
    (
        "two 900 kB articles of random words",
        "/api/compare",
        lambda: {
            "a": {"text": _random_words(900_000, 1)},
            "b": {"text": _random_words(900_000, 2)},
        },
        413,
        "article too large for the server: 900,000 characters, limit 100,000",
    ),
    (
        "100,000 one-word sentences",
        "/api/check",
        lambda: {"text": "Word. " * 100_000},
        413,
        "600,000 characters",
    ),
    (
        "20,000 one-word sentences",
        "/api/check",
        lambda: {"text": "Ab. " * 20_000},
        413,
        "20,000 sentences, limit 1,000",
    ),
    (
        "1 MB without whitespace",
        "/api/check",
        lambda: {"text": "x" * 1_000_000},
        413,
        "1,000,000 characters",
    ),
    (
        "90 kB without whitespace",
        "/api/compare",
        lambda: {"a": {"text": "x" * 90_000}, "b": {"text": "y." * 45_000}},
        200,
        "",
    ),
    (
        "50,000 identical sentences",
        "/api/check",
        lambda: {"text": SENTENCE * 50_000},
        413,
        "request body too large",
    ),
    (
        "1,500 identical sentences",
        "/api/compare",
        lambda: {"a": {"text": SENTENCE * 1_500}, "b": {"text": "Short."}},
        413,
        "1,500 sentences, limit 1,000",
    ),
    (
        "999 identical sentences, both sides",
        "/api/compare",
        lambda: {"a": {"text": SENTENCE * 999}, "b": {"text": SENTENCE * 999}},
        200,
        "",
    ),
    (
        "random words at the limit, both sides",
        "/api/compare",
        lambda: {"a": {"text": _random_words(99_000, 1)}, "b": {"text": _random_words(99_000, 2)}},
        200,
        "",
    ),
    (
        "random words at the limit",
        "/api/check",
        lambda: {"text": _random_words(99_000, 3)},
        200,
        "",
    ),
]


@pytest.mark.parametrize(
    ("name", "path", "make", "status", "words"), PATHOLOGICAL, ids=[p[0] for p in PATHOLOGICAL]
)
def test_pathological_input_bounded(
    roomy: TestClient, name: str, path: str, make: Callable[[], object], status: int, words: str
) -> None:
    got, text, seconds = _timed_post(roomy, path, make())
    assert seconds < SLOW, (name, seconds)
    assert got == status, (name, text[:300])
    if status != 200:
        message = json.loads(text)["error"]
        assert words in message and "\n" not in message, message


def test_archived_article_over_the_limit(db: Path) -> None:
    """Articles already in the archive (added by the CLI, with no server limit) are held
    to the server's limits when a request names them."""
    with _local(create_app(db, max_chars=5_000)) as c:
        r = c.get("/compare", params={"a": HOSTILE_ID, "b": "01-wire"})
        assert r.status_code == 413 and "article too large for the server" in r.text
        assert "limit 5,000" in r.text and 'role="alert"' in r.text
        r = c.post("/api/compare", json={"a": {"id": "01-wire"}, "b": {"id": HOSTILE_ID}})
        assert r.status_code == 413 and "characters, limit 5,000" in r.json()["error"]
        r = c.post("/", data={"text": "Words. " * 1_000})
        assert r.status_code == 413 and 'role="alert"' in r.text and "limit 5,000" in r.text
        assert c.get("/compare", params={"a": "01-wire", "b": "04-spin"}).status_code == 200
    with _local(create_app(db, max_sentences=5)) as c:
        r = c.post("/api/check", json={"text": _text("04-spin.txt")})
        assert r.status_code == 413 and "sentences, limit 5" in r.json()["error"]


def test_timeout_replaces_the_worker(db: Path) -> None:
    """Work past the limit gets a 503 at the limit, and the one worker is replaced."""
    import time

    slow = {"a": {"text": _random_words(99_000, 1)}, "b": {"text": _random_words(99_000, 2)}}
    with _local(create_app(db, timeout=0.01, workers=1)) as c:
        t0 = time.perf_counter()
        r = c.post("/api/check", json={"text": _text("04-spin.txt")})
        assert r.status_code == 503, r.text[:300]
        assert r.json()["error"] == "check took longer than 0.01 s"
        assert time.perf_counter() - t0 < SLOW
        r = c.post("/", files={"file": ("spin.txt", _text("04-spin.txt").encode())})
        assert r.status_code == 503 and "check took longer than 0.01 s" in r.text
        r = c.post("/api/compare", json=slow)
        assert r.status_code == 503 and "comparison took longer" in r.json()["error"]
    with _local(create_app(db, timeout=SLOW, workers=1)) as c:
        r = c.post("/api/check", json={"text": _text("04-spin.txt")})  # a fresh worker works
        assert r.status_code == 200 and r.json()["matches"]


def test_limits_are_validated(db: Path) -> None:
    for bad in ({"max_chars": 0}, {"max_sentences": -1}, {"timeout": 0}, {"workers": 0}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            create_app(db, **bad)  # type: ignore[arg-type]


# --- path traversal: every id, path and name parameter ----------------------------------------


def test_no_parameter_reaches_the_filesystem(client: TestClient, tmp_path: Path) -> None:
    """Ids are looked up in SQLite only, names are labels: a value naming a file neither
    reads it nor writes it, wherever it is passed."""
    import os
    from urllib.parse import quote

    secret = tmp_path / "secret.txt"
    secret.write_text("SENTINEL-7f3a root:x:0:0\n", encoding="utf-8")
    target = tmp_path / "written.txt"
    before = sorted(os.listdir(tmp_path))
    values = [
        str(secret),
        os.path.relpath(secret),
        "../" * 12 + str(secret).lstrip("/"),
        f"file://{secret}",
        str(target),
        "../../../../etc/passwd",
        "..\\..\\win.ini",
        "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "....//....//etc/passwd",
        "/dev/zero",
        "/proc/self/environ",
        "demo/corpus/01-wire.txt",
        "01-wire/../04-spin",
        "./01-wire",
        "01-wire\x00.txt",
    ]
    for v in values:
        answers = [
            (client.get("/api/articles/" + quote(v, safe="")), (404,)),
            (client.get("/articles/" + quote(v, safe="")), (404,)),
            (client.get("/compare", params={"a": v, "b": "01-wire"}), (404,)),
            (client.get("/compare", params={"a": "01-wire", "b": v}), (404,)),
            (client.post("/api/compare", json={"a": {"id": v}, "b": {"id": "01-wire"}}), (404,)),
            (client.post("/api/compare", json={"a": {"id": "01-wire"}, "b": {"id": v}}), (404,)),
            (client.post("/api/check", json={"text": v, "id": v, "url": v}), (200, 400)),
            (client.post("/", data={"text": v, "title": v}), (200, 400)),
            (client.post("/", files={"file": (v, b"Ferry crash. Two hurt.")}), (200, 400)),
        ]
        for r, statuses in answers:
            assert r.status_code in statuses, (v, r.request.url, r.text[:200])
            assert "SENTINEL" not in r.text and "root:x:" not in r.text, (v, r.request.url)
    assert sorted(os.listdir(tmp_path)) == before and not target.exists()
    assert secret.read_text(encoding="utf-8").startswith("SENTINEL-7f3a")


# --- Host names and cross-site posts ------------------------------------------------------------


def test_only_its_own_host_names(db: Path) -> None:
    """DNS rebinding: a page whose own name now points at 127.0.0.1 sends that name as
    Host; only the bound address, loopback names (with the bound port) and --allow-host
    values are answered."""
    app = create_app(db, host="127.0.0.1", port=8123, allow_hosts=["news.example.org"])
    with TestClient(app, base_url="http://127.0.0.1:8123") as c:
        good = [
            "127.0.0.1:8123",
            "localhost:8123",
            "LOCALHOST:8123",
            "[::1]:8123",
            "news.example.org",
            "news.example.org:443",
        ]
        for host in good:
            r = c.get("/api/articles/01-wire", headers={"host": host})
            assert r.status_code == 200, host
        bad = [
            "evil.example",
            "evil.example:8123",
            "127.0.0.1:9999",
            "localhost",
            "127.0.0.1.evil.example:8123",
            "localhost.:8123",
            "user@127.0.0.1:8123",
            "[::1]x:8123",
            "",
            "127.0.0.1:8123:1",
        ]
        for host in bad:
            r = c.get("/api/articles/01-wire", headers={"host": host})
            assert r.status_code == 400, host
            assert "unknown Host" in r.json()["error"] and "HARROWMERE" not in r.text
        r = c.get("/families", headers={"host": "evil.example"})
        assert r.status_code == 400 and r.headers["content-type"].startswith("text/html")
    with TestClient(create_app(db)) as c:  # default name of the test client: not ours
        assert c.get("/api/articles/01-wire").status_code == 400
    with TestClient(
        create_app(db, host="0.0.0.0", port=8000, allow_hosts=["192.0.2.7:8000"]),
        base_url="http://192.0.2.7:8000",
    ) as c:
        assert c.get("/api/articles/01-wire").status_code == 200
        assert c.get("/api/articles/01-wire", headers={"host": "0.0.0.0:8000"}).status_code == 400
    with pytest.raises(ValueError, match="allow-host"):
        create_app(db, allow_hosts=["bad/name"])


def test_cross_site_posts_refused(client: TestClient) -> None:
    """A page on another site posting the check form (or calling the API) gets a 403; the
    server's own page (Sec-Fetch-Site: same-origin) and non-browser clients do not."""
    form = {"text": _text("04-spin.txt")}
    refused = [
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},
        {"origin": "http://evil.example"},
        {"origin": "null"},
        {"origin": "http://127.0.0.1:9999"},
        {"origin": "http://localhost"},
        {"referer": "http://evil.example/page.html"},
        {"sec-fetch-site": "cross-site", "origin": "http://127.0.0.1"},
    ]
    for headers in refused:
        r = client.post("/", data=form, headers=headers)
        assert r.status_code == 403, headers
        assert "cross-site request refused" in r.text and 'class="match"' not in r.text
        r = client.post("/api/check", json=form, headers=headers)
        assert r.status_code == 403 and "cross-site" in r.json()["error"], headers
    allowed = [
        {},
        {"sec-fetch-site": "same-origin"},
        {"sec-fetch-site": "none"},
        {"origin": "http://127.0.0.1"},
        {"referer": "http://127.0.0.1/"},
        {"sec-fetch-site": "same-origin", "origin": "null"},
    ]
    for headers in allowed:
        r = client.post("/", data=form, headers=headers)
        assert r.status_code == 200 and 'class="match"' in r.text, headers
    r = client.get("/api/articles/01-wire", headers={"sec-fetch-site": "cross-site"})
    assert r.status_code == 200  # reading needs the Host check only (no CORS: unreadable)


# --- connections: timeouts, cap, header size, busy port ------------------------------------------


@contextlib.contextmanager
def _running(
    db: Path, limits: ConnectionLimits, refusals: RefusalLog | None = None
) -> Iterator[int]:
    """A real uvicorn server with these limits on a free 127.0.0.1 port (in a thread)."""
    import threading
    import time

    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    app = create_app(db, workers=1, port=port)
    srv = uvicorn_server(app, limits, log_level="warning", refusals=refusals)
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + SLOW
    while not srv.started:  # the server's own flag: observable progress
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.01)
    try:
        yield port
    finally:
        srv.should_exit = True
        thread.join(SLOW)
        sock.close()


def _connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=SLOW)


def _answer(conn: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (bounded by SLOW)."""
    out = b""
    while chunk := conn.recv(65536):
        out += chunk
    return out


def _get(port: int, path: str = "/api/articles/01-wire", extra: str = "") -> bytes:
    with _connect(port) as conn:
        conn.sendall(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{extra}"
            "Connection: close\r\n\r\n".encode()
        )
        return _answer(conn)


def test_idle_and_half_sent_connections_time_out(db: Path) -> None:
    """Connections that send nothing, half the headers or half the body are closed after
    the read timeout (a 408 when part of a request came); idle keep-alive ones too."""
    import time

    limits = ConnectionLimits(read_timeout=1.0, keep_alive=1.0)
    with _running(db, limits) as port:
        t0 = time.monotonic()
        with _connect(port) as idle, _connect(port) as half, _connect(port) as body:
            half.sendall(
                f"GET /api/articles/01-wire HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n".encode()
            )
            body.sendall(
                f"POST /api/check HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
                '{"text": '.encode()
            )
            assert _answer(idle) == b""
            assert _answer(half).startswith(b"HTTP/1.1 408 ")
            late = _answer(body)
            assert late.startswith(b"HTTP/1.1 408 ") and b"not received within 1 s" in late
        assert time.monotonic() - t0 < SLOW
        with _connect(port) as kept:  # keep-alive: answered, then closed when idle
            kept.sendall(
                f"GET /api/articles/01-wire HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
            )
            answer = _answer(kept)
            assert answer.startswith(b"HTTP/1.1 200 ") and b"HARROWMERE" in answer
        assert _get(port).startswith(b"HTTP/1.1 200 ")


def test_header_size_limit_is_431(db: Path) -> None:
    with _running(db, ConnectionLimits(max_header_bytes=4096)) as port:
        whole = _get(port, extra=f"X-Big: {'a' * 8000}\r\n")  # arrives whole
        assert whole.startswith(b"HTTP/1.1 431 ") and b"limit 4,096 bytes" in whole
        with _connect(port) as conn:  # never ends
            conn.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n".encode())
            for _ in range(10):
                try:
                    conn.sendall(b"X-More: " + b"b" * 1000 + b"\r\n")
                except OSError:
                    break
            assert _answer(conn).startswith(b"HTTP/1.1 431 ")
        assert _get(port, path="/api/articles/" + "a" * 8000).startswith(b"HTTP/1.1 431 ")
        assert _get(port, extra=f"X-Ok: {'a' * 1000}\r\n").startswith(b"HTTP/1.1 200 ")


def test_connection_cap_refuses_quietly(db: Path) -> None:
    """Over the cap, new connections get a 503 and are closed at once (their descriptors
    freed); the whole burst of refusals is one log line; below it again, all is served."""
    import logging

    logger = logging.getLogger("newstrace.test.refusals")
    refusals = RefusalLog(logger=logger, quiet=3600.0)
    with _running(
        db, ConnectionLimits(max_connections=4, read_timeout=SLOW), refusals=refusals
    ) as port:
        held = [_connect(port) for _ in range(4)]
        for conn in held:  # each is admitted: it gets its answer and stays open
            conn.sendall(
                f"GET /api/articles/01-wire HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
            )
            assert conn.recv(65536).startswith(b"HTTP/1.1 200 ")
        refused = [_answer(_connect(port)) for _ in range(40)]
        assert all(r.startswith(b"HTTP/1.1 503 ") and b"too many connections" in r for r in refused)
        assert refusals.lines == 1
        for conn in held:
            conn.close()
        for _ in range(200):  # until the server has seen the closes (bounded)
            answer = _get(port)
            if answer.startswith(b"HTTP/1.1 200 "):
                break
        assert answer.startswith(b"HTTP/1.1 200 ")
    assert ConnectionLimits(max_connections=10**9).fitted().max_connections < 10**9


def test_busy_port_is_its_own_error(db: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ServeError, match="already in use") as info:
            bind("127.0.0.1", port)
        assert info.value.exit_code == 4
        r = subprocess.run(
            [sys.executable, "-m", "newstrace", "serve", "--db", str(db), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert r.returncode == 4, r.stderr
    assert r.stderr.count("\n") == 1 and "already in use" in r.stderr
    assert "archive" not in r.stderr.lower().split("already")[0]
