"""How well newstrace.stemma finds who copied whom inside a reuse family, and
newstrace.credit whether each copy credits its source.

Two test beds:

* **generated chains** (``newstrace_synth.chains``): families of an original, copies of
  it and copies of copies, with known parents and credits. Reported: parent accuracy
  (members other than the original whose parent is the true one), root accuracy
  (families whose root is the original), credit accuracy (copies whose credited
  true/false matches the truth), and the share of members left undecided (no parent,
  the candidates named instead): an undecided answer counts as not correct.
* **METER-dev** (../shared/data/meter-dev, read at run time, never copied): per story,
  the Press Association copy and the newspaper articles labelled derived from it (WD,
  PD) form one family; the truth is that every article was made from the PA copy.
  Reported: the share of derived articles whose parent is the PA copy, and the share of
  families whose root is the PA copy. The files carry no publication times.
  ``--meter-half a`` or ``b`` keeps one half of the stories (split by a hash of the story
  id, fixed across runs): develop on one half and report the other, so that no figure is
  measured on the stories the weights were tuned on. The shipped relation model was
  fitted on every METER-dev story; ``--held-out-relation`` compares the stories of each
  half with a model fitted without them (as bench/train_relation.py fits, the other
  half's stories and all else), so the trees are out of sample for it too.

Each pair of a family is compared (``compare.compare_pairs``, all pairs), then the tree is
built from the members and the comparisons. Baseline: ``cluster.pick_original`` over
the pairs' decided sources as the root and every other member its child (a star).

    python bench/eval_provenance.py [--families 200] [--seed 1] [--no-meter] [--show 10]
        [--meter-half {a,b,all}] [--held-out-relation]

Out of sample: the stemma weights were developed on ``--seed 1`` and one METER half;
report seeds 2 and 3 and the other half.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from itertools import combinations
from pathlib import Path

import _setup  # noqa: F401  (one BLAS thread; newstrace from the working tree)
from reuse_data import METER, counter_pairs, meter_pairs

from newstrace.cluster import pick_original
from newstrace.compare import compare_pairs
from newstrace.lineage import pair_of
from newstrace.model import REUSE, Article, Comparison, CopyTree
from newstrace.options import DEFAULT_OPTIONS, Options
from newstrace.stemma import copy_tree
from newstrace_synth.chains import chain_families


def compare_all(members: Sequence[Article], options: Options = DEFAULT_OPTIONS) -> list[Comparison]:
    """Every pair of the family compared once."""
    by_id = {m.id: m for m in members}
    return compare_pairs(combinations(by_id, 2), by_id, options)


def baseline_root(members: Sequence[Article], comparisons: Sequence[Comparison]) -> str:
    """``cluster.pick_original`` over the decided sources of the reuse pairs."""
    pairs = [pair_of(c) for c in comparisons if c.relation in REUSE]
    return pick_original([m.id for m in members], pairs, {m.id: m.published for m in members})


def eval_generated(n: int, seed: int, show: int) -> dict[str, float]:
    counts: Counter[str] = Counter()
    shown = 0
    for fam in chain_families(n, seed):
        members = fam.articles()
        comparisons = compare_all(members)
        tree = copy_tree(members, comparisons)
        base = baseline_root(members, comparisons)
        truth = fam.parents()
        counts["families"] += 1
        counts["root"] += tree.root == fam.root
        counts["base_root"] += base == fam.root
        for e in tree.edges:
            m = fam.member(e.child)
            if m.parent is None:
                continue
            counts["copies"] += 1
            counts["parent"] += e.parent == truth[e.child]
            counts["undecided"] += bool(e.undecided)
            counts["base_parent"] += base == truth[e.child]
            counts["credit"] += e.credit is not None and e.credit.credited == m.credited
            if e.parent != truth[e.child] and not e.undecided and shown < show:
                shown += 1
                print(
                    f"  {fam.id} {e.child} ({m.kind}): parent {truth[e.child]}, "
                    f"got {e.parent}: {'; '.join(e.reasons)}"
                )
    copies, families = counts["copies"], counts["families"]
    return {
        "families": families,
        "copies": copies,
        "parent_accuracy": counts["parent"] / copies,
        "root_accuracy": counts["root"] / families,
        "credit_accuracy": counts["credit"] / copies,
        "undecided_share": counts["undecided"] / copies,
        "baseline_parent_accuracy": counts["base_parent"] / copies,
        "baseline_root_accuracy": counts["base_root"] / families,
    }


def meter_half(story: str) -> str:
    """The half ("a" or "b") a METER story falls in: the parity of a hash of its id."""
    return "ab"[hashlib.sha256(story.encode()).digest()[0] % 2]


def meter_families(half: str = "all") -> list[tuple[str, Article, list[Article]]]:
    """(story, PA copy, derived articles) per METER-dev story with at least one derived
    article, in the given half of the stories ("a", "b" or "all")."""
    groups: dict[str, list[Article]] = defaultdict(list)
    agency: dict[str, Article] = {}
    for p in meter_pairs():
        if p.label in ("WD", "PD") and half in ("all", meter_half(p.group)):
            groups[p.group].append(p.copy)
            agency[p.group] = p.source
    return [(g, agency[g], groups[g]) for g in sorted(groups)]


def held_out_relation(half: str, folder: Path) -> Options:
    """Options whose relation model was fitted as bench/train_relation.py fits the shipped
    one, but without the METER stories of ``half``: the trees of that half are then out
    of sample for the relation model too (the shipped model saw every METER-dev story)."""
    from train_relation import (
        CROSS_PAIRS,
        SYNTHETIC_PER_KIND,
        cross_rows,
        model_file,
        real_rows,
        synthetic_rows,
    )

    kept = [p for p in meter_pairs() if meter_half(p.group) != half]
    counter = counter_pairs()
    rows = (
        real_rows(kept, "cased")
        + cross_rows(kept, "cased", CROSS_PAIRS, 5)
        + real_rows(counter, "uncased")
        + cross_rows(counter, "uncased", CROSS_PAIRS, 5)
        + synthetic_rows(5, SYNTHETIC_PER_KIND)
    )
    path = folder / f"relation-without-{half}.json"
    path.write_text(json.dumps(model_file(rows)), encoding="utf-8")
    return Options(relation_model=str(path))


def eval_meter(half: str = "all", held_out: bool = False) -> dict[str, float]:
    counts: Counter[str] = Counter()
    folder = Path(tempfile.mkdtemp())
    options = {h: held_out_relation(h, folder) if held_out else DEFAULT_OPTIONS for h in ("a", "b")}
    for story, pa, articles in meter_families(half):
        members = [pa, *articles]
        chosen = options[meter_half(story)]
        comparisons = compare_all(members, chosen)
        tree: CopyTree = copy_tree(members, comparisons, chosen)
        base = baseline_root(members, comparisons)
        linked = {
            c.b.id if c.a.id == pa.id else c.a.id
            for c in comparisons
            if c.relation in REUSE and pa.id in (c.a.id, c.b.id)
        }
        counts["families"] += 1
        counts["root"] += tree.root == pa.id
        counts["base_root"] += base == pa.id
        for a in articles:
            e = tree.edge(a.id)
            counts["articles"] += 1
            counts["parent"] += e.parent == pa.id
            counts["undecided"] += bool(e.undecided)
            counts["base_parent"] += base == pa.id
            counts["linked"] += a.id in linked
            counts["linked_parent"] += a.id in linked and e.parent == pa.id
            counts["linked_base_parent"] += a.id in linked and base == pa.id
    n, families = counts["articles"], counts["families"]
    return {
        "families": families,
        "derived_articles": n,
        "parent_is_agency": counts["parent"] / n,
        "root_is_agency": counts["root"] / families,
        "undecided_share": counts["undecided"] / n,
        "articles_compare_links_to_agency": counts["linked"] / n,
        "parent_is_agency_among_linked": counts["linked_parent"] / max(counts["linked"], 1),
        "baseline_parent_is_agency": counts["base_parent"] / n,
        "baseline_root_is_agency": counts["base_root"] / families,
        "baseline_parent_is_agency_among_linked": counts["linked_base_parent"]
        / max(counts["linked"], 1),
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--families", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-meter", action="store_true")
    ap.add_argument("--show", type=int, default=0, help="print this many wrong parents")
    ap.add_argument(
        "--held-out-relation",
        action="store_true",
        help="compare each METER half with a relation model fitted without its stories",
    )
    ap.add_argument(
        "--meter-half",
        choices=("a", "b", "all"),
        default="all",
        help="METER stories of one half only (split by a hash of the story id)",
    )
    args = ap.parse_args(argv)
    cmd = f"python bench/eval_provenance.py --families {args.families} --seed {args.seed}"
    meter = " --no-meter" if args.no_meter else f" --meter-half {args.meter_half}"
    meter += " --held-out-relation" if args.held_out_relation and not args.no_meter else ""
    print(f"reproduce: {cmd}{meter}")
    t = time.perf_counter()
    gen = eval_generated(args.families, args.seed, args.show)
    print(f"generated chains ({time.perf_counter() - t:.0f} s):")
    print(json.dumps({k: round(v, 4) for k, v in gen.items()}, indent=2))
    if not args.no_meter:
        if not METER.is_dir():
            print(f"METER-dev not found at {METER}: skipped", file=sys.stderr)
            return
        t = time.perf_counter()
        scores = eval_meter(args.meter_half, args.held_out_relation)
        half = "" if args.meter_half == "all" else f", half {args.meter_half}"
        took = time.perf_counter() - t
        print(f"METER-dev{half}, PA copy + derived articles per story ({took:.0f} s):")
        print(json.dumps({k: round(v, 4) for k, v in scores.items()}, indent=2))


if __name__ == "__main__":
    main()
