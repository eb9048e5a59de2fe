"""Treasury: financial accounts, inbound and outbound transfers and payments, received credits and
debits, reversals; their initial statuses and the test-helper actions (post, fail, return,
cancel) from the states Stripe allows."""

from __future__ import annotations

from stripecli.emulator.behaviours import registry

registry.initial_values({
    "treasury.financial_account": {"status": "open"},
    "treasury.outbound_payment": {"status": "processing", "cancelable": True},
    "treasury.outbound_transfer": {"status": "processing", "cancelable": True},
    "treasury.inbound_transfer": {"status": "processing", "cancelable": True, "returned": False},
    "treasury.received_credit": {"status": "succeeded"},
    "treasury.received_debit": {"status": "succeeded"},
    "treasury.credit_reversal": {"status": "processing"},
    "treasury.debit_reversal": {"status": "processing"},
})

_DONE = {"cancelable": False}

registry.status_actions({
    ("treasury.financial_account", "close"): ({"status": "closed"}, ("open",), ()),
    ("treasury.inbound_transfer", "cancel"): ({"status": "canceled", **_DONE}, ("processing",), ("status_transitions.canceled_at",)),
    ("treasury.inbound_transfer", "fail"): ({"status": "failed", **_DONE}, ("processing",), ("status_transitions.failed_at",)),
    ("treasury.inbound_transfer", "succeed"): ({"status": "succeeded", **_DONE}, ("processing",), ("status_transitions.succeeded_at",)),
    ("treasury.inbound_transfer", "return-inbound-transfer"): ({"returned": True}, ("succeeded",), ()),
    ("treasury.outbound_payment", "cancel"): ({"status": "canceled", **_DONE}, ("processing",), ("status_transitions.canceled_at",)),
    ("treasury.outbound_payment", "fail"): ({"status": "failed", **_DONE}, ("processing",), ("status_transitions.failed_at",)),
    ("treasury.outbound_payment", "post"): ({"status": "posted", **_DONE}, ("processing",), ("status_transitions.posted_at",)),
    ("treasury.outbound_payment", "return-outbound-payment"): ({"status": "returned"}, ("processing", "posted"), ("status_transitions.returned_at",)),
    ("treasury.outbound_transfer", "cancel"): ({"status": "canceled", **_DONE}, ("processing",), ("status_transitions.canceled_at",)),
    ("treasury.outbound_transfer", "fail"): ({"status": "failed", **_DONE}, ("processing",), ("status_transitions.failed_at",)),
    ("treasury.outbound_transfer", "post"): ({"status": "posted", **_DONE}, ("processing",), ("status_transitions.posted_at",)),
    ("treasury.outbound_transfer", "return-outbound-transfer"): ({"status": "returned"}, ("processing", "posted"), ("status_transitions.returned_at",)),
})
