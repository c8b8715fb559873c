"""End to end in a real browser: Playwright drives Debian's Chromium against a running
``newstrace serve`` (uvicorn on a free loopback port, an archive of the demo corpus plus a
hostile article). Upload an article, see its matches, open the comparison, step through
passages with the keyboard, check that hostile text stays inert, inspect screenshots.

Set NEWSTRACE_SCREENSHOTS=1 to write the screenshots to docs/screenshots/ (for the
README) instead of the test's temporary folder.
"""

from __future__ import annotations

import os
import shutil
import socket
import struct
import threading
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import numpy as np
import pytest

pytest.importorskip("fastapi", reason="the serve extra (fastapi) is not installed")
pytest.importorskip("uvicorn", reason="the serve extra (uvicorn) is not installed")
pytest.importorskip("python_multipart", reason="the serve extra is not installed")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

import uvicorn  # noqa: E402

from newstrace.server import create_app  # noqa: E402

from .conftest import DEMO, ROOT  # noqa: E402
from .test_server import HOSTILE_ID, HOSTILE_TEXT, HOSTILE_TITLE, build_archive  # noqa: E402

CHROMIUM = os.environ.get("NEWSTRACE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 800}
HIGHLIGHT = (0x56, 0xB4, 0xE9)  # Okabe-Ito sky blue of reused passages (blended with white)
DRIFT = (0xD5, 0x5E, 0x00)  # Okabe-Ito vermillion of drift markers


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real uvicorn server in a thread, on a loopback port the OS picked."""
    # 04-spin stays out: the tests upload it as the new article it is.
    db = build_archive(
        tmp_path_factory.mktemp("browser") / "archive.db", skip=frozenset({"04-spin"})
    )
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(db), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        except sync_api.Error as exc:
            pytest.skip(f"Chromium at {CHROMIUM} does not start: {str(exc).splitlines()[0]}")
        yield b
        b.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    """A fresh page; records every dialog (none may ever open) and page error."""
    context = browser.new_context(viewport=VIEWPORT, reduced_motion="reduce", device_scale_factor=1)
    pg = context.new_page()
    pg.dialogs = []
    pg.errors = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.set_default_timeout(10_000)
    yield pg
    context.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if os.environ.get("NEWSTRACE_SCREENSHOTS") == "1":
        out = ROOT / "docs" / "screenshots"
        out.mkdir(parents=True, exist_ok=True)
        return out
    return tmp_path_factory.mktemp("screenshots")


# --- PNG inspection (PIL when present, else a small decoder) ---------------------------------


def png_rgb(data: bytes) -> np.ndarray:
    """The pixels of an 8-bit RGB(A) PNG as an (h, w, 3) array."""
    try:
        import io

        from PIL import Image
    except ImportError:
        return _decode_png(data)
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def _decode_png(data: bytes) -> np.ndarray:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, head = 8, [], None
    while pos < len(data):
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if kind == b"IHDR":
            head = struct.unpack(">IIBBBBB", data[pos + 8 : pos + 8 + size])
        elif kind == b"IDAT":
            idat.append(data[pos + 8 : pos + 8 + size])
        pos += 12 + size
    assert head is not None
    w, h, depth, ctype, _, _, interlace = head
    assert depth == 8 and ctype in (2, 6) and interlace == 0, head
    bpp = 3 if ctype == 2 else 4
    stride = w * bpp
    raw = np.frombuffer(zlib.decompress(b"".join(idat)), np.uint8).reshape(h, stride + 1)
    out = np.zeros((h, stride), np.uint8)
    prev = np.zeros(stride, np.uint8)
    for y in range(h):
        kind, line = raw[y, 0], raw[y, 1:]
        if kind == 0:
            cur = line.copy()
        elif kind == 1:  # Sub: a running sum per channel
            cur = line.reshape(-1, bpp).astype(np.uint32).cumsum(axis=0) & 255
            cur = cur.astype(np.uint8).ravel()
        elif kind == 2:  # Up
            cur = line + prev
        else:  # Average and Paeth depend on the byte to the left: a loop
            row, up = bytearray(line.tobytes()), prev.tobytes()
            for i in range(stride):
                a = row[i - bpp] if i >= bpp else 0
                b = up[i]
                if kind == 3:
                    row[i] = (row[i] + ((a + b) >> 1)) & 255
                    continue
                c = up[i - bpp] if i >= bpp else 0
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                row[i] = (row[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            cur = np.frombuffer(bytes(row), np.uint8)
        out[y] = cur
        prev = cur
    return out.reshape(h, w, bpp)[:, :, :3]


def _near(px: np.ndarray, colour: tuple[int, int, int], tol: int) -> int:
    return int((np.abs(px.astype(np.int16) - np.array(colour)).max(axis=2) <= tol).sum())


def _inspect(data: bytes) -> np.ndarray:
    """Checks every screenshot must pass: the viewport size, and not blank."""
    px = png_rgb(data)
    assert px.shape == (VIEWPORT["height"], VIEWPORT["width"], 3)
    assert px.reshape(-1, 3).std(axis=0).max() > 20, "blank screenshot"
    assert len(np.unique(px.reshape(-1, 3)[::7], axis=0)) > 30, "too few colours for a page"
    return px


def _shot(page: Any, path: Path) -> np.ndarray:
    data = page.screenshot(path=str(path))
    return _inspect(data)


# --- tests ---------------------------------------------------------------------------------


def test_upload_check_and_open_comparison(page: Any, base_url: str, shots: Path) -> None:
    page.goto(base_url + "/")
    assert page.title() == "newstrace: check an article"
    page.set_input_files("#file", str(DEMO / "04-spin.txt"))
    page.click("button[type=submit]")
    page.wait_for_selector("ol.matches li.match")
    found = page.locator("li.match .meta a").all_inner_texts()
    assert found[0] == "01-wire"  # the wire story first: the spin's source
    assert {"02-reprint-herald", "05-summary"} <= set(found)
    assert "€2.3 million became €3.2 million" in page.locator("li.match").first.inner_text()
    px = _shot(page, shots / "check.png")
    assert _near(px, (0x00, 0x72, 0xB2), 10) > 200  # relation badges and coverage bars
    assert _near(px, DRIFT, 40) > 10  # drift bullets

    page.locator("li.match").first.locator("a.open").click()
    view = page.locator("details[open] .cmp")
    view.wait_for()
    assert page.url.endswith("#match-1")
    assert view.locator(".text-a .al").count() > 3 and view.locator(".text-b .al").count() > 3
    assert view.locator(".dm").count() > 0 and view.locator(".bp").count() > 0
    assert "became" in view.locator("table.drifts").inner_text()  # plain-language notes

    for _ in range(3):  # keyboard: step to the third passage
        page.keyboard.press("j")
    assert _active(page) == ({"3"}, {"3"})
    view.locator(".cols").evaluate("d => d.scrollIntoView()")  # the two texts, below the notes
    page.mouse.move(2, 2)  # no hover effects in the picture
    px = _shot(page, shots / "compare.png")
    assert _near(px, DRIFT, 12) > 20  # drift markers and wavy underlines
    blue = sum(_near(px, c, 14) for c in [(0xCB, 0xE9, 0xF8), (0xB9, 0xE1, 0xF6)])
    assert blue + _near(px, HIGHLIGHT, 14) > 2000, "no highlighted passages in the screenshot"
    assert not page.dialogs and not page.errors


def _active(page: Any) -> tuple[set[str], set[str]]:
    """The passage numbers highlighted as active on each side."""
    script = "els => els.map(e => e.dataset.al)"
    return (
        set(page.locator(".text-a .al.active").evaluate_all(script)),
        set(page.locator(".text-b .al.active").evaluate_all(script)),
    )


def test_comparison_page_keyboard_and_linked_columns(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/compare?" + urlencode({"a": "11-wire-second", "b": "12-spin-second"}))
    assert page.locator(".badge.relation").inner_text() == "rewrite"
    assert page.locator(".dm").count() > 0
    n = int(
        page.locator("[data-al]").evaluate_all("els => Math.max(...els.map(e => +e.dataset.al))")
    )
    assert n >= 3

    page.keyboard.press("j")
    assert _active(page) == ({"1"}, {"1"})
    page.keyboard.press("j")
    assert _active(page) == ({"2"}, {"2"})
    page.keyboard.press("k")
    assert _active(page) == ({"1"}, {"1"})
    assert page.evaluate("document.activeElement.dataset.al") == "1"  # focus follows
    assert "passage 1 of" in page.locator(".pos").inner_text()
    for _ in range(n):
        page.keyboard.press("j")
    assert _active(page) == ({str(n)}, {str(n)})
    page.wait_for_function("document.querySelector('.text-b').scrollTop > 0")
    assert _visible_in_column(page, f'.text-b [data-al="{n}"]')
    assert _visible_in_column(page, f'.text-a [data-al="{n}"]')

    # Clicking a passage on side A brings its partner on side B into view.
    page.evaluate("document.querySelector('.text-b').scrollTop = 0")
    page.locator(f'.text-a [data-al="{n}"]').first.click()
    page.wait_for_function("document.querySelector('.text-b').scrollTop > 0")
    assert _visible_in_column(page, f'.text-b [data-al="{n}"]')
    assert _active(page) == ({str(n)}, {str(n)})

    # Hovering a passage highlights its partner too.
    page.locator('.text-a [data-al="2"]').first.hover()
    assert _active(page) == ({"2"}, {"2"})

    # Clicking a row of the drift table flashes its marker in the text.
    page.locator("table.drifts tr").first.click()
    page.wait_for_selector(".dm.flash")
    assert not page.dialogs and not page.errors


def _visible_in_column(page: Any, selector: str) -> bool:
    return bool(
        page.locator(selector).first.evaluate(
            """el => { const box = el.closest('.text').getBoundingClientRect();
                   const r = el.getBoundingClientRect();
                   return r.bottom > box.top && r.top < box.bottom; }"""
        )
    )


def test_hostile_text_is_inert(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    page.fill("#title", HOSTILE_TITLE)
    page.fill("#text", HOSTILE_TEXT)
    page.click("button[type=submit]")
    page.wait_for_selector("ol.matches li.match")
    assert page.locator("h1").first.inner_text() == HOSTILE_TITLE  # shown as text
    page.locator("a.open").first.click()
    page.locator("details[open] .cmp").wait_for()
    _assert_inert(page, "<script>window.__pwned = 1; alert('x')</script>")

    page.goto(f"{base_url}/compare?" + urlencode({"a": HOSTILE_ID, "b": "11-wire-second"}))
    _assert_inert(page, '<img src=x onerror="window.__pwned = 2; alert(1)">')
    page.goto(f"{base_url}/articles/" + quote(HOSTILE_ID, safe=""))
    _assert_inert(page, '<a href="javascript:window.__pwned = 3">read more</a>')
    assert page.locator("a[href^='javascript']").count() == 0
    assert "javascript:alert(4)" in page.locator("table.meta").inner_text()


def _assert_inert(page: Any, visible: str) -> None:
    page.wait_for_timeout(150)  # give an injected onerror/onload the chance to fire
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert not page.dialogs
    assert page.locator("body script:not(:last-child), body img, iframe, svg[onload]").count() == 0
    assert page.locator("script").count() == 1  # ours
    assert visible in page.locator("body").inner_text()
    # the 6000-character line wraps inside its column: no sideways scrolling
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert not page.errors


def test_families_page_draws_copy_trees_linking_to_comparisons(
    page: Any, base_url: str, shots: Path
) -> None:
    """Each stored family is drawn as its copy tree, left to right in time: one node
    per member labelled with its headline, the original's box on the left, each hop a
    link to the side-by-side view of that pair."""
    page.goto(base_url + "/families")
    families = page.locator("section.family")
    assert families.count() >= 3
    first = families.first
    nodes = first.locator("svg.tree g.tnode")
    members = first.locator("ul.members li").count()
    assert nodes.count() == members >= 3
    boxes = [nodes.nth(k).locator("rect").bounding_box() for k in range(nodes.count())]
    root = first.locator("svg.tree g.tnode.root rect").bounding_box()
    assert root["x"] == min(b["x"] for b in boxes)  # the original leftmost
    assert max(b["x"] for b in boxes) > root["x"]  # its copies to its right
    heads = first.locator("svg.tree text.th").all_text_contents()
    assert heads and all(h.strip() for h in heads) and "01-wire" not in heads
    first.locator("svg.tree").scroll_into_view_if_needed()
    px = _shot(page, shots / "families.png")
    assert _near(px, (0x00, 0x72, 0xB2), 12) > 300  # node outlines and hop curves
    first.locator("svg.tree a").first.click()
    page.wait_for_selector(".cols .text-a .al")
    assert page.url.startswith(base_url + "/compare?a=")
    assert not page.errors
