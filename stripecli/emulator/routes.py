"""The route table: every operation of the model, matched by method and path.

Literal segments win over ``{param}`` segments, so ``/v1/customers/search`` is the search and not
the customer ``search``, and ``/v1/terminal/hardware_orders/preview`` is not an order id.

Each route also says what kind of operation it is, from the operation's shape:

================  ==========================================  ====================================
kind              shape                                       example
================  ==========================================  ====================================
list              returns a list                              GET /v1/customers/{customer}/tax_ids
search            returns a search result                     GET /v1/customers/search
create            POST verb ``create`` (or ``create-...``     POST /v1/customers
                  on a collection)
retrieve          GET ending in an id                         GET /v1/customers/{customer}
update            POST ending in an id                        POST /v1/customers/{customer}
delete            returns ``deleted``, ending in an id        DELETE /v1/customers/{customer}
delete_sub        returns ``deleted``, under an object        DELETE /v1/customers/{c}/discount
delete_object     DELETE verb ``delete`` returning the object DELETE /v1/ephemeral_keys/{key}
singleton         GET with no id: one object per account      GET /v1/balance, /v1/tax/settings
singleton_update  POST to a singleton's path                  POST /v1/tax/settings
sub, sub_update   GET/POST of the one object under another    GET /v1/customers/{c}/cash_balance
preview           a ``preview`` verb: built, never stored     POST /v1/invoices/create_preview
action            anything else on an object                  POST /v1/invoices/{invoice}/finalize
================  ==========================================  ====================================
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

from stripecli import model
from stripecli.model.shapes import Operation


@dataclass
class Route:
    group: str
    resource: str
    verb: str
    method: str
    path: str
    kind: str
    object: str                       # what the operation returns
    resource_object: str              # what the resource is about (the target of an action)
    param_names: list[str]            # path params in order
    types: frozenset[str] = field(default_factory=frozenset)  # acceptable types of the target

    @property
    def op(self) -> Operation:
        """The whole operation (params and all), read from its resource's file on first use."""
        return model.resource(self.group, self.resource)["operations"][self.verb]


class _Node:
    __slots__ = ("literal", "param", "routes")

    def __init__(self) -> None:
        self.literal: dict[str, _Node] = {}
        self.param: _Node | None = None
        self.routes: dict[str, Route] = {}


def _kind(verb: str, op: dict[str, Any], singleton_paths: set[str]) -> str:
    """The route kind of one operation, from its record in ``model.routes()``."""
    returns = op.get("returns")
    method = op["method"]
    segments = op["path"].strip("/").split("/")
    ends_in_id = segments[-1].startswith("{")
    has_params = bool(op.get("has_path_params"))
    if returns == "list":
        return "list"
    if returns == "search":
        return "search"
    if returns == "deleted":
        return "delete" if ends_in_id else "delete_sub"
    if method == "GET":
        if ends_in_id:
            return "retrieve"
        return "sub" if has_params else "singleton"
    if method == "POST":
        if "preview" in verb:
            return "preview"
        if verb == "create" or (not has_params and verb.startswith("create")):
            return "create"
        if ends_in_id:
            return "update"
        if not has_params:
            return "singleton_update" if op["path"] in singleton_paths else "create"
        if verb == "update":
            return "sub_update"
        return "action"
    if method == "DELETE":
        return "delete_object" if verb == "delete" else "action"
    return "action"


def table() -> dict[str, _Node]:
    """Method -> the root of a segment tree, built from ``model.routes()`` alone (no operation's
    params are read until a request reaches it)."""
    return {method: _root(method) for method in sorted({op["method"] for op in model.routes()})}


@lru_cache(maxsize=None)
def _singleton_paths() -> frozenset[str]:
    return frozenset(op["path"] for op in model.routes() if op["method"] == "GET" and not op["has_path_params"]
                     and op.get("returns") == "object")


@lru_cache(maxsize=None)
def _root(method: str) -> _Node:
    """The segment tree of one method, built on its first request (a ``--local`` command that
    only reads builds the GET tree alone)."""
    singleton_paths = _singleton_paths()
    roots: dict[str, _Node] = {method: _Node()}
    for op in model.routes():
        if op["method"] != method:
            continue
        segments = op["path"].strip("/").split("/")
        node = roots[method]
        names = []
        for seg in segments:
            if seg.startswith("{") and seg.endswith("}"):
                names.append(seg[1:-1])
                if node.param is None:
                    node.param = _Node()
                node = node.param
            else:
                node = node.literal.setdefault(seg, _Node())
        obj = op.get("object") or ""
        res_obj = op.get("resource_object") or obj
        types = set(op.get("objects") or [obj]) | {obj, res_obj}
        node.routes[op["method"]] = Route(op["group"], op["resource"], op["verb"], op["method"], op["path"],
                                          _kind(op["verb"], op, singleton_paths), obj, res_obj, names,
                                          frozenset(t for t in types if t))
    return roots[method]


@lru_cache(maxsize=None)
def _methods() -> frozenset[str]:
    return frozenset(op["method"] for op in model.routes())


def _walk(node: _Node, segments: list[str], i: int, values: list[str], method: str) -> Route | None:
    if i == len(segments):
        return node.routes.get(method)
    seg = segments[i]
    child = node.literal.get(seg)
    if child is not None:
        found = _walk(child, segments, i + 1, values, method)
        if found is not None:
            return found
    if node.param is not None and seg:
        values.append(unquote(seg))
        found = _walk(node.param, segments, i + 1, values, method)
        if found is not None:
            return found
        values.pop()
    return None


def match(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """The model's route, else one the emulator serves outside the model (``unlisted``)."""
    from stripecli.emulator import unlisted

    if method.upper() not in _methods():
        return None
    root = _root(method.upper())
    segments = path.strip("/").split("/")
    values: list[str] = []
    route = _walk(root, segments, 0, values, method.upper())
    if route is None:
        return unlisted.match(method, path)
    return route, dict(zip(route.param_names, values))

