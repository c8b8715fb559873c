"""The Spark engine gives exactly the local engine's pairs and families (local[2]).

Skipped when pyspark (the ``spark`` extra) or Java is missing. One SparkSession serves
every test of the module.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from newstrace import iter_articles
from newstrace.cli import main
from newstrace.cluster import components
from newstrace.corpus import article_parts, short_copy_pairs
from newstrace.errors import InputError, MissingExtraError
from newstrace.fingerprint import ContentTerms
from newstrace.model import ScanResult
from newstrace.options import Options
from newstrace.scan import scan

from .conftest import ROOT

pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'newstrace[spark]')")
if not shutil.which("java") and not os.environ.get("JAVA_HOME"):
    pytest.skip("Java is not installed (the Spark engine needs Java 17+)", allow_module_level=True)

from newstrace import spark as nspark
from newstrace_synth.corpus import build_corpus

N_ARTICLES = 240


@pytest.fixture(scope="module")
def spark() -> Any:
    session = nspark.spark_session("local[2]", partitions=4)
    yield session
    session.stop()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated corpus with planted copies, plus a repeated id, a broken line and a
    line with an integer of 5,000 digits (both engines must skip and report them alike)."""
    records = build_corpus(N_ARTICLES, 5).records()
    path = tmp_path_factory.mktemp("spark") / "corpus.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    lines.insert(10, "{broken json")
    lines.insert(20, '{"id": "huge", "text": ' + "7" * 5000 + "}")
    lines.append(json.dumps({**records[3], "text": records[3]["text"] + " Later version."}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def local_result(corpus: Path) -> ScanResult:
    errors: list[InputError] = []
    result = scan(iter_articles([corpus], on_error=errors.append))
    result.failed = errors + result.failed
    return result


def _assert_same(spark_result: ScanResult, local: ScanResult) -> None:
    assert spark_result.articles == local.articles
    assert spark_result.candidates == local.candidates
    key = [(p.a, p.b, p.relation, p.source) for p in local.pairs]
    assert [(p.a, p.b, p.relation, p.source) for p in spark_result.pairs] == key
    for s, lo in zip(spark_result.pairs, local.pairs, strict=True):
        assert s.coverage_a == pytest.approx(lo.coverage_a, abs=1e-9)
        assert s.coverage_b == pytest.approx(lo.coverage_b, abs=1e-9)
        assert s.score == pytest.approx(lo.score, abs=1e-9)
    assert spark_result.families == local.families
    # the copy trees too (Family equality holds them; said apart so a failure names them)
    assert [f.tree for f in spark_result.families] == [f.tree for f in local.families]
    assert all(f.tree is not None and f.tree.root == f.original for f in local.families)


def test_spark_finds_the_same_pairs_and_families(
    spark: Any, corpus: Path, local_result: ScanResult
) -> None:
    assert len(local_result.pairs) > 50 and len(local_result.families) > 10  # a real test
    result = nspark.scan_spark([str(corpus)], spark=spark, partitions=4)
    _assert_same(result, local_result)
    assert [str(e) for e in result.failed] == [str(e) for e in local_result.failed]
    assert len(result.failed) == 3  # the broken line, the huge integer, the repeated id
    assert any(len(f.tree.edges) > 2 for f in local_result.families if f.tree)  # real trees


def test_cli_spark_engine_writes_the_local_files(spark: Any, corpus: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    local_out, spark_out = tmp_path / "local", tmp_path / "spark"
    prefix = ["--id-prefix", "run1/"]  # reaches both engines alike
    res = runner.invoke(
        main, ["scan", str(corpus), "--out", str(local_out), "--keep-one=partial", *prefix]
    )
    assert res.exit_code == 1, res.output  # 1: some inputs failed
    res = runner.invoke(
        main,
        [
            "scan",
            str(corpus),
            "--engine",
            "spark",
            "--master",
            "local[2]",
            "--partitions",
            "4",
            "--out",
            str(spark_out),
            "--keep-one=partial",
            *prefix,
        ],
    )
    assert res.exit_code == 1, res.output
    pairs = [json.loads(x) for x in (spark_out / "pairs.jsonl").read_text().splitlines()]
    assert pairs and all(p["a"].startswith("run1/") and p["b"].startswith("run1/") for p in pairs)
    for name in ("pairs.jsonl", "families.jsonl", "errors.txt", "removed.jsonl"):
        assert (spark_out / name).read_text() == (local_out / name).read_text(), name
    # dedup: the same kept articles (local: input order, Spark: by id), one per family
    kept = [json.loads(x) for x in (local_out / "kept.jsonl").read_text().splitlines()]
    spark_kept = [json.loads(x) for x in (spark_out / "kept.jsonl").read_text().splitlines()]
    assert sorted(spark_kept, key=lambda r: r["id"]) == sorted(kept, key=lambda r: r["id"])
    families = [json.loads(x) for x in (local_out / "families.jsonl").read_text().splitlines()]
    removed = [json.loads(x) for x in (local_out / "removed.jsonl").read_text().splitlines()]
    assert {r["id"]: r["kept"] for r in removed} == {
        m: f["original"] for f in families for m in f["members"] if m != f["original"]
    }
    kept_ids = {r["id"] for r in kept}
    assert all(f["original"] in kept_ids for f in families)
    assert (
        len(kept) + len(removed) == json.loads((local_out / "summary.json").read_text())["articles"]
    )
    assert json.loads((spark_out / "summary.json").read_text())["pairs"] == len(
        (local_out / "pairs.jsonl").read_text().splitlines()
    )
    parquet = spark.read.parquet(str(spark_out / "pairs"))
    assert parquet.count() == len((local_out / "pairs.jsonl").read_text().splitlines())
    assert spark.read.parquet(str(spark_out / "families")).count() == len(
        (local_out / "families.jsonl").read_text().splitlines()
    )


def test_parquet_input_and_a_candidate_bound_give_the_same_result(
    spark: Any, corpus: Path, tmp_path: Path, local_result: ScanResult
) -> None:
    """Parquet input, ``max_candidates`` 2 (which binds here: each article's candidates
    ranked by a window in Spark, by ``corpus.bound_candidates`` locally) and
    ``common_slot_articles`` 10 (which binds too: slot values counted per partition and
    summed by key in Spark, over the whole matrix locally)."""
    rows = [
        json.loads(line)
        for line in corpus.read_text(encoding="utf-8").splitlines()
        if line.startswith('{"') and not line.startswith('{"id": "huge"')
    ]
    folder = tmp_path / "corpus.parquet"
    spark.createDataFrame(rows).coalesce(1).write.parquet(str(folder))
    options = Options(max_candidates=2, common_slot_articles=10)
    local = scan(iter_articles([corpus], on_error=lambda e: None), options=options)
    unbound = options.with_(max_candidates=0)
    assert local.candidates < local_result.candidates  # the bound binds
    assert scan(iter_articles([corpus], on_error=lambda e: None), options=unbound).candidates < (
        scan(
            iter_articles([corpus], on_error=lambda e: None), options=Options(max_candidates=0)
        ).candidates
    )  # and so does the slot limit
    result = nspark.scan_spark([str(tmp_path)], spark=spark, partitions=4, options=options)
    _assert_same(result, local)
    assert [e.message.split()[:2] for e in result.failed] == [["duplicate", "id"]]


def test_folder_of_text_and_html_files_gives_the_same_result(spark: Any, tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    shutil.copytree(ROOT / "demo" / "corpus", folder)
    wire = (folder / "01-wire.txt").read_text(encoding="utf-8")
    paragraphs = "".join(f"<p>{line}</p>" for line in wire.splitlines() if line.strip())
    (folder / "15-wire-page.html").write_text(
        f"<html><head><title>Wire page</title></head><body><article>{paragraphs}"
        "</article></body></html>",
        encoding="utf-8",
    )
    (folder / "16-empty.txt").write_text("  \n", encoding="utf-8")  # fails alike in both
    # A mirrored site: two index pages in nested folders keep their paths as ids.
    for sub, source in (("a", "01-wire.txt"), ("b", "04-spin.txt")):
        (folder / "site" / sub).mkdir(parents=True)
        shutil.copy(folder / source, folder / "site" / sub / "index.txt")
    errors: list[InputError] = []
    local = scan(iter_articles([folder], on_error=errors.append))
    local.failed = errors + local.failed
    assert len(local.pairs) > 5 and any("15-wire-page" in (p.a, p.b) for p in local.pairs)
    assert any("site/a/index" in (p.a, p.b) for p in local.pairs)
    result = nspark.scan_spark([str(folder)], spark=spark, partitions=4)
    _assert_same(result, local)
    assert [str(e) for e in result.failed] == [str(e) for e in local.failed]


def test_connected_components_match_union_find(spark: Any) -> None:
    # A long chain (needs several rounds), a star, a cycle, and a lone pair.
    edges = [(f"c{i:02d}", f"c{i + 1:02d}") for i in range(20)]
    edges += [("s0", f"s{i}") for i in range(1, 6)] + [("y1", "y2"), ("y2", "y3"), ("y3", "y1")]
    edges += [("z9", "z1")]
    pairs = spark.createDataFrame(edges, "a string, b string")
    found = nspark.connected_components(pairs).collect()
    groups: dict[str, list[str]] = {}
    for row in found:
        groups.setdefault(row["root"], []).append(row["id"])
    assert sorted(sorted(g) for g in groups.values()) == components(edges)
    assert all(root == min(g) for root, g in groups.items())


def test_missing_pyspark_says_which_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)
    with pytest.raises(MissingExtraError, match=r"newstrace\[spark\]"):
        nspark.spark_session()


def test_missing_java_is_one_clear_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from pyspark.sql import SparkSession

    monkeypatch.setattr(SparkSession, "getActiveSession", staticmethod(lambda: None))
    monkeypatch.setattr(nspark.shutil, "which", lambda name: None)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.delenv("PYSPARK_GATEWAY_PORT", raising=False)
    with pytest.raises(nspark.SparkSetupError, match="needs Java"):
        nspark.spark_session("local[1]")


def test_a_glob_match_is_named_from_the_folder_before_the_wildcard() -> None:
    """As the local engine names it (ingest.iter_named_paths): the id of a glob match is
    its path inside the pattern's folders before the first wildcard."""
    assert nspark._glob_root("file:/t/x/a/b/c.txt", "/t/x/a/*/c.txt") == "file:/t/x/a"
    assert nspark._glob_root("file:/t/x/a/b/c.txt", "/t/x/a/b/*.txt") == "file:/t/x/a/b"
    assert nspark._glob_root("hdfs://h/d/e.txt", "hdfs://h/d/*.txt") == "hdfs://h/d"


def test_short_copy_pairs_are_the_local_engine_s(spark: Any) -> None:
    """``spark.short_copy_pairs_df`` (joins) proposes the pairs ``corpus.short_copy_pairs``
    proposes, on 120 articles whose words make many short copies, common words and ties
    in length among them (rows become ids)."""
    rng = random.Random(5)
    words = [sorted(set(rng.sample(range(90), rng.randint(4, 45)))) for _ in range(120)]
    rows = [(f"id{k:03}", words[k]) for k in range(len(words))]
    local = short_copy_pairs(
        [
            ContentTerms(
                np.array([w for ws in words for w in ws], np.int64),
                np.array([k for k, ws in enumerate(words) for _ in ws], np.int64),
                len(words),
            )
        ],
        Options(),
    )
    assert len(local) > 20  # a real test
    prints = spark.createDataFrame(rows, "id string, terms array<long>")
    found = nspark.short_copy_pairs_df(prints, Options()).collect()
    assert sorted((r["a"], r["b"]) for r in found) == [
        (f"id{i:03}", f"id{j:03}") for i, j in local.tolist()
    ]


def test_print_rows_carry_each_article_s_own_content_words() -> None:
    """The fingerprint rows Spark joins on hold, per article, the content words
    ``article_parts`` finds in that article alone (the batch's words cut per article)."""
    texts = [
        "Harbour talks resumed on Monday in Lethorpe after a long pause in the dispute.",
        "",
        "The council said the talks stalled again when the ferry operators walked out.",
        "Lethorpe harbour reopened to traffic on Tuesday morning, officials said today.",
    ]
    rows = [
        {**dict.fromkeys(nspark.ARTICLE_FIELDS), "id": f"a{k}", "text": t}
        for k, t in enumerate(texts)
    ]
    records = list(nspark._fingerprint_partition(iter(rows), Options()))
    common = SimpleNamespace(value=np.empty(0, np.uint64))
    printed = [r for rec in records for r in nspark._print_rows(rec, Options(), common, common)]
    assert [p[0] for p in printed] == ["a0", "a1", "a2", "a3"]
    for (art_id, _, _, _, terms), row in zip(printed, rows, strict=True):
        alone = article_parts([nspark._article(row)], frequencies=False, content=True).content
        assert terms == alone.hashes.tolist(), art_id
    assert printed[0][4] and not printed[1][4]
