"""The HTTP client: builds, sends, retries and decodes Stripe API calls; follows pages.

``import stripecli.api.client`` is cheap: httpx is imported on first ``prepare``/``send``.

Retries follow stripe-python: connection errors and timeouts, 409, 429 and 5xx are retried,
``Stripe-Should-Retry: false``/``true`` overrides that, ``Retry-After`` (capped at 60 s) is
honoured, otherwise the delay is exponential from 0.5 s (doubling, capped at 8 s) times a jitter
in [0.5, 1.0], never below 0.5 s. A POST keeps one Idempotency-Key across all of its attempts.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from stripecli.api import tls
from stripecli.api.errors import (
    ApiError,
    AuthenticationError,
    NetworkError,
    StripeError,
    UsageError,
    from_response,
)
from stripecli.api.paginate import Cursor, Paginator
from stripecli.api.request import METHODS, ApiRequest, PathError, PreparedRequest, base_url, check_path

__all__ = [
    "ClientConfig",
    "StripeClient",
    "Paginator",
    "StripeError",
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_READ_TIMEOUT",
]

DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_READ_TIMEOUT = 80.0
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
MAX_RETRY_AFTER = 60.0
MAX_URL_LENGTH = 65536  # httpx's limit; servers' are lower still
_HEADER_VALUE = re.compile(r"[\x20-\x7e]*")  # printable ASCII: what every HTTP stack sends as is



@dataclass
class ClientConfig:
    """How to reach Stripe.

    ``api_base`` overrides the host of every base (api, files, connect, meter_events), e.g. for
    the emulator. ``timeout`` ``None`` means 10 s to connect and 80 s to read; a number sets the
    read (and write and pool) timeout, with the connect timeout at most 10 s. ``log`` receives
    one line per request, response and retry (already redacted). ``transport`` is an
    ``httpx.BaseTransport`` (the in-process emulator, tests). ``sleep`` is called between retries.
    ``pacer`` paces attempts across clients that share it (a bulk run's rate limiter): its
    ``wait()`` is called before every attempt, retries included, and its ``observe(status,
    headers)`` after every response (``status`` ``None`` and empty headers for a transport error).
    """

    api_key: str | None = field(repr=False)
    api_base: str | None = None
    stripe_version: str = ""
    stripe_account: str | None = None
    max_retries: int = 2
    timeout: float | None = None
    idempotency_key: str | None = None
    log: Callable[[str], None] | None = None
    transport: Any = None
    sleep: Callable[[float], None] = time.sleep
    user_agent_version: str = ""
    pacer: Any = None
    light: bool = False  # many small requests from one thread: api/wire.py instead of httpx


class StripeClient:
    """One httpx connection pool (created on first send) for a run of the CLI.

    ``last_request_id`` is the ``Request-Id`` of the last response; ``cursor`` mirrors the cursor
    of the most recent ``paginate()``.
    """

    def __init__(self, config: ClientConfig) -> None:
        self.config = config
        self._http: Any = None
        self.last_request_id: str | None = None
        self.cursor: Cursor | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    def __enter__(self) -> "StripeClient":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _client(self) -> Any:
        if self._http is None:
            import httpx

            if self.config.light and self.config.transport is None:
                from stripecli.api import wire

                if not wire.proxy_configured():
                    read = DEFAULT_READ_TIMEOUT if self.config.timeout is None else float(self.config.timeout)
                    self._http = wire.Wire(connect=min(read, DEFAULT_CONNECT_TIMEOUT), read=read,
                                           ssl_context=tls.ssl_context())
                    return self._http
            kwargs: dict[str, Any] = {
                "timeout": self._timeout(httpx),
                "trust_env": True,  # HTTPS_PROXY, NO_PROXY, SSL_CERT_FILE, SSL_CERT_DIR
                "follow_redirects": False,
            }
            if self.config.transport is not None:
                kwargs["transport"] = self.config.transport
            else:
                kwargs["verify"] = tls.ssl_context()  # an SSLContext: verification stays on
            self._http = httpx.Client(**kwargs)
        return self._http

    def _timeout(self, httpx: Any) -> Any:
        if self.config.timeout is None:
            return httpx.Timeout(DEFAULT_READ_TIMEOUT, connect=DEFAULT_CONNECT_TIMEOUT)
        total = float(self.config.timeout)
        return httpx.Timeout(total, connect=min(total, DEFAULT_CONNECT_TIMEOUT))

    # -- building --------------------------------------------------------------------------

    def user_agent(self) -> str:
        import httpx

        return "stripecli/%s python-httpx/%s" % (self.config.user_agent_version or "dev", httpx.__version__)

    def prepare(self, req: ApiRequest, *, idempotency_key: str | None = None) -> PreparedRequest:
        """The exact method, URL, headers and body ``send(req)`` would use; no network.

        A POST gets ``idempotency_key``, else the configured one, else a fresh uuid4.
        """
        from stripecli.api.encode import encode_form

        method = req.method.upper()
        if method not in METHODS:
            raise UsageError("unsupported HTTP method %r (expected GET, POST or DELETE)" % req.method)
        if not req.path.startswith("/"):
            raise UsageError("request path must start with '/': %r" % req.path)
        try:
            check_path(req.path)
        except PathError as exc:
            raise UsageError(str(exc)) from None
        try:
            url = base_url(req.base, self.config.api_base) + req.path
        except ValueError as exc:
            raise UsageError(str(exc)) from None

        encoded = encode_form(req.params or {})
        body: str | None = None
        if method == "POST":
            body = encoded
        elif encoded:
            url += ("&" if "?" in url else "?") + encoded

        _check_wire(url)

        headers: dict[str, str] = {}
        if self.config.api_key:
            headers["Authorization"] = "Bearer %s" % self.config.api_key
        version = req.stripe_version or self.config.stripe_version
        if version:
            headers["Stripe-Version"] = version
        if self.config.stripe_account:
            headers["Stripe-Account"] = self.config.stripe_account
        headers["User-Agent"] = self.user_agent()
        headers["Accept"] = "application/json"
        if method == "POST":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Idempotency-Key"] = idempotency_key or self.config.idempotency_key or _new_idempotency_key()
        for name, value in (req.headers or {}).items():
            for existing in [k for k in headers if k.lower() == name.lower()]:
                del headers[existing]
            headers[name] = value
        for name, value in headers.items():
            if not _HEADER_VALUE.fullmatch(value):
                shown = "the API key" if name == "Authorization" else "the %s header %r" % (name, value)
                raise UsageError("%s has characters an HTTP header cannot carry: use printable ASCII" % shown)
        return PreparedRequest(method=method, url=url, headers=headers, body=body)

    # -- sending ---------------------------------------------------------------------------

    def send(self, req: ApiRequest) -> dict[str, Any]:
        """Send with retries; the decoded JSON, or a ``StripeError`` subclass raised."""
        if not self.config.api_key:
            raise AuthenticationError("No API key configured; nothing was sent.")
        return self.send_prepared(self.prepare(req))

    def send_bytes(self, req: ApiRequest) -> bytes:
        """Send with retries; the raw response body (binary endpoints such as a quote's PDF)."""
        if not self.config.api_key:
            raise AuthenticationError("No API key configured; nothing was sent.")
        return self.send_prepared(self.prepare(req), raw=True)

    def send_prepared(self, prepared: PreparedRequest, *, raw: bool = False) -> Any:
        """Send ``prepared`` (every retry reuses its headers, so its Idempotency-Key)."""
        import httpx

        from stripecli.redact import redact

        http = self._client()
        attempts = max(0, int(self.config.max_retries)) + 1
        content = prepared.body.encode("utf-8") if prepared.body is not None else None
        pacer = self.config.pacer
        for attempt in range(1, attempts + 1):
            if pacer is not None:
                pacer.wait()
            self._log("> %s %s" % (prepared.method, prepared.url))
            started = time.monotonic()
            try:
                response = http.request(prepared.method, prepared.url, headers=prepared.headers, content=content)
            except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
                raise UsageError("cannot send to %s: %s" % (prepared.url, exc)) from None
            except httpx.TransportError as exc:
                reason = _describe_transport_error(exc)
                if pacer is not None:
                    pacer.observe(None, {})
                self._log("< %s (%.2fs)" % (reason, time.monotonic() - started))
                if attempt < attempts:
                    self._retry(self._backoff(attempt), attempt + 1, attempts, reason)
                    continue
                message = "%s %s failed: %s (after %d attempt%s)" % (
                    prepared.method,
                    prepared.url,
                    reason,
                    attempts,
                    "" if attempts == 1 else "s",
                )
                raise NetworkError(redact(message, self.config.api_key)) from None

            status = response.status_code
            request_id = response.headers.get("request-id")
            self.last_request_id = request_id
            self._log("< %d %s (%.2fs)" % (status, request_id or "-", time.monotonic() - started))
            if pacer is not None:
                pacer.observe(status, response.headers)
            if 200 <= status < 300:
                return response.content if raw else _decode(response, prepared.url, request_id)
            if attempt < attempts and _should_retry(status, response.headers):
                delay = retry_after(response.headers)
                if delay is None:
                    delay = self._backoff(attempt)
                self._retry(delay, attempt + 1, attempts, "HTTP %d" % status)
                continue
            raise from_response(status, response.headers, response.content, prepared.url)
        raise AssertionError("unreachable")  # pragma: no cover

    def _backoff(self, retry_number: int) -> float:
        """Delay before retry ``retry_number`` (1-based), as stripe-python computes it."""
        import random

        delay = min(INITIAL_RETRY_DELAY * (2 ** (retry_number - 1)), MAX_RETRY_DELAY)
        delay *= 0.5 * (1 + random.uniform(0, 1))
        return max(INITIAL_RETRY_DELAY, delay)

    def _retry(self, delay: float, next_attempt: int, attempts: int, reason: str) -> None:
        self._log("retrying in %.1fs (attempt %d of %d): %s" % (delay, next_attempt, attempts, reason))
        self.config.sleep(delay)

    def _log(self, line: str) -> None:
        if self.config.log is not None:
            from stripecli.redact import redact

            self.config.log(redact(line, self.config.api_key))

    # -- pages -----------------------------------------------------------------------------

    def paginate(self, req: ApiRequest, *, max_items: int | None = None) -> "Paginator":
        """Iterate the pages of a list or search endpoint; see ``Paginator``."""
        return Paginator(self, req, max_items=max_items)


# -- helpers -------------------------------------------------------------------------------


_WIRE_CHECKED: set[str] = set()  # URLs found sound already (a bulk run sends one URL many times)


def _check_wire(url: str) -> None:
    """Refuse a URL that httpx would send differently from how it reads (and how ``--dry-run``
    prints it): a dot segment resolved away, a character re-encoded. What is shown is what is sent."""
    if url in _WIRE_CHECKED:
        return
    from urllib.parse import urlsplit

    import httpx

    if len(url) > MAX_URL_LENGTH:
        raise UsageError("the URL would be %d characters, more than the %d an HTTP client sends: "
                         "an id or a query param is too long" % (len(url), MAX_URL_LENGTH))
    parts = urlsplit(url)
    shown = (parts.path or "/") + ("?" + parts.query if parts.query else "")
    try:
        sent = httpx.URL(url).raw_path.decode("ascii")
    except (httpx.InvalidURL, UnicodeDecodeError) as exc:
        raise UsageError("cannot send to %s: %s" % (url, exc)) from None
    if sent != shown:
        raise UsageError("%s would be sent as %s: percent-encode the path so it goes out as typed" % (shown, sent))
    if len(_WIRE_CHECKED) < 4096:
        _WIRE_CHECKED.add(url)


def _new_idempotency_key() -> str:
    import uuid

    return str(uuid.uuid4())


def _should_retry(status: int, headers: Any) -> bool:
    advice = (headers.get("stripe-should-retry") or "").strip().lower()
    if advice == "false":
        return False
    if advice == "true":
        return True
    return status in (409, 429) or status >= 500


def retry_after(headers: Any) -> float | None:
    """The wait a ``Retry-After`` header asks for, in seconds (a number or an HTTP date), clamped
    to 0..MAX_RETRY_AFTER; ``None`` when there is none or it cannot be read. The client's retries
    and the bulk pacer both honour it."""
    value = headers.get("retry-after")
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when is None:
            return None
        seconds = when.timestamp() - time.time()
    if seconds != seconds:  # NaN
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def _describe_transport_error(exc: Exception) -> str:
    text = str(exc).strip()
    return "%s: %s" % (type(exc).__name__, text) if text else type(exc).__name__


def _decode(response: Any, url: str, request_id: str | None) -> dict[str, Any]:
    import json

    try:
        return json.loads(response.content)
    except ValueError:
        raise ApiError(
            "HTTP %d from %s was not JSON" % (response.status_code, url),
            request_id=request_id,
            http_status=response.status_code,
        ) from None
