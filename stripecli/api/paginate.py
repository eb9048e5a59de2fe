"""Following the pages of a list or search endpoint, with a cursor to resume from."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Iterator

from stripecli.api.errors import ApiError
from stripecli.api.request import ApiRequest

if TYPE_CHECKING:
    from typing import Any

    from stripecli.api.client import StripeClient

Cursor = tuple[str, str]


class Paginator:
    """An iterator over the pages (lists of objects) of a list or search endpoint.

    List endpoints follow ``has_more`` with ``starting_after=<last id>``, or, when the request
    has ``ending_before`` (and no ``starting_after``), with ``ending_before=<first id>``; in that
    direction each page is yielded reversed, oldest first, as stripe-python's
    ``auto_paging_iter`` does, so in both directions the last object yielded is the cursor.
    Search endpoints follow ``next_page`` with ``page=``. The first page is always yielded, even
    when empty. At most ``max_items`` objects are yielded in total (the last page is trimmed).
    Only the current page is held in memory.

    ``cursor`` is ``(param, value)`` to resume from after the last fully consumed page (it
    advances when the consumer asks for the next page), e.g. ``("starting_after", "cbtxn_123")``
    or ``("page", "...")``; before that it is the request's own cursor param, or ``None``. When
    ``send`` fails midway, the error propagates and ``cursor`` still says where to resume.
    A search page trimmed by ``max_items`` does not advance ``cursor`` (a search page cannot
    be resumed midway, so resuming repeats it rather than skipping objects).
    ``done`` is True once the last page has been consumed. ``pages`` and ``items`` count what
    was yielded. The client's ``cursor`` attribute mirrors this one.
    """

    def __init__(self, client: StripeClient, req: ApiRequest, *, max_items: int | None = None) -> None:
        self._client = client
        self.request = req
        self.max_items = max_items
        self.pages = 0
        self.items = 0
        self.done = False
        params = req.params or {}
        self._reverse = params.get("ending_before") is not None and params.get("starting_after") is None
        self._direction = "ending_before" if self._reverse else "starting_after"
        self.cursor: Cursor | None = None
        for name in ("page", self._direction):
            if params.get(name) is not None:
                self.cursor = (name, str(params[name]))
                break
        client.cursor = self.cursor
        self._iterator = self._generate()

    def __iter__(self) -> "Paginator":
        return self

    def __next__(self) -> list[dict[str, Any]]:
        return next(self._iterator)

    def _set_cursor(self, cursor: Cursor | None) -> None:
        self.cursor = cursor
        self._client.cursor = cursor

    def _generate(self) -> Iterator[list[dict[str, Any]]]:
        params = dict(self.request.params or {})
        if self.max_items is not None and self.max_items <= 0:
            self.done = True
            return
        while True:
            response = self._client.send(replace(self.request, params=params))
            data = list(response.get("data") or [])
            fetched = len(data)
            is_search = response.get("object") == "search_result" or "next_page" in response
            if self._reverse and not is_search:
                data.reverse()

            last = False
            trimmed = False
            if self.max_items is not None:
                remaining = self.max_items - self.items
                if fetched >= remaining:
                    trimmed = fetched > remaining
                    data = data[:remaining]
                    last = True

            next_cursor: Cursor | None = self.cursor
            if is_search:
                token = response.get("next_page")
                more = bool(response.get("has_more")) and bool(token)
                if token and not trimmed:
                    next_cursor = ("page", str(token))
            else:
                more = bool(response.get("has_more")) and fetched > 0
                if data:
                    edge = data[-1].get("id") if isinstance(data[-1], dict) else None
                    if edge is None:
                        if more and not last:
                            raise ApiError("cannot follow pages of %s: its objects have no id" % self.request.path)
                    else:
                        next_cursor = (self._direction, str(edge))

            self.pages += 1
            self.items += len(data)
            yield data
            del data, response
            self._set_cursor(next_cursor)
            if last or not more:
                self.done = True
                return
            assert next_cursor is not None
            params[next_cursor[0]] = next_cursor[1]
