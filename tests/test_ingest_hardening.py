"""Hardening of the ingest stage (issue 14, items 1, 3, 4, 14 and 15).

Every input here is invented for the test and written under ``tmp_path``: JSONL lines
that ``json`` cannot take, file names that are not UTF-8, decompression bombs, pages too
complex or too deeply nested, odd things inside a scanned folder, and stray cp1252 bytes.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import sys
import tracemalloc
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from newstrace import ingest
from newstrace.cli import main
from newstrace.errors import InputError, InputWarning, SkippedInput
from newstrace.ingest import (
    MAX_HTML_TAGS,
    MAX_ID_CHARS,
    article_from_file_bytes,
    article_from_html,
    article_from_record,
    article_from_text,
    decode,
    input_byte_limit,
    iter_articles,
    iter_paths,
    iter_stdin_jsonl,
    jsonl_line_value,
    read_article,
)
from newstrace.model import Article
from newstrace.options import Options
from newstrace.paraphrase import iter_pairs

STORIES = [
    "The Orrin valley ferry will run a winter timetable from Monday, the operator said, "
    "with four crossings a day instead of seven.",
    "Councillors in Lathby approved a new cycle lane on the harbour road after a "
    "two-hour debate on Tuesday evening.",
    "A storm brought down power lines across the Pellack uplands overnight, leaving about "
    "2,000 homes without electricity.",
]


def collect(inputs: list[str | Path], **kwargs: object) -> tuple[list[Article], list[InputError]]:
    errors: list[InputError] = []
    articles = list(iter_articles(inputs, on_error=errors.append, **kwargs))  # type: ignore[arg-type]
    return articles, errors


def jsonl(*records: object) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)


HUGE_INT = "9" * 5000  # over Python's 4,300-digit int limit
DEEP = "[" * 100_000 + "]" * 100_000  # past the recursion limit


# --------------------------------------------------------------------------- item 1: JSONL


@pytest.mark.parametrize(
    "bad",
    [
        f'{{"id": "n", "text": "x", "n": {HUGE_INT}}}',
        DEEP,
        f'{{"id": {HUGE_INT}, "text": "x"}}',
        '{"a": ' * 50_000,
    ],
    ids=["huge-int", "deep-list", "huge-int-id", "deep-unclosed"],
)
def test_unreadable_jsonl_line_is_skipped_and_named(tmp_path: Path, bad: str) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(
        jsonl({"id": "a", "text": STORIES[0]}, bad, {"id": "b", "text": STORIES[1]}),
        encoding="utf-8",
    )
    articles, errors = collect([path])
    assert [a.id for a in articles] == ["a", "b"]
    assert [e.source for e in errors] == [f"{path}:2"]
    assert "JSON" in errors[0].message


def test_unreadable_jsonl_line_from_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    data = jsonl({"id": "a", "text": STORIES[0]}, DEEP, f'{{"x": {HUGE_INT}}}').encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    errors: list[InputError] = []
    articles = list(iter_stdin_jsonl(on_error=errors.append))
    assert [a.id for a in articles] == ["a"]
    assert [e.source for e in errors] == ["<stdin>:2", "<stdin>:3"]
    assert "nested too deeply" in errors[0].message
    assert "digits" in errors[1].message


def test_jsonl_line_value_is_the_one_line_parser() -> None:
    opts = Options(max_line_bytes=100)
    assert jsonl_line_value(b'{"id": "a"}\n', "f:1", opts) == {"id": "a"}
    assert jsonl_line_value(b"  \r\n", "f:2", opts) is None
    for raw, words in [
        (b"{" + b" " * 120 + b"}", "too long"),
        (b"[1,", "broken JSON"),
        (b"\x00\x01", "binary"),
    ]:
        with pytest.raises(InputError) as info:
            jsonl_line_value(raw, "f:3", opts)
        assert info.value.source == "f:3" and words in info.value.message
    # the limit counts the line without its newline, as the streaming reader does
    assert jsonl_line_value(b'"' + b"y" * 98 + b'"\n', "f:4", opts) == "y" * 98


def test_pairs_file_with_unreadable_json_line_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "pairs.jsonl"
    path.write_text(
        jsonl(
            {"a": "One sentence here.", "b": "Another one there."},
            f'{{"a": "x", "b": "y", "id": {HUGE_INT}}}',
            DEEP,
            {"a": "Third sentence.", "b": "Fourth sentence."},
        ),
        encoding="utf-8",
    )
    errors: list[InputError] = []
    pairs = list(iter_pairs(str(path), on_error=errors.append))
    assert [p.a for p in pairs] == ["One sentence here.", "Third sentence."]
    assert [e.source for e in errors] == [f"{path}:2", f"{path}:3"]


@pytest.mark.parametrize("command", ["add", "scan"])
def test_cli_skips_unreadable_jsonl_line_and_keeps_the_rest(tmp_path: Path, command: str) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(
        jsonl(
            *({"id": f"s{i}", "text": t} for i, t in enumerate(STORIES[:2])),
            f'{{"id": "bad", "text": "x", "n": {HUGE_INT}}}',
            DEEP,
            {"id": "s2", "text": STORIES[2]},
        ),
        encoding="utf-8",
    )
    args = [command, str(path)] + (["--db", str(tmp_path / "a.db")] if command == "add" else [])
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output  # some inputs failed; not an internal error
    assert f"{path}:3" in result.output and f"{path}:4" in result.output
    assert "internal error" not in result.output
    if command == "add":
        assert "added 3" in result.output


# --------------------------------------------------------------------------- item 3: names


def _bytes_name(folder: Path, name: bytes, data: bytes) -> bytes:
    path = os.path.join(os.fsencode(folder), name)
    with open(path, "wb") as fh:
        fh.write(data)
    return path


def test_file_name_that_is_not_utf8_is_read_and_shown_escaped(tmp_path: Path) -> None:
    try:
        _bytes_name(tmp_path, b"caf\xe9.txt", STORIES[0].encode())
    except (OSError, UnicodeError):
        pytest.skip("this file system refuses names that are not UTF-8")
    _bytes_name(tmp_path, b"ok.txt", STORIES[1].encode())
    _bytes_name(tmp_path, b"r\xe9sum\xe9.txt", b"\x00\x01binary")
    _bytes_name(tmp_path, b"\xff\xfe.jsonl", jsonl({"id": "j", "text": STORIES[2]}).encode())
    articles, errors = collect([tmp_path])
    assert sorted(a.id for a in articles) == ["caf\\xe9", "j", "ok"]
    by_id = {a.id: a for a in articles}
    assert by_id["caf\\xe9"].origin == str(tmp_path / "caf\\xe9.txt")
    assert by_id["j"].origin == f"{tmp_path / chr(92)}xff{chr(92)}xfe.jsonl:1"
    for art in articles:  # everything can be written out as UTF-8 (terminal, SQLite, JSON)
        (art.id + (art.origin or "")).encode("utf-8")
    assert [e.source for e in errors] == [str(tmp_path / "r\\xe9sum\\xe9.txt")]
    str(errors[0]).encode("utf-8")


def test_read_article_with_a_surrogate_escaped_path(tmp_path: Path) -> None:
    try:
        raw = _bytes_name(
            tmp_path,
            b"na\xefve.html",
            f"<html><body><article><p>{STORIES[0]}</p></article></body></html>".encode(),
        )
    except (OSError, UnicodeError):
        pytest.skip("this file system refuses names that are not UTF-8")
    art = read_article(os.fsdecode(raw))
    assert art.id == "na\\xefve"
    assert art.origin == str(tmp_path / "na\\xefve.html")


# --------------------------------------------------------------------------- item 4: size


def _gzip_bomb(path: Path, size: int) -> Path:
    chunk = b"words words words " * (1 << 16)
    with gzip.open(path, "wb", compresslevel=1) as fh:
        for _ in range(size // len(chunk) + 1):
            fh.write(chunk)
    return path


def test_gzip_bomb_is_refused_without_unpacking_it(tmp_path: Path) -> None:
    options = Options(max_chars=1000)
    limit = input_byte_limit(options)
    bomb = _gzip_bomb(tmp_path / "bomb.txt.gz", 6 * limit)
    assert bomb.stat().st_size < limit // 20
    tracemalloc.start()
    try:
        with pytest.raises(InputError) as info:
            read_article(bomb, options=options)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert info.value.source == str(bomb)
    assert "too large" in info.value.message
    assert peak < 3 * limit


def test_gzip_bomb_in_a_folder_is_reported_and_the_rest_read(tmp_path: Path) -> None:
    options = Options(max_chars=1000)
    _gzip_bomb(tmp_path / "b-bomb.html.gz", 2 * input_byte_limit(options))
    (tmp_path / "a.txt").write_text(STORIES[0], encoding="utf-8")
    (tmp_path / "c.txt.gz").write_bytes(gzip.compress(STORIES[1].encode()))
    articles, errors = collect([tmp_path], options=options)
    assert [a.id for a in articles] == ["a", "c"]
    assert [e.source for e in errors] == [str(tmp_path / "b-bomb.html.gz")]


def test_byte_limit_follows_max_chars_and_keeps_the_character_limit_exact() -> None:
    small, big = Options(max_chars=10), Options(max_chars=50_000_000)
    assert input_byte_limit(small) == ingest.MIN_INPUT_BYTES
    assert input_byte_limit(big) == 4 * 50_000_000 + 4
    # a text at the character limit in the widest encoding still fits the byte limit
    text = "\U0001f4f0" * 50_000_000
    assert len(text.encode("utf-8")) <= input_byte_limit(big)


def test_oversized_plain_file_is_read_only_up_to_the_limit(tmp_path: Path) -> None:
    options = Options(max_chars=1000)
    limit = input_byte_limit(options)
    path = tmp_path / "huge.txt"
    path.write_bytes(b"x" * (limit + 10))
    with pytest.raises(InputError) as info:
        read_article(path, options=options)
    assert "too large" in info.value.message
    with pytest.raises(InputError):  # Spark's entry point refuses the same bytes
        article_from_file_bytes(path.read_bytes(), "huge.txt", str(path), options=options)


def test_html_with_too_many_tags_is_refused_before_extraction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paragraphs = MAX_HTML_TAGS // 2 + 10
    page = "<html><body>" + "<p>Short line of text.</p>" * paragraphs + "</body></html>"
    path = tmp_path / "many.html.gz"
    path.write_bytes(gzip.compress(page.encode()))
    assert path.stat().st_size < 100_000

    def no_extraction(*args: object) -> None:
        raise AssertionError("trafilatura must not see this page")

    monkeypatch.setattr(ingest, "_extract", no_extraction)
    articles, errors = collect([path])
    assert articles == []
    assert [e.source for e in errors] == [str(path)]
    assert "too complex" in errors[0].message and f"{MAX_HTML_TAGS:,}" in errors[0].message


# --------------------------------------------------------------------------- item 14: folders


def test_fifo_in_a_folder_is_reported_and_never_opened(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    (tmp_path / "a.txt").write_text(STORIES[0], encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.txt")  # opening it would block: no writer
    articles, errors = collect([tmp_path])
    assert [a.id for a in articles] == ["a"]
    assert [e.source for e in errors] == [str(tmp_path / "pipe.txt")]
    assert isinstance(errors[0], SkippedInput) and "FIFO" in errors[0].message


def test_unsupported_files_are_each_reported(tmp_path: Path) -> None:
    (tmp_path / "story.txt").write_text(STORIES[0], encoding="utf-8")
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4\n")
    (tmp_path / "photo.JPG").write_bytes(b"\xff\xd8\xff")
    (tmp_path / "old.tar.gz").write_bytes(gzip.compress(b"x"))
    articles, errors = collect([tmp_path])
    assert [a.id for a in articles] == ["story"]
    assert {Path(e.source).name: e.message.split(";")[0] for e in errors} == {
        "scan.pdf": "not an article file (.pdf",
        "photo.JPG": "not an article file (.JPG",
        "old.tar.gz": "not an article file (.tar.gz",
    }


def test_unreadable_subfolder_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.txt").write_text(STORIES[0], encoding="utf-8")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "b.txt").write_text(STORIES[1], encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path: str | os.PathLike[str] = ".") -> Iterator[os.DirEntry[str]]:
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(locked))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    articles, errors = collect([tmp_path])
    assert [a.id for a in articles] == ["a"]
    assert [e.source for e in errors] == [str(locked)]
    assert "cannot read folder" in errors[0].message
    assert "Permission denied" in errors[0].message


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads folders whatever their mode"
)
def test_folder_without_permission_is_reported(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(STORIES[0], encoding="utf-8")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        articles, errors = collect([tmp_path])
    finally:
        locked.chmod(0o755)
    assert [a.id for a in articles] == ["a"]
    assert [e.source for e in errors] == [str(locked)]


def test_symlink_loops_are_reported_and_each_folder_read_once(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text(STORIES[0], encoding="utf-8")
    (root / "sub" / "b.txt").write_text(STORIES[1], encoding="utf-8")
    (root / "sub" / "up").symlink_to("..", target_is_directory=True)  # a loop
    (root / "x.txt").symlink_to("y.txt")  # a loop of two file links
    (root / "y.txt").symlink_to("x.txt")
    (root / "gone.txt").symlink_to("nowhere.txt")  # broken
    articles, errors = collect([root])
    assert [a.id for a in articles] == ["a", "sub/b"]
    assert {e.source: e.message.split(" (")[0] for e in errors} == {
        str(root / "sub" / "up"): "folder already read",
        str(root / "x.txt"): "symbolic link loop or broken link, not followed",
        str(root / "y.txt"): "symbolic link loop or broken link, not followed",
        str(root / "gone.txt"): "symbolic link loop or broken link, not followed",
    }


def test_symlink_out_of_the_folder_is_followed_only_when_asked(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (outside / "more").mkdir(parents=True)
    (outside / "secret.txt").write_text(STORIES[2], encoding="utf-8")
    (outside / "more" / "c.txt").write_text(STORIES[1], encoding="utf-8")
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "a.txt").write_text(STORIES[0], encoding="utf-8")
    (root / "link.txt").symlink_to(outside / "secret.txt")
    (root / "more").symlink_to(outside / "more", target_is_directory=True)
    (root / "inside.txt").symlink_to("a.txt")  # inside the folder: followed
    articles, errors = collect([root])
    assert [a.id for a in articles] == ["a", "inside"]
    assert sorted(e.source for e in errors) == [str(root / "link.txt"), str(root / "more")]
    assert all("out of the folder" in e.message for e in errors)
    articles, errors = collect([root], follow_symlinks=True)
    assert [a.id for a in articles] == ["a", "inside", "link", "more/c"]
    assert errors == []


def test_hidden_folder_is_reported_not_entered(tmp_path: Path) -> None:
    (tmp_path / ".git" / "objects").mkdir(parents=True)
    (tmp_path / ".git" / "objects" / "ab").write_bytes(b"\x78\x01")
    (tmp_path / "a.txt").write_text(STORIES[0], encoding="utf-8")
    skipped: list[InputError] = []
    assert list(iter_paths([tmp_path], on_error=skipped.append)) == [tmp_path / "a.txt"]
    assert [(e.source, e.message) for e in skipped] == [
        (str(tmp_path / ".git"), "hidden folder, not read")
    ]


def test_deep_folder_tree_needs_no_recursion(tmp_path: Path) -> None:
    folder = tmp_path
    for _ in range(60):
        folder = folder / "d"
    folder.mkdir(parents=True)
    (folder / "deep.txt").write_text(STORIES[0], encoding="utf-8")
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(100)  # a recursive walk of 60 levels with its callers fails
    try:
        paths = list(iter_paths([tmp_path]))
    finally:
        sys.setrecursionlimit(limit)
    assert paths == [folder / "deep.txt"]


def test_cli_reports_skipped_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(STORIES[0], encoding="utf-8")
    (tmp_path / "b.txt").write_text(STORIES[1], encoding="utf-8")
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.4\n")
    result = CliRunner().invoke(main, ["scan", str(tmp_path)])
    assert f"not read: {tmp_path / 'report.pdf'}: not an article file" in result.output
    assert result.exit_code == 0  # a file that is not an article is said, not a failure


def test_cli_shows_a_repaired_input_as_one_note(tmp_path: Path) -> None:
    # valid UTF-8 (an accented word) with one stray cp1252 byte on another line
    (tmp_path / "a.txt").write_bytes(
        STORIES[0].encode("utf-8") + " The naïve plan.".encode() + b"\nCaf\xe9 line\n"
    )
    result = CliRunner().invoke(main, ["scan", str(tmp_path)])
    notes = [x for x in result.output.splitlines() if x.startswith("newstrace: note:")]
    assert len(notes) == 1 and "a.txt" in notes[0], result.output
    assert "Warning" not in result.output and result.exit_code == 0


# --------------------------------------------------------------------------- item 15


def test_stray_cp1252_byte_in_utf8_text_is_repaired_and_said(tmp_path: Path) -> None:
    text = "Caf\u00e9 owners in S\u00e3o Vic\u00eante said prices rose.\nIt\x92s the third rise.\n"
    data = text.replace("\x92", "").encode("utf-8").replace(b"Its", b"It\x92s")
    path = tmp_path / "mixed.txt"
    path.write_bytes(data)
    with pytest.warns(InputWarning) as record:
        art = read_article(path)
    assert art.text == text.replace("\x92", "\u2019")
    (warning,) = record
    message = str(warning.message)
    assert message.startswith(f"{path}: ") and "line 2" in message and "cp1252" in message


def test_whole_cp1252_file_is_decoded_without_a_warning() -> None:
    data = b"\x93Caf\xe9 prices,\x94 she said \x96 again.\n"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert decode(data, "old.txt") == data.decode("cp1252")


def test_cp1252_byte_in_a_jsonl_line_is_repaired_and_named(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    line = json.dumps({"id": "m", "text": "Caf\u00e9 re-opens, it\x92s said."}, ensure_ascii=False)
    path.write_bytes(b"\n" + line.replace("\x92", "'").encode().replace(b"'", b"\x92") + b"\n")
    with pytest.warns(InputWarning, match=f"{path}:2"):
        articles, errors = collect([path])
    assert errors == []
    assert articles[0].text == "Caf\u00e9 re-opens, it\u2019s said."


@pytest.mark.parametrize("tail", [b"\x00", b"\x01\x02\x03\x04" * 400], ids=["nul", "controls"])
def test_binary_after_the_first_64_kib_is_caught(tmp_path: Path, tail: bytes) -> None:
    path = tmp_path / "late.txt"
    path.write_bytes(b"Plain words in a long text file. " * 2200 + tail + b" end")
    assert path.stat().st_size > 70_000
    with pytest.raises(InputError) as info:
        read_article(path)
    assert "binary" in info.value.message


@pytest.mark.parametrize("depth", [300, 3000])
def test_html_nested_past_the_parser_limit_still_gives_its_text(depth: int) -> None:
    body = "".join(f"<p>{s}</p>" for s in STORIES)
    page = (
        "<html><head><title>Deep page</title></head><body>"
        + "<div><span>" * depth
        + body
        + "</span></div>" * depth
        + "</body></html>"
    )
    art = article_from_html(page, id="deep")
    for story in STORIES:
        assert story in art.text


@pytest.mark.parametrize(
    "record, field",
    [
        ({"id": True, "text": "Some words."}, "id"),
        ({"id": 1.5, "text": "Some words."}, "id"),
        ({"id": "t", "text": 12345}, "text"),
        ({"id": "t", "html": False}, "html"),
        ({"id": "t", "text": "Some words.", "published": 2024}, "published"),
        ({"id": "t", "text": "Some words.", "modified": ["2024"]}, "modified"),
        ({"id": "t", "text": "Some words.", "title": {"x": 1}}, "title"),
    ],
)
def test_jsonl_fields_of_the_wrong_type_are_refused(record: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as info:
        article_from_record(record, "feed.jsonl:4")
    assert info.value.source == "feed.jsonl:4"
    assert f"field {field!r} must be" in info.value.message


def test_integer_ids_are_still_accepted() -> None:
    assert article_from_record({"id": 17, "text": "Words."}, "f:1").id == "17"


def test_one_id_length_limit_everywhere(tmp_path: Path) -> None:
    ok, long = "i" * MAX_ID_CHARS, "i" * (MAX_ID_CHARS + 1)
    assert article_from_text("Words.", id=ok).id == ok
    page = f"<html><body><article><p>{STORIES[0]}</p></article></body></html>"
    makers: list[Callable[[str], Article]] = [
        lambda i: article_from_text("Words.", id=i),
        lambda i: article_from_html(page, id=i),
        lambda i: article_from_record({"id": i, "text": "Words."}, "f:1"),
        lambda i: article_from_record({"id": int("7" * len(i)), "text": "W."}, "f:1"),
    ]
    for make in makers:
        with pytest.raises(InputError) as info:
            make(long)
        assert "id too long" in info.value.message and f"{MAX_ID_CHARS:,}" in info.value.message
