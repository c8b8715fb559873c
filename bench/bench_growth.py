"""Growth benchmark: cold ``newstrace scan`` runs beside peer MinHash-LSH passes (issue 15).

Usage (from the repository root)::

    . .venv/bin/activate    # plus the bench extra: datasketch, xxhash, rensa
    python bench/bench_growth.py                          # 2k and 10k generated articles
    python bench/bench_growth.py --sizes 2000 10000 100000 --web
    # a commit rather than a working tree being edited (the header says which ran):
    mkdir -p /tmp/nt-head && git archive HEAD src | tar -x -C /tmp/nt-head
    PYTHONPATH=/tmp/nt-head/src python bench/bench_growth.py --web

Why this exists: earlier scan benchmarks timed in-process, repeated runs with a warm word
vocabulary and reported wall time on a shared machine. Here every measured run is a
**cold process** started from the JSONL file, measured whole: CPU (user + system of the
process and any children it waited for, ``os.wait4``), wall time and peak RSS
(``ru_maxrss``: the largest single process). Nothing is repeated, so nothing is warm
except the OS file cache. The machine is shared (2 cores): CPU time is the figure to
trust; wall above CPU means the process waited for a core.

Corpora: ``--sizes`` generated corpora (``gen_corpus.py --n N --seed S``, truth
included) and, with ``--web``, the 9,372-document web corpus (``web_corpus.py``: the
PAN 2013 sample's 3,124 files three times, copies 2 and 3 with 2% of their words
dropped). The corpus files are (re)built first, untimed, under ``bench/out``; each
tool's output goes to ``bench/out/growth/<corpus>/``, all figures to ``results.json``.

Runs per corpus, one after another:

* **newstrace**: ``newstrace scan FILE --out DIR --jobs 1`` (``--jobs``: same answer
  for any number). It is started through a small shim that points the stage clock
  of ``newstrace.scan`` (``time.perf_counter``) at ``time.process_time``, so the
  ``seconds`` of ``summary.json`` are CPU seconds per stage (with ``--jobs`` > 1 the
  verify stage's workers are not in them; the process total still is). "outside"
  is process CPU minus the scan's total: interpreter start, imports, writing output.
  Candidates, verified (reuse) pairs and their share come from ``summary.json``.
* **peers** (``peer_lsh.py``, read its docstring): datasketch ``MinHash(128)`` +
  ``MinHashLSH(threshold=0.3)`` with the default hash and with xxhash, and rensa with the
  same banding, on the same words and word 3-shingles as newstrace's shingle channel.
  A peer does the candidate pass only: no verification, no families.

Scores: generated corpora: pair precision/recall/F1 of newstrace's pairs against the
truth (ambiguous truth pairs left out of both sides, as ``eval_scan.py``), and the
same for each peer's candidates taken as the answer. Web corpus: recall of the 9,372
planted copy pairs (the PAN documents reuse each other too, so no precision). The
growth exponent of newstrace's CPU is ``log(cpu_b / cpu_a) / log(n_b / n_a)`` between
generated sizes, 10k -> 100k when both ran (target <= 1.15).

Figures, 2026-12-05: newstrace at commit f2b4288 (``src`` from ``git archive``, others
were editing the tree), ``--jobs 1``, default options; datasketch 2.0.0, xxhash 4.1.0,
rensa 0.5.0; one cold run each on a shared 2-core machine whose 1-minute load was 2.3-5.7
(so wall > CPU; CPU is the figure). ``PYTHONPATH=/tmp/nt-head/src python
bench/bench_growth.py --sizes 2000 10000 --web``:

    corpus        tool               cand  verified acc%  CPU s  wall s  RSS MiB  ns/peer  score
    gen 2,000     newstrace scan     2,443   1,149  47.0    9.2   13.6    164            F1 0.965 (P .967 R .963)
                  datasketch         7,965                  2.8    3.0    108      3.2   cand. R 0.640
                  datasketch-xxhash  4,818                  2.2    2.8    107      4.2   cand. R 0.641
                  rensa              8,719                  0.7    1.3     46     13.5   cand. R 0.634
    gen 10,000    newstrace scan    28,196   5,642  20.0   73.1  100.5    999            F1 0.962 (P .960 R .965)
                  datasketch       176,395                 10.3   10.9    242      7.1   cand. R 0.645
                  datasketch-xxhash 114,916                7.2    7.8    224     10.2   cand. R 0.653
                  rensa            177,369                  3.3    3.3    109     22.1   cand. R 0.643
    web 9,372     newstrace scan    45,858  23,197  50.6  247.6  314.1    863            copy R 1.000
                  datasketch        16,396                 14.3   31.9    165     17.3   copy R 1.000
                  datasketch-xxhash 16,396                  8.9   16.9    165     27.8   copy R 1.000
                  rensa             16,467                  4.1    8.0     98     60.7   copy R 1.000

    newstrace CPU by stage (s)  fingerprint  candidates  verify  cluster  outside scan()
    gen 2,000                          1.0         0.1      7.7     0.0     0.4
    gen 10,000                         6.2         1.4     64.7     0.0     0.8
    web 9,372                          6.7         1.3    238.8     0.0     0.8

    growth of newstrace CPU, 2k -> 10k: exponent 1.29 (9.2 s -> 73.1 s)

A second cold 10k run minutes later, at load 5.6-7.7: newstrace 71.9 s CPU (153.5 s
wall, 1,001 MiB), datasketch 10.9, datasketch-xxhash 7.7, rensa 3.2 s: CPU repeated
within 2-7% while wall time grew by half, which is why CPU is the figure. 30k and 100k
were not run on that day (at that load a 100k scan would have taken about an hour), so
the 10k -> 100k exponent and the 100k peak RSS are still open.

Figures, 2026-12-05 (later, commit cdd6a0d: articles spooled to disk, candidates
screened chunk by chunk, a 256 MB verification cache), machine quiet (load 1.0), one
cold run each, ``PYTHONPATH=/tmp/nt-head/src python bench/bench_growth.py --sizes 10000
30000 100000 --peers datasketch``:

    corpus        tool               cand  verified acc%   CPU s  wall s  RSS MiB  ns/peer  score
    gen 10,000    newstrace scan    10,809   5,582  51.6    50.5    50.6    241            F1 0.966
                  datasketch       176,395                  10.5    10.6    241      4.8
    gen 30,000    newstrace scan    49,110  16,698  34.0   192.7   192.9    578            F1 0.965
                  datasketch     1,627,316                  32.2    32.2    849      6.0
    gen 100,000   newstrace scan   315,177  56,015  17.8  1236.0  1237.8  1,173            F1 0.965
                  datasketch    17,637,756                 174.5   175.4  5,821      7.1

    newstrace CPU by stage (s)  fingerprint  candidates  verify  trees  outside
    gen 10,000                         4.4         1.4     22.3   20.9     1.5
    gen 30,000                        15.5         7.0    101.5   65.1     3.5
    gen 100,000                       49.9        42.7    858.0  273.5    11.2

    growth of newstrace CPU: 10k -> 30k exponent 1.22, 30k -> 100k 1.54, 10k -> 100k 1.39

Web corpus, same commit, ``--sizes --web --peers datasketch``: newstrace 365.7 s CPU
(fingerprint 7.4, candidates 2.1, verify 133.8, trees 220.3), 386 MiB, copy R 1.000;
datasketch 12.2 s, 165 MiB (30x). Trees are most of it: long documents, compared again.
At defa88b (variant readings from rapidfuzz instead of difflib): 333.3 s (verify 125.4,
trees 197.3), 381 MiB; datasketch 12.6 s (26x).

The same commit's predecessor (51e5e62) at 10k and 30k: 56.9 s / 419 MiB and 217.6 s /
1,266 MiB. What grows faster than the corpus is the candidates that verification
rejects: 5,227 at 10k, 32,412 at 30k, 259,162 at 100k (their pre-verdict probability
sits just above its cut-off: at 30k, 20,701 candidates lie between the cut-off 0.023
and 0.05, of which 55 are reuse).

Verification is 84-96% of newstrace's CPU. Its candidate pass alone (fingerprint +
candidates, JSONL reading included: 7.6 s at 10k, 8.0 s on the web corpus) costs less
than datasketch's whole run (10.3 s, 14.3 s) and 2-2.5x rensa's; at 10k it proposes 6x
fewer candidates than the peers and still finds 96.5% of the truth pairs, where the
peers' candidates hold 64-65% of them (spins and summaries share few 3-shingles). On the
web corpus it proposes 2.8x more (its names-and-numbers channel). ``ns/peer`` is
newstrace's CPU over the peer's. Issue 15's earlier figures (CPU s; newstrace /
datasketch / rensa; conditions not recorded): 2k 12.5 / 4.2 / 2.1, 10k 88.8 / 15.9 /
7.6, web 288 (2.2 GB RSS) / 18.7 / 9.2.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shlex
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import _setup  # noqa: F401  (one BLAS thread, inherited by the children; newstrace importable)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
PEERS = ("datasketch", "datasketch-xxhash", "rensa")

# Runs ``newstrace`` (the console script's entry point) with scan's stage clock on CPU time.
_SHIM = """
import sys, time
import newstrace.scan as scan
class _CpuClock:
    perf_counter = staticmethod(time.process_time)
    def __getattr__(self, name): return getattr(time, name)
scan.time = _CpuClock()
from newstrace.cli import main
sys.argv[0] = "newstrace"
main()
"""


@dataclass
class Run:
    """One cold child process: what it cost and what it printed."""

    cpu: float
    wall: float
    rss_mib: float
    load: tuple[float, float]  # 1-minute load average before and after
    stdout: str


@dataclass
class Result:
    """One tool on one corpus."""

    tool: str
    run: Run
    candidates: int
    pairs: int | None = None  # verified reuse pairs (newstrace only)
    stages: dict[str, float] = field(default_factory=dict)
    score: dict[str, float] = field(default_factory=dict)


def measure(cmd: list[str], log: Path) -> Run:
    """Run ``cmd`` as a cold child; its own rusage (``wait4``), not earlier children's."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    before = os.getloadavg()[0]
    t0 = time.perf_counter()
    with (
        log.open("w") as err,
        subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, env=env) as p,
    ):
        assert p.stdout is not None
        stdout = p.stdout.read().decode()
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise SystemExit(f"{shlex.join(cmd)} failed ({p.returncode}); see {log}")
    cpu = ru.ru_utime + ru.ru_stime
    return Run(cpu, wall, ru.ru_maxrss / 1024, (before, os.getloadavg()[0]), stdout)


# --- corpora ---------------------------------------------------------------------------------


def _suffix(seed: int) -> str:
    return "" if seed == 1 else f"-seed{seed}"


def generated(n: int, seed: int) -> Path:
    """The generated corpus of ``n`` articles, rebuilt (deterministic) so it is never stale."""
    path = OUT / f"corpus-{n}{_suffix(seed)}.jsonl"
    gen = [sys.executable, str(HERE / "gen_corpus.py"), "--n", str(n), "--seed", str(seed)]
    subprocess.run([*gen, "--out", str(path)], check=True, stdout=subprocess.DEVNULL)
    return path


def web(seed: int) -> Path:
    """The web corpus, rebuilt (deterministic)."""
    path = OUT / f"web-corpus{_suffix(seed)}.jsonl"
    build = [sys.executable, str(HERE / "web_corpus.py"), "--seed", str(seed)]
    subprocess.run([*build, "--out", str(path)], check=True, stdout=subprocess.DEVNULL)
    return path


# --- scoring ---------------------------------------------------------------------------------

Pair = tuple[str, str]


def _prf(found: set[Pair], truth: set[Pair], ambiguous: set[Pair]) -> dict[str, float]:
    scored = found - ambiguous
    tp = len(scored & truth)
    p = tp / len(scored) if scored else 0.0
    r = tp / len(truth) if truth else 0.0
    return {"P": p, "R": r, "F1": 2 * p * r / (p + r) if p + r else 0.0}


def scorer(corpus: Path) -> Any:
    """A function from found pairs to scores, from the corpus's truth file."""
    truth = json.loads(corpus.with_suffix(".truth.json").read_text(encoding="utf-8"))
    if "copy_pairs" in truth:  # web corpus: recall of the planted copies only
        copies = {_key(*p) for p in truth["copy_pairs"]}
        return lambda found: {"copy R": len(found & copies) / len(copies)}
    pairs = {_key(p["a"], p["b"]) for p in truth["pairs"]}
    ambiguous = {_key(*p) for p in truth["ambiguous"]}
    return lambda found: _prf(found, pairs, ambiguous)


def _key(a: str, b: str) -> Pair:
    return (a, b) if a <= b else (b, a)


def read_pairs_jsonl(path: Path) -> set[Pair]:
    with path.open(encoding="utf-8") as fh:
        return {_key(r["a"], r["b"]) for r in map(json.loads, fh)}


def read_pairs_tsv(path: Path) -> set[Pair]:
    with path.open(encoding="utf-8") as fh:
        return {_key(*line.rstrip("\n").split("\t")) for line in fh}


# --- the runs --------------------------------------------------------------------------------


def run_newstrace(corpus: Path, work: Path, jobs: int) -> Result:
    out = work / "newstrace"
    cmd = [sys.executable, "-c", _SHIM, "scan", str(corpus), "--out", str(out)]
    run = measure([*cmd, "--jobs", str(jobs)], work / "newstrace.stderr")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    stages = {k: float(v) for k, v in summary["seconds"].items()}
    stages["outside"] = run.cpu - stages["total"]
    found = read_pairs_jsonl(out / "pairs.jsonl")
    res = Result("newstrace scan", run, summary["candidates"], summary["pairs"], stages)
    res.score = scorer(corpus)(found)
    return res


def run_peer(corpus: Path, work: Path, impl: str) -> Result:
    pairs = work / f"{impl}.tsv"
    cmd = [sys.executable, str(HERE / "peer_lsh.py"), str(corpus), "--impl", impl]
    run = measure([*cmd, "--pairs", str(pairs)], work / f"{impl}.stderr")
    info = json.loads(run.stdout)
    res = Result(impl, run, info["candidates"], stages=info["cpu"])
    res.score = scorer(corpus)(read_pairs_tsv(pairs))
    return res


def bench_corpus(corpus: Path, kind: str, jobs: int, peers: list[str]) -> dict[str, Any]:
    work = OUT / "growth" / corpus.stem
    work.mkdir(parents=True, exist_ok=True)
    with corpus.open("rb") as fh:
        articles = sum(1 for _ in fh)
    results = [run_newstrace(corpus, work, jobs)]
    results += [run_peer(corpus, work, impl) for impl in peers]
    rows = [asdict(r) for r in results]
    return {"corpus": corpus.name, "kind": kind, "articles": articles, "results": rows}


# --- report ----------------------------------------------------------------------------------


def format_corpus(c: dict[str, Any]) -> str:
    res = c["results"]
    ns = res[0]
    lines = [
        f"\n{c['corpus']}: {c['articles']:,} articles",
        f"  {'tool':<18}{'cand':>9}{'verified':>9}{'acc%':>6}{'CPU s':>8}{'wall s':>8}"
        f"{'RSS MiB':>8}{'ns/peer':>8}  scores",
    ]
    for r in res:
        run = r["run"]
        ver = f"{r['pairs']:>9,}" if r["pairs"] is not None else f"{'-':>9}"
        acc = (
            f"{100 * r['pairs'] / r['candidates']:>6.1f}"
            if r["pairs"] is not None and r["candidates"]
            else f"{'-':>6}"
        )
        ratio = f"{ns['run']['cpu'] / run['cpu']:>8.1f}" if r is not ns else f"{'':>8}"
        score = " ".join(f"{k} {v:.3f}" for k, v in r["score"].items())
        lines.append(
            f"  {r['tool']:<18}{r['candidates']:>9,}{ver}{acc}{run['cpu']:>8.1f}{run['wall']:>8.1f}"
            f"{run['rss_mib']:>8.0f}{ratio}  {score}"
        )
    st = ns["stages"]
    lines.append(
        "  newstrace CPU by stage (s): "
        + ", ".join(f"{k} {v:.2f}" for k, v in st.items() if k != "total")
        + "  (fingerprint = read JSONL + clean + fingerprint)"
    )
    for r in res[1:]:
        lines.append(
            f"  {r['tool']} CPU by phase (s): "
            + ", ".join(f"{k} {v:.2f}" for k, v in r["stages"].items())
        )
    loads = [x for r in res for x in r["run"]["load"]]
    lines.append(f"  1-min load average during these runs: {min(loads):.1f}-{max(loads):.1f}")
    return "\n".join(lines)


def growth(corpora: list[dict[str, Any]]) -> list[str]:
    """newstrace CPU growth exponents between consecutive generated sizes, and 10k -> 100k."""
    cpu = {
        c["articles"]: c["results"][0]["run"]["cpu"] for c in corpora if c["kind"] == "generated"
    }
    steps = list(pairwise(sorted(cpu)))
    if {10_000, 100_000} <= cpu.keys() and (10_000, 100_000) not in steps:
        steps.append((10_000, 100_000))
    return [
        f"  {a:,} -> {b:,}: exponent {math.log(cpu[b] / cpu[a]) / math.log(b / a):.2f}"
        f" (CPU {cpu[a]:.1f} s -> {cpu[b]:.1f} s)"
        for a, b in steps
    ]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[2000, 10000])
    ap.add_argument("--web", action="store_true", help="also the 9,372-document web corpus")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=1, help="newstrace scan --jobs")
    ap.add_argument("--peers", nargs="*", choices=PEERS, default=list(PEERS))
    args = ap.parse_args(argv if argv is not None else sys.argv[1:])
    check_tokenisation()
    print(header(argv if argv is not None else sys.argv[1:]))
    corpora = [(generated(n, args.seed), "generated") for n in args.sizes]
    if args.web:
        corpora.append((web(args.seed), "web"))
    done = []
    for corpus, kind in corpora:
        done.append(bench_corpus(corpus, kind, args.jobs, args.peers))
        print(format_corpus(done[-1]), flush=True)
    (OUT / "growth").mkdir(parents=True, exist_ok=True)
    (OUT / "growth" / "results.json").write_text(json.dumps(done, indent=1), encoding="utf-8")
    if exps := growth(done):
        print("\nnewstrace scan CPU growth (target 10k -> 100k <= 1.15):")
        print("\n".join(exps))


def header(argv: list[str]) -> str:
    """The reproduce command, which newstrace is measured, and the machine."""
    import newstrace

    path = os.environ.get("PYTHONPATH")
    env = f"PYTHONPATH={shlex.quote(path)} " if path else ""
    where = Path(newstrace.__file__).parent
    return (
        f"reproduce: . .venv/bin/activate && {env}python bench/bench_growth.py {shlex.join(argv)}\n"
        f"newstrace {newstrace.__version__} from {where}; "
        f"compiled: {', '.join(newstrace.compiled_modules()) or 'none (pure Python)'}\n"
        f"machine: {os.cpu_count()} CPUs, shared; load average {os.getloadavg()[0]:.1f} at start"
    )


def check_tokenisation() -> None:
    """The peers must shingle the words newstrace does."""
    from peer_lsh import _STRIP

    from newstrace import fingerprint

    if fingerprint._STRIP != _STRIP:
        raise SystemExit(
            "peer_lsh._STRIP differs from newstrace.fingerprint._STRIP: update the copy"
        )


if __name__ == "__main__":
    main()
