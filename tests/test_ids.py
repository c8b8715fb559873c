"""Article ids: one rule for every kind of input, ``--id-prefix``, and collisions.

A file's id is its path inside the folder argument (POSIX separators, the article suffix
dropped); a file argument's, its name; a glob's matches', their path inside the glob's
fixed folder; a JSONL record's, its ``id``; a web page's, its URL. Two inputs with one id
are reported, never merged silently. All text was written for these tests or comes from
the demo corpus.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from newstrace.cli import main
from newstrace.errors import InputError, SkippedInput
from newstrace.ingest import distinct_ids, file_id, iter_articles, with_id_prefix
from newstrace.model import Article

DEMO = Path(__file__).resolve().parents[1] / "demo" / "corpus"

HOME_PAGE = (
    "<!DOCTYPE html><html><head><title>{site}</title></head><body><article>"
    "<p>The {site} reports that the Brackwater bridge reopens on Monday after eleven weeks "
    "of repairs to its eastern span, the county roads office said on Thursday.</p>"
    "<p>Engineers replaced {n} corroded cables and resurfaced the deck; buses return to the "
    "bridge route from the first morning service.</p></article></body></html>"
)


def mirror(root: Path) -> Path:
    """A mirrored site: two sections, each with its own index.html."""
    for n, site in enumerate(("courier", "herald"), start=3):
        folder = root / "site" / site / "news"
        folder.mkdir(parents=True)
        (folder / "index.html").write_text(HOME_PAGE.format(site=site, n=n), encoding="utf-8")
    return root / "site"


def collect(inputs: list[str | Path]) -> tuple[list[Article], list[InputError]]:
    errors: list[InputError] = []
    arts = list(distinct_ids(iter_articles(inputs, on_error=errors.append), errors.append))
    return arts, errors


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("report.v1.txt", "report.v1"),
        ("courier/news/index.html", "courier/news/index"),
        ("deep/item.txt.gz", "deep/item"),
        ("README", "README"),
        (".txt", ".txt"),
    ],
)
def test_file_id_drops_the_article_suffix_only(name: str, expected: str) -> None:
    assert file_id(name) == expected


def test_two_index_pages_of_a_mirrored_site_keep_both(tmp_path: Path) -> None:
    site = mirror(tmp_path)
    arts, errors = collect([site])
    assert [a.id for a in arts] == ["courier/news/index", "herald/news/index"]
    assert errors == []


def test_glob_ids_are_paths_inside_the_globs_fixed_folder(tmp_path: Path) -> None:
    site = mirror(tmp_path)
    arts, _ = collect([str(site / "*" / "news" / "index.html")])
    assert [a.id for a in arts] == ["courier/news/index", "herald/news/index"]
    arts, _ = collect([str(site / "courier" / "news" / "*.html")])
    assert [a.id for a in arts] == ["index"]


def test_a_file_argument_is_named_by_its_file_name(tmp_path: Path) -> None:
    site = mirror(tmp_path)
    arts, _ = collect([site / "herald" / "news" / "index.html"])
    assert [a.id for a in arts] == ["index"]


def test_flat_folders_keep_the_ids_they_always_had() -> None:
    arts, _ = collect([DEMO])
    assert arts[0].id == "01-wire" and all("/" not in a.id for a in arts)


def test_one_id_for_two_files_is_reported_not_merged(tmp_path: Path) -> None:
    (tmp_path / "story.txt").write_text(
        "Plain words of one story, first version.", encoding="utf-8"
    )
    (tmp_path / "story.md").write_text("Other words of another story entirely.", encoding="utf-8")
    arts, errors = collect([tmp_path])
    assert [a.origin for a in arts] == [str(tmp_path / "story.md")]
    assert [(e.source, e.message) for e in errors] == [
        (
            str(tmp_path / "story.txt"),
            f"duplicate id 'story' (first read from {tmp_path / 'story.md'}), skipped",
        )
    ]
    assert not isinstance(errors[0], SkippedInput)  # a failure: exit code 1


def test_the_same_file_twice_or_the_same_text_is_a_note(tmp_path: Path) -> None:
    wire = DEMO / "01-wire.txt"
    copy = tmp_path / "01-wire.txt"
    copy.write_bytes(wire.read_bytes())
    arts, errors = collect([wire, wire, copy])
    assert len(arts) == 1
    assert [type(e) for e in errors] == [SkippedInput, SkippedInput]
    assert errors[0].message == "given twice, read once"
    assert errors[1].message == f"id '01-wire' with the same text as {wire}, read once"


def test_id_prefix_is_put_before_every_id() -> None:
    arts = list(with_id_prefix(iter_articles([DEMO / "01-wire.txt"]), "demo/"))
    assert [a.id for a in arts] == ["demo/01-wire"]
    errors: list[InputError] = []
    assert (
        list(with_id_prefix(iter_articles([DEMO / "01-wire.txt"]), "x" * 1000, errors.append)) == []
    )
    assert "id too long" in errors[0].message


def test_the_demo_goes_into_an_archive_that_has_an_01_wire(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    own = tmp_path / "mine"
    own.mkdir()
    (own / "01-wire.txt").write_text(
        "Our own first story: the Brackwater bridge reopens on Monday after repairs.",
        encoding="utf-8",
    )
    assert run("add", str(own), "--db", db).exit_code == 0
    clash = run("add", str(DEMO), "--db", db)
    assert clash.exit_code == 1 and "01-wire" in clash.stderr
    added = run("add", str(DEMO), "--db", db, "--id-prefix", "demo/")
    assert added.exit_code == 0, added.output
    assert f"added {len(list(DEMO.iterdir()))}," in added.stdout
    checked = run("check", str(DEMO / "04-spin.txt"), "--db", db, "--format", "json")
    assert "demo/01-wire" in [m["id"] for m in json.loads(checked.stdout)["matches"]]


def test_scan_reports_a_collision_and_exits_1(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.txt").write_text("First text for the clash.", encoding="utf-8")
    (tmp_path / "x.txt").write_text("Second text, not the same.", encoding="utf-8")
    result = run("scan", str(tmp_path / "a" / "x.txt"), str(tmp_path / "x.txt"))
    assert result.exit_code == 1
    first = tmp_path / "a" / "x.txt"
    assert (
        f"skipped {tmp_path / 'x.txt'}: duplicate id 'x' (first read from {first}), skipped"
        in result.stderr
    )
    assert run("scan", str(tmp_path), "--format", "jsonl").exit_code == 0  # a/x and x
