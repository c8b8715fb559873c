"""Fit the scan's pre-verdict (``newstrace.preverdict``) and check it out of sample.

For each corpus the scan's candidate stage runs as in ``newstrace scan`` (fingerprints,
bands, the screen), and every candidate is verified: the verifier's answer (reuse or
not) is the label, the signature features are the inputs. Corpora:

* generated: ``newstrace_synth.corpus`` news (families, same-event decoys, unrelated);
* web: PAN 2013 sample documents (../shared/data/pan13-subset), each three times, the
  second and third copies with every space-separated word dropped with probability
  0.02 (the web corpus of the issue, a part of it: ``--web-files``);
* meter / counter: real agency copy and newspaper articles (../shared/data), all
  articles of the collection in one scan.

Out of sample, one corpus at a time: the model is fitted on the other corpora, its
cut-off keeps ``--keep`` of their reuse pairs, and the held-out corpus reports the
reuse pairs kept (what the pre-verdict costs in recall) and the candidates skipped
(what it saves). The shipped model is then fitted on all of them.

    python bench/train_preverdict.py [--out src/newstrace/weights/preverdict.json]
    python bench/train_preverdict.py --no-write     # the out-of-sample table only
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import _setup  # noqa: F401  (one BLAS thread, newstrace importable)
import numpy as np
from reuse_data import DATA, counter_pairs, meter_pairs

from newstrace.compare import Prepared, prepare
from newstrace.corpus import CorpusFingerprinter, screen_candidates, verify_pair
from newstrace.ingest import article_from_record, read_article
from newstrace.lsh import candidate_pairs
from newstrace.model import Article
from newstrace.options import DEFAULT_OPTIONS
from newstrace.preverdict import PREVERDICT_FEATURES, expand, pair_features

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "src" / "newstrace" / "weights" / "preverdict.json"
KEEP = 0.999
"""Share of the training corpora's reuse pairs the cut-off keeps (0.995 lost 2-6% of
the reuse of a held-out real corpus; 0.999 at most 1%)."""
C = 1.0
UNSKIPPED = DEFAULT_OPTIONS.with_(preverdict=False)
"""The scan's candidates before the pre-verdict: what it is applied to, and what the
out-of-sample table reports on."""
FIT_FLOOR = 0.3
"""``containment_floor`` of the candidates the model is fitted on: the stricter
population of the scan's candidates (the scan screens at ``Options.containment_floor``,
0.2). Fitted on every candidate at 0.2, the cut-off falls to keep the hardest reuse of
the extra pairs (Urdu partial rewrites with a fifth of their names in common) and lets
more of everything through: 14,209 candidates against 12,033 on 10,000 generated
articles, 3,823 against 3,423 on COUNTER-half, for the same reuse found (recall 0.979
and 0.868 both); the out-of-sample table below is read on the whole 0.2 population."""
WORD_DROP = 0.02
"""The web corpus's edit: each space-separated word of copies 2 and 3 dropped with this
probability (as the issue builds it)."""


@dataclass(frozen=True, slots=True)
class Labelled:
    corpus: str
    features: np.ndarray  # (n, len(PREVERDICT_FEATURES))
    reuse: np.ndarray  # (n,) bool: the verifier's answer
    fitted: np.ndarray  # (n,) bool: among the candidates at ``FIT_FLOOR``

    def part(self, rows: np.ndarray) -> Labelled:
        return Labelled(self.corpus, self.features[rows], self.reuse[rows], self.fitted[rows])


def labelled(name: str, articles: Sequence[Article]) -> Labelled:
    """Candidates of one corpus, as the scan finds them, with the verifier's answers."""
    t0 = time.perf_counter()
    printer = CorpusFingerprinter(UNSKIPPED)
    printer.add(articles)
    fp, keys = printer.finish()
    pairs = screen_candidates(candidate_pairs(keys, UNSKIPPED.max_bucket), fp, UNSKIPPED)
    strict = screen_candidates(pairs, fp, UNSKIPPED.with_(containment_floor=FIT_FLOOR))
    fitted = np.isin(_pair_codes(pairs, len(articles)), _pair_codes(strict, len(articles)))
    prepared: dict[int, Prepared] = {}

    def get(k: int) -> Prepared:
        if k not in prepared:
            prepared[k] = prepare(articles[k])
        return prepared[k]

    reuse = np.array(
        [verify_pair(get(i), get(j), UNSKIPPED) is not None for i, j in pairs.tolist()],
        dtype=bool,
    )
    print(
        f"  {name}: {len(articles)} articles, {len(pairs)} candidates, "
        f"{int(reuse.sum())} reuse ({time.perf_counter() - t0:.0f} s)",
        flush=True,
    )
    return Labelled(name, pair_features(fp, pairs), reuse, fitted)


def _pair_codes(pairs: np.ndarray, n: int) -> np.ndarray:
    """One integer per candidate pair (rows of ``pairs`` index ``n`` articles)."""
    return pairs[:, 0].astype(np.int64) * n + pairs[:, 1]


def generated(n: int, seed: int) -> list[Article]:
    from newstrace_synth.corpus import build_corpus

    return [
        article_from_record(r, f"generated:{k}")
        for k, r in enumerate(build_corpus(n, seed).records())
    ]


def web(files: int, seed: int) -> list[Article]:
    """A part of the issue's web corpus: ``files`` PAN documents, each three times."""
    pan = DATA / "pan13-subset"
    paths = sorted((pan / "final_txt_files").glob("*.txt")) + sorted((pan / "susp").glob("*.txt"))
    rng = random.Random(seed)
    paths = sorted(rng.sample(paths, min(files, len(paths))))
    out = []
    for p in paths:
        text = read_article(p).text
        out.append(Article(id=f"{p.parent.name}/{p.name}#1", text=text))
        for copy in (2, 3):
            words = [w for w in text.split(" ") if rng.random() >= WORD_DROP]
            out.append(Article(id=f"{p.parent.name}/{p.name}#{copy}", text=" ".join(words)))
    return out


def agency(pairs_of: str) -> list[Article]:
    pairs = meter_pairs() if pairs_of == "meter" else counter_pairs()
    seen: dict[str, Article] = {}
    for p in pairs:
        seen.setdefault(p.source.id, p.source)
        seen.setdefault(p.copy.id, p.copy)
    return list(seen.values())


def fit(parts: Sequence[Labelled], keep: float = KEEP) -> dict[str, object]:
    """Logistic regression (classes weighted alike) and the cut-off keeping ``keep`` of
    the reuse pairs of ``parts``, on their candidates at ``FIT_FLOOR``."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    parts = [p.part(p.fitted) for p in parts]

    x = expand(np.concatenate([p.features for p in parts]))
    y = np.concatenate([p.reuse for p in parts])
    # Each corpus weighs the same, whatever its number of candidates.
    w = np.concatenate([np.full(len(p.reuse), 1.0 / max(1, len(p.reuse))) for p in parts])
    w *= len(w) / w.sum()
    scaler = StandardScaler().fit(x)
    lr = LogisticRegression(C=C, max_iter=5000, class_weight="balanced")
    lr.fit(scaler.transform(x), y, sample_weight=w)
    prob = lr.predict_proba(scaler.transform(x))[:, 1]
    cutoff = float(np.quantile(prob[y], 1.0 - keep)) if y.any() else 0.0
    return {
        "about": "newstrace scan pre-verdict: logistic regression over "
        "preverdict.PREVERDICT_FEATURES predicting the verifier's answer; rebuilt by "
        "bench/train_preverdict.py from generated news, PAN 2013 sample documents "
        "(research use) and METER-dev / COUNTER-half agency copy (research use); no "
        "text of them is shipped.",
        "features": list(PREVERDICT_FEATURES),
        "mean": scaler.mean_.round(6).tolist(),
        "scale": np.where(scaler.scale_ > 0, scaler.scale_, 1.0).round(6).tolist(),
        "coef": lr.coef_[0].round(6).tolist(),
        "intercept": round(float(lr.intercept_[0]), 6),
        "cutoff": round(cutoff, 6),
        "keep": keep,
        "trained_on": {p.corpus: [len(p.reuse), int(p.reuse.sum())] for p in parts},
    }


def held_out(parts: Sequence[Labelled], keep: float) -> None:
    """One corpus at a time: fitted on the others, scored on all its candidates."""
    from newstrace.preverdict import PreVerdict

    print(f"\nout of sample (fit on the other corpora, cut-off keeps {keep} of their reuse):")
    print(f"  {'corpus':<10} {'candidates':>10} {'reuse':>6} {'reuse kept':>10} {'skipped':>8}")
    for k, test in enumerate(parts):
        model = PreVerdict.from_json(fit([p for i, p in enumerate(parts) if i != k], keep))
        kept = model.probabilities(test.features) >= model.cutoff
        recall = (kept & test.reuse).sum() / max(1, test.reuse.sum())
        print(
            f"  {test.corpus:<10} {len(kept):>10} {int(test.reuse.sum()):>6} "
            f"{recall:>10.4f} {1 - kept.mean():>8.3f}"
        )


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--out", type=Path, default=MODEL)
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--generated", type=int, default=2000)
    ap.add_argument("--web-files", type=int, default=400)
    ap.add_argument("--keep", type=float, default=KEEP)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    print("labelling candidates with the verifier:")
    parts = [
        labelled("generated", generated(args.generated, args.seed)),
        labelled("generated-2", generated(args.generated * 3 // 2, args.seed + 1)),
    ]
    if (DATA / "pan13-subset").is_dir():
        parts.append(labelled("web", web(args.web_files, args.seed)))
    for name in ("meter", "counter"):
        articles = agency(name)
        if articles:
            parts.append(labelled(name, articles))
    held_out(parts, args.keep)
    if not args.no_write:
        args.out.write_text(json.dumps(fit(parts, args.keep), indent=1) + "\n", encoding="utf-8")
        print(f"\nwrote {args.out}")
    print(
        f"reproduce: python bench/train_preverdict.py --generated {args.generated} "
        f"--web-files {args.web_files} --keep {args.keep} --seed {args.seed}"
    )


if __name__ == "__main__":
    main()
