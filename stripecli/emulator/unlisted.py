"""Routes the emulator serves that are not operations of the model (Stripe's v1 API reference).

Each is served for a reason stated here, by a family that registers it
(``unlisted.route(method, path, ...)`` at import); ``routes.match`` falls back to this table when
the model has no route, so Stripe's ``Unrecognized request URL`` stays the answer for anything
else. A route declares the params it takes (checked as any operation's are) and runs its own
function in place of the generic operation, in the same write transaction, so its writes record
their events as any request's do.

=============================================  =================================================
route                                          why it is served
=============================================  =================================================
``POST /v1/payment_pages/{session}/confirm``   what Stripe's hosted Checkout page calls when the
                                               customer pays; Stripe's CLI fixtures
                                               (``checkout.session.*``) pay sessions with it
                                               (``behaviours/checkout.py``)
``GET /v1/files/{file}/contents``              a file's contents, which Stripe serves at
                                               ``files.stripe.com/v1/files/{file}/contents``
                                               (report run results, ``behaviours/reports.py``)
``GET /v2/core/events``, ``.../{id}``          thin events (``v1.billing.meter.*``), which
                                               Stripe lists in its v2 API, not in ``/v1/events``
                                               (``behaviours/meters.py``)
=============================================  =================================================
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from stripecli.emulator.routes import Route


@dataclass
class UnlistedRoute(Route):
    run: Callable[..., Any] | None = None
    params: list[dict[str, Any]] = field(default_factory=list)

    @property
    def op(self) -> dict[str, Any]:  # type: ignore[override]
        return {"params": self.params, "returns": "object"}


class Contents(bytes):
    """A route's answer that is a file, not JSON: its bytes and their media type."""

    content_type: str

    def __new__(cls, data: bytes, content_type: str) -> "Contents":
        obj = super().__new__(cls, data)
        obj.content_type = content_type
        return obj


_TABLE: list[tuple[str, list[str], UnlistedRoute]] = []


def route(method: str, path: str, *, kind: str, object_type: str,
          params: list[dict[str, Any]] | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``fn(ctx) -> answer`` for ``method path`` (``{name}`` segments are path params,
    in ``ctx.values``); ``kind`` is a route kind (``retrieve``/``list`` read, ``action`` writes)."""
    segments = path.strip("/").split("/")

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        names = [s[1:-1] for s in segments if s.startswith("{")]
        entry = UnlistedRoute("unlisted", segments[1], fn.__name__, method.upper(), path, kind, object_type,
                              object_type, names, frozenset({object_type}), run=fn, params=list(params or []))
        _TABLE.append((method.upper(), segments, entry))
        return fn

    return register


def match(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    from urllib.parse import unquote

    given = path.strip("/").split("/")
    for wanted_method, segments, entry in _TABLE:
        if wanted_method != method.upper() or len(segments) != len(given):
            continue
        values: dict[str, str] = {}
        for want, seg in zip(segments, given):
            if want.startswith("{"):
                if not seg:
                    break
                values[want[1:-1]] = unquote(seg)
            elif want != seg:
                break
        else:
            return entry, values
    return None


def param(name: str, kind: str = "string", **extra: Any) -> dict[str, Any]:
    """One declared param, in the model's shape (``validate`` checks it)."""
    return dict({"name": name, "in": "form", "type": kind, "required": False}, **extra)


# -- thin events (v2) ---------------------------------------------------------------------------


@route("GET", "/v2/core/events", kind="list", object_type="v2.core.event",
       params=[param("limit", "integer"), param("object_id")])
def _thin_events(ctx: Any) -> dict[str, Any]:
    from stripecli.emulator import events

    return events.list_thin_events(ctx)


@route("GET", "/v2/core/events/{id}", kind="retrieve", object_type="v2.core.event")
def _thin_event(ctx: Any) -> dict[str, Any]:
    from stripecli.emulator import events

    return events.retrieve_thin_event(ctx)
