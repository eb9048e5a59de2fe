"""Which local URL an event goes to.

A route is ``URL`` (every event) or ``PATTERN=URL`` (``invoice.*=http://localhost:8000/billing``);
patterns are shell-style (``*`` matches any run of characters, dots included). Routes are tried in
order and the first whose pattern matches the event's type wins, so put narrow patterns before a
catch-all. Events of connected accounts (those with an ``account`` field) go to the
``--forward-connect-to`` routes when there are any, else to the same routes as the others.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from typing import Any, Iterable

from stripecli.errors import UsageError
from stripecli.model.events import is_thin

_EVENT_PATTERN = re.compile(r"^[a-z0-9_.*?\[\]-]+$")


@dataclass(frozen=True)
class Route:
    pattern: str
    url: str

    def matches(self, event_type: str) -> bool:
        return fnmatch.fnmatchcase(event_type, self.pattern)

    def __str__(self) -> str:
        return self.url if self.pattern == "*" else f"{self.pattern}={self.url}"


def normalize_url(text: str, flag: str) -> str:
    """``localhost:4242/webhook`` -> ``http://localhost:4242/webhook``; http(s) with a host only."""
    import httpx

    url = text.strip()
    if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", url):
        url = "http://" + url
    try:
        parsed = httpx.URL(url)
    except Exception:  # noqa: BLE001 - httpx raises several types for a bad URL
        raise UsageError(f"invalid value for {flag}: '{text}' is not a URL (for example http://localhost:4242/webhook)") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise UsageError(f"invalid value for {flag}: '{text}' is not an http(s) URL with a host "
                         "(for example http://localhost:4242/webhook)")
    return url


def parse_route(text: str, flag: str = "--forward-to") -> Route:
    """``URL`` or ``PATTERN=URL``; a URL is recognised by its scheme or by having no ``=`` before ``/``."""
    text = text.strip()
    if not text:
        raise UsageError(f"invalid value for {flag}: empty (give URL or PATTERN=URL)")
    head, sep, tail = text.partition("=")
    is_url = (not sep) or "://" in head or "/" in head or ":" in head
    if is_url:
        return Route("*", normalize_url(text, flag))
    pattern = head.strip()
    check_pattern(pattern, flag)
    return Route(pattern, normalize_url(tail, flag))


def check_pattern(pattern: str, flag: str) -> str:
    if not pattern or not _EVENT_PATTERN.match(pattern):
        raise UsageError(f"invalid value for {flag}: '{pattern}' is not an event type or pattern "
                         "(for example invoice.paid or 'invoice.*')")
    return pattern


def parse_events(values: Iterable[str]) -> list[str]:
    """``--events a,b --events 'invoice.*'`` -> the patterns (empty: every event)."""
    patterns: list[str] = []
    for value in values:
        for part in value.split(","):
            part = part.strip()
            if part:
                patterns.append(check_pattern(part, "--events"))
    return [] if "*" in patterns else patterns


def wanted(event_type: str, patterns: list[str]) -> bool:
    """Every event when there is no pattern, except thin events (``v1.billing.meter.*``, v2's
    shape): as on Stripe, where they go only to destinations made for them, those are forwarded
    only when ``--events`` names them (``--events 'v1.billing.meter.*'``)."""
    if is_thin(event_type):
        return any(fnmatch.fnmatchcase(event_type, p) for p in patterns)
    return not patterns or any(fnmatch.fnmatchcase(event_type, p) for p in patterns)


def parse_headers(values: Iterable[str]) -> list[tuple[str, str]]:
    """``--headers 'K: V'`` (repeatable, or comma-separated ``'K1: V1, K2: V2'``)."""
    headers: list[tuple[str, str]] = []
    for value in values:
        for part in value.split(","):
            if not part.strip():
                continue
            name, sep, val = part.partition(":")
            name = name.strip()
            if not sep or not re.match(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$", name):
                raise UsageError(f"invalid value for --headers: '{part.strip()}' is not 'Name: value'")
            if name.lower() in ("stripe-signature", "content-type", "content-length", "host"):
                raise UsageError(f"invalid value for --headers: {name} is set by listen itself")
            headers.append((name, val.strip()))
    return headers


def route_for(event: dict[str, Any], routes: list[Route], connect_routes: list[Route]) -> Route | None:
    table = connect_routes if (event.get("account") and connect_routes) else routes
    event_type = str(event.get("type", ""))
    for route in table:
        if route.matches(event_type):
            return route
    return None
