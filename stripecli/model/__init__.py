"""The API model: generated JSON under ``data/`` (see tools/gen_model.py) and a small loader.

Only the files a command needs are read: ``index.json`` for the group and resource names, one
``<group>.json`` for the invoked group's operations, ``objects.json`` for object schemas (the
emulator). Each is parsed once per process.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from typing import Any

DATA_DIR = os.path.join(os.path.dirname(__file__), "data")


def _read(name: str) -> Any:
    with open(os.path.join(DATA_DIR, name), "rb") as fh:
        return json.loads(fh.read())


@lru_cache(maxsize=None)
def index() -> dict[str, Any]:
    return _read("index.json")


def api_version() -> str:
    return index()["api_version"]


def groups() -> dict[str, Any]:
    return index()["groups"]


@lru_cache(maxsize=None)
def group(name: str) -> dict[str, Any]:
    """The operations of one group, keyed by resource then verb."""
    return _read(f"{name}.json")["resources"]


@lru_cache(maxsize=None)
def objects() -> dict[str, Any]:
    return _read("objects.json")["objects"]


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
