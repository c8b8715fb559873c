"""End-to-end check of the web inputs (issue 17) on real news pages nobody on the project
wrote: the article-extraction benchmark's pages (../shared/data, read at run time, never
copied into the project), with reprints planted among them.

What it does, through the command line as a user would:

1. writes ``pages.warc.gz``: every real page as an HTML 200 response record under its
   own URL, a reprint of ``--reprints`` of them (the page's article text in other site
   chrome, published a day later, at ``https://reprints.example/N``), one image and
   one 404 record;
2. ``newstrace scan pages.warc.gz --out``: each HTML record read once, its URL as id,
   the planted reprint pairs found (recall), the records skipped counted;
3. ``newstrace add`` of the WARC's originals, then the reprints served by a loopback HTTP
   server: ``newstrace check URL`` finds each one's original, and ``add --feed`` (an RSS
   feed of the reprint URLs) archives them, joining their originals' families;
4. ``newstrace remove`` of one reprint, then ``newstrace doctor`` (clean);
5. ``newstrace dedup pages.warc.gz``: one article per family, every reprint mapped to
   the kept member of its family.

    python bench/check_web_inputs.py [--reprints 20] [--keep DIR]

Prints each check with its figure, and exits 1 when one fails.
"""

from __future__ import annotations

import argparse
import gzip
import html
import io
import json
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "article-extraction-benchmark"
CAPTURED = "2024-06-01T12:00:00Z"
REPRINTED = "2024-06-02T09:30:00Z"
"""Publication time of every planted reprint: after any original can have been captured."""
REPRINT_SITE = "https://reprints.example"


def originals() -> Iterator[tuple[str, bytes, str]]:
    """(url, page bytes, article text) of each benchmark page, in file-name order."""
    truth = json.loads((DATA / "ground-truth.json").read_text(encoding="utf-8"))
    for path in sorted((DATA / "html").glob("*.html.gz")):
        key = path.name.removesuffix(".html.gz")
        item = truth.get(key)
        if item and item.get("url") and item.get("articleBody"):
            yield item["url"], gzip.decompress(path.read_bytes()), item["articleBody"]


def reprint_page(n: int, text: str) -> bytes:
    """A reprint of ``text`` inside another site's chrome (menu, share line, footer),
    the article's paragraphs verbatim."""
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n") if p.strip())
    first = html.escape(text.strip().split("\n")[0][:90])
    return (
        "<!doctype html><html><head>"
        f"<title>{first} | Reprint Daily</title>"
        f'<meta property="article:published_time" content="{REPRINTED}">'
        '<meta property="og:site_name" content="Reprint Daily"></head><body>'
        '<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>'
        f"<article><h1>{first}</h1>{paras}</article>"
        "<footer>Share this story. Reprint Daily, all rights reserved.</footer>"
        "</body></html>"
    ).encode()


def response(writer: WARCWriter, url: str, status: str, ctype: str, body: bytes) -> object:
    http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
    return writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(body),
        http_headers=http,
        warc_headers_dict={"WARC-Date": CAPTURED},
    )


def write_warc(path: Path, pages: list[tuple[str, bytes]]) -> None:
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, body in pages:
            writer.write_record(response(writer, url, "200 OK", "text/html; charset=utf-8", body))
        png = b"\x89PNG\r\n\x1a\n" + bytes(64)
        writer.write_record(
            response(writer, f"{REPRINT_SITE}/logo.png", "200 OK", "image/png", png)
        )
        gone = b"<html><body>gone</body></html>"
        writer.write_record(
            response(writer, f"{REPRINT_SITE}/gone", "404 Not Found", "text/html", gone)
        )


def newstrace(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newstrace", *args], capture_output=True, text=True, check=False
    )


class Served:
    """A loopback HTTP server answering paths from a dict (404 otherwise)."""

    def __init__(self, routes: dict[str, tuple[str, bytes]]) -> None:
        self.routes = routes

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                ctype, body = routes.get(self.path, ("text/plain", b"not here"))
                self.send_response(200 if self.path in routes else 404)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


class Checks:
    def __init__(self) -> None:
        self.failed = 0

    def say(self, name: str, ok: bool, figure: str) -> None:
        self.failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {figure}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reprints", type=int, default=20)
    ap.add_argument("--keep", type=Path, default=None, help="keep the files here")
    args = ap.parse_args()
    found = list(originals())
    step = max(1, len(found) // args.reprints)
    planted = {f"{REPRINT_SITE}/{k}": found[i] for k, i in enumerate(range(0, len(found), step))}
    planted = dict(list(planted.items())[: args.reprints])
    reprints = {url: reprint_page(k, text) for k, (url, (_, _, text)) in enumerate(planted.items())}
    truth = {(min(r, o[0]), max(r, o[0])) for r, o in planted.items()}
    check = Checks()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        warc = work / "pages.warc.gz"
        write_warc(warc, [(u, b) for u, b, _ in found] + list(reprints.items()))
        print(f"{len(found)} real pages, {len(reprints)} planted reprints: {warc}")
        scan_checks(check, warc, work, found, reprints, truth)
        archive_checks(check, work, found, planted, reprints)
        dedup_checks(check, warc, work, planted)
    print(f"{check.failed} check(s) failed")
    return 1 if check.failed else 0


def scan_checks(
    check: Checks,
    warc: Path,
    work: Path,
    found: list[tuple[str, bytes, str]],
    reprints: dict[str, bytes],
    truth: set[tuple[str, str]],
) -> None:
    out = work / "scan"
    r = newstrace("scan", str(warc), "--out", str(out))
    summary = json.loads((out / "summary.json").read_text()) if out.exists() else {}
    read = summary.get("articles", 0)
    expected = len(found) + len(reprints)
    check.say("scan reads every HTML record once", read <= expected, f"{read} of {expected} read")
    check.say(
        "skipped records counted",
        "not HTML" in r.stderr and "not status 200" in r.stderr,
        next((ln for ln in r.stderr.splitlines() if "records" in ln), "no note"),
    )
    pairs = [json.loads(x) for x in (out / "pairs.jsonl").read_text().splitlines()]
    ids = {i for p in pairs for i in (p["a"], p["b"])}
    urls = {u for u, _, _ in found} | set(reprints)
    check.say("ids are the records' URLs", ids <= urls, f"{len(ids - urls)} other ids")
    got = {(p["a"], p["b"]) for p in pairs}
    hit = len(truth & got)
    check.say("planted reprints found", hit == len(truth), f"recall {hit}/{len(truth)}")
    dated = [p for p in pairs if (p["a"], p["b"]) in truth]
    check.say(
        "reprint's source is the original",
        all(p["source"] is not None and not p["source"].startswith(REPRINT_SITE) for p in dated),
        f"{sum(1 for p in dated if p['source'] and not p['source'].startswith(REPRINT_SITE))}/{len(dated)}",
    )
    print(
        f"     scan: exit {r.returncode}, {len(pairs)} pairs ({len(pairs) - hit} beyond the planted)"
    )


def archive_checks(
    check: Checks,
    work: Path,
    found: list[tuple[str, bytes, str]],
    planted: dict[str, tuple[str, bytes, str]],
    reprints: dict[str, bytes],
) -> None:
    originals_warc = work / "originals.warc.gz"
    write_warc(originals_warc, [(u, b) for u, b, _ in found])
    db = work / "archive.db"
    r = newstrace("add", str(originals_warc), "--db", str(db))
    check.say(
        "add the WARC",
        r.returncode in (0, 1),
        r.stderr.strip().splitlines()[-1] if r.stderr else "",
    )
    routes = {
        f"/r/{k}": ("text/html; charset=utf-8", body) for k, body in enumerate(reprints.values())
    }
    served = Served(routes)
    first_url, first = next(iter(planted.items()))
    r = newstrace("check", f"{served.base}/r/0", "--db", str(db), "--format", "json")
    matches = json.loads(r.stdout).get("matches", []) if r.returncode == 0 else []
    best = matches[0]["id"] if matches else None
    check.say(
        "check URL finds the original",
        best == first[0],
        f"best match {best} (want {first[0]}; {first_url})",
    )
    items = "".join(
        f"<item><title>r{k}</title><link>{served.base}/r/{k}</link></item>"
        for k in range(len(routes))
    )
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Reprints</title>'
        f"<link>{served.base}/</link>{items}</channel></rss>"
    ).encode()
    routes["/feed.xml"] = ("application/rss+xml", feed)
    r = newstrace("add", "--feed", f"{served.base}/feed.xml", "--db", str(db), "--host-delay", "0")
    listed = newstrace("list", "--db", str(db), "--format", "jsonl")
    ids = {json.loads(x)["id"] for x in listed.stdout.splitlines() if x.strip()}
    fed = sum(1 for k in range(len(routes) - 1) if f"{served.base}/r/{k}" in ids)
    check.say("add --feed archives every item", fed == len(reprints), f"{fed}/{len(reprints)}")
    joined = 0
    for k, (_, (orig, _, _)) in enumerate(planted.items()):
        show = newstrace("show", f"{served.base}/r/{k}", "--db", str(db), "--format", "json")
        fam = json.loads(show.stdout).get("family") if show.returncode == 0 else None
        joined += bool(fam) and orig in json.dumps(fam)
    check.say(
        "fed reprints join their originals' families",
        joined == len(planted),
        f"{joined}/{len(planted)}",
    )
    r = newstrace("remove", f"{served.base}/r/0", "--db", str(db))
    doctor = newstrace("doctor", "--db", str(db))
    check.say(
        "remove, then doctor is clean",
        r.returncode == 0 and doctor.returncode == 0,
        (doctor.stdout + doctor.stderr).strip().splitlines()[-1]
        if doctor.stdout + doctor.stderr
        else "",
    )
    served.server.shutdown()


def dedup_checks(
    check: Checks, warc: Path, work: Path, planted: dict[str, tuple[str, bytes, str]]
) -> None:
    kept, mapping = work / "kept.jsonl", work / "removed.jsonl"
    r = newstrace("dedup", str(warc), "--out", str(kept), "--mapping", str(mapping))
    removed = [json.loads(x) for x in mapping.read_text().splitlines()] if mapping.exists() else []
    to = {m["id"]: m["kept"] for m in removed}
    kept_ids = (
        {json.loads(x)["id"] for x in kept.read_text().splitlines()} if kept.exists() else set()
    )
    right = sum(1 for r_url, (orig, _, _) in planted.items() if to.get(r_url) == orig)
    check.say(
        "dedup keeps the original, maps each reprint to it",
        right == len(planted),
        f"{right}/{len(planted)}; {len(kept_ids)} kept, {len(removed)} removed; {r.stderr.strip().splitlines()[-1] if r.stderr else ''}",
    )
    check.say(
        "kept and removed do not overlap",
        not (kept_ids & set(to)),
        f"{len(kept_ids & set(to))} in both",
    )


if __name__ == "__main__":
    sys.exit(main())
