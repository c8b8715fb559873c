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
