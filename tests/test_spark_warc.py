"""The Spark engine reads web archives (``.warc``, ``.warc.gz``) as the local engine does:
the same articles (ids, texts, titles, times, sites), pairs, families, errors and
record-count notes (local[2]).

Skipped when pyspark (the ``spark`` extra) or Java is missing. The WARCs are written
here with warcio around generated stories, a reprint of one planted among them.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newstrace.errors import InputError, InputWarning
from newstrace.ingest import iter_articles, with_id_prefix
from newstrace.model import ScanResult
from newstrace.options import DEFAULT_OPTIONS
from newstrace.scan import scan

pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'newstrace[spark]')")
if not shutil.which("java") and not os.environ.get("JAVA_HOME"):
    pytest.skip("Java is not installed (the Spark engine needs Java 17+)", allow_module_level=True)

from newstrace import spark as nspark
from newstrace_synth.corpus import build_corpus

N_STORIES = 12
"""Generated stories in the archive: enough for a family or two besides the planted
reprint, few enough that the Spark run stays a few seconds."""
SEED = 7
PARTITIONS = 2
"""One partition a core of local[2]: a dozen pages gain nothing from more tasks, and each
task costs the test time."""
PREFIX = "crawl1/"
CAPTURED = "2024-05-02T06:00:00Z"
REPRINT_URL = "https://reprint.example/copied"


def _page(title: str, text: str, head: str = "") -> bytes:
    """An HTML news page: each paragraph of ``text`` a ``<p>``, with site chrome."""
    paras = "".join(f"<p>{p}</p>" for p in text.split("\n\n") if p.strip())
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title>{head}</head><body>"
        f"<nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{paras}</article>"
        "</body></html>"
    ).encode()


def _pages() -> list[tuple[str, str, bytes]]:
    """(URL, HTTP status and content type, body) of every response in the archive: the
    stories (half with their own publication time), the planted reprint of the first,
    a PNG and a 404 page (skipped and counted), and an empty page (an error)."""
    records = build_corpus(N_STORIES, SEED).records()
    out = []
    for k, r in enumerate(records):
        head = f'<meta property="article:published_time" content="{r["published"]}">'
        body = _page(r["title"], r["text"], head if k % 2 else "")
        out.append((f"https://site{k % 3}.example/{r['id']}", "200 text/html", body))
    first = records[0]
    out.insert(3, (REPRINT_URL, "200 text/html", _page("Reprinted", first["text"])))
    out.insert(5, ("https://site0.example/logo.png", "200 image/png", b"\x89PNG\r\n" + bytes(64)))
    out.insert(7, ("https://site1.example/gone", "404 text/html", _page("Gone", "Not found.")))
    out.append(("https://site2.example/empty", "200 text/html", b"<html><body></body></html>"))
    return out


def _write_warc(path: Path) -> Path:
    """A gzipped WARC of :func:`_pages`, then bytes that are no record (an error for
    the rest of the file)."""
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, http, body in _pages():
            status, ctype = http.split(" ", 1)
            headers = StatusAndHeaders(
                f"{status} {'OK' if status == '200' else 'Not Found'}",
                [("Content-Type", ctype)],
                protocol="HTTP/1.1",
            )
            record = writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": CAPTURED},
            )
            writer.write_record(record)
        fh.write(b"this is not a record\r\n\r\n")
    return path


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    session = nspark.spark_session("local[2]", partitions=PARTITIONS)
    yield session
    session.stop()


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the WARC."""
    folder = tmp_path_factory.mktemp("spark_warc") / "crawl"
    folder.mkdir()
    _write_warc(folder / "pages.warc.gz")
    return folder


def _notes(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if issubclass(w.category, InputWarning)]


def test_spark_reads_warcs_as_the_local_engine_does(spark: Any, crawl: Path) -> None:
    errors: list[InputError] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        read = list(with_id_prefix(iter_articles([crawl], on_error=errors.append), PREFIX))
    local: ScanResult = scan(read)
    local.failed = errors + local.failed
    local_notes = _notes(caught)
    assert frozenset((PREFIX + REPRINT_URL, read[0].id)) in {
        frozenset((p.a, p.b)) for p in local.pairs
    }
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scanned = nspark.run_scan(spark, [str(crawl)], partitions=PARTITIONS, id_prefix=PREFIX)
    result = scanned.collect()

    # The same articles, field by field (ids are the prefixed target URIs).
    assert scanned.frame is not None
    fields = nspark.ARTICLE_FIELDS
    rows = sorted(tuple(r[f] for f in fields) for r in scanned.frame.collect())
    assert rows == sorted(tuple(getattr(a, f) for f in fields) for a in read)
    assert all(a.id == PREFIX + (a.url or "") for a in read)
    # The same pairs and families, errors and notes (with the skipped counts).
    assert [(p.a, p.b, p.relation, p.source) for p in result.pairs] == [
        (p.a, p.b, p.relation, p.source) for p in local.pairs
    ]
    assert result.families == local.families
    assert [str(e) for e in result.failed] == [str(e) for e in local.failed]
    assert _notes(caught) == local_notes
    warc = crawl / "pages.warc.gz"
    assert local_notes[0] == (
        f"{warc}: {N_STORIES + 4} records: {N_STORIES + 1} HTML pages read, 1 pages failed, "
        "1 not HTML, 1 not status 200"
    )
    assert [e.source for e in local.failed] == [
        f"{warc}:{N_STORIES + 4} (https://site2.example/empty)",
        f"{warc}:{N_STORIES + 5}",
    ]


def test_a_warc_off_the_local_filesystem_without_pyarrow_is_one_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An executor streams a WARC from HDFS or S3 with pyarrow; without it the WARC is one
    error naming it (no record-count note), and the other inputs are read."""
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    uri = "hdfs://namenode/crawl/pages.warc.gz"
    rows = list(nspark._warc_rows((0, uri, uri), DEFAULT_OPTIONS, PREFIX))
    assert len(rows) == 1
    names = [column.split()[0] for column in nspark._LINE_SCHEMA.split(", ")]
    row = dict(zip(names, rows[0], strict=True))
    assert row["ok"] is False and row["origin"] == uri and row["note"] is None
    assert "pyarrow" in row["error"]
