"""Typed errors from the Stripe API and the exit codes they map to.

Every ``StripeError`` is a ``stripecli.errors.CliError`` and carries its ``exit_code`` (the codes
are in ``stripecli.exit_codes``). ``UsageError`` (a bad request caught before sending) is the
CLI's own.

The pydantic models of the error envelope (``ErrorBody``, ``ErrorEnvelope``) are built on first
use (module ``__getattr__``) so that importing this module, which every CLI start does, stays
cheap.
"""

from __future__ import annotations

from typing import Any, Mapping

__all__ = [
    "StripeError",
    "ApiError",
    "InvalidRequestError",
    "CardError",
    "IdempotencyError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "RateLimitError",
    "NetworkError",
    "UsageError",
    "ErrorBody",
    "ErrorEnvelope",
    "from_response",
]

from stripecli import exit_codes as _codes
from stripecli.errors import CliError, UsageError


class StripeError(CliError):
    """An error from (or on the way to) the Stripe API.

    ``json_body`` is the ``error`` object of the response (a dict) or ``None``.
    """

    exit_code: int = _codes.API_ERROR

    def __init__(
        self,
        message: str,
        *,
        type: str | None = None,
        code: str | None = None,
        decline_code: str | None = None,
        param: str | None = None,
        doc_url: str | None = None,
        request_log_url: str | None = None,
        request_id: str | None = None,
        http_status: int | None = None,
        json_body: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.type = type
        self.code = code
        self.decline_code = decline_code
        self.param = param
        self.doc_url = doc_url
        self.request_log_url = request_log_url
        self.request_id = request_id
        self.http_status = http_status
        self.json_body = json_body

    def one_line(self) -> str:
        """``MESSAGE (CODE, decline DECLINE_CODE, param PARAM) [REQUEST_ID]``, missing parts left out."""
        details = []
        if self.code:
            details.append(self.code)
        if self.decline_code and self.decline_code != self.code:
            details.append("decline %s" % self.decline_code)
        if self.param:
            details.append("param %s" % self.param)
        text = self.message or (self.type or "error")
        if details:
            text += " (%s)" % ", ".join(details)
        if self.request_id:
            text += " [%s]" % self.request_id
        return text

    def __str__(self) -> str:
        return self.one_line()

    def __repr__(self) -> str:
        return "%s(%r, http_status=%r, code=%r, request_id=%r)" % (
            type(self).__name__,
            self.message,
            self.http_status,
            self.code,
            self.request_id,
        )


class ApiError(StripeError):
    """The API answered with an error (generic 4xx or 5xx)."""

    exit_code = _codes.API_ERROR


class InvalidRequestError(ApiError):
    """400: the request had invalid parameters."""


class CardError(ApiError):
    """402 or ``card_error``: the card was declined."""


class IdempotencyError(ApiError):
    """``idempotency_error``: an Idempotency-Key was reused with different parameters."""


class NotFoundError(InvalidRequestError):
    """404: no such object (Stripe reports it as an ``invalid_request_error``)."""

    exit_code = _codes.NOT_FOUND


class AuthenticationError(StripeError):
    """401, or no API key configured (nothing was sent)."""

    exit_code = _codes.AUTH


class PermissionDeniedError(StripeError):
    """403: the key may not do this (e.g. a restricted key without the permission)."""

    exit_code = _codes.AUTH


class RateLimitError(StripeError):
    """429 after the retries ran out."""

    exit_code = _codes.RATE_LIMITED


class NetworkError(StripeError):
    """Connection failure or timeout after the retries ran out."""

    exit_code = _codes.NETWORK


def _build_models() -> dict[str, Any]:
    from pydantic import BaseModel, ConfigDict

    class ErrorBody(BaseModel):
        """Stripe's ``error`` object; unknown fields are kept."""

        model_config = ConfigDict(extra="allow")

        type: str | None = None
        code: str | None = None
        decline_code: str | None = None
        param: str | None = None
        message: str | None = None
        doc_url: str | None = None
        request_log_url: str | None = None

    class ErrorEnvelope(BaseModel):
        """``{"error": {...}}``."""

        model_config = ConfigDict(extra="allow")

        error: ErrorBody

    return {"ErrorBody": ErrorBody, "ErrorEnvelope": ErrorEnvelope}


_models: dict[str, Any] | None = None


def __getattr__(name: str) -> Any:
    global _models
    if name in ("ErrorBody", "ErrorEnvelope"):
        if _models is None:
            _models = _build_models()
        return _models[name]
    raise AttributeError("module %r has no attribute %r" % (__name__, name))


def _get_header(headers: Mapping[str, str] | None, name: str) -> str | None:
    if not headers:
        return None
    getter = getattr(headers, "get", None)
    value = getter(name) if getter is not None else None  # httpx.Headers is case-insensitive
    if value is not None:
        return value
    lname = name.lower()
    for key, val in headers.items():
        if key.lower() == lname:
            return val
    return None


def _http_fallback_message(status: int, body: bytes, url: str | None) -> str:
    from http import HTTPStatus

    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = ""
    text = "HTTP %d" % status
    if reason:
        text += " %s" % reason
    if url:
        text += " from %s" % url
    snippet = body.decode("utf-8", "replace").strip() if body else ""
    if snippet and "<" not in snippet[:1] and len(snippet) <= 200:
        text += ": %s" % " ".join(snippet.split())
    return text


def _class_for(status: int, error_type: str | None, code: str | None) -> type[StripeError]:
    if status == 429 or (status == 400 and code == "rate_limit"):
        return RateLimitError
    if status == 401:
        return AuthenticationError
    if status == 403:
        return PermissionDeniedError
    if status == 404:
        return NotFoundError
    if error_type == "idempotency_error":
        return IdempotencyError
    if status == 402 or error_type == "card_error":
        return CardError
    if status == 400 or error_type == "invalid_request_error":
        return InvalidRequestError
    return ApiError


def from_response(
    status: int,
    headers: Mapping[str, str] | None,
    body: bytes | str | None,
    url: str | None = None,
) -> StripeError:
    """The error for an HTTP error response, chosen from the status and the error ``type``.

    A body that is not Stripe's JSON error envelope still gives a clear message, such as
    ``HTTP 502 Bad Gateway from https://api.stripe.com/v1/customers``.
    """
    import json

    if isinstance(body, str):
        body = body.encode("utf-8")
    body = body or b""
    request_id = _get_header(headers, "Request-Id")

    error_obj: dict[str, Any] | None = None
    try:
        decoded = json.loads(body) if body else None
    except ValueError:
        decoded = None
    if isinstance(decoded, dict) and isinstance(decoded.get("error"), dict):
        error_obj = decoded["error"]
    elif isinstance(decoded, dict) and isinstance(decoded.get("error"), str):
        # OAuth (connect.stripe.com) errors: {"error": "invalid_grant", "error_description": ...}
        error_obj = {
            "type": decoded["error"],
            "code": decoded["error"],
            "message": decoded.get("error_description") or decoded["error"],
        }

    if error_obj is None:
        cls = _class_for(status, None, None)
        return cls(
            _http_fallback_message(status, body, url),
            request_id=request_id,
            http_status=status,
        )

    try:
        parsed = __getattr__("ErrorBody").model_validate(error_obj)
        fields = {
            "type": parsed.type,
            "code": parsed.code,
            "decline_code": parsed.decline_code,
            "param": parsed.param,
            "message": parsed.message,
            "doc_url": parsed.doc_url,
            "request_log_url": parsed.request_log_url,
        }
    except Exception:  # a field of an unexpected type: keep what is a string
        fields = {
            k: (error_obj.get(k) if isinstance(error_obj.get(k), str) else None)
            for k in ("type", "code", "decline_code", "param", "message", "doc_url", "request_log_url")
        }

    message = fields.pop("message") or _http_fallback_message(status, b"", url)
    cls = _class_for(status, fields["type"], fields["code"])
    return cls(message, request_id=request_id, http_status=status, json_body=error_obj, **fields)
