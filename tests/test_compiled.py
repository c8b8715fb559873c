"""The compiled build (``setup.py``: the hot stages through mypyc) answers exactly as the
Python modules do: every field of ``compare`` on invented pairs of every kind and on the
demo corpus, and a whole scan's pairs and families.

The suite itself runs on the Python modules (an editable install): this is where the
modules a wheel install compiles are tested. The compiled copy is kept under ``build/``
for the sources it was made from, so a second run costs only the comparison.
"""

from __future__ import annotations

import hashlib
import json
import os
import runpy
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
COMPILED: tuple[str, ...] = runpy.run_path(str(ROOT / "setup.py"), run_name="setup")["COMPILED"]

# What each build is asked: printed as JSON lines, compared line by line.
PROBE = """
import dataclasses, itertools, json, random, sys
from pathlib import Path
from newstrace import article_from_text, compare, compiled_modules, read_article
from newstrace_synth import textgen

print(json.dumps(sorted(compiled_modules())))
rng = random.Random(7)
pairs = []
for kind in textgen.KINDS:
    for k in range(5):
        a, b = textgen.make_pair(kind, rng)
        pairs.append((article_from_text(a.text, id="a"), article_from_text(b.text, id="b")))
demo = sorted(Path(sys.argv[1]).glob("*.txt"))
for a, b in itertools.combinations(demo, 2):
    pairs.append((read_article(a), read_article(b)))
for a, b in pairs:
    c = compare(a, b)
    print(json.dumps(dataclasses.asdict(c), default=str, sort_keys=True))

# A scan freezes the collector while it verifies: what it prepares must be freed by
# reference counting, so a scan (its copy trees too) leaves no reference cycle behind.
import gc
from newstrace import iter_articles
from newstrace.scan import scan
gc.collect()
gc.disable()
gc.set_debug(gc.DEBUG_SAVEALL)
scan(list(iter_articles([Path(sys.argv[1]).with_suffix(".jsonl")])))
gc.collect()
held = sum(type(o).__name__ in ("Prepared", "Side") for o in gc.garbage)
print(json.dumps({"prepared articles in reference cycles": held}))
"""


def _compiled_copy(tmp_path: Path) -> Path:
    """A folder holding ``newstrace`` with ``COMPILED`` built as extensions (made once
    per version of the sources, then reused)."""
    digest = hashlib.sha256((ROOT / "setup.py").read_bytes())
    for path in sorted((SRC / "newstrace").rglob("*.py")):
        digest.update(path.read_bytes())
    done = ROOT / "build" / "compiled-check" / digest.hexdigest()[:16]
    if done.is_dir():
        return done
    if done.parent.is_dir():  # copies of earlier sources: never read again
        for old in done.parent.iterdir():
            shutil.rmtree(old, ignore_errors=True)
    work = tmp_path / "compile"
    shutil.copytree(SRC / "newstrace", work / "newstrace")
    paths = [f"newstrace/{name}.py" for name in COMPILED]
    options = ["--config-file", str(ROOT / "pyproject.toml"), "--ignore-missing-imports"]
    run = subprocess.run(
        [sys.executable, "-m", "mypyc", *options, *paths],
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    shutil.rmtree(work / "build")
    staged = done.with_name(f"{done.name}.{uuid.uuid4().hex}")
    staged.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(work, staged)
    try:
        staged.rename(done)  # another worker may have finished first: either copy serves
    except OSError:
        shutil.rmtree(staged)
    return done


def _answers(path: Path, *args: str) -> list[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(path), str(SRC)])}
    run = subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return run.stdout.splitlines()


@pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler to build with")
def test_the_compiled_stages_answer_as_the_python_ones(tmp_path: Path) -> None:
    pytest.importorskip("mypyc", reason="mypyc (in mypy, a test extra) compiles the stages")
    compiled = _compiled_copy(tmp_path)
    probe = ["-c", PROBE, str(ROOT / "demo" / "corpus")]
    python, native = _answers(SRC, *probe), _answers(compiled, *probe)
    assert json.loads(python[0]) == []
    assert json.loads(native[0]) == sorted(COMPILED)
    assert len(python) > 100
    assert python[1:] == native[1:]
    assert native[-1] == '{"prepared articles in reference cycles": 0}'

    def scan(path: Path) -> dict[str, str]:
        out = tmp_path / f"scan-{path.name}"
        corpus = str(ROOT / "demo" / "corpus.jsonl")
        _answers(path, "-m", "newstrace", "scan", corpus, "--jobs", "1", "--out", str(out))
        return {f.name: f.read_text() for f in sorted(out.glob("*.jsonl"))}

    python_scan, native_scan = scan(SRC), scan(compiled)
    assert {"pairs.jsonl", "families.jsonl"} <= python_scan.keys()
    assert python_scan == native_scan
