"""What one request's code works with: the matched route, its params and the store, plus the
object helpers shared by the generic operations and the behaviours."""

from __future__ import annotations

import time
from typing import Any, Iterable

from stripecli.emulator import schema
from stripecli.emulator.errors import no_such
from stripecli.emulator.routes import Route
from stripecli.emulator.store import Store

# Types whose ids given in a param (customer=cus_..., items[0][price]=price_...) must exist.
# Others (payment methods such as pm_card_visa, accounts, tokens) are test values or live
# outside the emulator, so they are taken as given.
VERIFIED_REFERENCES = frozenset({
    "customer", "product", "price", "plan", "coupon", "subscription", "subscription_item", "invoice",
    "quote", "test_helpers.test_clock", "billing.credit_grant", "billing.meter", "radar.value_list",
    "terminal.location", "entitlements.feature", "subscription_schedule", "payment_intent",
    "treasury.financial_account", "issuing.cardholder", "issuing.card",
})


class Context:
    def __init__(self, store: Store, route: Route | None, values: dict[str, str], params: dict[str, Any],
                 *, advance_seconds: float = 1.0, request_id: str = "") -> None:
        self.store = store
        self.route = route
        self.values = values
        self.params = params
        self.advance_seconds = advance_seconds
        self.request_id = request_id
        self.now = int(time.time())

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
            clauses.append(("json_extract(data, ?) = ?", ("$." + name, value)))
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
        obj = self.build(object_type, fields, created=created)
        self.store.insert(obj, parent=parent)
        return obj

    def save(self, obj: dict[str, Any]) -> None:
        self.store.put(obj)

    def delete_tree(self, object_ids: Iterable[str]) -> int:
        """Delete objects and, recursively, the objects created under them."""
        pending = list(object_ids)
        removed = 0
        while pending:
            object_id = pending.pop()
            for child in self.store.children(object_id):
                pending.append(child.id)
            self.store.delete(object_id)
            removed += 1
        return removed

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
