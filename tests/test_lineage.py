"""Lineage stage and the provenance contracts: families carry copy trees in a scan, in
families.jsonl, in the archive scan and in ``check --format json``."""

from __future__ import annotations

import html
import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from newstrace.archive import Archive
from newstrace.cli import main
from newstrace.lineage import TOO_LARGE, family_tree, tree_pairs, with_tree
from newstrace.model import Article, Comparison, CopyTree, Family, PairResult
from newstrace.options import Options
from newstrace.report.json_report import tree_dict, tree_from_dict
from newstrace.scan import scan
from newstrace_synth import textgen as tg
from newstrace_synth.corpus import grammar_story


def pair(a: str, b: str) -> PairResult:
    return PairResult(a, b, "rewrite", 0.9, 0.9, None, 0.9)


def chain() -> list[Article]:
    """An original, a spin of it, and a spin of the spin, published in that order."""
    rng = random.Random(11)
    a, _ = grammar_story(rng, words=450, stock=0)
    b = tg.spin(a, rng, rate=0.3, drop=0.15, alter_numbers=2)
    c = tg.spin(b, rng, rate=0.15, drop=0.05, alter_numbers=1)
    times = ("2024-05-01T08:00+00:00", "2024-05-01T09:00+00:00", "2024-05-01T10:00+00:00")
    return [
        Article(id=i, text=s.text, site=s.site, published=t, title=f"Story {i}")
        for i, s, t in zip(("z-a", "m-b", "a-c"), (a, b, c), times, strict=True)
    ]


def test_tree_pairs_are_the_verified_pairs_plus_a_bounded_few() -> None:
    members = ["a", "b", "c", "d", "e"]
    star = [pair("a", x) for x in "bcde"]
    assert tree_pairs(members, star, 0) == [("a", "b"), ("a", "c"), ("a", "d"), ("a", "e")]
    extra = tree_pairs(members, star, 1)
    # each member adds at most one pair with a member sharing its partner "a"
    assert len(extra) <= 4 + len(members)
    assert {("b", "c"), ("a", "b")} <= set(extra)


def test_family_tree_orders_a_chain_from_its_verified_pairs() -> None:
    members = chain()
    tree = family_tree(members, [pair("m-b", "z-a"), pair("a-c", "m-b")])
    # the grandparent pair was never verified: the extra pairs give it to the tree
    assert tree.root == "z-a"
    assert tree.parents() == {"z-a": None, "m-b": "z-a", "a-c": "m-b"}


def test_a_family_too_large_to_order_is_a_star_under_its_original() -> None:
    members = chain()
    options = Options(tree_max_members=2)
    fam = Family(("a-c", "m-b", "z-a"), "z-a")
    loaded: list[str] = []

    def load(i: str) -> Article:
        loaded.append(i)
        return next(m for m in members if m.id == i)

    out = with_tree(fam, load, [pair("m-b", "z-a")], options)
    assert out.tree is not None and out.original == "z-a" and loaded == []  # nothing read
    assert out.tree.parents() == {"a-c": "z-a", "m-b": "z-a", "z-a": None}
    assert all(TOO_LARGE in e.reasons[0] for e in out.tree.edges)
    assert with_tree(fam, load, [], Options(tree_max_members=0)) == fam  # trees off


def test_tree_json_round_trips() -> None:
    members = chain()
    tree = family_tree(members, [pair("m-b", "z-a"), pair("a-c", "m-b"), pair("a-c", "z-a")])
    d = json.loads(json.dumps(tree_dict(tree)))
    assert tree_from_dict(d, tree.root) == tree
    assert d["parent"] == {"z-a": None, "m-b": "z-a", "a-c": "m-b"}
    assert {(e["from"], e["to"]) for e in d["edges"]} == {("z-a", "m-b"), ("m-b", "a-c")}
    assert d["credit_summary"]["copies"] == 2
    assert set(d["credit"]) == {"m-b", "a-c"}
    assert all(c["credited"] in (True, False, None) for c in d["credit"].values())


def _write(folder: Path, members: list[Article]) -> Path:
    path = folder / "chain.jsonl"
    path.write_text(
        "".join(
            json.dumps({"id": m.id, "text": m.text, "published": m.published, "title": m.title})
            + "\n"
            for m in members
        )
    )
    return path


def test_scan_families_jsonl_and_archive_scan_carry_the_same_tree(tmp_path: Path) -> None:
    members = chain()
    result = scan(members)
    (fam,) = result.families
    assert isinstance(fam.tree, CopyTree) and fam.original == fam.tree.root == "z-a"
    assert fam.tree.parents()["a-c"] == "m-b"
    path = _write(tmp_path, members)
    res = CliRunner().invoke(main, ["scan", str(path), "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    (line,) = [
        json.loads(x) for x in (tmp_path / "out" / "families.jsonl").read_text().splitlines()
    ]
    assert line["original"] == "z-a" and line["parent"]["a-c"] == "m-b"
    assert line["edges"] and set(line["edges"][0]) == {"from", "to", "confidence", "reasons"}
    assert set(line["credit_summary"]) == {"copies", "credited", "uncredited", "unknown"}
    with Archive(tmp_path / "a.db") as archive:
        archive.add(members)
    with Archive(tmp_path / "a.db", create=False) as archive:
        assert archive.scan().families == result.families


def test_check_json_places_the_checked_article_in_its_family(tmp_path: Path) -> None:
    members = chain()
    with Archive(tmp_path / "a.db") as archive:
        archive.add(members[:2])
    copy = members[2]
    checked = tmp_path / "a-c.html"
    paragraphs = "".join(f"<p>{html.escape(x)}</p>" for x in copy.text.split("\n") if x.strip())
    checked.write_text(
        f'<html><head><meta property="og:site_name" content="{html.escape(copy.site or "")}">'
        f'<meta property="article:published_time" content="{copy.published}">'
        f"<title>{copy.title}</title></head><body><article>{paragraphs}</article></body></html>"
    )
    res = CliRunner().invoke(
        main, ["check", str(checked), "--db", str(tmp_path / "a.db"), "--format", "json"]
    )
    assert res.exit_code == 0, res.output
    family = json.loads(res.output)["family"]
    assert family["original"] == "z-a" and family["parent"] == "m-b"
    assert family["is_original"] is False and family["children"] == []
    assert set(family["members"]) == {"z-a", "m-b", "a-c"}
    assert family["tree"]["parent"]["m-b"] == "z-a"
    assert family["credit"]["credited"] in (True, False, None)


def test_a_family_of_two_takes_its_tree_from_the_verified_pair() -> None:
    """No second comparison: the pair's source is the root and the other's parent; with
    no source the root is the earlier published and the other's parent is undecided."""
    wire = Article(id="w", text="Ferries collided on the river.", published="2024-01-01T08:00")
    copy = Article(
        id="c", text="By Northgate Wire. Ferries collided.", published="2024-01-01T09:00"
    )
    decided = family_tree([wire, copy], [PairResult("c", "w", "rewrite", 1.0, 1.0, "w", 0.9)])
    assert decided.root == "w" and decided.parents() == {"w": None, "c": "w"}
    open_pair = family_tree([wire, copy], [PairResult("c", "w", "rewrite", 1.0, 1.0, None, 0.9)])
    edge = open_pair.edge("c")
    assert open_pair.root == "w"
    assert edge.parent is None and edge.undecided == ("w",)


def test_a_tree_built_from_verifications_comparisons_is_the_tree_compared_afresh() -> None:
    from newstrace.compare import prepare
    from newstrace.corpus import ComparisonSpool, judge_pair

    members = chain()
    by_id = {a.id: a for a in members}
    verified = [("m-b", "z-a"), ("a-c", "m-b")]
    hits: set[tuple[str, str]] = set()
    with ComparisonSpool() as spool:
        for x, y in verified:
            c = judge_pair(prepare(by_id[x]), prepare(by_id[y]), Options())
            assert c is not None and not c.drifts  # what verification keeps: no drifts
            spool.add(c)

        def judged(a: Article, b: Article) -> Comparison | None:
            got = spool.get(a, b)
            if got is not None:
                hits.add((a.id, b.id))
            return got

        pairs = [pair(*sorted(p)) for p in verified]
        assert family_tree(members, pairs, judged=judged) == family_tree(members, pairs)
    # both verified pairs were read back (in id order), not compared again
    assert hits == {("m-b", "z-a"), ("a-c", "m-b")}


def test_the_comparison_spool_gives_nothing_for_other_text_under_an_id() -> None:
    from newstrace.compare import prepare
    from newstrace.corpus import ComparisonSpool, judge_pair

    a, b, _ = chain()
    c = judge_pair(prepare(a), prepare(b), Options())
    assert c is not None
    with ComparisonSpool() as spool:
        spool.add(c)
        first, second = (c.a, c.b)
        assert spool.get(first, second) == c
        assert spool.get(second, first) is None  # kept in id order only
        other = Article(id=second.id, text=second.text + " A new last sentence was added.")
        assert spool.get(first, other) is None  # the id was given to other text


def test_a_tree_does_not_compare_again_a_pair_verification_found_no_reuse(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A member pair that verification compared (``compared``) and did not call reuse is
    left out of the tree's comparisons: the same tree, one comparison fewer; a verified
    reuse pair is still read, whatever ``compared`` says."""
    import newstrace.lineage as lineage
    from newstrace.compare import compare
    from newstrace.model import REUSE

    rng = random.Random(5)
    first, _ = grammar_story(rng, words=300, stock=0)
    second, _ = grammar_story(rng, words=300, stock=0)
    half_a = first.text[: len(first.text) // 2].rsplit(".", 1)[0] + "."
    half_c = second.text[len(second.text) // 2 :].split(".", 1)[1]
    texts = {"a": first.text, "b": f"{half_a}\n\n{half_c.strip()}", "c": second.text}
    members = [Article(id=i, text=t, title=f"Story {i}") for i, t in texts.items()]
    by_id = {m.id: m for m in members}
    assert compare(by_id["a"], by_id["b"]).relation in REUSE
    assert compare(by_id["b"], by_id["c"]).relation in REUSE
    assert compare(by_id["a"], by_id["c"]).relation not in REUSE
    pairs = [pair("a", "b"), pair("b", "c")]
    asked: list[tuple[str, str]] = []
    fresh = lineage.compare_prepared

    def counted(pa: object, pb: object, *args: object, **kwargs: object) -> object:
        asked.append((pa.article.id, pb.article.id))  # type: ignore[attr-defined]
        return fresh(pa, pb, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(lineage, "compare_prepared", counted)
    whole = family_tree(members, pairs)
    assert sorted(asked) == [("a", "b"), ("a", "c"), ("b", "c")]
    asked.clear()
    assert family_tree(members, pairs, compared=lambda x, y: True) == whole
    assert sorted(asked) == [("a", "b"), ("b", "c")]
