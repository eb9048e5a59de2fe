"""The events Stripe sends when an object's field moves to a value, whichever request or clock
advance moved it (``registry.transition_events``); the families that move the fields do not emit
them one by one.

- a status that ends an object: ``quote.canceled``, ``setup_intent.canceled``,
  ``checkout.session.expired`` (and ``.completed``), ``identity.verification_session.canceled``,
  ``credit_note.voided`` (status ``void``), ``subscription_schedule.canceled`` / ``.released`` /
  ``.completed``;
- ``customer.subscription.paused`` when a subscription's status becomes ``paused``, and
  ``customer.subscription.resumed`` when it leaves ``paused`` for ``active``;
- ``identity.verification_session.redacted`` when the session's ``redaction.status`` becomes
  ``redacted``;
- ``payment_method.attached`` / ``.detached`` when a payment method's ``customer`` is set or
  cleared (an ``attach``, a customer made with ``payment_method=``, a ``detach``);
- ``issuing_transaction.purchase_details_receipt_updated`` when an Issuing transaction gets its
  receipt lines (``purchase_details.receipt``: a capture that reports them).
"""

from __future__ import annotations

from stripecli.emulator.behaviours import registry

SESSION = "identity.verification_session"
SCHEDULE = "subscription_schedule"

registry.transition_events({
    ("quote", "status"): {"canceled": "quote.canceled"},
    ("setup_intent", "status"): {"canceled": "setup_intent.canceled"},
    ("checkout.session", "status"): {"expired": "checkout.session.expired", "complete": "checkout.session.completed"},
    (SESSION, "status"): {"canceled": SESSION + ".canceled"},
    (SESSION, "redaction.status"): {"redacted": SESSION + ".redacted"},
    ("credit_note", "status"): {"void": "credit_note.voided"},
    (SCHEDULE, "status"): {"canceled": SCHEDULE + ".canceled", "released": SCHEDULE + ".released",
                           "completed": SCHEDULE + ".completed"},
    ("subscription", "status"): {"paused": "customer.subscription.paused",
                                 "active": ("customer.subscription.resumed", ("paused",))},
    ("payment_method", "customer"): {registry.SET: ("payment_method.attached", (None,)),
                                     None: "payment_method.detached"},
    ("issuing.transaction", "purchase_details.receipt"): {
        registry.SET: "issuing_transaction.purchase_details_receipt_updated"},
})
