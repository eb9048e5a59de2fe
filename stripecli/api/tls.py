"""The TLS side of the API client: one verifying SSLContext per process for the CA variables
operators set (httpx's ``SSL_CERT_FILE``/``SSL_CERT_DIR``, and requests' and curl's
``REQUESTS_CA_BUNDLE``/``CURL_CA_BUNDLE``), shared by httpx and the bulk sender (api/wire.py)."""

from __future__ import annotations

from typing import Any

_SSL_CONTEXTS: dict[tuple[str | None, ...], Any] = {}
_CA_VARIABLES = ("SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")


def ssl_context() -> Any:
    """The verifying SSLContext for the CA variables as they are now, made once per process: loading
    the CA bundle costs tens of milliseconds, and ``--from`` makes one client per worker. An
    SSLContext may be shared by connections on any thread."""
    import os

    import httpx

    key = tuple(os.environ.get(name) for name in _CA_VARIABLES)
    ctx = _SSL_CONTEXTS.get(key)
    if ctx is None:  # two threads may both make one: the first stored is kept
        ctx = _SSL_CONTEXTS.setdefault(key, ca_bundle_from_env() or httpx.create_ssl_context(trust_env=True))
    return ctx


def ca_bundle_from_env() -> Any:
    """An SSLContext for ``REQUESTS_CA_BUNDLE``/``CURL_CA_BUNDLE`` when httpx's own variables
    (``SSL_CERT_FILE``, ``SSL_CERT_DIR``) are not set; ``None`` to let httpx decide."""
    import os

    if os.environ.get("SSL_CERT_FILE") or os.environ.get("SSL_CERT_DIR"):
        return None
    path = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if not path:
        return None
    import ssl

    if os.path.isdir(path):
        return ssl.create_default_context(capath=path)
    return ssl.create_default_context(cafile=path)

