"""Errors the emulator answers with, in Stripe's envelope: ``{"error": {"type", "code", ...}}``."""

from __future__ import annotations

from typing import Any

from stripecli.model import params as _params


class EmulatorError(Exception):
    """An API error: raised anywhere in the handler, turned into one response."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
        keep_writes: bool = False,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.code = code
        self.param = param
        self.headers = headers or {}
        # more fields of the error hash (a card error's decline_code, charge, payment_intent ...)
        self.extra = extra or {}
        # the request's writes are committed before answering (a declined charge is kept)
        self.keep_writes = keep_writes

    def body(self, request_id: str | None = None) -> dict[str, Any]:
        error: dict[str, Any] = {"type": self.type, "message": self.message}
        if self.code:
            error["code"] = self.code
            error["doc_url"] = "https://stripe.com/docs/error-codes/%s" % self.code.replace("_", "-")
        if self.param:
            error["param"] = self.param
        for name, value in self.extra.items():
            error.setdefault(name, value)
        if request_id:
            error["request_log_url"] = "https://dashboard.stripe.com/test/logs/%s" % request_id
        return {"error": error}


def invalid(message: str, *, param: str | None = None, code: str | None = None) -> EmulatorError:
    return EmulatorError(400, message, code=code, param=param)


def param_error(err: _params.ParamError) -> EmulatorError:
    """A param the model's rules refuse, answered as Stripe does: 400 with its code and param."""
    return EmulatorError(400, err.message, code=err.code, param=err.param)


def unknown_param(name: str) -> EmulatorError:
    return param_error(_params.unknown_param(name))


def missing_param(name: str) -> EmulatorError:
    return param_error(_params.missing_param(name))


def no_such(display: str, object_id: str, *, param: str | None = "id") -> EmulatorError:
    return EmulatorError(404, "No such %s: '%s'" % (display, object_id), code="resource_missing", param=param)


def unauthorized(message: str) -> EmulatorError:
    return EmulatorError(401, message)
