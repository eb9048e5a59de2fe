"""Issuing: cardholders, cards, authorizations, disputes, personalization designs; their initial
statuses and the actions (and card shipping test helpers) that move them. The money of an
authorization (its amount as it is increased, reversed and captured, the transactions it makes) is
the ``authorizations`` family's."""

from __future__ import annotations

from stripecli.emulator.behaviours import registry

registry.initial_values({
    "issuing.cardholder": {"status": "active"},
    "issuing.card": {"status": "inactive"},
    "issuing.dispute": {"status": "unsubmitted"},
    "issuing.personalization_design": {"status": "review"},
    "issuing.authorization": {"status": "pending", "approved": True},
})

registry.status_actions({
    ("issuing.authorization", "approve"): ({"approved": True}, ("pending",), ()),
    ("issuing.authorization", "decline"): ({"approved": False, "status": "closed"}, ("pending",), ()),
    ("issuing.authorization", "expire"): ({"status": "closed"}, ("pending",), ()),
    ("issuing.card", "deliver-card"): ({"shipping.status": "delivered"}, None, ()),
    ("issuing.card", "fail-card"): ({"shipping.status": "failure"}, None, ()),
    ("issuing.card", "return-card"): ({"shipping.status": "returned"}, None, ()),
    ("issuing.card", "ship-card"): ({"shipping.status": "shipped"}, None, ()),
    ("issuing.card", "submit-card"): ({"shipping.status": "submitted"}, None, ()),
    ("issuing.dispute", "submit"): ({"status": "submitted"}, ("unsubmitted",), ()),
    ("issuing.personalization_design", "activate"): ({"status": "active"}, None, ()),
    ("issuing.personalization_design", "deactivate"): ({"status": "inactive"}, None, ()),
    ("issuing.personalization_design", "reject"): ({"status": "rejected"}, None, ()),
})
