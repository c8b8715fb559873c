"""What the server lets in: which Host names, which cross-site posts, how many connections,
how long a client may take to send its request, and how large its headers may be.

* **Host names** (DNS rebinding): a page on another site can point its own name at
  127.0.0.1 and then read this server as if it were its own origin. The browser still
  sends that other name in the ``Host`` header, so only the names the server was bound to
  are accepted (127.0.0.1, localhost, [::1] and the ``--host`` address, each with the
  bound port) plus ``--allow-host`` values; any other gets a 400.
* **Cross-site posts**: a page elsewhere can make the browser post a form here. A POST
  whose ``Sec-Fetch-Site`` says it came from another site, or whose ``Origin`` (or, with
  neither, ``Referer``) names another origin, gets a 403. A client that sends none of the
  three (curl, scripts) is not a browser acting for another site and is let in.
* **Connections**: a request (headers and body) must arrive within ``read_timeout``
  seconds, an idle keep-alive connection is closed after ``keep_alive`` seconds, at most
  ``max_connections`` are open at once (more are answered 503 and closed at once, so
  they never use up the process's file descriptors), and request headers over
  ``max_header_bytes`` get a 431. Refused connections are logged one line per burst.
"""

from __future__ import annotations

import errno
import logging
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ..errors import NewstraceError, OptionsError

READ_TIMEOUT = 30.0
"""Default seconds a client has to send one whole request (headers and body)."""
KEEP_ALIVE = 5.0
"""Default seconds an idle keep-alive connection stays open."""
MAX_CONNECTIONS = 500
"""Default most connections open at once (lowered to fit the descriptor limit)."""
MAX_HEADER_BYTES = 16_384
"""Default largest request line plus headers, in bytes (more: 431)."""
REFUSAL_LINGER = 2.0
"""Seconds a connection refused mid-request (400, 408, 431) goes on reading, and
dropping, what its client still sends, its answer sent and its writing side shut, before
it is closed: closed with unread data waiting, the connection is reset, and the client
may lose the answer (a client that sends its headers in pieces still sends them after
the 431). HTTP servers call this a lingering close."""
_SPARE_DESCRIPTORS = 200
"""File descriptors kept free of client connections (SQLite files, worker pipes, logs)."""
_LOOPBACK = ("127.0.0.1", "localhost", "[::1]")
_WILDCARD = ("", "0.0.0.0", "::", "[::]")


class ServeError(NewstraceError):
    """The server cannot listen where it was asked to (the port is busy, say)."""

    exit_code = 4


# --- Host and Origin ----------------------------------------------------------------------------


def _split_host(value: str) -> tuple[str, int | None] | None:
    """``name[:port]`` of a Host header (or an --allow-host value), lowercased; None when
    it is not one."""
    value = value.strip().lower()
    if value.startswith("["):
        end = value.find("]")
        if end < 0:
            return None
        name, rest = value[: end + 1], value[end + 1 :]
    else:
        name, colon, port_text = value.partition(":")
        rest = colon + port_text
    if not name or any(c in name for c in "/@\\ \t"):
        return None
    if not rest:
        return name, None
    if not rest.startswith(":") or not rest[1:].isdigit() or len(rest) > 6:
        return None
    return name, int(rest[1:])


def _bracketed(host: str) -> str:
    host = host.strip().lower()
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


@dataclass(frozen=True, slots=True)
class Hosts:
    """The Host header values the server answers to."""

    port: int | None = None
    """The bound port; None (tests, an app run by other means): any port."""
    names: frozenset[str] = frozenset(_LOOPBACK)
    """Names accepted with the bound port."""
    extra: frozenset[tuple[str, int | None]] = frozenset()
    """--allow-host values: a name alone is accepted with any port (behind a proxy)."""

    @classmethod
    def build(cls, host: str, port: int | None, allow: tuple[str, ...] = ()) -> Hosts:
        names = set(_LOOPBACK)
        if _bracketed(host) not in _WILDCARD:
            names.add(_bracketed(host))
        extra = set()
        for value in allow:
            parsed = _split_host(_bracketed(value) if value.count(":") > 1 else value)
            if parsed is None:
                raise OptionsError(f"--allow-host: not a host name (or name:port): {value!r}")
            extra.add(parsed)
        return cls(port, frozenset(names), frozenset(extra))

    def admits(self, header: bytes | None) -> bool:
        """Whether a request with this Host header is for this server."""
        if header is None:
            return False
        try:
            parsed = _split_host(header.decode("ascii"))
        except UnicodeDecodeError:
            return False
        if parsed is None:
            return False
        name, port = parsed
        if (name, None) in self.extra or (name, port) in self.extra:
            return True
        if name not in self.names:
            return False
        return self.port is None or port == self.port or (port is None and self.port == 80)


def _origin_of(url: bytes) -> str | None:
    """``host[:port]`` of an http(s) URL, the port left out when it is the default."""
    try:
        parts = urlsplit(url.decode("ascii").strip())
        port = parts.port
    except (UnicodeDecodeError, ValueError):
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    default = 80 if parts.scheme == "http" else 443
    name = _bracketed(parts.hostname)
    return name if port in (None, default) else f"{name}:{port}"


def _host_of(header: bytes) -> str:
    value = header.decode("ascii", "replace").strip().lower()
    return value.removesuffix(":80")


_SAFE = ("GET", "HEAD", "OPTIONS")


def cross_site(method: str, headers: dict[bytes, bytes]) -> str | None:
    """Why a request looks like another site's form or script posting here; None when
    it does not (a safe method, a same-origin post, or a client that is not a browser)."""
    if method.upper() in _SAFE:
        return None
    site = headers.get(b"sec-fetch-site")
    if site is not None:
        if site.strip().lower() in (b"same-origin", b"none"):
            return None
        return f"cross-site request refused (Sec-Fetch-Site: {site.decode('ascii', 'replace')})"
    host = _host_of(headers.get(b"host", b""))
    for name in (b"origin", b"referer"):
        value = headers.get(name)
        if value is None:
            continue
        if _origin_of(value) != host:
            shown = value.decode("ascii", "replace")[:100]
            return f"cross-site request refused ({name.decode().title()}: {shown})"
        return None
    return None


# --- one log line per burst -----------------------------------------------------------------


@dataclass
class RefusalLog:
    """Logs the first refused connection of a burst and counts the rest: a burst ends
    after ``quiet`` seconds without a refusal. The next burst's line says how many the
    previous one had."""

    logger: logging.Logger = field(default_factory=lambda: logging.getLogger("uvicorn.error"))
    quiet: float = 10.0
    lines: int = 0
    _last: float | None = None
    _unlogged: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, reason: str) -> None:
        now = time.monotonic()
        with self._lock:
            first = self._last is None or now - self._last > self.quiet
            self._last = now
            if not first:
                self._unlogged += 1
                return
            before, self._unlogged = self._unlogged, 0
            self.lines += 1
        more = f"; {before:,} more were refused in the previous burst" if before else ""
        self.logger.warning(
            "refusing connections: %s (further refusals within %g s are counted, not logged%s)",
            reason,
            self.quiet,
            more,
        )


class _QuietLogger(logging.Logger):
    """uvicorn's per-connection logger: its per-connection warnings (malformed requests,
    the concurrency limit) go to the burst log instead of one line each."""

    def __init__(self, refusals: RefusalLog) -> None:
        parent = logging.getLogger("uvicorn.error")
        super().__init__("uvicorn.error", parent.level)
        self.parent = parent
        self.refusals = refusals

    def warning(self, msg: object, *args: object, **kwargs: Any) -> None:
        self.refusals.note(str(msg) % args if args else str(msg))


class _AcceptFilter(logging.Filter):
    """asyncio's "socket.accept() out of system resource" (the descriptor limit hit by
    something else): into the burst log."""

    def __init__(self, refusals: RefusalLog) -> None:
        super().__init__()
        self.refusals = refusals

    def filter(self, record: logging.LogRecord) -> bool:
        if "accept" in str(record.msg) and "out of system resource" in str(record.msg):
            self.refusals.note("socket.accept() out of system resource (descriptor limit)")
            return False
        return True


# --- uvicorn: timeouts, connection cap, header size ---------------------------------------------


@dataclass(frozen=True, slots=True)
class ConnectionLimits:
    read_timeout: float = READ_TIMEOUT
    keep_alive: float = KEEP_ALIVE
    max_connections: int = MAX_CONNECTIONS
    max_header_bytes: int = MAX_HEADER_BYTES

    def __post_init__(self) -> None:
        for name in ("read_timeout", "keep_alive", "max_connections", "max_header_bytes"):
            value = getattr(self, name)
            if not value > 0:
                raise ValueError(f"{name} must be positive, got {value!r}")

    def fitted(self) -> ConnectionLimits:
        """These limits with max_connections lowered to fit the descriptor limit."""
        try:
            import resource

            soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
        except (ImportError, OSError, ValueError):
            return self
        if soft == resource.RLIM_INFINITY:
            return self
        most = max(8, soft - _SPARE_DESCRIPTORS)
        if self.max_connections <= most:
            return self
        return ConnectionLimits(self.read_timeout, self.keep_alive, most, self.max_header_bytes)


def server(
    app: Any,
    limits: ConnectionLimits = ConnectionLimits(),
    *,
    log_level: str = "info",
    refusals: RefusalLog | None = None,
) -> Any:
    """A uvicorn.Server for ``app`` with these limits (run it with ``.run(sockets=...)``)."""
    import h11
    import uvicorn
    from uvicorn.protocols.http.h11_impl import H11Protocol

    log = refusals or RefusalLog()
    limits = limits.fitted()

    class _Connection(h11.Connection):
        """Remembers the status h11 suggests for a request it could not parse (431 for
        headers over the size limit)."""

        refused_status = 400

        def next_event(self) -> Any:
            try:
                event = super().next_event()
            except h11.RemoteProtocolError as exc:
                self.refused_status = exc.error_status_hint
                raise
            if isinstance(event, h11.Request):  # headers that arrived whole are counted too
                size = len(event.target) + sum(len(k) + len(v) + 4 for k, v in event.headers)
                if size > limits.max_header_bytes:
                    self.refused_status = 431
                    raise h11.RemoteProtocolError("request headers too large", 431)
            return event

    class _Protocol(H11Protocol):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.parser = _Connection(h11.SERVER, limits.max_header_bytes)
            self.conn = self.parser
            self.logger = _QuietLogger(log)
            self._read_timer: Any = None
            self._lingering: Any = None

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            if len(self.connections) > limits.max_connections:
                log.note(f"{limits.max_connections:,} connections open, the limit")
                self._answer(503, "too many connections; try again later")
                return
            self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            if self._lingering is not None:
                self._lingering.cancel()
            super().connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            if self._lingering is None:
                super().data_received(data)
            # else: the rest of a refused request, read and dropped (``_linger``)

        def eof_received(self) -> None:
            if self._lingering is not None:  # the client is done: nothing left to drop
                self.transport.close()

        def _linger(self) -> None:
            """Close after a refusal written to the transport: its writing side shut
            once the answer is out, what the client still sends dropped for at most
            ``REFUSAL_LINGER`` seconds (or until it is done), then closed."""
            self._disarm()
            if self._lingering is not None or self.transport.is_closing():
                return
            if not self.transport.can_write_eof():
                self.transport.close()
                return
            self.transport.write_eof()
            self._lingering = self.loop.call_later(REFUSAL_LINGER, self.transport.close)

        def handle_events(self) -> None:
            super().handle_events()
            if self.transport.is_closing():
                self._disarm()
            elif self.conn.their_state in (h11.IDLE, h11.SEND_BODY):
                if self._read_timer is None:
                    self._arm()  # a request (or the next one) is on its way
            else:
                self._disarm()  # all of it is in: the app's own limits apply now

        def send_400_response(self, msg: str) -> None:
            status = self.parser.refused_status
            if status == 431:
                text = f"request headers too large (limit {limits.max_header_bytes:,} bytes)"
            else:
                status, text = 400, "malformed HTTP request"
            reason = b"Request Header Fields Too Large" if status == 431 else b"Bad Request"
            headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close")]
            try:
                self.transport.write(
                    self.conn.send(h11.Response(status_code=status, headers=headers, reason=reason))
                    or b""
                )
                self.transport.write(self.conn.send(h11.Data(data=text.encode())) or b"")
                self.transport.write(self.conn.send(h11.EndOfMessage()) or b"")
            except h11.LocalProtocolError:
                pass
            self._linger()

        def _arm(self) -> None:
            self._disarm()
            self._read_timer = self.loop.call_later(limits.read_timeout, self._timed_out)

        def _disarm(self) -> None:
            if self._read_timer is not None:
                self._read_timer.cancel()
                self._read_timer = None

        def _timed_out(self) -> None:
            self._read_timer = None
            if self.transport.is_closing():
                return
            started = self.cycle is not None and self.cycle.response_started
            begun = self.conn.their_state is not h11.IDLE or bool(self.conn.trailing_data[0])
            if started or not begun:  # idle: nothing of a request arrived; close quietly
                self.transport.close()
                return
            log.note(f"a request not received within {limits.read_timeout:g} s")
            self._answer(408, f"request not received within {limits.read_timeout:g} s", linger=True)

        def _answer(self, status: int, text: str, *, linger: bool = False) -> None:
            """A whole response written directly (the h11 state machine may not allow a
            response yet), then the connection closed: at once, unless ``linger`` (a
            connection over the limit has sent nothing, and its descriptor is wanted
            back; a late request's client may still be sending: ``_linger``)."""
            reasons = {408: "Request Timeout", 503: "Service Unavailable"}
            body = text.encode()
            self.transport.write(
                f"HTTP/1.1 {status} {reasons[status]}\r\ncontent-type: text/plain; "
                f"charset=utf-8\r\ncontent-length: {len(body)}\r\nconnection: close\r\n\r\n".encode()
                + body
            )
            if linger:
                self._linger()
            else:
                self.transport.close()

    config = uvicorn.Config(
        app,
        http=_Protocol,
        log_level=log_level,
        lifespan="on",
        timeout_keep_alive=max(1, round(limits.keep_alive)),
        # uvicorn answers 503 from this many connections or requests in
        # flight; the protocol above already closes connections over
        # max_connections as they open, so one more here.
        limit_concurrency=limits.max_connections + 1,
        h11_max_incomplete_event_size=limits.max_header_bytes,
        server_header=False,
    )
    logging.getLogger("asyncio").addFilter(_AcceptFilter(log))
    return uvicorn.Server(config)


def bind(host: str, port: int) -> socket.socket:
    """A listening-ready socket on ``host:port``; ServeError (one line) when the port is
    busy or the address cannot be used."""
    try:
        infos = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except (socket.gaierror, UnicodeError) as exc:
        raise ServeError(f"cannot listen on {host}:{port}: unknown address ({exc})") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind(address)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise ServeError(
                f"port {port} on {host} is already in use (another server is "
                f"listening there; choose another with --port)"
            ) from None
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock
