"""``--fields`` checked against the model's description of the object, before anything is sent.

A path is dotted (``id``, ``price.id``, ``items.data.0.price``). Its first name must be a field of
the object the command returns (of each item, for a list). Below it, names are checked only where
the model says exactly what is there: the children of a nested object, the items of an array
(after an index), the fields of a referenced object type. Below a map (``metadata.order``), an
expandable id (``customer.email`` with ``-e customer``) or a field the model types loosely, any
name is accepted, since the API may put anything there.
"""

from __future__ import annotations

from typing import Any

# what a deleted object is answered with, besides the fields of the object it was
DELETED_FIELDS = ("id", "object", "deleted")


def parse_fields(text: str | None) -> list[str] | None:
    """``--fields 'id, email,'`` -> ``['id', 'email']`` (blanks between commas are skipped, as a
    script joining names leaves them); ``None`` when no name is given. Raises ``ValueError`` for a
    path with an empty name inside it (``a..b``, ``.a``, ``a.``)."""
    picked = [f.strip() for f in (text or "").split(",") if f.strip()]
    for path in picked:
        if "" in path.split("."):
            raise ValueError(f"'{path}' has an empty name: give dotted paths such as id,address.city")
    return picked or None


def check_fields(paths: list[str] | None, object_type: str | None, returns: str = "object") -> None:
    """Raise ``ValueError`` naming the first path that cannot be in ``object_type``'s answer."""
    if not paths or not object_type:
        return
    from stripecli import model

    objects = model.objects()
    schema = objects.get(object_type)
    if schema is None:
        return
    fields = list(schema.get("fields") or [])
    if returns == "deleted":
        fields += [{"name": name} for name in DELETED_FIELDS]
    for path in paths:
        problem = _walk(path.split("."), fields, objects, [])
        if problem:
            raise ValueError(problem)


def _walk(names: list[str], fields: list[dict], objects: dict[str, Any], seen: list[str]) -> str | None:
    name, rest = names[0], names[1:]
    by_name = {f["name"]: f for f in fields}
    field = by_name.get(name)
    where = ".".join(seen)
    if field is None:
        import difflib

        shown = ".".join(seen + [name])
        inside = f" in {where}" if where else ""
        close = difflib.get_close_matches(name, list(by_name), n=3)
        if close:
            return f"'{shown}' is not a field{inside}: did you mean {' or '.join(close)}?"
        known = ", ".join(sorted(by_name))
        if len(known) < 300:
            return f"'{shown}' is not a field{inside}: use one of {known}"
        return f"'{shown}' is not a field{inside} (the API reference lists the object's fields)"
    if not rest:
        return None
    return _below(field, rest, objects, seen + [name])


def _below(field: dict, rest: list[str], objects: dict[str, Any], seen: list[str]) -> str | None:
    if field.get("map") or field.get("expandable"):
        return None
    if field.get("type") == "array":
        index, after = rest[0], rest[1:]
        if not index.isascii() or not index.isdigit():
            return f"'{'.'.join(seen + [index])}': {'.'.join(seen)} is a list, so the next name is an index such as 0"
        if not after:
            return None
        item = field.get("items") or {}
        return _below(item, after, objects, seen + [index])
    children = field.get("children")
    if children:
        return _walk(rest, children, objects, seen)
    ref = field.get("ref")
    if ref and ref in objects:
        return _walk(rest, objects[ref].get("fields") or [], objects, seen)
    if field.get("type") in ("integer", "number", "boolean", "enum", "timestamp"):
        kind = {"integer": "an integer", "enum": "an enum"}.get(field["type"], "a " + field["type"])
        return f"'{'.'.join(seen + rest[:1])}': {'.'.join(seen)} is {kind}, with no fields inside"
    return None  # typed loosely (a string that may be expanded, an untyped object): anything goes
