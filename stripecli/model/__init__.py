"""The API model: generated JSON under ``data/`` (see tools/gen_model.py) and a small loader.

Only the files a command needs are read, each parsed once per process:

- ``index.json``: group and resource names (every command that reaches the model);
- ``<group>/<resource>.json``: the operations of one resource (``resource``), so a ``customers``
  command reads the customers file and not the whole ``core`` group;
- ``objects/<type>.json``: one object type's fields (``object_schema``, the emulator);
- ``routes.json``: every operation's method, path and return shape (``routes``), from which the
  emulator routes a request before reading the one resource it touches.

``group`` and ``objects`` still give a whole group or every object type, for the tools and the
tests that walk the model.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from typing import Any

DATA_DIR = os.path.join(os.path.dirname(__file__), "data")


def _read(*parts: str) -> Any:
    with open(os.path.join(DATA_DIR, *parts), "rb") as fh:
        return json.loads(fh.read())


@lru_cache(maxsize=None)
def index() -> dict[str, Any]:
    return _read("index.json")


def api_version() -> str:
    return index()["api_version"]


def groups() -> dict[str, Any]:
    return index()["groups"]


@lru_cache(maxsize=None)
def resource(group_name: str, name: str) -> dict[str, Any]:
    """One resource of a group: ``{"object": ..., "operations": {verb: operation}}``."""
    return _read(group_name, name + ".json")


@lru_cache(maxsize=None)
def group(name: str) -> dict[str, Any]:
    """The operations of one group, keyed by resource then verb (reads every resource's file)."""
    return {r: resource(name, r) for r in groups()[name]["resources"]}


@lru_cache(maxsize=None)
def object_schema(object_type: str) -> dict[str, Any] | None:
    """The fields of one object type, or None for a type the model does not describe."""
    if not object_type or os.sep in object_type or "/" in object_type or object_type.startswith("."):
        return None
    try:
        return _read("objects", object_type + ".json")
    except FileNotFoundError:
        return None


@lru_cache(maxsize=None)
def object_types() -> tuple[str, ...]:
    """Every object type the model describes."""
    return tuple(sorted(name[:-5] for name in os.listdir(os.path.join(DATA_DIR, "objects")) if name.endswith(".json")))


@lru_cache(maxsize=None)
def objects() -> dict[str, Any]:
    """Every object type's schema (reads every file under ``objects/``)."""
    return {t: object_schema(t) for t in object_types()}


@lru_cache(maxsize=None)
def routes() -> list[dict[str, Any]]:
    """One record per operation, in model order: group, resource, verb, method, path, returns,
    object, objects, resource_object, has_path_params."""
    data = _read("routes.json")
    columns = data["columns"]
    return [dict(zip(columns, row)) for row in data["routes"]]


def resolve_resource(group_name: str, name: str) -> str | None:
    """The canonical resource name for ``name`` or one of its aliases in a group."""
    resources = groups()[group_name]["resources"]
    if name in resources:
        return name
    for canonical, info in resources.items():
        if name in info.get("aliases", ()):
            return canonical
    return None


def iter_operations():
    """Every (group, resource, verb, operation) in the model, in a stable order."""
    for g in groups():
        for r, res in group(g).items():
            for verb, op in res["operations"].items():
                yield g, r, verb, op
