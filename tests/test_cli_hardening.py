"""Hostile article data in terminal views, file names that are not UTF-8, output paths
checked before the work and written whole, and the documented exit codes.

Every text, id and file name here was invented for these tests.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import pytest
from click.testing import CliRunner, Result
from rich.console import Console

from newstrace import cli, errors
from newstrace.cli import main
from newstrace.compare import compare
from newstrace.model import Article, Family, Match, PairResult, ScanResult
from newstrace.report.output import atomic_open, check_dir, check_file, write_atomic
from newstrace.report.safe import json_text, markup, plain, visible
from newstrace.report.scan_report import render_matches, render_scan, write_scan
from newstrace.report.terminal import render_comparison

README = Path(__file__).resolve().parents[1] / "README.md"

BODY = (
    "The harbour board voted on Thursday to rebuild the north pier for 4.2 million "
    "crowns. Work on the pier starts in March and should end before the autumn storms. "
    "Board chair Ilse Marten said the old timber had rotted past repair. "
    "Fishermen at the meeting asked for a temporary landing during the works."
)
# Rich markup in article text: must be shown literally, never interpreted.
MARKUP_BODY = (
    "The harbour board [sic] voted on Thursday [/quote] to rebuild the north pier for "
    "4.2 million crowns. [link=http://example.invalid/x]Read more[/link] Work on the pier "
    "starts in March [/bold] and should end before the autumn storms. Board chair Ilse "
    "Marten said the old timber had rotted past repair."
)
HOSTILE_IDS = [
    "pier[/quote]",
    "pier[/bold]",
    "pier[sic]",
    "pier[link=http://example.invalid]x",
    "osc8\x1b]8;;http://example.invalid\x1b\\",
    "erase\x1b[2K",
    "title\x1b]0;owned\x07",
]
NOT_UTF8 = os.fsdecode(b"caf\xe9")  # "caf\udce9": how Python holds such a name
# The id such a file gets: the name as held, or already escaped when read (ingest may do
# either); outputs must cope with both.
NOT_UTF8_IDS = {NOT_UTF8, "caf\\xe9"}


def run(*args: str, input: bytes | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=input)


def terminal() -> tuple[Console, io.StringIO]:
    """A console that believes it writes to a colour terminal (so rich would emit
    hyperlinks and styles), wide enough that nothing wraps."""
    buf = io.StringIO()
    return Console(file=buf, force_terminal=True, width=400, color_system="truecolor"), buf


def assert_inert(shown: str) -> None:
    """No terminal control sequence but rich's own SGR styling (ESC [ ... m)."""
    without_styles = re.sub(r"\x1b\[[0-9;]*m", "", shown)
    assert "\x1b" not in without_styles, repr(without_styles)
    assert "\x07" not in shown and "\x9b" not in shown and "\x9d" not in shown


def article(id: str, text: str = BODY, origin: str | None = None) -> Article:
    return Article(id=id, text=text, origin=origin, format="text")


def write_jsonl(path: Path, ids: list[str], text: str = BODY) -> Path:
    path.write_text(
        "".join(json.dumps({"id": i, "text": text}) + "\n" for i in ids), encoding="utf-8"
    )
    return path


def one_line_error(result: Result, code: int = 2) -> str:
    assert result.exit_code == code, (result.exit_code, result.output)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("newstrace: error: ")
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    return lines[0]


def refuse(name: str) -> Callable[..., NoReturn]:
    def called(*args: Any, **kwargs: Any) -> NoReturn:
        raise AssertionError(f"{name} ran although an output path could not be written")

    return called


# ------------------------------------------------------------ the one escaping helper


def test_visible_escapes_controls_and_undecodable_bytes() -> None:
    assert visible("a\x1b]8;;http://x\x1b\\b") == "a\\x1b]8;;http://x\\x1b\\b"
    assert visible("\x1b[2K\x07\x9b\x00\x7f") == "\\x1b[2K\\x07\\x9b\\x00\\x7f"
    assert visible("line\nbreak\ttab\rcr") == "line\\nbreak\\ttab\\rcr"
    assert visible(NOT_UTF8 + ".txt") == "caf\\xe9.txt"
    assert visible("\ud800") == "\\ud800"
    assert visible("Zürich — «ok» 東京 [sic]") == "Zürich — «ok» 東京 [sic]"
    visible("\udcff\x1b").encode("utf-8")  # always encodable


def test_plain_and_markup_show_text_literally() -> None:
    console, buf = terminal()
    for value in HOSTILE_IDS:
        console.print(plain(value))
        console.print(f"[bold]{markup(value)}[/bold]", highlight=False)
    shown = buf.getvalue()
    assert_inert(shown)
    assert shown.count("[/quote]") == 2 and shown.count("[sic]") == 2
    assert shown.count("[link=http://example.invalid]x") == 2


def test_json_text_is_valid_utf8_and_reads_back() -> None:
    data = {"id": NOT_UTF8, "esc": "\x1b[2K"}
    text = json_text(data)
    text.encode("utf-8")
    assert "\\udce9" in text and "\x1b" not in text
    assert json.loads(text) == data


# ------------------------------------------------------- item 2: views of compare/scan/check


def test_comparison_view_shows_markup_text_literally() -> None:
    c = compare(article("x[/quote]", MARKUP_BODY), article("y[/bold]", MARKUP_BODY + " Fin."))
    assert c.alignments
    console, buf = terminal()
    render_comparison(c, console)
    shown = buf.getvalue()
    assert_inert(shown)
    for token in ("[sic]", "[/quote]", "[/bold]", "[link=http://example.invalid/x]", "[/link]"):
        assert token in shown
    assert "x[/quote]" in shown and "y[/bold]" in shown


@pytest.mark.parametrize("hostile", HOSTILE_IDS)
def test_comparison_view_of_hostile_names_is_inert(hostile: str) -> None:
    c = compare(article(hostile, origin=hostile), article("plain-id", BODY + " Fin."))
    console, buf = terminal()
    render_comparison(c, console)
    shown = buf.getvalue()
    assert_inert(shown)
    assert visible(hostile) in shown


def test_scan_view_of_hostile_ids_is_inert() -> None:
    ids = sorted(HOSTILE_IDS)
    pairs = [PairResult(ids[0], other, "duplicate", 1.0, 1.0, None, 1.0) for other in ids[1:]]
    result = ScanResult(
        pairs=pairs,
        families=[Family(tuple(ids), ids[0])],
        articles=len(ids),
        failed=[errors.InputError("bad[/quote]\x1b]0;t\x07.txt", "empty [b]")],
    )
    console, buf = terminal()
    render_scan(result, console)
    shown = buf.getvalue()
    assert_inert(shown)
    for i in ids:
        assert visible(i) in shown
    assert "bad[/quote]\\x1b]0;t\\x07.txt: empty [b]" in shown


def test_check_view_of_hostile_ids_is_inert() -> None:
    checked = article("incoming", MARKUP_BODY)
    matches = [
        Match(id=i, comparison=compare(checked, article(i, MARKUP_BODY + " Fin.")), band_hits=3)
        for i in HOSTILE_IDS
    ]
    console, buf = terminal()
    titled = Article("incoming", MARKUP_BODY, title="in[/quote]\x1b[2K.txt")
    render_matches(matches, console, titled, 1.0, 10)
    shown = buf.getvalue()
    assert_inert(shown)
    assert "in[/quote]\\x1b[2K.txt" in shown
    for i in HOSTILE_IDS:
        assert visible(i) in shown


def test_cli_compare_of_markup_text_does_not_crash(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(MARKUP_BODY, encoding="utf-8")
    (tmp_path / "b.txt").write_text(
        MARKUP_BODY + " Fishermen asked for a landing.", encoding="utf-8"
    )
    result = run("compare", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"))
    assert result.exit_code == 0, result.output
    assert "[sic]" in result.stdout and "[/quote]" in result.stdout


def test_cli_scan_of_hostile_ids_does_not_crash(tmp_path: Path) -> None:
    corpus = write_jsonl(tmp_path / "corpus.jsonl", HOSTILE_IDS)
    result = run("scan", str(corpus))
    assert result.exit_code == 0, result.output
    assert_inert(result.stdout)
    assert "pier[/quote]" in result.stdout


def test_cli_check_of_hostile_ids_does_not_crash(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    assert (
        run("add", str(write_jsonl(tmp_path / "c.jsonl", HOSTILE_IDS)), "--db", db).exit_code == 0
    )
    (tmp_path / "in.txt").write_text(BODY, encoding="utf-8")
    result = run("check", str(tmp_path / "in.txt"), "--db", db, "--top", "20")
    assert result.exit_code == 0, result.output
    assert_inert(result.stdout)
    assert "pier[/quote]" in result.stdout and "erase\\x1b[2K" in result.stdout


def test_error_lines_show_hostile_file_names_inert(tmp_path: Path) -> None:
    missing = tmp_path / "gone\x1b]0;owned\x07[/quote].txt"
    result = run("compare", str(missing), str(missing))
    line = one_line_error(result)
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "gone\\x1b]0;owned\\x07[/quote].txt" in line

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty\x1b[2K.txt").write_bytes(b"")
    write_jsonl(folder / "good.jsonl", ["one", "two"])
    result = run("scan", str(folder))
    assert result.exit_code == 1, result.output
    assert "\x1b" not in result.stderr
    assert "empty\\x1b[2K.txt" in result.stderr


# ------------------------------------------------- item 3: file names that are not UTF-8


def not_utf8_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "harbour.txt").write_text(BODY, encoding="utf-8")
    with open(os.fsencode(folder) + b"/caf\xe9.txt", "wb") as fh:
        fh.write((BODY + " The pier opened in 1911.").encode("utf-8"))
    with open(os.fsencode(folder) + b"/bro\xefken.txt", "wb") as fh:
        fh.write(b"")
    return folder


def test_scan_out_and_html_write_names_that_are_not_utf8(tmp_path: Path) -> None:
    folder = not_utf8_folder(tmp_path)
    out, html = tmp_path / "out", tmp_path / "scan.html"
    result = run("scan", str(folder), "--out", str(out), "--html", str(html))
    assert result.exit_code == 1, result.output  # the empty file failed, nothing else
    assert "internal error" not in result.output
    pairs = [json.loads(line) for line in (out / "pairs.jsonl").read_text("utf-8").splitlines()]
    assert pairs[0]["b"] == "harbour" and pairs[0]["a"] in NOT_UTF8_IDS
    assert "bro\\xefken.txt" in (out / "errors.txt").read_text("utf-8")
    page = html.read_text("utf-8")
    assert 'id="pair-caf\\xe9--harbour"' in page and 'href="#pair-caf%5Cxe9--harbour"' in page
    assert "caf\\xe9" in result.stdout


def test_scan_jsonl_stdout_with_a_name_that_is_not_utf8(tmp_path: Path) -> None:
    result = run("scan", str(not_utf8_folder(tmp_path)), "--format", "jsonl")
    assert result.exit_code == 1, result.output
    pair = json.loads(result.stdout.splitlines()[0])
    assert pair["a"] in NOT_UTF8_IDS and pair["b"] == "harbour"


def test_compare_html_and_json_with_a_name_that_is_not_utf8(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = not_utf8_folder(tmp_path)
    monkeypatch.chdir(folder)  # short relative names: the terminal view fits them on a line
    name = NOT_UTF8 + ".txt"
    html = tmp_path / "r.html"
    result = run("compare", name, "harbour.txt", "--html", str(html))
    assert result.exit_code == 0, result.output
    # no headline, site or time: both views label the article by its id, the name escaped
    assert "caf\\xe9" in html.read_text("utf-8") and "caf\\xe9" in result.stdout
    result = run("compare", name, "harbour.txt", "--format", "json")
    assert result.exit_code == 0, result.output
    origin = json.loads(result.stdout)["articles"]["a"]["origin"]
    assert any(origin.endswith(i + ".txt") for i in NOT_UTF8_IDS), origin


# ---------------------------------------- item 5: outputs checked first, written atomically


def test_scan_unwritable_out_fails_before_the_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import newstrace.scan

    monkeypatch.setattr(newstrace.scan, "scan", refuse("scan"))
    corpus = write_jsonl(tmp_path / "c.jsonl", ["one", "two"])
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    target = str(tmp_path / "file" / "out")
    line = one_line_error(run("scan", str(corpus), "--out", target))
    assert target in line


def test_scan_unwritable_html_fails_before_the_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import newstrace.scan

    monkeypatch.setattr(newstrace.scan, "scan", refuse("scan"))
    corpus = write_jsonl(tmp_path / "c.jsonl", ["one", "two"])
    target = str(tmp_path / "no-such-folder" / "scan.html")
    line = one_line_error(run("scan", str(corpus), "--html", target))
    assert target in line and "does not exist" in line


def test_compare_unwritable_html_fails_before_the_comparison(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "compare_articles", refuse("compare"))
    (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    target = str(tmp_path / "file" / "r.html")
    line = one_line_error(
        run("compare", str(tmp_path / "a.txt"), str(tmp_path / "a.txt"), "--html", target)
    )
    assert target in line


def test_pan_unwritable_scores_and_out_fail_before_the_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import newstrace.pan

    monkeypatch.setattr(newstrace.pan, "run_pairs", refuse("pan"))
    (tmp_path / "pairs").write_text("s.txt r.txt\n", encoding="utf-8")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    common = [
        "pan",
        "--pairs",
        str(tmp_path / "pairs"),
        "--susp",
        str(tmp_path),
        "--src",
        str(tmp_path),
    ]
    bad_scores = str(tmp_path / "file" / "s.tsv")
    line = one_line_error(run(*common, "--out", str(tmp_path / "det"), "--scores", bad_scores))
    assert bad_scores in line
    bad_out = str(tmp_path / "file" / "det")
    assert bad_out in one_line_error(run(*common, "--out", bad_out))


def test_rerun_into_a_folder_leaves_no_stale_errors_or_temp_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    folder = tmp_path / "in"
    folder.mkdir()
    write_jsonl(folder / "c.jsonl", ["one", "two"])
    (folder / "broken.txt").write_bytes(b"")
    assert run("scan", str(folder), "--out", str(out)).exit_code == 1
    assert (out / "errors.txt").exists()
    (folder / "broken.txt").unlink()
    result = run("scan", str(folder), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "families.jsonl",
        "pairs.jsonl",
        "summary.json",
    ]


def test_atomic_open_keeps_the_old_file_when_writing_fails(tmp_path: Path) -> None:
    target = tmp_path / "pairs.jsonl"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_open(target) as fh:
        fh.write("half a ")
        raise RuntimeError("stopped")
    assert target.read_text("utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["pairs.jsonl"]
    write_atomic(target, "new " + NOT_UTF8 + "\n")
    assert target.read_text("utf-8") == "new caf\\xe9\n"
    assert [p.name for p in tmp_path.iterdir()] == ["pairs.jsonl"]


def test_write_scan_into_a_file_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(errors.InputError):
        write_scan(ScanResult(pairs=[], families=[]), tmp_path / "file")


def test_output_checks(tmp_path: Path) -> None:
    assert check_dir(tmp_path / "new" / "deeper").is_dir()
    assert check_file(tmp_path / "x.html") == tmp_path / "x.html"
    with pytest.raises(errors.InputError, match="is a folder"):
        check_file(tmp_path)
    (tmp_path / "f").write_text("x", encoding="utf-8")
    with pytest.raises(errors.InputError):
        check_dir(tmp_path / "f")
    with pytest.raises(errors.InputError):
        check_file(tmp_path / "f" / "x.html")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f", "new"]  # no probe left


# --------------------------------------------------------------------- item 7: exit codes


def _codes_the_cli_can_return() -> set[int]:
    source = Path(cli.__file__).read_text(encoding="utf-8")
    codes = {int(n) for n in re.findall(r"sys\.exit\((\d+)\)", source)}
    codes |= {int(n) for n in re.findall(r"_fail\([^()]*,\s*(\d+)\)", source)}
    codes.add(cli.EXIT_INTERNAL)
    with contextlib.suppress(ImportError):  # serve's own errors (exit 4)
        importlib.import_module("newstrace.server.limits")
    classes: list[type[errors.NewstraceError]] = [errors.NewstraceError]
    while classes:
        cls = classes.pop()
        codes.add(cls.exit_code)
        classes.extend(cls.__subclasses__())
    return codes | {0, 2}  # success, and click's usage errors


def test_every_exit_code_is_documented() -> None:
    assert _codes_the_cli_can_return() <= set(cli.EXIT_CODES)
    assert {0, 1, 2, 3, 4, 70, 130} <= set(cli.EXIT_CODES)


def test_help_lists_the_exit_codes() -> None:
    result = run("--help")
    assert result.exit_code == 0
    epilog = result.stdout.split("Exit codes:", 1)[1]
    for code, meaning in cli.EXIT_CODES.items():
        assert re.search(rf"^\s+{code}\s+{re.escape(meaning)}$", epilog, re.M), code


def test_readme_sentence_lists_the_exit_codes() -> None:
    text = " ".join(README.read_text(encoding="utf-8").split())
    sentence = text.split("Exit codes:", 1)[1].split(". ", 1)[0]
    assert {int(n) for n in re.findall(r"`(\d+)`", sentence)} == set(cli.EXIT_CODES)


def test_internal_error_says_it_is_a_bug(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated")

    monkeypatch.setattr(cli, "compare_articles", boom)
    result = run("compare", "-", "-")  # refused before compare: still a plain error
    assert result.exit_code == 2
    result = CliRunner().invoke(main, ["compare", str(README), str(README)])
    assert result.exit_code == 70
    assert "a bug" in result.stderr and "please report" in result.stderr


def test_the_command_line_reads_the_server_defaults_without_the_web_stack() -> None:
    """``newstrace serve``'s defaults come from ``server.defaults`` (one place), and
    loading the command line does not load the app, FastAPI or the archive."""
    code = (
        "import sys, newstrace.cli as c, newstrace.server.defaults as d; "
        "p = {o.name: o.default for o in c.main.commands['serve'].params}; "
        "print(p['host'] == d.HOST and p['port'] == d.PORT and p['workers'] == d.WORKERS "
        "and p['max_chars'] == d.MAX_CHARS and p['timeout'] == d.TIMEOUT, "
        "any(m in sys.modules for m in ('fastapi', 'newstrace.server.app')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.split() == ["True", "False"], out.stdout + out.stderr
