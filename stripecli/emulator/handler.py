"""The request handler: one function from an HTTP request to an HTTP response, independent of any
server. ``transport`` (in-process, for ``--local``) and ``server`` (``emulator serve``) adapt it.

    emulator = Emulator(data_dir)
    status, headers, body = emulator.handle("POST", "/v1/customers", "", {"Authorization": ...}, b"email=a@b.c")
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import sqlite3
import sys
import threading
import time
import traceback
from typing import Any, Iterable, Mapping
from urllib.parse import parse_qsl

from stripecli.emulator import behaviours, events, operations, requestlog, routes, schema
from stripecli.emulator.context import Context
from stripecli.emulator.errors import EmulatorError, unauthorized
from stripecli.emulator.forms import parse_form, parse_query
from stripecli.emulator.store import Store, compact
from stripecli.emulator.validate import validate

Headers = list[tuple[str, str]]

DEFAULT_ADVANCE_SECONDS = 1.0


def advance_seconds_from_env() -> float:
    raw = os.environ.get("STRIPECLI_EMULATOR_ADVANCE_SECONDS")
    if raw is None or raw.strip() == "":
        return DEFAULT_ADVANCE_SECONDS
    try:
        return max(0.0, float(raw))
    except ValueError:
        return DEFAULT_ADVANCE_SECONDS


def _lower_headers(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    items = headers.items() if hasattr(headers, "items") else headers
    return {str(k).lower(): str(v) for k, v in items}


def api_key_of(headers: dict[str, str]) -> str | None:
    """The key from ``Authorization: Bearer <key>`` or basic auth with the key as user name."""
    auth = headers.get("authorization", "").strip()
    if not auth:
        return None
    scheme, _, value = auth.partition(" ")
    scheme = scheme.lower()
    value = value.strip()
    if scheme == "bearer":
        return value or None
    if scheme == "basic":
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return ""
        return decoded.split(":", 1)[0]
    return ""


def _masked(key: str) -> str:
    if len(key) <= 12:
        return key[:3] + "*" * max(0, len(key) - 3)
    return key[:8] + "*" * (len(key) - 12) + key[-4:]


def authenticate(headers: dict[str, str]) -> str:
    key = api_key_of(headers)
    if key is None:
        raise unauthorized(
            "You did not provide an API key. You need to provide your API key in the Authorization header, using "
            "Bearer auth (e.g. 'Authorization: Bearer sk_test_...'), or as the user name of basic auth "
            "(curl -u sk_test_...:).")
    if key.startswith(("sk_live_", "rk_live_", "pk_live_")):
        raise unauthorized("The stripecli emulator is test mode only: it does not accept live keys (%s). Use a test "
                           "key such as sk_test_local." % _masked(key))
    if not key.startswith(("sk_test_", "rk_test_")) or len(key) <= len("sk_test_"):
        raise unauthorized("Invalid API Key provided: %s" % _masked(key) if key else
                           "Invalid API Key provided: the Authorization header is malformed.")
    return key


def _fingerprint(method: str, path: str, query_string: str, body: bytes) -> str:
    pairs = sorted(parse_qsl(query_string, keep_blank_values=True))
    pairs += sorted(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    digest = hashlib.sha256()
    digest.update(("%s %s\n" % (method, path)).encode())
    digest.update(json.dumps(pairs).encode())
    return digest.hexdigest()


class Emulator:
    """A Stripe-compatible API over one data directory."""

    def __init__(self, data_dir: str | None = None, *, advance_seconds: float | None = None) -> None:
        self.store = Store(data_dir)
        self.advance_seconds = advance_seconds_from_env() if advance_seconds is None else float(advance_seconds)
        # the route table is built per method on its first request: a --local command that only
        # reads never builds the trees of POST and DELETE
        events.install()  # each write transaction records its events (and their deliveries)

    @property
    def data_dir(self) -> str:
        return self.store.data_dir

    def handle(self, method: str, path: str, query_string: str, headers: Mapping[str, str] | Iterable[tuple[str, str]],
               body: bytes) -> tuple[int, Headers, bytes]:
        """The response, and one row in the request log (``requestlog``: no key, no body). A
        request that writes and succeeds logs its row in its own write transaction (one commit,
        not two); any other request logs it in a short transaction of its own afterwards."""
        entry = requestlog.Entry(time.time(), time.monotonic(), method.upper(), path)
        status, out, content = self._respond(method, path, query_string, headers, body, entry)
        if not (entry.logged and status == 200):  # a failed commit answers with an error, unlogged
            response_headers = dict(out)
            requestlog.record(self.store, at=entry.at, method=entry.method, path=path, status=status,
                              request_id=response_headers.get("Request-Id", ""),
                              duration_ms=(time.monotonic() - entry.started) * 1000,
                              idempotency_key=response_headers.get("Idempotency-Key"))
        return status, out, content

    def _respond(self, method: str, path: str, query_string: str,
                 headers: Mapping[str, str] | Iterable[tuple[str, str]], body: bytes,
                 entry: requestlog.Entry | None = None) -> tuple[int, Headers, bytes]:
        method = method.upper()
        h = _lower_headers(headers)
        request_id = "req_" + schema.random_token(14)
        out: Headers = [("Request-Id", request_id), ("Content-Type", "application/json")]
        version = h.get("stripe-version")
        if version:
            out.append(("Stripe-Version", version))
        pretty = h.get("user-agent", "").startswith("curl/")
        try:
            key = authenticate(h)
            status, payload, extra = self._dispatch(method, path, query_string or "", h, body or b"", key, request_id,
                                                    pretty, entry)
        except EmulatorError as err:
            status, payload, extra = err.status, err.body(request_id), _error_headers(err)
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            # another process held the database past busy_timeout: Stripe's answer to a lock
            # conflict is 409 lock_timeout, which clients (the CLI, stripe-python) retry
            err = EmulatorError(409, "This object cannot be accessed right now because another API request or "
                                     "process is using it. Retry the request.", code="lock_timeout")
            status, payload, extra = 409, err.body(request_id), [("Stripe-Should-Retry", "true")]
        except Exception as exc:  # noqa: BLE001 - one failure is one 500, the server keeps serving
            traceback.print_exc(file=sys.stderr)
            err = EmulatorError(500, "The emulator failed on this request: %s: %s" % (type(exc).__name__, exc),
                                type="api_error")
            status, payload, extra = 500, err.body(request_id), [("Stripe-Should-Retry", "false")]
        out.extend(extra)
        if isinstance(payload, bytes):  # a file, not stored JSON (a quote's PDF, a report's CSV)
            media = getattr(payload, "content_type", None) or ("application/pdf" if payload.startswith(b"%PDF-")
                                                               else None)
            if media:
                out = [(k, media if k == "Content-Type" else v) for k, v in out]
            return status, out, bytes(payload)
        return status, out, _encode(payload, pretty)

    def error_response(self, err: EmulatorError) -> tuple[int, Headers, bytes]:
        """The response to an error found before a request reaches ``handle`` (the server's
        body limit): Stripe's error shape, with a ``Request-Id`` like every other answer."""
        request_id = "req_" + schema.random_token(14)
        out: Headers = [("Request-Id", request_id), ("Content-Type", "application/json")] + _error_headers(err)
        return err.status, out, _encode(err.body(request_id), False)

    # -- dispatch ---------------------------------------------------------------------------

    def _dispatch(self, method: str, path: str, query_string: str, h: dict[str, str], body: bytes, key: str,
                  request_id: str, pretty: bool, entry: requestlog.Entry | None = None) -> tuple[int, Any, Headers]:
        found = routes.match(method, path)
        if found is None:
            raise EmulatorError(404, "Unrecognized request URL (%s: %s). The emulator serves the endpoints of Stripe "
                                     "API %s; see https://stripe.com/docs/api." % (method, path, _api_version()))
        route, values = found
        raw = parse_query(query_string)
        if body:
            _check_content_type(h.get("content-type", ""))
            parse_form(body, raw)
        params = validate(route.op.get("params", []), raw)
        idempotency_key = h.get("idempotency-key") if method == "POST" else None
        ctx = Context(self.store, route, values, params, advance_seconds=self.advance_seconds, request_id=request_id,
                      idempotency_key=idempotency_key)
        ctx.stripe_account = h.get("stripe-account") or None  # Connect: whose balance (see ledger.py)
        behaviours.settle(ctx)
        if route.kind in operations.READ_KINDS:
            if route.kind in ("list", "search"):  # several queries: one snapshot
                with self.store.read():
                    return 200, operations.run(ctx), []
            return 200, operations.run(ctx), []
        if entry is not None:
            requestlog.ensure(self.store)  # before the transaction: its row is written inside it
        if not idempotency_key:
            return 200, self._run_writing(ctx, entry), []
        fingerprint = _fingerprint(method, path, query_string, body)
        kept: EmulatorError | None = None
        with ctx.transaction():
            stored = self.store.idempotent(idempotency_key)
            if stored is not None:
                if stored[0] != fingerprint:
                    raise EmulatorError(
                        400,
                        "Keys for idempotent requests can only be used with the same parameters they were first used "
                        "with. Try using a key other than '%s' if you meant to execute a different request."
                        % idempotency_key,
                        type="idempotency_error")
                return stored[1], stored[2], [("Idempotent-Replayed", "true"), ("Idempotency-Key", idempotency_key)]
            try:
                result = operations.run(ctx)
            except EmulatorError as err:
                if not err.keep_writes:
                    raise
                kept = err  # a decline: its failed charge is kept, and so is the answer for a replay
                self.store.remember(idempotency_key, fingerprint, err.status, _encode(err.body(request_id), pretty))
            else:
                encoded = _encode(result, pretty)
                self.store.remember(idempotency_key, fingerprint, 200, encoded)
                if entry is not None:
                    entry.log(self.store, 200, request_id, idempotency_key)
        if kept is not None:
            kept.headers.setdefault("Idempotency-Key", idempotency_key)
            raise kept
        return 200, encoded, [("Idempotency-Key", idempotency_key)]

    def _run_writing(self, ctx: Context, entry: requestlog.Entry | None = None) -> Any:
        """One write transaction; an error raised with ``keep_writes`` (a card decline, whose
        failed charge and intent Stripe keeps) commits what was written before it is answered."""
        kept: EmulatorError | None = None
        with ctx.transaction():
            try:
                result = operations.run(ctx)
            except EmulatorError as err:
                if not err.keep_writes:
                    raise
                kept = err
            else:
                if entry is not None:
                    entry.log(self.store, 200, ctx.request_id, None)
                return result
        raise kept


def _error_headers(err: EmulatorError) -> Headers:
    extra = list(err.headers.items())
    if err.status == 401:
        extra.append(("WWW-Authenticate", 'Bearer realm="Stripe"'))
    return extra


FORM = "application/x-www-form-urlencoded"


def _check_content_type(content_type: str) -> None:
    """Stripe's v1 API reads form-encoded bodies only: a JSON (or any other) body is refused with
    400, as Stripe does, rather than ignored (which would create objects without the fields sent)."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media and media != FORM:
        raise EmulatorError(400, "Invalid request: unsupported Content-Type %s. Stripe's API takes form-encoded "
                                 "request bodies (Content-Type: %s), not JSON." % (content_type.strip(), FORM))


def _api_version() -> str:
    from stripecli.model import api_version

    return api_version()




def _encode(payload: Any, pretty: bool) -> bytes:
    if pretty:
        return (json.dumps(payload, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    return compact(payload).encode("utf-8")


_EMULATORS: dict[str, Emulator] = {}
_LOCK = threading.Lock()


def emulator_for(data_dir: str | None = None) -> Emulator:
    """One shared ``Emulator`` per data directory in a process."""
    from stripecli.config import default_data_dir

    path = os.path.abspath(data_dir or default_data_dir())
    with _LOCK:
        emulator = _EMULATORS.get(path)
        if emulator is None:
            emulator = Emulator(path)
            _EMULATORS[path] = emulator
        return emulator
