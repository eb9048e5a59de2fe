"""What one request's code works with: the matched route, its params and the store, plus the
object helpers shared by the generic operations and the behaviours.

The write path. Every change to an object goes through this context, never straight to the
store:

- ``ctx.insert(obj, parent=None)``: a new object (``ctx.create(type, fields)`` builds one and
  inserts it, without running hooks: for objects a behaviour makes as a side effect);
- ``ctx.save(obj)``: an object that exists, changed;
- ``ctx.delete(object_id)``, ``ctx.delete_tree(ids)`` (with the objects created under them).

Each write is applied to the store at once (later reads in the same request see it) and noted in
the context's journal of changes: one ``Change`` per object, holding the object as it was before
the first write of the transaction (``before``, ``None`` for a new one) and as it is after the last
(``after``, ``None`` once deleted), in the order objects were first written. An object created and
then saved three times in one request is one change (created, with its final state); one created
and deleted again is none. ``ctx.emit(type, obj)`` adds an action event (``invoice.paid``) at its
place among them, with the object as it is at that moment.

``Context.transaction()`` is one write transaction: on success, ``changes()`` are handed to the
events recorder in the same SQLite transaction as the writes (see ``emulator/events.py``), and the
journal starts again empty.
"""

from __future__ import annotations

import copy
import json
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from stripecli.emulator import schema
from stripecli.emulator.errors import no_such
from stripecli.emulator.routes import Route
from stripecli.emulator.store import Store, dump
from stripecli.emulator.tables import json_field

# Types whose ids given in a param (customer=cus_..., items[0][price]=price_...) must exist.
# Others (payment methods such as pm_card_visa, accounts, tokens) are test values or live
# outside the emulator, so they are taken as given.
VERIFIED_REFERENCES = frozenset({
    "customer", "product", "price", "plan", "coupon", "subscription", "subscription_item", "invoice",
    "quote", "test_helpers.test_clock", "billing.credit_grant", "billing.meter", "radar.value_list",
    "terminal.location", "entitlements.feature", "subscription_schedule", "payment_intent",
    "treasury.financial_account", "issuing.cardholder", "issuing.card",
})


@dataclass
class Change:
    """One object's change in a transaction: ``before`` the first write, ``after`` the last."""

    object_id: str
    object_type: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    event: str | None = None  # the event type to record instead of <type>.<kind>

    @property
    def kind(self) -> str | None:
        """``created``, ``updated``, ``deleted``, or ``None`` when nothing changed in the end."""
        if self.before is None:
            return "created" if self.after is not None else None
        if self.after is None:
            return "deleted"
        return "updated" if self.after != self.before else None


@dataclass
class Emitted:
    """An action event a behaviour emitted (``invoice.paid``), with the object at that moment."""

    type: str
    object: dict[str, Any]
    previous_attributes: dict[str, Any] | None = None
    at_end: bool = False  # once per transaction, after everything else (see ``Context.emit``)
    account: str | None = None  # a connected account's event: its id, the event's ``account``


# Called with (ctx, changes) inside each write transaction, just before it commits.
ON_COMMIT: list[Any] = []


class Context:
    def __init__(self, store: Store, route: Route | None, values: dict[str, str], params: dict[str, Any],
                 *, advance_seconds: float = 1.0, request_id: str = "", idempotency_key: str | None = None) -> None:
        self.store = store
        self.route = route
        self.values = values
        self.params = params
        self.advance_seconds = advance_seconds
        self.request_id = request_id
        self.idempotency_key = idempotency_key
        self.automatic = False  # changes made by the emulator itself (a clock advance): no request
        self.now = int(time.time())
        self._journal: dict[str, Change] = {}
        self._order: list[Change | Emitted] = []

    # -- reading ---------------------------------------------------------------------------

    def find(self, object_id: str | None, types: Iterable[str] | None = None) -> dict[str, Any] | None:
        if not object_id or not isinstance(object_id, str):
            return None
        row = self.store.get(object_id)
        if row is None or (types is not None and row.type not in types):
            return None
        return row.data

    def load(self, object_id: str, types: Iterable[str], *, param: str | None = "id",
             display: str | None = None) -> dict[str, Any]:
        """The object, or 404 ``No such <display>: '<id>'``."""
        types = tuple(types)
        found = self.find(object_id, types)
        if found is None:
            raise no_such(display or schema.display_name(types[0]), object_id, param=param)
        return found

    def scan(self, object_type: str | Iterable[str], *, parent: str | None = None,
             where: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Objects of a type, newest first; ``where`` is field -> value equality on their JSON."""
        types = [object_type] if isinstance(object_type, str) else list(object_type)
        clauses = []
        for name, value in (where or {}).items():
            sql, args = json_field(*name.split("."))
            clauses.append((sql + " = ?", args + (value,)))
        return [row.data for row in self.store.scan(types, parent=parent, where=clauses)]

    def parent_of(self, object_id: str) -> str | None:
        row = self.store.get(object_id)
        return row.parent if row else None

    # -- writing ---------------------------------------------------------------------------

    def build(self, object_type: str, fields: dict[str, Any] | None = None, *, created: int | None = None,
              object_id: str | None = None) -> dict[str, Any]:
        """A new object of the type: id, object, every schema field at its default, ``fields``
        merged over them, ``created`` and ``livemode: false``."""
        body = schema.defaults(object_type)
        body["created"] = self.now if created is None else created
        body["livemode"] = False
        obj: dict[str, Any] = {"id": object_id or schema.new_id(object_type), "object": object_type}
        for name in sorted(body):
            obj[name] = body[name]
        if fields:
            merge_into(obj, fields)
        return obj

    def create(self, object_type: str, fields: dict[str, Any] | None = None, *, parent: str | None = None,
               created: int | None = None) -> dict[str, Any]:
        """Build and insert an object made as a side effect (no hooks run for it)."""
        obj = self.build(object_type, fields, created=created)
        self.insert(obj, parent=parent)
        return obj

    def insert(self, obj: dict[str, Any], *, parent: str | None = None) -> None:
        """Store a new object (under ``parent`` for nested lists)."""
        text = dump(obj)
        self.store.insert(obj, parent=parent, text=text)
        self._note(obj["id"], obj["object"], None, text)

    def save(self, obj: dict[str, Any], *, event: str | None = None) -> None:
        """Store the new state of an object that exists; ``event`` names the event to record for
        the change when it is not ``<type>.updated`` (a canceled subscription is
        ``customer.subscription.deleted`` in Stripe)."""
        change = self._journal.get(obj["id"])
        if change is None:
            row = self.store.get(obj["id"])
            if row is None:
                return  # deleted meanwhile: nothing to update (the store's UPDATE would change no row)
            change = self._note(obj["id"], obj["object"], row.data, None)
        elif change.after is None:
            return  # deleted earlier in this transaction
        text = dump(obj)
        self.store.put(obj, text=text)
        change.after = text
        if event is not None:
            self._journal[obj["id"]].event = event

    def delete(self, object_id: str) -> None:
        """Remove one object (``delete_tree`` also removes what was created under it)."""
        change = self._journal.get(object_id)
        if change is None:
            row = self.store.get(object_id)
            if row is None:
                return
            self._note(object_id, row.type, row.data, None)
        self.store.delete(object_id)
        self._journal[object_id].after = None

    def delete_tree(self, object_ids: Iterable[str]) -> int:
        """Delete objects and, recursively, the objects created under them."""
        pending = list(object_ids)
        removed = 0
        while pending:
            object_id = pending.pop()
            for child in self.store.children(object_id):
                pending.append(child.id)
            self.delete(object_id)
            removed += 1
        return removed

    def emit(self, event_type: str, obj: dict[str, Any], previous_attributes: dict[str, Any] | None = None,
             *, at_end: bool = False, account: str | None = None) -> None:
        """An action event (``invoice.finalized``, ``test_helpers.test_clock.ready``) for ``obj``
        as it is now, placed after the changes written so far. ``at_end``: a summary recorded once
        per transaction, after all its other events, with ``obj`` as given by the last call
        (``balance.available`` with the balance once every transaction of a request is written).
        ``account`` names the connected account a Connect event is about."""
        if at_end:
            self._order = [e for e in self._order if not (isinstance(e, Emitted) and e.at_end and e.type == event_type)]
        self._order.append(Emitted(event_type, copy.deepcopy(obj), previous_attributes, at_end, account))

    # -- the journal -----------------------------------------------------------------------

    def _note(self, object_id: str, object_type: str, before: dict[str, Any] | None, after: str | None) -> Change:
        """The journal entry of an object (made at its first write, ``before`` being a fresh copy
        of the stored object); ``after`` is the JSON text as written, a snapshot that later
        changes to the dict (an expanded response) cannot reach."""
        change = self._journal.get(object_id)
        if change is None:
            change = Change(object_id, object_type, before, None)
            self._journal[object_id] = change
            self._order.append(change)
        change.after = after
        return change

    def changes(self) -> list[Change | Emitted]:
        """What this transaction changed so far: ``Change`` per object (its ``after`` a copy of the
        final state) and ``Emitted`` action events, in order; objects with no net change left out."""
        out: list[Change | Emitted] = []
        for entry in self._order:
            if isinstance(entry, Change):
                final = Change(entry.object_id, entry.object_type, entry.before,
                               json.loads(entry.after) if entry.after is not None else None, entry.event)
                if final.kind is None:
                    continue
                out.append(final)
            else:
                out.append(entry)
        return [e for e in out if not getattr(e, "at_end", False)] + [e for e in out if getattr(e, "at_end", False)]

    def discard_changes(self) -> None:
        self._journal.clear()
        self._order.clear()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction; its changes are recorded (``on_commit``) before it commits.
        Nested calls join the outer one."""
        if self.store.writing():
            yield
            return
        self.discard_changes()
        try:
            with self.store.write():
                yield
                for listener in ON_COMMIT:
                    listener(self, self.changes())
        finally:
            self.discard_changes()

    # -- time ------------------------------------------------------------------------------

    def clock_of(self, obj: dict[str, Any] | None) -> dict[str, Any] | None:
        """The test clock an object (or its customer) is on."""
        if not obj:
            return None
        clock_id = obj.get("test_clock")
        if not clock_id and isinstance(obj.get("customer"), str):
            customer = self.find(obj["customer"], ("customer",))
            clock_id = customer.get("test_clock") if customer else None
        if isinstance(clock_id, dict):
            clock_id = clock_id.get("id")
        return self.find(clock_id, ("test_helpers.test_clock",)) if clock_id else None

    def time_for(self, obj: dict[str, Any] | None) -> int:
        """Now, as seen by the object: its test clock's frozen time, else the real time."""
        clock = self.clock_of(obj)
        return int(clock["frozen_time"]) if clock else self.now


def merge_into(target: dict[str, Any], given: dict[str, Any]) -> None:
    """Merge params into an object as Stripe does: nested hashes merge, ``""`` unsets (``null``),
    a metadata key set to ``""`` is removed and ``metadata=""`` empties it."""
    for key, value in given.items():
        if key == "metadata":
            current = target.get("metadata") if isinstance(target.get("metadata"), dict) else {}
            if value == "" or value is None:
                target["metadata"] = {}
                continue
            merged = dict(current)
            for k, v in value.items():
                if v == "" or v is None:
                    merged.pop(k, None)
                else:
                    merged[k] = v
            target["metadata"] = merged
            continue
        if value == "":
            old = target.get(key)
            target[key] = {} if isinstance(old, dict) and key.endswith("metadata") else ([] if isinstance(old, list) else None)
            continue
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            merge_into(target[key], value)
            continue
        if isinstance(value, dict):
            nested: dict[str, Any] = {}
            merge_into(nested, value)
            target[key] = nested
            continue
        target[key] = value
