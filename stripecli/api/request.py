"""One API call as data: what to send (``ApiRequest``) and exactly what goes on the wire
(``PreparedRequest``, which ``--dry-run`` prints as a curl command)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

__all__ = ["ApiRequest", "PreparedRequest", "BASE_URLS", "METHODS", "base_url"]

METHODS = ("GET", "POST", "DELETE")

# stripe-python's default base addresses (stripe.DEFAULT_*_API_BASE).
BASE_URLS: dict[str, str] = {
    "api": "https://api.stripe.com",
    "files": "https://files.stripe.com",
    "connect": "https://connect.stripe.com",
    "meter_events": "https://meter-events.stripe.com",
}


def base_url(base: str, override: str | None = None) -> str:
    """The scheme and host for ``base``; an overridden API base serves every base."""
    if override:
        return override.rstrip("/")
    try:
        return BASE_URLS[base]
    except KeyError:
        raise ValueError("unknown base %r (expected one of %s)" % (base, ", ".join(BASE_URLS))) from None


@dataclass(frozen=True)
class ApiRequest:
    """One Stripe API call.

    ``path`` starts with ``/v1/`` and has its path parameters substituted and percent-encoded;
    ``params`` are nested Python values, encoded into the query string (GET, DELETE) or the form
    body (POST) by ``stripecli.api.encode``. ``stripe_version`` overrides the configured version
    for this call only; ``headers`` are added last and win over the computed ones.
    """

    method: str
    path: str
    params: Mapping[str, Any] = field(default_factory=dict)
    stripe_version: str | None = None
    base: str = "api"
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, repr=False)
class PreparedRequest:
    """Exactly what is sent: method, absolute URL (with query string), headers and body.

    The headers carry the real key; ``repr()`` and ``to_curl()`` mask it.
    """

    method: str
    url: str
    headers: dict[str, str]
    body: str | None

    @property
    def api_key(self) -> str | None:
        auth = _header(self.headers, "Authorization")
        if auth and auth.startswith("Bearer "):
            return auth[len("Bearer "):]
        return None

    def masked_headers(self, display_key: str | None = None) -> dict[str, str]:
        """The headers with the Authorization value showing only the masked key."""
        from stripecli.redact import mask_key

        key = self.api_key
        shown = display_key if display_key is not None else key
        if shown is not None and not _looks_masked(shown):
            shown = mask_key(shown)
        out = {}
        for name, value in self.headers.items():
            if name.lower() == "authorization":
                value = "Bearer %s" % (shown if shown is not None else "****")
            out[name] = value
        return out

    def to_curl(self, display_key: str | None = None, *, multiline: bool = False) -> str:
        """A copy-pasteable curl command line; the Authorization header shows the masked key.

        ``display_key`` is what to show for the key (a raw key is masked anyway); by default the
        key in the headers, masked.
        """
        import shlex

        from stripecli.redact import redact

        segments = ["curl"]
        if self.method != "GET" or self.body:
            segments.append("-X " + self.method)
        segments.append(shlex.quote(self.url))
        for name, value in self.masked_headers(display_key).items():
            segments.append("-H " + shlex.quote("%s: %s" % (name, value)))
        if self.body:
            segments.append("--data-raw " + shlex.quote(self.body))
        text = (" \\\n  " if multiline else " ").join(segments)
        return redact(text, self.api_key)

    def __repr__(self) -> str:
        return "PreparedRequest(method=%r, url=%r, headers=%r, body=%r)" % (
            self.method,
            self.url,
            self.masked_headers(),
            self.body,
        )


def _header(headers: Mapping[str, str], name: str) -> str | None:
    lname = name.lower()
    for key, value in headers.items():
        if key.lower() == lname:
            return value
    return None


def _looks_masked(text: str) -> bool:
    return "..." in text or text.startswith("*")
