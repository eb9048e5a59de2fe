"""Disputes of card payments: opened by the dispute test cards, answered with evidence, closed.

- A charge made with ``pm_card_createDispute`` (or ``..ProductNotReceived``) opens a chargeback at
  once: ``needs_response``, the amount and the dispute fee withdrawn by one balance transaction
  (``charge.dispute.created``, then ``charge.dispute.funds_withdrawn``). With
  ``pm_card_createDisputeInquiry`` it is an inquiry: ``warning_needs_response``, no money moved.
- ``POST /v1/disputes/{id}`` with ``evidence`` stages it (``evidence_details.has_evidence``) and,
  unless ``submit=false``, submits it: ``under_review`` (an inquiry: ``warning_under_review``),
  ``submission_count`` + 1; each change is ``charge.dispute.updated``. Evidence is taken only while
  the dispute needs a response; ``metadata`` may change at any time.
- Stripe's test evidence decides the outcome when it is submitted: ``uncategorized_text`` set to
  ``winning_evidence`` wins the dispute (a chargeback's amount and fee come back with a
  ``dispute_reversal`` transaction: ``charge.dispute.funds_reinstated``), ``losing_evidence``
  loses it. Stripe closes such a dispute a few seconds later; the emulator does it in the same
  request. Any other evidence leaves it under review.
- ``POST /v1/disputes/{id}/close`` accepts it: ``lost``, as Stripe's reference says, an inquiry
  too (nothing more is withdrawn: a chargeback's funds already were, an inquiry's never are).
  Any move to ``won``, ``lost`` or ``warning_closed`` is ``charge.dispute.closed``.
"""

from __future__ import annotations

from typing import Any

from stripecli.emulator import ledger
from stripecli.emulator.behaviours import registry
from stripecli.emulator.behaviours.common import initial
from stripecli.emulator.context import Context, merge_into
from stripecli.emulator.errors import invalid

registry.initial_values({
    "dispute": {"status": "needs_response", "is_charge_refundable": False},
})

CLOSED = ("won", "lost", "warning_closed")
OPEN = ("needs_response", "warning_needs_response")
WINNING, LOSING = "winning_evidence", "losing_evidence"

registry.transition_events({
    ("dispute", "status"): {status: "charge.dispute.closed" for status in CLOSED},
})


def _inquiry(dispute: dict[str, Any]) -> bool:
    return str(dispute.get("status") or "").startswith("warning_")


def open_dispute(ctx: Context, charge: dict[str, Any], reason: str, at: int, *, inquiry: bool = False) -> dict[str, Any]:
    """The dispute a test card opens on ``charge`` (stored under it, ``charge.disputed`` set)."""
    amount = int(charge.get("amount_captured") or charge["amount"])
    dispute = ctx.build("dispute", {
        "amount": amount, "charge": charge["id"], "currency": charge["currency"], "reason": reason,
        "payment_intent": charge.get("payment_intent"),
        "evidence_details": {"due_by": at + 9 * 86400, "has_evidence": False, "past_due": False,
                             "submission_count": 0, "enhanced_eligibility": {}},
        "payment_method_details": {"type": "card", "card": {"brand": (charge.get("payment_method_details") or {})
                                                            .get("card", {}).get("brand"), "network_reason_code": None,
                                                            "case_type": "inquiry" if inquiry else "chargeback"}},
    }, created=at)
    initial(ctx, dispute)
    dispute.update(status="warning_needs_response" if inquiry else "needs_response", is_charge_refundable=inquiry,
                   balance_transactions=[])
    if not inquiry:  # a chargeback withdraws the amount and the dispute fee at once
        fee = ledger.DISPUTE_FEE.get(charge["currency"], 1500)
        txn = ledger.post(ctx, amount=-amount, currency=charge["currency"], type="adjustment", source=dispute["id"],
                          created=at, fee=fee, description="Chargeback withdrawal for %s" % charge["id"],
                          fee_details=[{"amount": fee, "application": None, "currency": charge["currency"],
                                        "description": "Dispute fee", "type": "stripe_fee"}],
                          reporting_category="dispute", clock=charge.get("_clock"))
        dispute["balance_transactions"] = [txn]
    ctx.insert(dispute, parent=charge["id"])
    if not inquiry:
        ctx.emit("charge.dispute.funds_withdrawn", dispute)
    charge["disputed"] = True
    return dispute


def _reinstate(ctx: Context, dispute: dict[str, Any], at: int) -> bool:
    """A won chargeback: what was withdrawn comes back (the amount, and the fee as a negative fee).
    ``False`` when nothing had been withdrawn (an inquiry)."""
    withdrawn = [t for t in dispute.get("balance_transactions") or [] if int(t.get("amount") or 0) < 0]
    if not withdrawn:
        return False
    amount = -sum(int(t["amount"]) for t in withdrawn)
    fee = sum(int(t.get("fee") or 0) for t in withdrawn)
    charge = ctx.find(dispute.get("charge"), ("charge",)) or {}
    txn = ledger.post(ctx, amount=amount, currency=dispute["currency"], type="adjustment", source=dispute["id"],
                      created=at, fee=-fee, description="Chargeback reversal for %s" % dispute.get("charge"),
                      fee_details=[{"amount": -fee, "application": None, "currency": dispute["currency"],
                                    "description": "Dispute fee refund", "type": "stripe_fee"}] if fee else [],
                      reporting_category="dispute_reversal", clock=charge.get("_clock"))
    dispute["balance_transactions"] = list(dispute.get("balance_transactions") or []) + [txn]
    return True


@registry.hook("before_update", "dispute")
def _dispute_update(ctx: Context, dispute: dict[str, Any], params: dict[str, Any]) -> set[str]:
    evidence = params.get("evidence")
    submit = params.get("submit") not in (False, "false")
    if evidence is not None and dispute.get("status") not in OPEN:
        raise invalid("This dispute is %s: evidence can only be given while it needs a response (%s)."
                      % (dispute.get("status"), " or ".join(OPEN)), param="evidence")
    if evidence is None and not (params.get("submit") in (True, "true") and dispute.get("status") in OPEN
                                 and (dispute.get("evidence_details") or {}).get("has_evidence")):
        return set()  # metadata only: the generic merge; nothing submitted
    at = ctx.time_for(dispute)
    if isinstance(evidence, dict):
        merge_into(dispute.setdefault("evidence", {}), evidence)
    details = dict(dispute.get("evidence_details") or {})
    details["has_evidence"] = True
    if submit:
        details["submission_count"] = int(details.get("submission_count") or 0) + 1
    dispute["evidence_details"] = details
    if isinstance(params.get("metadata"), dict) or params.get("metadata") == "":
        merge_into(dispute, {"metadata": params["metadata"]})
    if not submit:
        return {"evidence", "metadata"}
    inquiry = _inquiry(dispute)
    dispute["status"] = "warning_under_review" if inquiry else "under_review"
    text = str((dispute.get("evidence") or {}).get("uncategorized_text") or "").strip()
    reinstated = False
    if text == WINNING:
        dispute["status"] = "warning_closed" if inquiry else "won"
        reinstated = _reinstate(ctx, dispute, at)
    elif text == LOSING:
        dispute["status"] = "lost"
    ctx.save(dispute)
    if reinstated:
        ctx.emit("charge.dispute.funds_reinstated", dispute)
    return {"evidence", "metadata"}


@registry.action("close", "dispute")
def _close_dispute(ctx: Context, dispute: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    if dispute.get("status") in CLOSED:
        raise invalid("The dispute %s is already closed (%s)." % (dispute["id"], dispute["status"]))
    dispute["status"] = "lost"
    ctx.save(dispute, event="charge.dispute.closed")
    return dispute

