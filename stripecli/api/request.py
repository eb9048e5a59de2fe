"""One API call as data: what to send (``ApiRequest``) and exactly what goes on the wire
(``PreparedRequest``, which ``--dry-run`` prints as a curl command)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

__all__ = ["ApiRequest", "PreparedRequest", "BASE_URLS", "METHODS", "base_url", "check_base", "path_segment",
           "fill_path", "check_path", "PathError"]

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
        return check_base(override).rstrip("/")
    try:
        return BASE_URLS[base]
    except KeyError:
        raise ValueError("unknown base %r (expected one of %s)" % (base, ", ".join(BASE_URLS))) from None


def check_base(url: str) -> str:
    """An API base URL: ``http`` or ``https``, a host, a port in range, printable ASCII; else
    ``ValueError`` saying what is accepted."""
    from urllib.parse import urlsplit

    example = "use http(s)://host[:port], for example http://127.0.0.1:12111"
    if not url.isascii() or not url.isprintable() or " " in url:
        raise ValueError("the API base %r is not a URL: %s" % (url, example))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ValueError("the API base %r is not a URL (%s): %s" % (url, exc, example)) from None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ValueError("the API base %r is not a URL the API can be reached at: %s" % (url, example))
    del port
    return url


class PathError(ValueError):
    """A path or path parameter that cannot be sent as typed."""


def path_segment(value: str) -> str:
    """One path parameter as it goes on the wire: every byte of it, percent-encoded.

    Everything but RFC 3986's unreserved characters (letters, digits, ``-._~``) is encoded, so a
    ``/`` becomes ``%2F``, a ``%`` ``%25`` (``%2e%2e`` reaches the server as those six characters),
    a space ``%20`` and a non-ASCII character its UTF-8 bytes. stripe-python's ``sanitize_id``
    uses ``quote_plus`` instead, which turns a space into ``+``: in a path that is a literal plus,
    so an id would not arrive as typed.

    An empty value, or one made only of dots, is refused: ``.`` and ``..`` are dot segments that
    HTTP clients (httpx among them) and servers resolve, so ``customers delete ..`` would become
    ``DELETE /v1``, another object. ``...`` is refused with them because no Stripe id is dots.
    """
    if value.strip(".") == "":
        if value == "":
            raise PathError("an id cannot be empty")
        raise PathError(f"'{value}' cannot be an id: only dots, which HTTP resolves to another path")
    from urllib.parse import quote

    return quote(value, safe="")


def fill_path(template: str, values: list[str], names: list[str] | None = None) -> str:
    """``/v1/customers/{customer}`` with each ``{...}`` replaced, in order, by ``path_segment``.

    A refused value raises ``PathError`` naming the parameter (``names[i]`` when given, else the
    placeholder in upper case)."""
    import re

    placeholders = re.findall(r"\{(\w+)\}", template)
    path = template
    for i, (name, value) in enumerate(zip(placeholders, values)):
        shown = names[i] if names and i < len(names) else name.upper()
        try:
            encoded = path_segment(value)
        except PathError as exc:
            raise PathError(f"invalid value for {shown}: {exc}") from None
        path = path.replace("{" + name + "}", encoded, 1)
    return path


def check_path(path: str) -> None:
    """A typed path (``stripecli request``): no segment may be, or decode to, ``.`` or ``..``.

    ``/v1/customers/..`` would be resolved to ``/v1`` by the client, and ``%2e%2e`` by some
    servers, so either would reach another resource than the one typed."""
    from urllib.parse import unquote

    for segment in path.split("?", 1)[0].split("/"):
        decoded = unquote(segment)
        if decoded and decoded.strip(".") == "":
            raise PathError(f"'{path}' has the segment '{segment}', which HTTP resolves to another path "
                            "(an id is never only dots)")


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
