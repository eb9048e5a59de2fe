"""columns.json is hand-written: check it against the object schemas of stripe-python."""

import importlib
import json
from pathlib import Path

import pytest

OVERLAY = json.loads((Path(__file__).parents[2] / "stripecli/output/columns.json").read_text())

REQUIRED = [
    "customer", "billing.credit_balance_transaction", "subscription", "test_helpers.test_clock",
    "invoice", "price", "product", "payment_intent", "charge", "refund", "event", "plan", "quote",
    "subscription_item", "subscription_schedule", "tax_id", "billing.credit_grant",
    "billing.meter", "billing.alert", "issuing.card", "issuing.cardholder",
    "issuing.authorization", "issuing.transaction", "terminal.reader", "terminal.location",
    "treasury.financial_account", "treasury.outbound_payment", "treasury.received_credit",
    "account", "person", "transfer", "topup", "payout", "webhook_endpoint", "radar.value_list",
]


def test_common_object_types_have_columns():
    objects = OVERLAY["objects"]
    assert len(objects) >= 40
    assert [t for t in REQUIRED if t not in objects] == []
    assert objects["customer"] == ["id", "email", "name", "created"]
    assert objects["test_helpers.test_clock"] == ["id", "name", "frozen_time", "status", "deletes_after"]
    assert objects["billing.credit_balance_transaction"] == [
        "id", "type", "credit_grant", "effective_at", "created"
    ]
    for columns in objects.values():
        assert columns[0] in ("id", "identifier")


def _annotations(cls) -> dict:
    out: dict = {}
    for klass in reversed(cls.__mro__):
        out.update(getattr(klass, "__annotations__", {}))
    return out


def test_columns_name_real_fields():
    classes = pytest.importorskip("stripe._object_classes").OBJECT_CLASSES
    wrong = []
    for obj, columns in OVERLAY["objects"].items():
        module, name = classes[obj]
        fields = _annotations(getattr(importlib.import_module(module), name))
        for column in columns:
            paths = [column] if isinstance(column, str) else column["paths"]
            if not any(p.split(".")[0] in fields for p in paths):
                wrong.append(f"{obj}: {column}")
    assert wrong == []
