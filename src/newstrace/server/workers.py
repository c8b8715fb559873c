"""Worker processes for the server's expensive work (check, compare, the families scan).

A Python thread cannot be stopped, a process can: a job that runs past its time limit gets
a 503 and its worker is killed and replaced. Each worker caps its own address space, so a
job that needs too much memory fails with MemoryError (a 503) instead of waking the OOM
killer. Jobs are plain functions; everything they need travels in their arguments.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
from collections.abc import Callable
from typing import Any

from ..errors import ArchiveError, NewstraceError

_WORKER_MEMORY = 2 << 30
"""Address space a worker may add to what it holds after start-up (Linux): a compare
against a huge archived article then fails with MemoryError instead of the OOM killer."""


class _NotFound(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _Refused(Exception):
    """A request the server will not (or could not) finish: status and one-line message.
    Picklable, so that a worker process can send it back."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(status, message)
        self.status = status
        self.message = message


Job = Callable[..., Any]
_OUT_OF_MEMORY = "the work needed more memory than the server allows one request"
_START_TIMEOUT = 120.0
"""Seconds a new worker may take to import newstrace (not counted in a job's time)."""


def _work(conn: Any) -> None:
    """A worker process: runs jobs from the pipe, one at a time, until the pipe closes.
    Known failures go back as a status and message; anything else is a bug (500)."""
    import signal
    import traceback

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C of `serve` reaches the group
    _cap_memory(_WORKER_MEMORY)
    conn.send(("ready", None))
    while True:
        try:
            fn, args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply: tuple[str, Any] = ("ok", fn(*args))
        except _Refused as exc:
            reply = ("refused", (exc.status, exc.message))
        except _NotFound as exc:
            reply = ("refused", (404, exc.message))
        except ArchiveError as exc:
            reply = ("refused", (503, f"archive unavailable: {exc}"))
        except NewstraceError as exc:
            reply = ("refused", (400, str(exc)))
        except MemoryError:
            reply = ("refused", (503, _OUT_OF_MEMORY))
        except Exception as exc:
            reply = ("bug", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}")
        conn.send(reply)


def _cap_memory(extra: int) -> None:
    """Limit this process's address space to what it holds now plus ``extra`` bytes
    (Linux only; elsewhere the input limits alone bound a job)."""
    try:
        import resource

        with open("/proc/self/statm", encoding="ascii") as f:
            now = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = now + extra if hard == resource.RLIM_INFINITY else min(now + extra, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ImportError, OSError, ValueError):
        pass


class _Worker:
    """One worker process and the pipe to it."""

    def __init__(self, ctx: Any) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(
            target=_work, args=(child,), daemon=True, name="newstrace-serve-worker"
        )
        self.proc.start()
        child.close()
        self.ready = False

    def call(self, job: tuple[Job, tuple[Any, ...]], timeout: float) -> tuple[str, Any]:
        """Send one job and wait for its reply; TimeoutError when it takes too long."""
        if not self.ready:
            if not self.conn.poll(_START_TIMEOUT):
                raise _Refused(503, "a worker process did not start")
            self.conn.recv()
            self.ready = True
        self.conn.send(job)
        if not self.conn.poll(timeout):
            raise TimeoutError
        reply: tuple[str, Any] = self.conn.recv()
        return reply

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join(5)
        self.conn.close()


class _Pool:
    """A fixed number of worker processes, started on first use. A job that overruns the
    time limit, or whose worker dies, gets a 503 and that worker is replaced."""

    def __init__(self, size: int, timeout: float) -> None:
        self.timeout = timeout
        self._ctx = multiprocessing.get_context("spawn")  # never fork a threaded server
        self._idle: queue.SimpleQueue[_Worker | None] = queue.SimpleQueue()
        for _ in range(size):
            self._idle.put(None)  # a slot: its worker starts when first needed
        self._live: set[_Worker] = set()
        self._lock = threading.Lock()

    def run(self, what: str, fn: Job, *args: Any) -> Any:
        """``fn(*args)`` in a worker; ``what`` names the work in the timeout message."""
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise _Refused(
                503, f"server busy: no worker free within {self.timeout:g} s; try again later"
            ) from None
        try:
            if worker is None:
                worker = _Worker(self._ctx)
                with self._lock:
                    self._live.add(worker)
            reply = worker.call((fn, args), self.timeout)
        except TimeoutError:
            self._retire(worker)
            worker = None
            raise _Refused(503, f"{what} took longer than {self.timeout:g} s") from None
        except (EOFError, OSError, _Refused):
            self._retire(worker)
            worker = None
            raise _Refused(503, f"the worker process running the {what} died") from None
        finally:
            self._idle.put(worker)
        kind, value = reply
        if kind == "ok":
            return value
        if kind == "refused":
            raise _Refused(*value)
        raise RuntimeError(f"{what} failed in a worker process: {value}")

    def start(self) -> None:
        """Start every worker now (they import newstrace while the server starts)."""
        slots = []
        while True:
            try:
                slots.append(self._idle.get_nowait())
            except queue.Empty:
                break
        for worker in slots:
            if worker is None:
                worker = _Worker(self._ctx)
                with self._lock:
                    self._live.add(worker)
            self._idle.put(worker)

    def _retire(self, worker: _Worker | None) -> None:
        if worker is not None:
            worker.kill()
            with self._lock:
                self._live.discard(worker)

    def close(self) -> None:
        with self._lock:
            live, self._live = list(self._live), set()
        for worker in live:
            worker.kill()
