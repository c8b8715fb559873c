"""The scan's pre-verdict: features from signatures, the shipped model, what it keeps."""

from __future__ import annotations

import random

import numpy as np

from newstrace.fingerprint import fingerprint_texts
from newstrace.preverdict import PREVERDICT_FEATURES, expand, pair_features, preverdict_model
from newstrace_synth import textgen


def _texts() -> list[str]:
    rng = random.Random(11)
    original, spun = textgen.make_pair("spun", rng)
    one, other = textgen.make_pair("unrelated", rng)  # two topics: no shared frames
    return [original.text, spun.text, one.text, other.text]


def test_expand_appends_every_product_of_two_features() -> None:
    x = np.array([[2.0, 3.0, 5.0]])
    assert expand(x).tolist() == [[2.0, 3.0, 5.0, 4.0, 6.0, 10.0, 9.0, 15.0, 25.0]]


def test_features_of_a_pair_with_itself_show_full_overlap() -> None:
    fp = fingerprint_texts(_texts())
    f = pair_features(fp, np.array([[0, 0], [2, 3]], dtype=np.int64))
    assert f.shape == (2, len(PREVERDICT_FEATURES))
    same, other = f
    assert same[PREVERDICT_FEATURES.index("shingle_jaccard")] == 1.0
    assert same[PREVERDICT_FEATURES.index("shingle_containment")] == 1.0
    assert other[PREVERDICT_FEATURES.index("shingle_jaccard")] < 0.1


def test_the_shipped_model_keeps_a_rewrite_and_leaves_out_an_unrelated_pair() -> None:
    fp = fingerprint_texts(_texts())
    model = preverdict_model()
    pairs = np.array([[0, 1], [2, 3]], dtype=np.int64)
    p = model.probabilities(pair_features(fp, pairs))
    assert p[0] >= model.cutoff > p[1]
    assert model.keep(fp, pairs).tolist() == [[0, 1]]
