"""Tests for the command line: ``newstrace compare``, its JSON schema, stdin, and errors.

Most tests drive the click command in-process (fast); a few run the installed
``newstrace`` entry point to check real exit codes and stderr. All example text in this
file was written for these tests; the compared articles come from the demo corpus.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from newstrace import cli
from newstrace.cli import main
from newstrace.model import RELATIONS

DEMO = Path(__file__).resolve().parents[1] / "demo" / "corpus"
DEMO_JSONL = DEMO.with_suffix(".jsonl")
WIRE = DEMO / "01-wire.txt"
SPIN = DEMO / "04-spin.txt"
# The headlines of the two demo files (their first lines: the text files have no title).
WIRE_HEADLINE = "Two ferries collide in fog on Harrowmere’s Sallow river, 14 injured"
SPIN_HEADLINE = "Two ferries crash in mist on Harrowmere's Sallow river, 14 hurt"
# Their labels when read from the demo JSONL, which gives title, site and time.
WIRE_LABEL = f"{WIRE_HEADLINE} · Northgate Wire · 2026-03-04 08:30"
COPY_PREFIX = 40  # characters of a copy's headline that a table never cuts
ENTRY_POINT = Path(sys.executable).with_name("newstrace")

ALIGNMENT_KEYS = {"a_start", "a_end", "b_start", "b_end", "score"}
DRIFT_KEYS = {"kind", "a_start", "a_end", "b_start", "b_end", "a_text", "b_text", "note"}


def run(*args: str, input: bytes | None = None) -> Result:
    """Invoke the CLI in-process; stdout and stderr are kept apart."""
    return CliRunner().invoke(main, list(args), input=input)


def wide(*args: str) -> Result:
    """Invoke the CLI on a terminal wide enough that no label wraps (exit 0 asserted)."""
    result = CliRunner().invoke(main, list(args), env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    return result


def compare_json(
    a: str | Path, b: str | Path, *extra: str, input: bytes | None = None
) -> dict[str, Any]:
    """``compare A B --format json``: exit 0 and exactly one JSON object on stdout."""
    result = run("compare", str(a), str(b), "--format", "json", *extra, input=input)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)  # the whole of stdout is one JSON document
    assert isinstance(data, dict)
    return data


def read_text(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


@pytest.fixture(scope="module")
def wire_vs_spin() -> dict[str, Any]:
    result = CliRunner().invoke(main, ["compare", str(WIRE), str(SPIN), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def assert_one_line_error(result: Result, *names: str, code: int = 2) -> str:
    """Exit ``code``, nothing on stdout, one line on stderr naming ``names``, no traceback."""
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("newstrace: error: ")
    assert "Traceback" not in result.stderr
    for name in names:
        assert name in line
    return line


# --------------------------------------------------------------------------- compare


def test_compare_text_output_prints_the_relation(wire_vs_spin: dict[str, Any]) -> None:
    result = run("compare", str(WIRE), str(SPIN))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    relation = wire_vs_spin["relation"]
    assert relation in RELATIONS and relation != "unrelated"
    assert "relation" in result.stdout
    assert relation in result.stdout
    shown = wide("compare", str(WIRE), str(SPIN)).stdout
    assert f"covered  {WIRE_HEADLINE} " in shown and f"covered  {SPIN_HEADLINE}" in shown
    assert str(WIRE) not in shown  # the detected headlines, not the file names


def test_compare_text_output_labels_by_headline_and_site(tmp_path: Path) -> None:
    page = "<html><head><title>{}</title><meta property='og:site_name' content='{}'></head>"
    body = "".join(f"<p>{line}</p>" for line in read_text(WIRE).splitlines()[2:] if line)
    (tmp_path / "a.html").write_text(page.format("Ferries collide", "Wire Desk") + body)
    (tmp_path / "b.html").write_text(page.format("Ferry crash", "Copy Desk") + body)
    shown = wide("compare", str(tmp_path / "a.html"), str(tmp_path / "b.html")).stdout
    assert "covered  Ferries collide · Wire Desk" in shown
    assert "covered  Ferry crash · Copy Desk" in shown
    assert "a.html" not in shown and "b.html" not in shown


def test_compare_json_schema(wire_vs_spin: dict[str, Any]) -> None:
    d = wire_vs_spin
    assert {
        "relation",
        "source",
        "reasons",
        "coverage",
        "alignments",
        "drifts",
        "boilerplate",
    } <= set(d)
    assert d["relation"] in RELATIONS
    assert d["source"] in ("a", "b", None)
    assert isinstance(d["reasons"], list) and all(isinstance(r, str) for r in d["reasons"])
    assert set(d["coverage"]) == {"a", "b"}
    assert all(0.0 <= d["coverage"][side] <= 1.0 for side in "ab")
    assert isinstance(d["alignments"], list) and d["alignments"]
    for al in d["alignments"]:
        assert isinstance(al, dict) and set(al) >= ALIGNMENT_KEYS
        assert all(isinstance(al[k], int) for k in ("a_start", "a_end", "b_start", "b_end"))
        assert isinstance(al["score"], float | int)
    assert isinstance(d["drifts"], list)
    for drift in d["drifts"]:
        assert isinstance(drift, dict) and set(drift) >= DRIFT_KEYS
        assert isinstance(drift["kind"], str) and isinstance(drift["note"], str)
    assert set(d["boilerplate"]) == {"a", "b"}
    assert all(isinstance(d["boilerplate"][side], list) for side in "ab")


def test_compare_json_demo_is_a_reuse_with_the_wire_as_source(wire_vs_spin: dict[str, Any]) -> None:
    assert wire_vs_spin["relation"] in ("duplicate", "rewrite", "partial")
    assert wire_vs_spin["source"] == "a"
    assert wire_vs_spin["coverage"]["b"] > 0.5


def test_compare_json_offsets_are_in_bounds(wire_vs_spin: dict[str, Any]) -> None:
    texts = {"a": read_text(WIRE), "b": read_text(SPIN)}
    assert wire_vs_spin["articles"]["a"]["length"] == len(texts["a"])
    assert wire_vs_spin["articles"]["b"]["length"] == len(texts["b"])
    for al in wire_vs_spin["alignments"]:
        for side in "ab":
            start, end = al[f"{side}_start"], al[f"{side}_end"]
            assert 0 <= start <= end <= len(texts[side]), (side, al)
            assert texts[side][start:end].strip()
    for drift in wire_vs_spin["drifts"]:
        for side in "ab":
            start, end = drift[f"{side}_start"], drift[f"{side}_end"]
            assert (start is None) == (end is None)
            if start is not None:
                assert 0 <= start <= end <= len(texts[side]), (side, drift)
    for side in "ab":
        for start, end in wire_vs_spin["boilerplate"][side]:
            assert 0 <= start <= end <= len(texts[side])


def test_compare_json_drift_texts_are_the_spans_they_point_at(wire_vs_spin: dict[str, Any]) -> None:
    texts = {"a": read_text(WIRE), "b": read_text(SPIN)}
    # A drift may locate its context on a side whose text is empty (e.g. "dropped").
    for drift in wire_vs_spin["drifts"]:
        for side in "ab":
            if drift[f"{side}_start"] is not None and drift[f"{side}_text"]:
                span = texts[side][drift[f"{side}_start"] : drift[f"{side}_end"]]
                assert span == drift[f"{side}_text"], (side, drift)


def test_compare_json_is_not_ascii_escaped(wire_vs_spin: dict[str, Any]) -> None:
    result = run("compare", str(WIRE), str(SPIN), "--format", "json")
    assert "\\u20ac" not in result.stdout  # € and curly quotes stay readable
    assert json.loads(result.stdout) == wire_vs_spin


def test_compare_reversed_names_b_as_source(wire_vs_spin: dict[str, Any]) -> None:
    flipped = compare_json(SPIN, WIRE)
    assert flipped["relation"] == wire_vs_spin["relation"]
    assert flipped["source"] == "b"


def test_keep_boilerplate_option(wire_vs_spin: dict[str, Any]) -> None:
    kept = compare_json(WIRE, SPIN, "--keep-boilerplate")
    assert kept["boilerplate"] == {"a": [], "b": []}


def test_compare_with_crlf_file_keeps_offsets(tmp_path: Path) -> None:
    crlf = tmp_path / "wire-crlf.txt"
    crlf.write_bytes(WIRE.read_bytes().replace(b"\n", b"\r\n"))
    text = crlf.read_bytes().decode("utf-8")
    d = compare_json(crlf, SPIN)
    assert d["articles"]["a"]["length"] == len(text)
    for al in d["alignments"]:
        assert 0 <= al["a_start"] <= al["a_end"] <= len(text)
    for drift in d["drifts"]:
        if drift["a_start"] is not None and drift["a_text"]:
            assert text[drift["a_start"] : drift["a_end"]] == drift["a_text"]


def test_compare_html_against_text(tmp_path: Path) -> None:
    body = [
        "The Brackenford flour mill will close in April after 160 years, its owners said.",
        "About 85 workers will lose their jobs when the site shuts on April 30.",
        "The owners blamed rising energy bills and falling orders from bakeries.",
        "Union official Petra Loom said the staff had been given no warning at all.",
        "The town council said it would try to find a buyer for the historic building.",
    ]
    plain = tmp_path / "mill.txt"
    plain.write_text(" ".join(body) + "\n", encoding="utf-8")
    page = tmp_path / "mill.html.gz"
    html = (
        "<!DOCTYPE html><html><head><title>Flour mill to close</title>"
        "<meta property='og:site_name' content='Brackenford Post'></head><body>"
        "<nav><a href='/'>Front page</a> <a href='/jobs'>Jobs board</a></nav><article>"
        + "".join(f"<p>{s}</p>" for s in body)
        + "</article></body></html>"
    )
    page.write_bytes(gzip.compress(html.encode("utf-8")))
    d = compare_json(plain, page)
    assert d["relation"] != "unrelated"
    b = d["articles"]["b"]
    assert b["format"] == "html"
    assert "text" in b and body[0] in b["text"] and "Jobs board" not in b["text"]
    assert b["length"] == len(b["text"])
    assert b["site"] == "Brackenford Post"
    for al in d["alignments"]:
        assert 0 <= al["b_start"] <= al["b_end"] <= len(b["text"])


# --------------------------------------------------------------------------- stdin


@pytest.mark.parametrize("side", ["a", "b"])
def test_compare_reads_one_side_from_stdin(wire_vs_spin: dict[str, Any], side: str) -> None:
    if side == "a":
        d = compare_json("-", SPIN, input=WIRE.read_bytes())
    else:
        d = compare_json(WIRE, "-", input=SPIN.read_bytes())
    assert d["articles"][side]["origin"] == "<stdin>"
    assert d["articles"][side]["id"] == "stdin"
    for key in ("relation", "source", "coverage", "alignments", "drifts", "boilerplate"):
        assert d[key] == wire_vs_spin[key], key


def test_compare_text_output_from_stdin(wire_vs_spin: dict[str, Any]) -> None:
    result = run("compare", str(WIRE), "-", input=SPIN.read_bytes())
    assert result.exit_code == 0, result.output
    assert wire_vs_spin["relation"] in result.stdout


def test_compare_stdin_cp1252_and_bom_offsets() -> None:
    text = read_text(WIRE)
    cp1252 = text.encode("cp1252")  # the demo wire story is all cp1252-encodable
    d = compare_json("-", SPIN, input=cp1252)
    assert d["articles"]["a"]["length"] == len(text)
    d = compare_json("-", SPIN, input=b"\xef\xbb\xbf" + WIRE.read_bytes())
    assert d["articles"]["a"]["length"] == len(text)  # the BOM is not counted


def test_both_sides_from_stdin_is_refused() -> None:
    result = run("compare", "-", "-", input=WIRE.read_bytes())
    assert_one_line_error(result, "<stdin>", "stdin")


@pytest.mark.parametrize(
    "data", [b"", b"  \n\t\n", b"\x00\x01\x02 binary", b"\x7fELF\x02\x01\x01\x00\x00\x00"]
)
def test_bad_stdin_is_a_one_line_error(data: bytes) -> None:
    result = run("compare", str(WIRE), "-", input=data)
    assert_one_line_error(result, "<stdin>")


# --------------------------------------------------------------------------- errors


def _bad_input(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / f"{kind}.txt"
    if kind == "missing":
        return path
    if kind == "directory":
        path.mkdir()
    elif kind == "binary":
        path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "whitespace":
        path.write_bytes(b" \r\n \n")
    elif kind == "broken-gzip":
        path = tmp_path / "broken.txt.gz"
        good = gzip.compress(b"Some article words that were compressed. " * 50)
        path.write_bytes(good[:11] + bytes([good[11] ^ 0xFF]) + good[12:])
    elif kind == "jsonl":
        path = tmp_path / "feed.jsonl"
        path.write_text('{"id": "x", "text": "One line of a feed."}\n', encoding="utf-8")
    return path


BAD_KINDS = ["missing", "directory", "binary", "empty", "whitespace", "broken-gzip", "jsonl"]


@pytest.mark.parametrize("kind", BAD_KINDS)
@pytest.mark.parametrize("side", ["a", "b"])
def test_bad_file_is_a_one_line_error_naming_it(tmp_path: Path, kind: str, side: str) -> None:
    bad = _bad_input(tmp_path, kind)
    args = [str(bad), str(SPIN)] if side == "a" else [str(WIRE), str(bad)]
    result = run("compare", *args)
    assert_one_line_error(result, str(bad))


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_error_message_is_the_same_in_json_mode(tmp_path: Path, fmt: str) -> None:
    bad = _bad_input(tmp_path, "empty")
    line = assert_one_line_error(run("compare", str(WIRE), str(bad), "--format", fmt), str(bad))
    assert "empty" in line


def test_max_chars_option(tmp_path: Path) -> None:
    line = assert_one_line_error(
        run("compare", str(WIRE), str(SPIN), "--max-chars", "100"), str(WIRE)
    )
    assert "too large" in line and "--max-chars" in line
    assert compare_json(WIRE, SPIN, "--max-chars", str(10**6))["alignments"]


def test_bad_max_chars_is_a_one_line_error() -> None:
    line = assert_one_line_error(run("compare", str(WIRE), str(SPIN), "--max-chars", "0"))
    assert "max_chars" in line


def test_usage_errors_exit_2() -> None:
    assert run("compare", str(WIRE)).exit_code == 2
    assert run("compare", str(WIRE), str(SPIN), "--format", "xml").exit_code == 2
    assert run("no-such-command").exit_code == 2


def test_internal_error_is_one_line_exit_70(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("invented failure")

    monkeypatch.setattr(cli, "compare_articles", explode)
    line = assert_one_line_error(run("compare", str(WIRE), str(SPIN)), code=cli.EXIT_INTERNAL)
    assert "internal error" in line and "RuntimeError" in line and "--debug" in line


def test_debug_flag_lets_the_exception_through(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("invented failure")

    monkeypatch.setattr(cli, "compare_articles", explode)
    result = run("compare", str(WIRE), str(SPIN), "--debug")
    assert isinstance(result.exception, RuntimeError)


# --------------------------------------------------------------------------- help


@pytest.mark.parametrize("args", [["--help"], ["-h"], ["compare", "--help"]])
def test_help_shows_examples(args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 0
    assert "Examples" in result.stdout
    assert "newstrace compare" in result.stdout


def test_debug_flag_is_hidden_from_help() -> None:
    assert "--debug" not in run("compare", "--help").stdout


def test_version() -> None:
    from newstrace import __version__

    result = run("--version")
    assert result.exit_code == 0
    assert __version__ in result.stdout
    # Which build answers: this suite runs the Python modules (an editable install).
    assert "(pure Python)" in result.stdout or "modules compiled)" in result.stdout


# --------------------------------------------------------------------------- real process

needs_entry_point = pytest.mark.skipif(
    not ENTRY_POINT.exists(), reason="newstrace entry point not installed"
)


@needs_entry_point
def test_entry_point_compare_json() -> None:
    proc = subprocess.run(
        [str(ENTRY_POINT), "compare", str(WIRE), str(SPIN), "--format", "json"],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == b""
    data = json.loads(proc.stdout.decode("utf-8"))
    assert data["relation"] in RELATIONS


@needs_entry_point
def test_entry_point_stdin_and_errors(tmp_path: Path) -> None:
    binary = _bad_input(tmp_path, "binary")
    proc = subprocess.run(
        [str(ENTRY_POINT), "compare", str(WIRE), str(binary)],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stdout == b""
    err = proc.stderr.decode("utf-8")
    assert len(err.strip().splitlines()) == 1 and str(binary) in err and "Traceback" not in err

    proc = subprocess.run(
        [str(ENTRY_POINT), "compare", "-", str(SPIN), "--format", "json"],
        input=WIRE.read_bytes(),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["articles"]["a"]["origin"] == "<stdin>"


def test_scan_no_trees_keeps_the_voted_original_only(tmp_path: Path) -> None:
    with_trees, without = tmp_path / "trees", tmp_path / "plain"
    assert run("scan", str(DEMO), "--out", str(with_trees)).exit_code == 0
    assert run("scan", str(DEMO), "--out", str(without), "--no-trees").exit_code == 0
    treed = [json.loads(x) for x in (with_trees / "families.jsonl").read_text().splitlines()]
    plain = [json.loads(x) for x in (without / "families.jsonl").read_text().splitlines()]
    assert [f["members"] for f in treed] == [f["members"] for f in plain]
    assert all("parent" in f for f in treed) and not any("parent" in f for f in plain)


# --------------------------------------------------------------------------- labels


def test_scan_families_table_shows_headlines_sites_and_times() -> None:
    shown = wide("scan", str(DEMO_JSONL)).stdout
    assert f"│ {WIRE_LABEL} " in shown  # the original of the largest family
    assert f"• {SPIN_HEADLINE[:COPY_PREFIX]}" in shown  # a copy: its headline may be cut
    assert " · TrendPulse Daily Buzz · 2026-03-05 06:20" in shown
    assert "corpus.jsonl:" not in shown and "04-spin" not in shown


def test_scan_labels_families_from_the_articles_it_scanned(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The labels come from the articles the scan spooled: JSONL on stdin (which cannot
    be read twice) is labelled too, and the inputs are read once, not again for them."""
    from newstrace import ingest

    reads: list[object] = []
    real = ingest.iter_articles

    def counted(*args: Any, **kwargs: Any) -> Any:
        reads.append(args[0] if args else kwargs.get("paths"))
        return real(*args, **kwargs)

    monkeypatch.setattr(ingest, "iter_articles", counted)
    shown = CliRunner().invoke(
        main, ["scan", "-"], input=DEMO_JSONL.read_bytes(), env={"COLUMNS": "400"}
    )
    assert shown.exit_code == 0, shown.output
    assert f"│ {WIRE_LABEL} " in shown.stdout
    assert " · TrendPulse Daily Buzz · 2026-03-05 06:20" in shown.stdout
    assert "04-spin" not in shown.stdout
    reads.clear()
    assert f"│ {WIRE_LABEL} " in wide("scan", str(DEMO_JSONL)).stdout
    assert len(reads) == 1  # the scan's own read


def test_scan_families_table_detects_headlines_of_untitled_files() -> None:
    shown = wide("scan", str(DEMO)).stdout
    assert f"│ {WIRE_HEADLINE} " in shown and f"• {SPIN_HEADLINE[:COPY_PREFIX]}" in shown
    assert "01-wire" not in shown and "04-spin" not in shown


def test_check_text_output_shows_headlines_sites_and_ids(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    assert run("add", str(DEMO_JSONL), "--db", db).exit_code == 0
    shown = wide("check", str(SPIN), "--db", db).stdout
    assert shown.startswith(f"{SPIN_HEADLINE}: 6 match(es) among 14 archived")
    assert f"  {WIRE_LABEL}  id 01-wire\n" in shown  # the id: for `newstrace show ID`
    assert "source: the archived one" in shown
    assert str(SPIN) not in shown
