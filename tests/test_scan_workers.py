"""Verification workers end with their scan: killed or interrupted, none is left behind.

A child script scans a generated corpus with two forked workers and prints a line per
progress report; the test waits for the first verification progress (workers exist
then), signals the scan, and waits for the workers to be gone. No sleeps: every wait is
on something observable, with a bound that only a hang reaches.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads worker processes from /proc"
)

CHILD = textwrap.dedent("""
    import sys
    import newstrace.scan as scan_module
    from newstrace.options import Options
    from newstrace_synth.corpus import build_corpus
    from newstrace.model import Article

    scan_module._PARALLEL_MIN_PAIRS = 1  # fork whatever the corpus size
    corpus = build_corpus(400, 3)
    articles = [Article(id=it.uid, text=it.story.text) for it in corpus.items]
    def progress(stage, done, total):
        print(stage, done, total, flush=True)
    scan_module.scan(articles, options=Options(jobs=2, screen_share=0.0, batch_size=64),
                     progress=progress)
    print("finished", flush=True)
""")
HANG = 120.0
"""Seconds after which a wait counts as a hang (only a broken build gets there)."""


def _children(pid: int) -> set[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return set()
    return {int(x) for x in text.split()}


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _start() -> tuple[subprocess.Popen[str], set[int], str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    for line in proc.stdout:  # wait for the first verification progress
        if line.startswith("verify"):
            workers = _children(proc.pid)
            if workers:
                return proc, workers, line
    proc.kill()
    pytest.fail(
        f"the scan never reported verification: {proc.stderr.read() if proc.stderr else ''}"
    )


def _wait_gone(pids: set[int]) -> set[int]:
    deadline = time.monotonic() + HANG
    left = {p for p in pids if _alive(p)}
    while left and time.monotonic() < deadline:
        os.sched_yield()
        left = {p for p in left if _alive(p)}
    return left


def test_killing_a_scan_ends_its_workers() -> None:
    proc, workers, _ = _start()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not _wait_gone(workers), "verification workers outlived their killed scan"


def test_ctrl_c_stops_verification_before_it_ends() -> None:
    proc, workers, first = _start()
    os.kill(proc.pid, signal.SIGINT)
    out, _ = proc.communicate(timeout=HANG)
    assert proc.returncode != 0
    assert "finished" not in out
    done = [line for line in (first + out).splitlines() if line.startswith("verify")]
    _, last, total = done[-1].split()
    assert int(last) < int(total), "the interrupted scan verified every pair first"
    assert not _wait_gone(workers)
