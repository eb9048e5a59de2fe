"""Named types for the records of the generated model (``stripecli/model/data/*.json``).

The model is plain JSON, read as dicts and lists; these ``TypedDict`` s name their shapes so that
the surface, the runner, the emulator's routes and the tools say what they handle
(``op: Operation``) instead of ``dict``. They cost nothing at run time: a ``TypedDict`` is a
``dict``. tools/gen_model.py writes records of exactly these shapes.
"""

from __future__ import annotations

from typing import Literal, TypedDict

#: What a param's ``type`` may be.
ParamType = Literal["string", "integer", "number", "boolean", "enum", "timestamp", "array", "object"]
#: How an operation's response is shaped: one object, a list page, a search page, or bytes (a PDF).
Returns = Literal["object", "list", "search", "binary"]


class Item(TypedDict, total=False):
    """The element of an array param."""

    type: ParamType
    values: list[str]            # enum values
    children: list["Param"]      # an array of objects


#: One request param (``name`` and ``type`` are always there). Written in the functional form
#: because one key, ``in`` (form body or query), is a Python keyword.
Param = TypedDict("Param", {
    "name": str,
    "in": str,
    "type": ParamType,
    "required": bool,
    "description": str,
    "values": list[str],          # type enum
    "items": Item,                # type array
    "children": list["Param"],    # type object: its fields
    "map": bool,                  # a free-form KEY=VALUE map such as metadata
    "emptyable": bool,            # '' unsets it
    "literals": list[str],        # extra words accepted as they are
}, total=False)


class PathParam(TypedDict):
    """A path parameter: ``{invoice}`` in ``/v1/invoices/{invoice}/finalize``."""

    name: str
    metavar: str                 # INVOICE


class Operation(TypedDict, total=False):
    """One API operation: a verb of a resource (``verb``, ``method`` and ``path`` are always set)."""

    verb: str                    # finalize-invoice (the CLI may also offer a shorter name)
    sdk_method: str              # finalize_invoice
    method: Literal["GET", "POST", "DELETE"]
    path: str                    # /v1/invoices/{invoice}/finalize
    path_params: list[PathParam]
    params: list[Param]
    summary: str
    returns: Returns
    object: str                  # the object type returned, e.g. invoice
    objects: list[str]           # when several types may come back
    base: str                    # api, files, connect, meter_events
    stripe_version: str          # preview and legacy operations pin a version
    headers: dict[str, str]      # extra request headers some hand-described resources need
    preview: bool
    legacy: bool
    test_helper: bool


class Resource(TypedDict):
    """A resource of a group file: its object type and its operations keyed by verb."""

    object: str
    operations: dict[str, Operation]


class ResourceInfo(TypedDict, total=False):
    """A resource as ``index.json`` lists it (enough for help, without loading the group)."""

    summary: str
    object: str
    aliases: list[str]
    preview: bool
    legacy: bool
    test_helper_only: bool


class GroupInfo(TypedDict, total=False):
    """A command group as ``index.json`` lists it."""

    help: str
    resources: dict[str, ResourceInfo]
    links: dict[str, str]        # names that lead to another group (billing test-clocks)
    flatten: str                 # a group that is one resource (test-clocks)
