"""The generic operations, one per route kind (see ``routes``), over any object type of the model.

Everything specific to one resource (test clocks, credit grants, subscriptions, statuses set by
actions) is in the ``behaviours`` package; these functions call its hooks at fixed points. Every
write goes through the context (``ctx.insert``, ``ctx.save``, ``ctx.delete_tree``).
"""

from __future__ import annotations

from typing import Any

from stripecli.emulator import behaviours, schema, search
from stripecli.emulator.expand import expand
from stripecli.emulator.listing import catalogue_page, limit_of, list_conditions
from stripecli.emulator.context import VERIFIED_REFERENCES, Context, merge_into
from stripecli.emulator.errors import EmulatorError, invalid, no_such

def run(ctx: Context) -> dict[str, Any]:
    own = getattr(ctx.route, "run", None)  # a route served outside the model (``unlisted``)
    if own is not None:
        return own(ctx)
    kind = ctx.route.kind
    if ctx.route.object == "event" and kind in ("list", "retrieve"):  # events have a table of their own
        from stripecli.emulator import events

        result = events.list_events(ctx) if kind == "list" else events.retrieve_event(ctx, _target_id(ctx))
        return expand(ctx, result, ctx.params.get("expand") or [], is_list=kind == "list")
    if ctx.route.op.get("returns") == "binary":  # a file (a quote's PDF): the bytes, as they are
        return _binary(ctx)
    handler = _KINDS[kind]
    result = handler(ctx)
    if kind not in ("list", "search"):
        result = behaviours.render(ctx, result)
    return expand(ctx, result, ctx.params.get("expand") or [], is_list=kind in ("list", "search"))


# -- ids in the path --------------------------------------------------------------------------


def _binary(ctx: Context) -> bytes:
    obj = ctx.load(_target_id(ctx), ctx.route.types or [ctx.route.resource_object],
                   display=schema.display_name(ctx.route.resource_object))
    result = behaviours.action(ctx, obj, ctx.params)
    if not isinstance(result, bytes):
        raise no_such("file", "%s %s" % (ctx.route.verb, obj["id"]))
    return result


def _target_id(ctx: Context) -> str:
    names = ctx.route.param_names
    return ctx.values[names[-1]] if names else ""


def _parent(ctx: Context) -> tuple[str | None, dict[str, Any] | None, str | None]:
    """For a route under another object (``/v1/customers/{customer}/tax_ids``): the parent's
    id, object and path param name; the parent must exist."""
    names = ctx.route.param_names
    kind = ctx.route.kind
    if not names:
        return None, None, None
    # the parent is the last path param of a collection route, the one before the last of an
    # item route (/v1/customers/{customer}/tax_ids/{id})
    if kind in ("create", "list", "sub", "sub_update", "delete_sub", "singleton_update"):
        name = names[-1]
    elif len(names) >= 2:
        name = names[-2]
    else:
        return None, None, None
    parent_id = ctx.values[name]
    row = ctx.store.get(parent_id)
    if row is None:
        raise no_such(_param_display(ctx, name), parent_id, param=name)
    return parent_id, row.data, name


def _param_display(ctx: Context, name: str) -> str:
    if name != "id":
        return name
    segments = ctx.route.path.strip("/").split("/")
    i = segments.index("{id}")
    word = segments[i - 1] if i > 0 else "object"
    return word[:-1] if word.endswith("s") else word


def _link_parent(ctx: Context, obj: dict[str, Any], parent: dict[str, Any], name: str) -> None:
    object_type = obj["object"]
    if name != "id" and schema.has_field(object_type, name) and not obj.get(name):
        obj[name] = parent["id"]
        return
    for field_name, field in schema.fields(object_type).items():
        targets = field.get("expandable") or ()
        if parent["object"] in targets and not obj.get(field_name):
            obj[field_name] = parent["id"]
            return


# -- params -> fields -------------------------------------------------------------------------


def given_fields(object_type: str, params: dict[str, Any]) -> dict[str, Any]:
    fields = schema.fields(object_type)
    return {k: v for k, v in params.items() if k in fields and k not in ("id", "object", "created", "livemode", "expand")}


def check_references(ctx: Context, object_type: str, params: dict[str, Any]) -> None:
    """An id given for an expandable field (customer=cus_...) must be one the emulator holds."""
    for name, value in params.items():
        if not isinstance(value, str) or not value:
            continue
        targets = schema.expandable_targets(object_type, name)
        if not targets:
            continue
        verified = [t for t in targets if t in VERIFIED_REFERENCES]
        if not verified or len(verified) != len(targets):
            continue
        if ctx.find(value, targets) is None:
            raise no_such(schema.display_name(verified[0]), value, param=name)


# -- kinds ------------------------------------------------------------------------------------


def create(ctx: Context) -> dict[str, Any]:
    object_type = ctx.route.object
    params = ctx.params
    parent_id, parent, name = _parent(ctx)
    check_references(ctx, object_type, params)
    made = behaviours.create_with(ctx, object_type, params)
    if made is not None:  # a create that is not its params stored (a charge is a payment attempt)
        return made
    object_id = None
    if params.get("id") and "id" in _param_names(ctx) and schema.accepts_given_id(object_type):
        object_id = params["id"]
        if ctx.store.exists(object_id):
            raise EmulatorError(400, "%s already exists." % schema.display_name(object_type).replace("_", " ").capitalize(),
                                code="resource_already_exists", param="id")
    obj = ctx.build(object_type, object_id=object_id)
    behaviours.initial(ctx, obj)
    merge_into(obj, given_fields(object_type, params))
    if parent is not None and name is not None:
        _link_parent(ctx, obj, parent, name)
    parent_id = behaviours.before_create(ctx, obj, params, parent_id)
    ctx.insert(obj, parent=parent_id)
    behaviours.after_create(ctx, obj, params)
    return obj


def _param_names(ctx: Context) -> set[str]:
    return {p["name"] for p in ctx.route.op.get("params", ())}


def retrieve(ctx: Context) -> dict[str, Any]:
    listed = behaviours.catalogue(ctx, ctx.route.object)
    if listed is not None:
        return _from_catalogue(ctx, listed)
    gone = ctx.find(TOMBSTONE + ":" + _target_id(ctx), (TOMBSTONE,))
    if gone is not None and gone.get("_object") in ctx.route.types:
        return {"id": _target_id(ctx), "object": gone["_object"], "deleted": True}
    obj = ctx.load(_target_id(ctx), ctx.route.types, display=schema.display_name(ctx.route.object))
    _check_nested(ctx, obj)
    return obj


def _check_nested(ctx: Context, obj: dict[str, Any]) -> None:
    """``/v1/customers/{customer}/tax_ids/{id}``: the object must be under that customer."""
    if len(ctx.route.param_names) < 2:
        return
    parent_id, _, _ = _parent(ctx)
    if parent_id is not None and ctx.parent_of(obj["id"]) not in (None, parent_id):
        raise no_such(schema.display_name(ctx.route.object), obj["id"])


def _from_catalogue(ctx: Context, listed: list[dict[str, Any]]) -> dict[str, Any]:
    target = _target_id(ctx)
    for obj in listed:
        if obj["id"] == target:
            return obj
    raise no_such(schema.display_name(ctx.route.object), target)


def update(ctx: Context) -> dict[str, Any]:
    listed = behaviours.catalogue(ctx, ctx.route.object)
    if listed is not None:  # a catalogue entry (a capability) is changed by its family's hook
        obj = _from_catalogue(ctx, listed)
        behaviours.before_update(ctx, obj, ctx.params)
        return _from_catalogue(ctx, behaviours.catalogue(ctx, ctx.route.object) or [])
    obj = ctx.load(_target_id(ctx), ctx.route.types, display=schema.display_name(ctx.route.object))
    _check_nested(ctx, obj)
    check_references(ctx, obj["object"], ctx.params)
    handled = behaviours.before_update(ctx, obj, ctx.params)
    merge_into(obj, {k: v for k, v in given_fields(obj["object"], ctx.params).items() if k not in handled})
    if "updated" in schema.fields(obj["object"]):
        obj["updated"] = ctx.now
    ctx.save(obj)
    return obj


def delete(ctx: Context) -> dict[str, Any]:
    obj = ctx.load(_target_id(ctx), ctx.route.types, display=schema.display_name(ctx.route.object))
    _check_nested(ctx, obj)
    behaviours.before_delete(ctx, obj)
    ctx.delete_tree([obj["id"]])
    deleted = {"id": obj["id"], "object": obj["object"], "deleted": True}
    if obj["object"] in behaviours.registry.KEPT_WHEN_DELETED:
        ctx.insert(dict(deleted, id=TOMBSTONE + ":" + obj["id"], object=TOMBSTONE, created=obj.get("created") or 0,
                        _object=obj["object"]))
    return deleted


# the stored type of what remains of a deleted object that stays retrievable
TOMBSTONE = "deleted_object"


def delete_object(ctx: Context) -> dict[str, Any]:
    obj = ctx.load(_target_id(ctx), ctx.route.types, display=schema.display_name(ctx.route.object))
    behaviours.before_delete(ctx, obj)
    ctx.delete_tree([obj["id"]])
    return obj


def delete_sub(ctx: Context) -> dict[str, Any]:
    parent_id, parent, _ = _parent(ctx)
    children = ctx.store.children(parent_id, [ctx.route.object])
    if not children:
        raise invalid("No active %s for %s: '%s'" % (schema.display_name(ctx.route.object), parent["object"], parent_id))
    ctx.delete_tree([children[0].id])
    return {"id": children[0].id, "object": ctx.route.object, "deleted": True}


def _singleton_key(object_type: str, parent_id: str | None = None) -> str:
    return "_%s%s" % (object_type, ":" + parent_id if parent_id else "")


def _present_singleton(obj: dict[str, Any]) -> dict[str, Any]:
    fields = schema.fields(obj["object"])
    out = dict(obj)
    for own in ("id", "created"):
        if own not in fields or str(out.get(own, "")).startswith("_"):
            out.pop(own, None)
    return out


def singleton(ctx: Context) -> dict[str, Any]:
    special = behaviours.singleton(ctx)
    if special is not None:
        return special
    stored = ctx.find(_singleton_key(ctx.route.object))
    if stored is None:
        stored = ctx.build(ctx.route.object, object_id=_singleton_key(ctx.route.object))
        behaviours.initial(ctx, stored)
    return _present_singleton(stored)


def singleton_update(ctx: Context) -> dict[str, Any]:
    key = _singleton_key(ctx.route.object)
    stored = ctx.find(key)
    fresh = stored is None
    if fresh:
        stored = ctx.build(ctx.route.object, object_id=key)
        behaviours.initial(ctx, stored)
    merge_into(stored, given_fields(ctx.route.object, ctx.params))
    if fresh:
        ctx.insert(stored)
    else:
        ctx.save(stored)
    return _present_singleton(stored)


def sub(ctx: Context) -> dict[str, Any]:
    parent_id, parent, name = _parent(ctx)
    children = ctx.store.children(parent_id, [ctx.route.object])
    if children:
        return _present_singleton(children[0].data)
    obj = ctx.build(ctx.route.object, object_id=_singleton_key(ctx.route.object, parent_id))
    behaviours.initial(ctx, obj)
    _link_parent(ctx, obj, parent, name)
    return _present_singleton(obj)


def sub_update(ctx: Context) -> dict[str, Any]:
    parent_id, parent, name = _parent(ctx)
    children = ctx.store.children(parent_id, [ctx.route.object])
    if children:
        obj = children[0].data
        merge_into(obj, given_fields(obj["object"], ctx.params))
        ctx.save(obj)
    else:
        obj = ctx.build(ctx.route.object, object_id=_singleton_key(ctx.route.object, parent_id))
        behaviours.initial(ctx, obj)
        _link_parent(ctx, obj, parent, name)
        merge_into(obj, given_fields(obj["object"], ctx.params))
        ctx.insert(obj, parent=parent_id)
    return _present_singleton(obj)


def preview(ctx: Context) -> dict[str, Any]:
    check_references(ctx, ctx.route.object, ctx.params)
    obj = ctx.build(ctx.route.object, object_id="upcoming_" + schema.new_id(ctx.route.object))
    behaviours.initial(ctx, obj)
    merge_into(obj, given_fields(ctx.route.object, ctx.params))
    return behaviours.preview(ctx, obj)


def action(ctx: Context) -> dict[str, Any]:
    target_id = _target_id(ctx)
    obj = ctx.find(target_id, ctx.route.types) or behaviours.stand_in(ctx, target_id, tuple(ctx.route.types)) or \
        ctx.load(target_id, ctx.route.types, display=schema.display_name(ctx.route.resource_object))
    result = behaviours.action(ctx, obj, ctx.params)
    if result is not None:
        if isinstance(result, dict) and result.get("object") == obj["object"]:
            behaviours.after_action(ctx, result, ctx.params)
        return result
    if obj["object"] != ctx.route.object and ctx.route.object not in (ctx.route.op.get("objects") or ()):
        # an action that makes another object (fund_cash_balance -> a cash balance transaction)
        made = ctx.build(ctx.route.object)
        behaviours.initial(ctx, made)
        merge_into(made, given_fields(made["object"], ctx.params))
        _link_parent(ctx, made, obj, "id")
        ctx.insert(made, parent=obj["id"])
        return made
    behaviours.apply_status(ctx, obj, ctx.route.verb)
    merge_into(obj, {k: v for k, v in given_fields(obj["object"], ctx.params).items() if k != "status"})
    ctx.save(obj)
    behaviours.after_action(ctx, obj, ctx.params)
    return obj


# -- lists ------------------------------------------------------------------------------------


def list_(ctx: Context) -> dict[str, Any]:
    params = ctx.params
    limit = limit_of(params)
    types = tuple(ctx.route.op.get("objects") or [ctx.route.object])
    listed = behaviours.catalogue(ctx, types[0])
    if listed is not None:
        return catalogue_page(ctx, listed, params, limit)
    parent_id = None
    if ctx.route.param_names:
        parent_id, _, _ = _parent(ctx)
    after = before = None
    for name in ("starting_after", "ending_before"):
        cursor = params.get(name)
        if cursor:
            position = ctx.store.position(cursor)
            if position is None:
                raise no_such(schema.display_name(types[0]), cursor, param=name)
            if name == "starting_after":
                after = position
            else:
                before = position
            break
    where = list_conditions(ctx, types[0], params)
    rows, more = ctx.store.page(types, parent=parent_id, where=where, limit=limit, after=after, before=before)
    data = [behaviours.render(ctx, row.data) for row in rows]
    url = ctx.route.path
    for name, value in ctx.values.items():
        url = url.replace("{%s}" % name, value, 1)
    return {"object": "list", "data": data, "has_more": more, "url": url}


def search_(ctx: Context) -> dict[str, Any]:
    params = ctx.params
    limit = limit_of(params)
    query = params.get("query") or ""
    after = search.page_position(params.get("page"))
    types = tuple(ctx.route.op.get("objects") or [ctx.route.object])
    rows = ctx.store.select(*search.page_query(query, types, after, limit))
    more = len(rows) > limit
    rows = rows[:limit]
    out: dict[str, Any] = {
        "object": "search_result",
        "data": [behaviours.render(ctx, row.data) for row in rows],
        "has_more": more,
        "next_page": search.page_token(rows[-1].created, rows[-1].seq) if more else None,
        "url": ctx.route.path,
    }
    if "total_count" in (params.get("expand") or ()):
        out["total_count"] = ctx.store.count_where(types, [search.to_sql(query)])
    return out


_KINDS = {
    "list": list_,
    "search": search_,
    "create": create,
    "retrieve": retrieve,
    "update": update,
    "delete": delete,
    "delete_object": delete_object,
    "delete_sub": delete_sub,
    "singleton": singleton,
    "singleton_update": singleton_update,
    "sub": sub,
    "sub_update": sub_update,
    "preview": preview,
    "action": action,
}

READ_KINDS = frozenset({"list", "search", "retrieve", "singleton", "sub"})
