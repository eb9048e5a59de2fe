"""Form encoding of Stripe v1 parameters, byte for byte what stripe-python 16.1.0 sends.

The rules (from ``stripe._encode._api_encode`` and ``stripe._api_requestor``):

- ``None`` values are left out; an empty string is kept (it is how a field is unset).
- Nested mappings become ``a[b]=``; lists and tuples are always indexed: ``a[0]=``, ``a[0][b]=``.
- ``True``/``False`` become ``true``/``false``; datetimes become Unix timestamps; anything else
  (int, float, Decimal, str) goes through ``str()``.
- An object with an ``id`` attribute is sent as that id.
- The pairs are percent-encoded with ``urllib.parse.urlencode`` (``quote_plus``), then ``%5B``
  and ``%5D`` are turned back into ``[`` and ``]`` for readability, as stripe-python does.

Quirk kept on purpose, because the goal is to match stripe-python exactly: a scalar directly
inside a list is not converted, so ``[True]`` encodes as ``a[0]=True`` and ``[None]`` as
``a[0]=None``. No Stripe v1 parameter is a list of booleans.
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator, Mapping

__all__ = ["encode_params", "urlencode_pairs", "encode_form"]


def _timestamp(value: Any) -> int:
    import calendar
    import time

    if value.tzinfo and value.tzinfo.utcoffset(value) is not None:
        return int(calendar.timegm(value.utctimetuple()))
    return int(time.mktime(value.timetuple()))


def _is_datetime(value: Any) -> bool:
    import datetime

    return isinstance(value, datetime.datetime)


def _nested(prefix: str, data: Any) -> dict[str, Any]:
    items = data._data.items() if hasattr(data, "_data") else data.items()
    return {"%s[%s]" % (prefix, key): value for key, value in items}


def _walk(data: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    for key, value in data.items():
        if value is None:
            continue
        if hasattr(value, "id"):
            yield key, getattr(value, "id")
        elif isinstance(value, (list, tuple)):
            for index, item in enumerate(value):
                item_key = "%s[%d]" % (key, index)
                if isinstance(item, dict) or hasattr(item, "_data"):
                    yield from _walk(_nested(item_key, item))
                elif isinstance(item, (list, tuple)):
                    yield from _walk(_nested(item_key, dict(enumerate(item))))
                else:
                    yield item_key, item
        elif isinstance(value, dict) or hasattr(value, "_data"):
            yield from _walk(_nested(key, value))
        elif isinstance(value, bool):
            yield key, "true" if value else "false"
        elif _is_datetime(value):
            yield key, _timestamp(value)
        else:
            yield key, value


def encode_params(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Flatten nested parameters into ``(key, value)`` string pairs, in insertion order."""
    pairs = []
    for key, value in _walk(params or {}):
        if isinstance(value, bytes):
            value = value.decode("utf-8")
        pairs.append((key, value if isinstance(value, str) else str(value)))
    return pairs


def urlencode_pairs(pairs: Iterable[tuple[str, str]]) -> str:
    """Percent-encode pairs the way stripe-python does (``quote_plus``, literal brackets)."""
    from urllib.parse import urlencode

    return urlencode(list(pairs)).replace("%5B", "[").replace("%5D", "]")


def encode_form(params: Mapping[str, Any]) -> str:
    """The query string or form body for ``params``: ``urlencode_pairs(encode_params(params))``."""
    return urlencode_pairs(encode_params(params))
