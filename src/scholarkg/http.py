"""The one HTTP layer: every request to a SPARQL endpoint or a graph store goes through here.

Why one module: the rules a request must keep are the same for a query and a load, and were
kept twice (and differently) before.

* **Credentials are negotiated, not pushed.** The first request carries none; a ``401`` with
  ``WWW-Authenticate: Digest`` is answered with Digest (httpx's :class:`httpx.DigestAuth`), one
  asking ``Basic`` with Basic. Basic is sent unasked only when the caller says so
  (``basic=True``), and then only over https or to a loopback host: a Digest server never sees
  the password, and plain http never carries it in the clear unless the server asked for it.
  A request with a large body (a file) is preceded by a bodiless ``HEAD`` to learn the scheme,
  so the file is not sent once just to be refused.
* **Passwords are never shown.** Every URL in a message goes through :func:`redact`, which drops
  the ``user:password@`` part of any scheme (``ftp://`` included).
* **A total deadline per request.** httpx's timeouts bound each read, so a server sending one
  byte a second would never time out; here the whole exchange (connect, send, headers, body)
  runs under one wall-clock deadline (``asyncio.timeout``), which cancels it wherever it is.
* **Bounded answers.** Bodies are streamed and reading stops at a cap (``max_bytes`` for a
  success, :data:`ERROR_BODY_BYTES` for an error page), so a huge answer costs at most the cap.
* **Retries only for transient failures** (connection refused or dropped, 429/502/503/504, and
  timeouts where the caller allows it), with exponential backoff by tenacity (honouring a short
  ``Retry-After``). Anything else — a 500 such as Virtuoso's "not configured to have default
  graph", a 4xx, an unknown host — fails at once.
* **One set of messages**, each naming the service (redacted), what was asked, the status and
  the server's own error text: the first meaningful line of its body, not the page title.

The work is done with httpx's async client because cancelling at a deadline is exact there;
:func:`run` drives a coroutine from synchronous code (in a worker thread when the caller is
already inside an event loop).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import html
import ipaddress
import os
import re
import socket
from collections.abc import AsyncIterator, Coroutine, Generator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import httpx
import tenacity

from scholarkg.errors import RemoteError, UsageError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "ERROR_BODY_BYTES",
    "Answer",
    "FileBody",
    "HttpFailure",
    "Service",
    "Session",
    "redact",
    "run",
    "server_message",
]

DEFAULT_MAX_BYTES = 64 * 2**20
"""The largest successful answer read by default (64 MiB); larger ones are refused."""

ERROR_BODY_BYTES = 64 * 2**10
"""How much of an error page is read to find the server's message."""

_CHUNK = 256 * 1024
_TRANSIENT_STATUS = frozenset({429, 502, 503, 504})
_BACKOFF = 0.5  # seconds before the first retry, doubled for each further one
_MAX_RETRY_AFTER = 30.0  # a longer Retry-After is not waited for
_DETAIL_CHARS = 200
_PROBE_ABOVE = 64 * 1024  # a body larger than this is not sent before the auth scheme is known

T = TypeVar("T")


# ---------------------------------------------------------------------------- public helpers


def redact(url: str) -> str:
    """``url`` without the ``user:password@`` part, whatever the scheme, for messages."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return re.sub(r"//[^/?#]*@", "//", url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` to its end from synchronous code and return its result.

    Outside an event loop this is :func:`asyncio.run` (Ctrl-C cancels the request and raises
    ``KeyboardInterrupt``); inside one (a web app calling the library) it runs in a worker
    thread with its own loop, so the caller's loop is not re-entered.
    """
    try:
        asyncio.get_running_loop()
        inside_a_loop = True
    except RuntimeError:
        inside_a_loop = False
    if not inside_a_loop:  # outside the except block, so errors do not chain to this probe
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def server_message(body: bytes, *, content_type: str = "", reason: str = "") -> str:
    """The server's own error text: the first meaningful line of ``body``, at most ~200 chars.

    Markup is dropped with the page's ``<head>`` (so the ``<title>`` is not taken for the
    message), and lines that only repeat the status (``HTTP/1.1 500 Request Failed``,
    ``Error 22023``, a one-word heading, the reason phrase) are skipped when a fuller line
    follows.
    """
    text = body.decode(_charset(content_type), errors="replace")
    if "<" in text and ">" in text:
        text = re.sub(r"(?is)<(head|script|style)\b.*?</\1\s*>", " ", text)
        text = re.sub(r"(?s)<!--.*?-->", " ", text)
        text = re.sub(r"<[^>]*>", "\n", text)
        text = html.unescape(text)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return ""
    weak = re.compile(
        r"^(HTTP/\d(\.\d)?\s+)?\d{3}\b.*$|^(error|fehler)?\s*[\w.-]*\d+[\w.-]*:?$|^\S+$",
        re.IGNORECASE,
    )
    chosen = next(
        (line for line in lines if not weak.match(line) and line.lower() != reason.lower()),
        lines[0],
    )
    return chosen if len(chosen) <= _DETAIL_CHARS else chosen[: _DETAIL_CHARS - 1] + "…"


def _charset(content_type: str) -> str:
    match = re.search(r"charset=([\w.-]+)", content_type, re.IGNORECASE)
    if match:
        try:
            "".encode(match[1])
            return match[1]
        except LookupError:
            pass
    return "utf-8"


# ---------------------------------------------------------------------------- requests, answers


class FileBody:
    """A request body read from disk in chunks; re-iterable, so a challenge can resend it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __len__(self) -> int:
        return self.path.stat().st_size

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with self.path.open("rb") as stream:
            while chunk := stream.read(_CHUNK):
                yield chunk


@dataclass(frozen=True)
class Service:
    """What is being talked to, for messages: ``"SPARQL endpoint"`` at a (redacted) address, and
    a hint for a 404/405 (the URL form such a service usually has)."""

    kind: str
    url: str
    hint: str = ""

    @property
    def where(self) -> str:
        return redact(self.url)


@dataclass(frozen=True)
class Answer:
    """A successful (2xx) answer, its body read whole (within the cap)."""

    status: int
    headers: httpx.Headers
    body: bytes


class HttpFailure(RemoteError):
    """A request that failed; ``status`` is the HTTP status (``None`` when there was no answer)
    and ``detail`` the server's own message, so a caller can add advice of its own."""

    def __init__(
        self, message: str, *, status: int | None = None, detail: str = "", transient: bool = False,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.detail = detail
        self.transient = transient
        self.retry_after = retry_after


# ---------------------------------------------------------------------------- credentials


def _is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class _NegotiatedAuth(httpx.Auth):
    """Credentials answered to the server's challenge (Digest preferred, Basic when asked).

    The scheme learnt from the first challenge is kept for the session: Digest reuses its
    challenge (httpx counts the nonce), Basic is then sent up front. ``probe`` requests with a
    file body first send a ``HEAD`` without body to learn the scheme.
    """

    def __init__(self, user: str, password: str, *, basic: bool) -> None:
        self._basic = httpx.BasicAuth(user, password)
        self._digest = httpx.DigestAuth(user, password)
        self._scheme: str | None = "basic" if basic else None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._scheme == "digest":
            yield from self._digest.auth_flow(request)
            return
        if self._scheme == "basic":
            response = yield next(self._basic.auth_flow(request))
            if _challenge(response) == "digest":  # the server wants Digest after all
                self._scheme = "digest"
                del request.headers["Authorization"]
                yield from self._answer_digest(request, response)
            return
        size = request.headers.get("content-length", "")
        if size.isdigit() and int(size) > _PROBE_ABOVE:
            probe = httpx.Request("HEAD", request.url, headers={"Accept": "*/*"})
            response = yield probe
            scheme = _challenge(response)
            if scheme is None:
                response = yield request  # no challenge to the probe: send as it is
                scheme = _challenge(response)
        else:
            response = yield request
            scheme = _challenge(response)
        if scheme == "digest":
            self._scheme = "digest"
            yield from self._answer_digest(request, response)
        elif scheme == "basic":
            self._scheme = "basic"
            yield next(self._basic.auth_flow(request))

    def _answer_digest(
        self, request: httpx.Request, challenge: httpx.Response
    ) -> Generator[httpx.Request, httpx.Response, None]:
        flow = self._digest.auth_flow(request)
        next(flow)
        try:
            retry = flow.send(challenge)
        except StopIteration:
            return
        response = yield retry
        with contextlib.suppress(StopIteration):
            flow.send(response)


def _challenge(response: httpx.Response) -> str | None:
    """``"digest"`` or ``"basic"`` when ``response`` is a 401 asking for that scheme."""
    if response.status_code != 401:
        return None
    schemes = [c.split(None, 1)[0].lower() for c in response.headers.get_list("www-authenticate") if c]
    if "digest" in schemes:
        return "digest"
    if "basic" in schemes:
        return "basic"
    return None


# ---------------------------------------------------------------------------- the session


@dataclass
class Session:
    """A client for one service: credentials, deadline, caps and retries for each request.

    Use as ``async with Session(...) as session: await session.send(...)``.

    Args:
        service: what is talked to (for messages).
        user, password: credentials, negotiated from the server's challenge.
        basic: send Basic credentials up front (only over https or to a loopback host).
        timeout: the total deadline of one request, in seconds (every attempt has its own).
        retries: how many times a transient failure is tried again.
        retry_timeouts: whether a request that ran past its deadline counts as transient.
        max_bytes: the largest successful answer read.
    """

    service: Service
    user: str | None = None
    password: str | None = None
    basic: bool = False
    timeout: float = 30.0
    retries: int = 0
    retry_timeouts: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES
    _client: httpx.AsyncClient | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        parts = urlsplit(self.service.url)
        in_clear = parts.scheme != "https" and not _is_loopback(parts.hostname)
        if self.basic and self.user is not None and in_clear:
            raise UsageError(
                f"Basic authentication up front would send the password in clear to "
                f"{self.service.where}; use https, or let the server ask for its scheme"
            )

    async def __aenter__(self) -> Session:
        auth = None
        if self.user is not None:
            auth = _NegotiatedAuth(self.user, self.password or "", basic=self.basic)
        self._client = httpx.AsyncClient(
            auth=auth, timeout=httpx.Timeout(self.timeout), follow_redirects=False, trust_env=True
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def send(
        self,
        method: str,
        url: str,
        *,
        what: str,
        headers: Mapping[str, str] | None = None,
        content: bytes | FileBody | None = None,
        data: Mapping[str, str] | None = None,
    ) -> Answer:
        """Send one request (retrying transient failures) and return its 2xx answer.

        ``what`` says what was asked, for messages ("the query", "PUT of graph <…> from f.trig").

        Raises:
            HttpFailure: no answer, a non-2xx answer, or an answer above ``max_bytes``; the
                message names the service (redacted), ``what``, the status and the server's text.
        """
        retrying = tenacity.AsyncRetrying(
            stop=tenacity.stop_after_attempt(self.retries + 1),
            wait=_wait,
            retry=tenacity.retry_if_exception(lambda exc: isinstance(exc, HttpFailure) and exc.transient),
            reraise=True,
        )
        attempts = 0
        try:
            async for attempt in retrying:
                with attempt:
                    attempts = attempt.retry_state.attempt_number
                    return await self._once(
                        method, url, what=what, headers=headers or {}, content=content, data=data
                    )
        except HttpFailure as failure:
            if attempts > 1:
                failure.message += f" (after {attempts} attempts)"
                failure.args = (failure.message,)
            raise
        raise AssertionError("unreachable")  # pragma: no cover

    async def _once(
        self,
        method: str,
        url: str,
        *,
        what: str,
        headers: Mapping[str, str],
        content: bytes | FileBody | None,
        data: Mapping[str, str] | None,
    ) -> Answer:
        assert self._client is not None, "use the session in an 'async with' block"
        service, where = self.service, self.service.where
        try:
            async with asyncio.timeout(self.timeout):
                async with self._client.stream(
                    method, url, headers=dict(headers), content=content, data=data
                ) as response:
                    if response.status_code >= 300:
                        body = await _read(response, ERROR_BODY_BYTES, refuse=False)
                        raise self._failure(response, body, what=what)
                    size = response.headers.get("content-length", "")
                    if size.isdigit() and int(size) > self.max_bytes:
                        raise self._too_large(what)
                    body = await _read(response, self.max_bytes, refuse=True)
                    if body is None:
                        raise self._too_large(what)
                    return Answer(response.status_code, response.headers, body)
        except TimeoutError:
            raise HttpFailure(
                f"the {service.kind} {where} did not answer within {self.timeout:g} s ({what})",
                transient=self.retry_timeouts,
            ) from None
        except httpx.TimeoutException:
            raise HttpFailure(
                f"the {service.kind} {where} did not answer within {self.timeout:g} s ({what})",
                transient=self.retry_timeouts,
            ) from None
        except httpx.ConnectError as exc:
            if _is_dns_failure(exc):
                raise HttpFailure(
                    f"cannot reach the {service.kind} {where}: unknown host {urlsplit(where).hostname!r}"
                ) from None
            raise HttpFailure(
                f"cannot connect to the {service.kind} {where}: {_reason(exc)}", transient=True
            ) from None
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
            raise HttpFailure(
                f"the {service.kind} {where} dropped the connection ({what}): {_reason(exc)}",
                transient=True,
            ) from None
        except httpx.HTTPError as exc:
            raise HttpFailure(
                f"request to the {service.kind} {where} failed ({what}): {_reason(exc)}"
            ) from None

    def _too_large(self, what: str) -> HttpFailure:
        return HttpFailure(
            f"the {self.service.kind} {self.service.where} sent more than {_size(self.max_bytes)} "
            f"in answer to {what}; reading stopped there (raise the cap, --max-answer-mb, to read more)"
        )

    def _failure(self, response: httpx.Response, body: bytes, *, what: str) -> HttpFailure:
        status = response.status_code
        kind, where = self.service.kind, self.service.where
        detail = server_message(
            body, content_type=response.headers.get("content-type", ""), reason=response.reason_phrase
        )
        tail = f"HTTP {status}: {detail}" if detail else f"HTTP {status}"
        if status < 400:
            location = redact(response.headers.get("location", "")) or "?"
            message = f"the {kind} {where} redirected {what} to {location} ({tail}); use that address"
        elif status in (401, 403):
            if self.user is not None:
                message = f"the {kind} {where} refused the credentials ({tail})"
            else:
                message = f"the {kind} {where} requires credentials ({tail}); give a user and password"
        elif status in (404, 405):
            hint = f"; {self.service.hint}" if self.service.hint else ""
            message = f"the {kind} {where} has no such service for {what} ({tail}){hint}"
        elif status == 413:
            message = f"the {kind} {where} refused {what} as too large ({tail})"
        elif status < 500 and status != 429:
            message = f"the {kind} {where} rejected {what} ({tail})"
        else:
            message = f"the {kind} {where} failed on {what} ({tail})"
        return HttpFailure(
            message,
            status=status,
            detail=detail,
            transient=status in _TRANSIENT_STATUS,
            retry_after=_retry_after(response),
        )


async def _read(response: httpx.Response, cap: int, *, refuse: bool) -> bytes | None:
    """At most ``cap`` bytes of the (decoded) body; ``None`` when ``refuse`` and there is more."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size > cap:
            if refuse:
                return None
            break
    return b"".join(chunks)[:cap]


def _wait(state: tenacity.RetryCallState) -> float:
    """Exponential backoff from 0.5 s, or the server's ``Retry-After`` when it is short."""
    outcome = state.outcome
    exc = outcome.exception() if outcome is not None else None
    if isinstance(exc, HttpFailure) and exc.retry_after is not None:
        return exc.retry_after
    return _BACKOFF * 2 ** (state.attempt_number - 1)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "").strip()
    if value.isdigit() and int(value) <= _MAX_RETRY_AFTER:
        return float(value)
    return None


def _size(count: int) -> str:
    return f"{count / 2**20:g} MiB" if count >= 2**20 else f"{count:,} bytes"


def _is_dns_failure(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, socket.gaierror):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _reason(exc: BaseException) -> str:
    """The operating system's words for a failure (``Connection refused``) when the chain of
    causes has them, else the exception's own text."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) and isinstance(seen.errno, int) and seen.errno > 0:
            return os.strerror(seen.errno)
        seen = seen.__cause__ or seen.__context__
    text = re.sub(r"^\[Errno -?\d+\]\s*", "", " ".join(str(exc).split()))
    return text or type(exc).__name__
