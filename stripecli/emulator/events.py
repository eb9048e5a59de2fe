"""Events: every change written through the API becomes Stripe's event for it, recorded in the same
SQLite transaction as the change itself (a commit listener of ``Context.transaction``).

What is recorded, from the context's journal of changes (``emulator/context.py``):

- a created object: ``<type>.created``; a deleted one: ``<type>.deleted``; a changed one:
  ``<type>.updated`` with ``data.previous_attributes`` holding the old values of exactly the
  top-level fields that changed; a behaviour may name another event for a change
  (``customer.subscription.deleted`` for a canceled subscription);
- the events Stripe sends alongside an update under another name (``registry.companion_events``:
  a refund's ``refund.updated`` is followed by ``charge.refund.updated``), with the same data;
- the events of a field's move that the families declare (``registry.transition_events``: a
  quote whose status becomes ``canceled`` is also ``quote.canceled``), after the change's own;
- the action events behaviours emit (``invoice.finalized``, ``invoice.paid``,
  ``test_helpers.test_clock.ready`` ...), in the order they happened among the changes;
- only event types Stripe has: ``event_types.json`` is generated from the pinned SDK
  (``tools/gen_event_types.py``); an object type with no such event emits nothing (line items,
  subscription items, the emulator's singletons ...). Event names follow Stripe's: a
  ``subscription`` is ``customer.subscription.*``, an ``issuing.card`` is ``issuing_card.*``.

An event is Stripe's shape: ``id`` (``evt_``), ``object: "event"``, ``api_version``, ``created``
(the test clock's frozen time for objects on a clock, else the time of the request), ``data.object``
(the object as the API renders it), ``livemode: false``, ``pending_webhooks`` (the deliveries still
owed, counted when the event is read), ``request: {id, idempotency_key}`` (both ``null`` for what the
emulator did by itself, such as a clock advance), ``type``; a Connect event about a connected
account (``account.application.deauthorized``) also has ``account``. An idempotent replay writes
nothing and so records nothing.

Following the events: every event has a sequence number (``seq``) that only grows, assigned at the
write and visible at the commit. Writers take the database in turn (``BEGIN IMMEDIATE``), so events
become visible in ``seq`` order: a follower that reads ``events_after(store, cursor)`` and
continues from the last ``seq`` it got sees every event once, none missed and none repeated, across
processes and restarts (``emulator reset`` empties the table but the sequence goes on).

    cursor = latest_cursor(store)            # start from now (0: from the first event)
    while True:
        for seq, event in events_after(store, cursor):
            handle(event)
            cursor = seq
        time.sleep(0.2)
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from typing import Any, Iterable

from stripecli.emulator import behaviours, context, schema
from stripecli.emulator.behaviours import registry
from stripecli.emulator.context import Change, Context, Emitted
from stripecli.emulator.errors import invalid, no_such
from stripecli.emulator.store import Store, compact
from stripecli.model.events import is_thin

CLOCK = "test_helpers.test_clock"

# Object types whose events carry another name in Stripe (the rest use the type, then the type
# with "_" for ".", as in issuing_card.created).
EVENT_NOUNS = {
    "subscription": "customer.subscription",
    "tax_id": "customer.tax_id",
    "discount": "customer.discount",
    "card": "customer.source",
    "bank_account": "customer.source",
    "source": "customer.source",
    "dispute": "charge.dispute",
}




@lru_cache(maxsize=1)
def _catalogue() -> tuple[str, frozenset[str], frozenset[str]]:
    path = os.path.join(os.path.dirname(__file__), "event_types.json")
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    return data["api_version"], frozenset(data["types"]), frozenset(data.get("thin_types", ()))


def thin_types() -> frozenset[str]:
    """Every thin (v2) event type the pinned SDK declares."""
    return _catalogue()[2]


def event_types() -> frozenset[str]:
    """Every event type of the API version (generated from the pinned SDK)."""
    return _catalogue()[1]


@lru_cache(maxsize=1024)
def event_type_for(object_type: str, kind: str) -> str | None:
    """``customer`` + ``created`` -> ``customer.created``; ``None`` when Stripe has no such event
    (computed once per pair: every write asks)."""
    known = event_types()
    for noun in (EVENT_NOUNS.get(object_type), object_type, object_type.replace(".", "_")):
        if noun and "%s.%s" % (noun, kind) in known:
            return "%s.%s" % (noun, kind)
    return None


# -- recording ---------------------------------------------------------------------------------


def previous_attributes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The old values of the top-level fields that changed (the emulator's ``_`` fields left out)."""
    names = [k for k in before if not k.startswith("_")]
    names += [k for k in after if k not in before and not k.startswith("_")]
    return {k: before.get(k) for k in names if before.get(k) != after.get(k)}


def _present(ctx: Context, obj: dict[str, Any], *, rendered: bool = True) -> dict[str, Any]:
    out = behaviours.render(ctx, obj) if rendered else {k: v for k, v in obj.items() if not k.startswith("_")}
    if str(out.get("id", "")).startswith("_"):  # a singleton's storage key is not an id
        out = {k: v for k, v in out.items() if k not in ("id", "created")}
    return out


def _created(ctx: Context, obj: dict[str, Any]) -> int:
    if obj.get("object") != CLOCK:
        clock = ctx.clock_of(obj)
        if clock is not None:
            return int(clock["frozen_time"])
    return ctx.now


def _events_of(ctx: Context, changes: Iterable[Change | Emitted]
               ) -> Iterable[tuple[str, dict[str, Any], dict | None, str | None]]:
    """(type, data.object, previous_attributes, account) for each change or emitted event that
    Stripe has."""
    known = event_types()
    changes = list(changes)
    emitted = {(e.type, e.object.get("id")) for e in changes if isinstance(e, Emitted)}
    for entry in changes:
        if isinstance(entry, Emitted):
            if is_thin(entry.type) and entry.type in thin_types():
                yield entry.type, entry.object, None, None  # {related_object, data}: see _thin
            elif entry.type in known:
                yield entry.type, _present(ctx, entry.object), entry.previous_attributes, entry.account
            continue
        kind = entry.kind
        event_type = entry.event or event_type_for(entry.object_type, kind or "")
        if event_type is not None and event_type in known:
            if kind == "deleted":
                yield event_type, _present(ctx, entry.before, rendered=False), None, None
            elif kind == "created":
                yield event_type, _present(ctx, entry.after), None, None
            else:
                previous = previous_attributes(entry.before, entry.after)
                yield event_type, _present(ctx, entry.after), previous, None
                for also in registry.COMPANIONS.get(event_type, ()):  # registry.companion_events
                    if also in known:
                        yield also, _present(ctx, entry.after), previous, None
        if entry.event is None:  # the events a field's move means (registry.transition_events)
            for moved in registry.transitions(entry.object_type, entry.before, entry.after):
                if moved in known and (moved, entry.object_id) not in emitted:
                    yield moved, _present(ctx, entry.after), None, None


def record(ctx: Context, changes: list[Change | Emitted]) -> list[dict[str, Any]]:
    """Write the events for a transaction's changes (and their webhook deliveries)."""
    from stripecli.emulator import deliveries

    if not changes:
        return []
    api_version = _catalogue()[0]
    request = {"id": None, "idempotency_key": None} if ctx.automatic else \
        {"id": ctx.request_id or None, "idempotency_key": ctx.idempotency_key}
    endpoints = None
    written = []
    for event_type, obj, previous, account in _events_of(ctx, changes):
        if is_thin(event_type):
            event = _thin(ctx, event_type, obj, request)
            ctx.store.conn.execute("INSERT INTO events (id, type, created, data) VALUES (?, ?, ?, ?)",
                                   (event["id"], event_type, ctx.now,
                                    compact(event)))
            written.append(event)
            continue
        data: dict[str, Any] = {"object": obj}
        if previous is not None:
            data["previous_attributes"] = previous
        event = {
            "id": "evt_" + schema.ordered_token(24),
            "object": "event",
            **({"account": account} if account else {}),
            "api_version": api_version,
            "created": _created(ctx, obj),
            "data": data,
            "livemode": False,
            "pending_webhooks": 0,
            "request": dict(request),
            "type": event_type,
        }
        if endpoints is None:
            endpoints = deliveries.endpoints(ctx)
        event["pending_webhooks"] = deliveries.enqueue(ctx.store, event, endpoints)
        ctx.store.conn.execute("INSERT INTO events (id, type, created, data) VALUES (?, ?, ?, ?)",
                               (event["id"], event_type, event["created"],
                                compact(event)))
        written.append(event)
    return written


def _thin(ctx: Context, event_type: str, body: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
    """A thin event in Stripe's v2 shape: ``created`` is an RFC 3339 time, ``reason`` the request
    that caused it, ``related_object`` the object it is about (left out when none), ``data`` what
    ``GET /v2/core/events/{id}`` answers beyond the notification. It is owed to no webhook
    endpoint: Stripe sends thin events to event destinations, which the emulator stands for with
    ``listen`` (see docs/webhooks.md)."""
    created = schema.rfc3339(ctx.now)
    event: dict[str, Any] = {"id": "evt_test_" + schema.random_token(24), "object": "v2.core.event",
                             "type": event_type, "created": created, "livemode": False, "context": None,
                             "reason": None if ctx.automatic else {"type": "request", "request": dict(request)}}
    if body.get("related_object"):
        event["related_object"] = body["related_object"]
    event["data"] = body.get("data") or {}
    return event


def install() -> None:
    """Record events for every write transaction from now on (``Emulator`` calls it)."""
    if record not in context.ON_COMMIT:
        context.ON_COMMIT.append(record)


# -- reading -----------------------------------------------------------------------------------


def _with_pending(store: Store, rows: list[tuple[int, str]]) -> list[tuple[int, dict[str, Any]]]:
    """Events with ``pending_webhooks`` as it is now."""
    from stripecli.emulator import deliveries

    events = [(seq, json.loads(data)) for seq, data in rows]
    pending = deliveries.pending_counts(store, [e["id"] for _, e in events])
    for _, event in events:
        if event.get("object") == "event":  # a thin event (v2.core.event) has no such count
            event["pending_webhooks"] = pending.get(event["id"], 0)
    return events


def events_after(store: Store, cursor: int = 0, limit: int = 100) -> list[tuple[int, dict[str, Any]]]:
    """Up to ``limit`` events recorded after sequence number ``cursor``, oldest first, each as
    ``(seq, event)``. Continue from the last ``seq`` returned: none is missed or repeated."""
    rows = store.conn.execute("SELECT seq, data FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
                              (int(cursor), int(limit))).fetchall()
    return _with_pending(store, rows)


def latest_cursor(store: Store) -> int:
    """The sequence number of the newest event (0 when there is none): follow from here to see
    only what happens next."""
    row = store.conn.execute("SELECT MAX(seq) FROM events").fetchone()
    if row[0] is not None:
        return int(row[0])
    row = store.conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'events'").fetchone()
    return int(row[0]) if row else 0


def get_event(store: Store, event_id: str) -> dict[str, Any] | None:
    row = store.conn.execute("SELECT seq, data FROM events WHERE id = ?", (event_id,)).fetchone()
    return _with_pending(store, [row])[0][1] if row else None


MAX_TYPES = 20


def list_events(ctx: Context) -> dict[str, Any]:
    """``GET /v1/events``: newest first (in the order they were recorded), with ``type`` (``*`` as
    a wildcard: ``customer.*``), ``types[]`` (up to 20), ``created`` ranges and
    ``delivery_success`` (``true``: every delivery of the event succeeded, or it had none;
    ``false``: one is still pending or has failed for good)."""
    from stripecli.emulator.listing import limit_of, range_conditions

    params = ctx.params
    limit = limit_of(params)
    clauses: list[str] = []
    args: list[Any] = []
    if params.get("type") and params.get("types"):
        raise invalid("You may pass either type or types, but not both.", param="types")
    if params.get("type"):
        clauses.append("type GLOB ?")
        args.append(str(params["type"]))
    types = params.get("types")
    if types:
        if not isinstance(types, list):
            types = [types]
        if len(types) > MAX_TYPES:
            raise invalid("You may pass up to %d types." % MAX_TYPES, param="types")
        clauses.append("type IN (%s)" % ",".join("?" * len(types)))
        args.extend(str(t) for t in types)
    for sql, values in range_conditions("created", params.get("created")):
        clauses.append(sql)
        args.extend(values)
    if params.get("delivery_success") is not None and params.get("delivery_success") != "":
        owed = "EXISTS (SELECT 1 FROM deliveries d WHERE d.event = events.id AND d.status != 'succeeded')"
        clauses.append(("NOT " if params["delivery_success"] in (True, "true") else "") + owed)
    order = "DESC"
    for name in ("starting_after", "ending_before"):
        cursor = params.get(name)
        if cursor:
            row = ctx.store.conn.execute("SELECT seq FROM events WHERE id = ?", (cursor,)).fetchone()
            if row is None:
                raise no_such("event", cursor, param=name)
            clauses.append("seq < ?" if name == "starting_after" else "seq > ?")
            args.append(row[0])
            order = "DESC" if name == "starting_after" else "ASC"
            break
    clauses.append("type NOT GLOB 'v[0-9].*'")  # thin events are v2's (list_thin_events)
    where = " WHERE " + " AND ".join(clauses)
    rows = ctx.store.conn.execute("SELECT seq, data FROM events%s ORDER BY seq %s LIMIT ?" % (where, order),
                                  args + [limit + 1]).fetchall()
    more = len(rows) > limit
    rows = rows[:limit]
    if order == "ASC":
        rows.reverse()
    return {"object": "list", "data": [e for _, e in _with_pending(ctx.store, rows)], "has_more": more,
            "url": "/v1/events"}


def retrieve_event(ctx: Context, event_id: str) -> dict[str, Any]:
    event = get_event(ctx.store, event_id)
    if event is None or is_thin(event.get("type", "")):
        raise no_such("event", event_id)
    return event


def list_thin_events(ctx: Context) -> dict[str, Any]:
    """``GET /v2/core/events``: thin events, newest first; ``object_id`` keeps those whose
    ``related_object`` it is, ``limit`` (1 to 100, default 20)."""
    limit = max(1, min(100, int(ctx.params.get("limit") or 20)))
    rows = ctx.store.conn.execute("SELECT data FROM events WHERE type GLOB 'v[0-9].*' ORDER BY seq DESC").fetchall()
    found = [json.loads(data) for (data,) in rows]
    if ctx.params.get("object_id"):
        found = [e for e in found if (e.get("related_object") or {}).get("id") == ctx.params["object_id"]]
    return {"data": found[:limit], "next_page_url": None, "previous_page_url": None}


def retrieve_thin_event(ctx: Context) -> dict[str, Any]:
    """``GET /v2/core/events/{id}``: one thin event, with its ``data``."""
    event = get_event(ctx.store, ctx.values["id"])
    if event is None or not is_thin(event.get("type", "")):
        raise no_such("event", ctx.values["id"])
    return event

