"""Check that a change left every copy tree as it was: ``families.jsonl`` byte for byte.

Usage (from the repository root)::

    . .venv/bin/activate
    # the old code: the commit before the trees were made cheaper (issue 15)
    mkdir -p /tmp/nt-old && git archive 80ce718 src | tar -x -C /tmp/nt-old
    python bench/check_trees.py --old /tmp/nt-old/src
    python bench/check_trees.py --old /tmp/nt-old/src --jobs 1 2   # serial and pooled trees

Why this exists: the copy trees cost as much as a scan's verification (issue 15) and
were made cheaper (drifts only for the root's pairs, credit reads kept per family, trees
in the verification pool); none of that may change a tree. Each corpus (the demo corpus
and 2,000 generated articles, ``gen_corpus.py --n 2000 --seed 1``, built under
``bench/out`` when missing) is scanned by a cold ``newstrace scan`` process with the old
``src`` (once: its output is kept under ``bench/out/tree-check/<corpus>/old``; ``--fresh``
scans again) and with this working tree's ``src``, for each ``--jobs`` given; the
``families.jsonl`` files must be equal byte for byte. Exit status 1 on any difference,
with the first differing family.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
GENERATED = 2000
"""Articles in the generated corpus checked (the size the issue asks for)."""


def generated(n: int) -> Path:
    """The generated corpus of ``n`` articles (seed 1), built when missing."""
    path = OUT / f"corpus-{n}.jsonl"
    if not path.exists():
        gen = [sys.executable, str(HERE / "gen_corpus.py"), "--n", str(n), "--seed", "1"]
        subprocess.run([*gen, "--out", str(path)], check=True, stdout=subprocess.DEVNULL)
    return path


def scan(src: Path, corpus: Path, out: Path, jobs: int | None) -> bytes:
    """``families.jsonl`` of a cold scan of ``corpus`` with the code under ``src``."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    cmd = [sys.executable, "-m", "newstrace", "scan", str(corpus), "--out", str(out)]
    if jobs is not None:
        cmd += ["--jobs", str(jobs)]
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
    return (out / "families.jsonl").read_bytes()


def first_difference(old: bytes, new: bytes) -> str:
    """The first family (line) that differs, both ways, shortened."""
    for k, (a, b) in enumerate(zip(old.splitlines(), new.splitlines(), strict=False)):
        if a != b:
            return f"line {k + 1}:\n  old {a[:300]!r}\n  new {b[:300]!r}"
    return f"line counts differ: {len(old.splitlines())} old, {len(new.splitlines())} new"


def check(name: str, corpus: Path, old_src: Path, jobs: list[int], fresh: bool) -> bool:
    """Whether every new scan of the corpus wrote the old scan's families."""
    work = OUT / "tree-check" / name
    old_out = work / "old"
    if fresh or not (old_out / "families.jsonl").exists():
        scan(old_src, corpus, old_out, None)
    old = (old_out / "families.jsonl").read_bytes()
    ok = True
    for j in jobs:
        new = scan(ROOT / "src", corpus, work / f"new-jobs{j}", j)
        same = new == old
        ok &= same
        lines = len(old.splitlines())
        print(f"{name} --jobs {j}: {'identical' if same else 'DIFFERENT'} ({lines} families)")
        if not same:
            print(first_difference(old, new))
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--old", type=Path, required=True, help="src folder of the old code")
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--fresh", action="store_true", help="scan with the old code again")
    args = ap.parse_args()
    corpora = {"demo": ROOT / "demo" / "corpus.jsonl", f"gen-{GENERATED}": generated(GENERATED)}
    results = [check(n, c, args.old, args.jobs, args.fresh) for n, c in corpora.items()]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
