"""Fingerprint stage: the shared word vocabulary stays bounded without changing a hash."""

from __future__ import annotations

import random

import numpy as np
import pytest

from newstrace import fingerprint
from newstrace.fingerprint import document_frequencies, fingerprint_parts, word_features
from newstrace.text import term
from newstrace_synth import textgen


def _texts(n: int) -> list[str]:
    rng = random.Random(3)
    return [textgen.make_story(rng, 200).text for _ in range(n)]


def _run(texts: list[str]) -> list[object]:
    """Everything the fingerprint functions return for the texts, batch by batch."""
    out: list[object] = []
    for k in range(0, len(texts), 4):
        parts = fingerprint_parts(texts[k : k + 4])
        out += [parts.shingles, parts.sizes, parts.skeleton.hashes, parts.frequencies]
    out += [word_features(t) for t in texts[:3]]
    out.append(document_frequencies(texts))
    return out


def test_the_vocabulary_starts_afresh_past_its_size_and_hashes_stay(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = _texts(12)
    monkeypatch.setattr(fingerprint, "_VOCAB", fingerprint._Vocabulary())
    whole = _run(texts)
    assert len(fingerprint._VOCAB._word) > 300
    monkeypatch.setattr(fingerprint, "_VOCAB", fingerprint._Vocabulary())
    monkeypatch.setattr(fingerprint, "_VOCAB_WORDS_KEPT", 100)
    renewed: list[fingerprint._Vocabulary] = []
    real = fingerprint._vocabulary

    def watched() -> fingerprint._Vocabulary:
        vocab = real()
        if not renewed or renewed[-1] is not vocab:
            renewed.append(vocab)
        return vocab

    monkeypatch.setattr(fingerprint, "_vocabulary", watched)
    bounded = _run(texts)
    assert len(renewed) > 3  # it was replaced again and again
    assert len(bounded) == len(whole)
    for x, y in zip(whole, bounded, strict=True):
        if isinstance(x, tuple):
            for u, v in zip(x, y, strict=True):  # type: ignore[call-overload]
                np.testing.assert_array_equal(u, v)
        elif isinstance(x, np.ndarray):
            np.testing.assert_array_equal(x, y)
        else:
            assert x == y


def test_term_sets_are_the_content_words_and_the_skeleton_terms_of_a_text() -> None:
    """The content words are those ``document_frequencies`` counts; the skeleton terms
    are the content words of capitalised words, words with digits and words of scripts
    without letter case, whatever the vocabulary saw before."""
    text = "Harbour talks resumed on Monday; the harbour board said 2024 was hard. بندرگاہ کھلی"
    words, skeleton = fingerprint.term_sets(text)
    assert words == frozenset(document_frequencies([text]))
    assert {"harbou", "monday", "2024", "board", "talk"} <= words
    urdu = {term(w) for w in ("بندرگاہ", "کھلی")}  # stems, as every content word
    assert skeleton == frozenset({"harbou", "monday", "2024", *urdu})
    assert fingerprint.term_sets("the and of") == (frozenset(), frozenset())


def test_slot_values_held_by_many_rows_are_left_out_before_densifying() -> None:
    empty = int(fingerprint._EMPTY)
    raw = np.array(
        [
            [7, 7, 3, empty],  # slots 0 and 1 hold the common 7s, slot 3 is empty
            [7, 7, 4, 9],
            [7, 8, 5, 9],
            [7, 7, empty, empty],  # common values only: it keeps them
        ],
        dtype=np.uint32,
    )
    codes, counts = fingerprint.slot_frequencies(raw)
    held = dict(zip(codes.tolist(), counts.tolist(), strict=True))
    assert held[0 << 32 | 7] == 4 and held[1 << 32 | 7] == 3 and held[3 << 32 | 9] == 2
    assert (2 << 32 | empty) not in held  # empty slots are not values
    common = fingerprint.common_slots(codes, counts, 2)
    assert common.tolist() == [0 << 32 | 7, 1 << 32 | 7]
    dense = fingerprint.dense_signatures(raw, common)
    assert (dense != empty).all()
    assert dense[0, 2] == 3 and dense[1, 3] == 9 and dense[2, 1] == 8  # the rest stays
    assert 7 not in dense[:3, :2]  # left out, filled from the rows' own other slots
    assert dense[3].tolist() == fingerprint.dense_signatures(raw[3:]).tolist()[0]
    assert fingerprint.common_slots(codes, counts, 0).tolist() == []  # 0: keep all
    texts = _texts(6)
    raw_parts = fingerprint_parts(texts, dense=False)
    assert not raw_parts.dense and (raw_parts.shingles == fingerprint._EMPTY).any()
    densified = fingerprint.dense_signatures(raw_parts.shingles)
    assert densified.tolist() == fingerprint_parts(texts).shingles.tolist()
