"""Pre-verdict stage: which candidate pairs are worth the full verification.

Candidates come from shared LSH bands, and most of them prove not to be reuse (about
four in five at 10,000 generated articles, more as a corpus grows). Verifying one costs
a thousand times more than reading its two signatures again, so a small learned model
first estimates, from the signatures alone, how likely the verifier is to call the pair
reuse: the Jaccard estimates of both channels (word shingles, entity skeleton), the
containment of the smaller set in the larger (a long agency story and the short article
made from it share little Jaccard but much containment) and the set sizes, with their
squares and pairwise products (``expand``: the boundary between reuse and decoys such
as two reports of one event bends; a plain linear cut kept too few of either).

The model is a logistic regression fitted by ``bench/train_preverdict.py`` on the
verifier's own answers for the candidates of generated news, web documents with planted
plagiarism and real agency copy, with the cut-off that keeps a fixed share of the reuse
pairs of its training corpora; the same script reports what it keeps on corpora it was
not fitted on. A pair below the cut-off is left out unverified.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from .errors import OptionsError
from .fingerprint import Fingerprints, SetSizes, set_sizes
from .lsh import containment_estimates
from .weights import read_model

__all__ = ["PREVERDICT_FEATURES", "PreVerdict", "expand", "pair_features", "preverdict_model"]

PREVERDICT_FEATURES = (
    "shingle_jaccard",
    "skeleton_jaccard",
    "shingle_containment",
    "skeleton_containment",
    "log_shingle_ratio",
    "log_shingle_min",
    "log_skeleton_min",
)
"""What the model reads of one candidate pair, in order (all from the signatures)."""

_CHUNK = 65_536
"""Candidate pairs compared per step: bounds the (chunk, num_perm) equality tables."""


def pair_features(
    fp: Fingerprints, pairs: npt.NDArray[np.int64], sizes: SetSizes | None = None
) -> npt.NDArray[np.float64]:
    """(len(pairs), len(PREVERDICT_FEATURES)) features of candidate pairs (rows of
    ``pairs`` index rows of ``fp``; ``sizes``: every row's ``set_sizes``, when the
    caller made them once for many calls)."""
    out = np.empty((len(pairs), len(PREVERDICT_FEATURES)), dtype=np.float64)
    if not len(pairs):
        return out
    # Sizes are estimated from the signatures in both channels, as an archive or the
    # Spark job (which keep signatures only) must: every engine reads the same features.
    if sizes is None:
        sizes = set_sizes(fp, pairs)
    shingle_sizes, skeleton_sizes = sizes.shingles, sizes.skeleton
    for start in range(0, len(pairs), _CHUNK):
        i, j = pairs[start : start + _CHUNK, 0], pairs[start : start + _CHUNK, 1]
        js = (fp.shingles[i] == fp.shingles[j]).mean(axis=1)
        jk = (fp.skeleton[i] == fp.skeleton[j]).mean(axis=1)
        si, sj = shingle_sizes[i], shingle_sizes[j]
        ki, kj = skeleton_sizes[i], skeleton_sizes[j]
        out[start : start + _CHUNK] = np.column_stack(
            (
                js,
                jk,
                containment_estimates(js, si, sj),
                containment_estimates(jk, ki, kj),
                np.abs(np.log1p(si) - np.log1p(sj)),
                np.log1p(np.minimum(si, sj)),
                np.log1p(np.minimum(ki, kj)),
            )
        )
    return out


def expand(features: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """The features, then every product of two of them (squares included), in the
    order ``(0, 0), (0, 1), ..., (1, 1), ...``: the model's inputs."""
    k = features.shape[1]
    i, j = np.triu_indices(k)
    out: npt.NDArray[np.float64] = np.hstack((features, features[:, i] * features[:, j]))
    return out


@dataclass(frozen=True, slots=True)
class PreVerdict:
    """A fitted pre-verdict: standardisation, weights and the cut-off on the probability."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    cutoff: float

    def probabilities(self, features: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Estimated probability that the verifier calls each pair reuse."""
        z = (expand(features) - np.asarray(self.mean)) / np.asarray(self.scale)
        logit = z @ np.asarray(self.coef) + self.intercept
        out: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-logit))
        return out

    def pair_scores(
        self, fp: Fingerprints, pairs: npt.NDArray[np.int64], sizes: SetSizes | None = None
    ) -> npt.NDArray[np.float64]:
        """The probability for each candidate pair (rows of ``pairs`` index rows of
        ``fp``), read from the signatures: what ``keep`` cuts and what
        ``corpus.bound_candidates`` ranks by."""
        return self.probabilities(pair_features(fp, pairs, sizes))

    def keep(
        self, fp: Fingerprints, pairs: npt.NDArray[np.int64], sizes: SetSizes | None = None
    ) -> npt.NDArray[np.int64]:
        """The candidate pairs worth verifying."""
        if not len(pairs):
            return pairs
        kept: npt.NDArray[np.int64] = pairs[self.pair_scores(fp, pairs, sizes) >= self.cutoff]
        return kept

    @classmethod
    def from_json(cls, data: dict[str, object]) -> PreVerdict:
        def floats(key: str) -> tuple[float, ...]:
            value = data[key]
            if not isinstance(value, list):
                raise OptionsError(f"pre-verdict model: {key} is not a list")
            return tuple(float(x) for x in value)

        return cls(
            floats("mean"),
            floats("scale"),
            floats("coef"),
            float(str(data["intercept"])),
            float(str(data["cutoff"])),
        )


@lru_cache(maxsize=4)
def preverdict_model(path: str | None = None) -> PreVerdict:
    """The shipped pre-verdict (weights/preverdict.json) or the one in the file ``path``."""
    data = read_model("preverdict.json", path, "preverdict_model")
    if tuple(data["features"]) != PREVERDICT_FEATURES:
        raise OptionsError(
            f"pre-verdict model {path or 'weights/preverdict.json'} was trained on other "
            "features; rebuild it with bench/train_preverdict.py"
        )
    return PreVerdict.from_json(data)
