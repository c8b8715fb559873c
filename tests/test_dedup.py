"""Dedup stage: one article per family, by the level of reuse the curator chooses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from newstrace.cli import main
from newstrace.dedup import deduplicate
from newstrace.errors import OptionsError
from newstrace.model import PairResult, Relation


def _pair(a: str, b: str, relation: Relation, source: str | None) -> PairResult:
    return PairResult(a, b, relation, 1.0, 1.0, source, 0.9)


PAIRS = [
    _pair("wire", "reprint", "duplicate", "wire"),
    _pair("rewrite", "wire", "rewrite", "wire"),
    _pair("column", "wire", "partial", "wire"),
    _pair("other", "other-copy", "duplicate", None),
]
IDS = ["reprint", "wire", "rewrite", "column", "other", "other-copy", "alone"]
PUBLISHED = {"other": "2026-01-02T10:00", "other-copy": "2026-01-01T09:00"}


def test_rewrite_level_drops_reprints_and_rewrites_and_keeps_the_source() -> None:
    d = deduplicate(IDS, PAIRS, PUBLISHED)
    assert d.kept == ("wire", "column", "other-copy", "alone")
    assert d.removed == {"reprint": "wire", "rewrite": "wire", "other": "other-copy"}


def test_duplicate_level_keeps_rewrites() -> None:
    d = deduplicate(IDS, PAIRS, PUBLISHED, level="duplicate")
    assert "rewrite" in d.kept and d.removed["reprint"] == "wire"


def test_partial_level_also_drops_an_article_that_took_a_passage() -> None:
    d = deduplicate(IDS, PAIRS, PUBLISHED, level="partial")
    assert d.removed["column"] == "wire"
    assert set(d.kept) | set(d.removed) == set(IDS)


def test_an_unknown_level_is_refused() -> None:
    with pytest.raises(OptionsError, match="level must be one of"):
        deduplicate(IDS, PAIRS, PUBLISHED, level="some")


# --------------------------------------------------------------------------- the CLI

DEMO = Path(__file__).resolve().parents[1] / "demo" / "corpus.jsonl"


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def test_dedup_keeps_each_family_original_and_maps_the_rest(tmp_path: Path) -> None:
    runner = CliRunner()
    scanned = tmp_path / "scan"
    assert runner.invoke(main, ["scan", str(DEMO), "--out", str(scanned)]).exit_code == 0
    families = _jsonl(scanned / "families.jsonl")
    kept_ids: dict[str, set[str]] = {}
    for level in ("duplicate", "rewrite", "partial"):
        out, mapping = tmp_path / f"{level}.jsonl", tmp_path / f"{level}-removed.jsonl"
        args = ["dedup", str(DEMO), "--out", str(out), "--mapping", str(mapping)]
        res = runner.invoke(main, [*args, "--level", level])
        assert res.exit_code == 0, res.output
        removed = {r["id"]: r["kept"] for r in _jsonl(mapping)}
        kept = _jsonl(out)
        kept_ids[level] = {r["id"] for r in kept}
        assert len(kept) + len(removed) == 14 and not kept_ids[level] & set(removed)
        assert all(r["text"] for r in kept)  # whole articles, readable as JSONL input
        for kept_for in removed.values():  # a removed article points at a kept original
            assert kept_for in kept_ids[level]
            assert kept_for in {f["original"] for f in families}
    # any reuse: the families of the scan exactly
    assert {r["id"]: r["kept"] for r in _jsonl(tmp_path / "partial-removed.jsonl")} == {
        m: f["original"] for f in families for m in f["members"] if m != f["original"]
    }
    assert kept_ids["duplicate"] > kept_ids["rewrite"] >= kept_ids["partial"]
    assert "06-partial" in kept_ids["rewrite"] and "06-partial" not in kept_ids["partial"]


def test_dedup_of_a_deduplicated_collection_removes_nothing(tmp_path: Path) -> None:
    runner = CliRunner()
    first, second = tmp_path / "kept.jsonl", tmp_path / "again.jsonl"
    assert runner.invoke(main, ["dedup", str(DEMO), "--out", str(first)]).exit_code == 0
    assert (tmp_path / "kept.removed.jsonl").exists()  # the mapping's default place
    res = runner.invoke(main, ["dedup", str(first), "--out", str(second)])
    assert res.exit_code == 0, res.output
    assert _jsonl(second) == _jsonl(first)
    assert (tmp_path / "again.removed.jsonl").read_text() == ""


def test_scan_keep_one_writes_kept_and_removed_into_out(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(main, ["scan", str(DEMO), "--out", str(tmp_path), "--keep-one=duplicate"])
    assert res.exit_code == 0, res.output
    removed = {r["id"]: r["kept"] for r in _jsonl(tmp_path / "removed.jsonl")}
    duplicates = [p for p in _jsonl(tmp_path / "pairs.jsonl") if p["relation"] == "duplicate"]
    assert {x for p in duplicates for x in (p["a"], p["b"])} == {
        "01-wire",
        "02-reprint-herald",
        "03-reprint-daily",
    }  # the demo's two reprints of the wire story
    assert removed == {"02-reprint-herald": "01-wire", "03-reprint-daily": "01-wire"}
    assert len(_jsonl(tmp_path / "kept.jsonl")) == 14 - len(removed)
    res = runner.invoke(main, ["scan", str(DEMO), "--keep-one"])
    assert res.exit_code == 2
    assert "--keep-one writes kept.jsonl into --out" in res.output
