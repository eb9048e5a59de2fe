"""Billing meter events, and the errors Stripe reports about them as thin events.

Stripe takes a meter event (``POST /v1/billing/meter_events``) at once and checks it against its
meter afterwards; what fails is not an API error but an event for the account's event
destinations, a *thin* event (``object: "v2.core.event"``, listed at ``GET /v2/core/events``, not
in ``/v1/events``):

- ``v1.billing.meter.no_meter_found``: no meter counts the event's ``event_name`` (code
  ``no_meter``);
- ``v1.billing.meter.error_report_triggered`` (``related_object``: the meter): the meter is
  inactive (``archived_meter``), the payload has no customer under the meter's
  ``customer_mapping.event_payload_key`` (default ``stripe_customer_id``;
  ``meter_event_no_customer_defined``) or names one that does not exist
  (``meter_event_customer_not_found``), or its value under ``value_settings.event_payload_key``
  (default ``value``) is missing or not a number for a ``sum`` or ``last`` meter
  (``meter_event_invalid_value``).

Stripe summarizes a meter's errors over a time window; the emulator checks each event in the
request that sends it and records one thin event per failing meter event, its window being that
moment: ``data`` has ``validation_start``/``validation_end`` (RFC 3339), ``reason.error_count``
(1), ``reason.error_types[0]`` with the ``code``, ``error_count`` and one sample error (its
``error_message`` and ``request.identifier``, the meter event's ``identifier``), and
``developer_message_summary``. A meter event without ``identifier`` or ``timestamp`` gets one
(a random identifier, the request's time), as on Stripe.
"""

from __future__ import annotations

import re
from typing import Any

from stripecli.emulator import schema
from stripecli.emulator.behaviours import registry
from stripecli.emulator.context import Context

NO_METER = "v1.billing.meter.no_meter_found"
ERROR_REPORT = "v1.billing.meter.error_report_triggered"
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


@registry.hook("before_create", "billing.meter_event")
def _meter_event_create(ctx: Context, event: dict[str, Any], params: dict[str, Any]) -> None:
    if not event.get("identifier"):
        event["identifier"] = schema.random_token(24)
    if not event.get("timestamp"):
        event["timestamp"] = ctx.now


def _problem(ctx: Context, event: dict[str, Any]) -> tuple[str, str, dict[str, Any] | None] | None:
    """(code, message, meter) for a meter event Stripe would report, or ``None``."""
    name = event.get("event_name")
    meters = ctx.scan("billing.meter", where={"event_name": name})
    if not meters:
        return "no_meter", "No active meter was found for event_name '%s'." % name, None
    meter = next((m for m in meters if m.get("status") == "active"), meters[0])
    if meter.get("status") != "active":
        return "archived_meter", "The meter %s for event_name '%s' is inactive." % (meter["id"], name), meter
    payload = event.get("payload") or {}
    key = (meter.get("customer_mapping") or {}).get("event_payload_key") or "stripe_customer_id"
    customer = payload.get(key)
    if not customer:
        return ("meter_event_no_customer_defined",
                "The payload has no customer: meter %s reads it from '%s'." % (meter["id"], key), meter)
    if ctx.find(customer, ("customer",)) is None:
        return "meter_event_customer_not_found", "No customer with id '%s' was found." % customer, meter
    formula = (meter.get("default_aggregation") or {}).get("formula") or "sum"
    value_key = (meter.get("value_settings") or {}).get("event_payload_key") or "value"
    value = payload.get(value_key)
    if formula != "count" and not _NUMBER.match(str(value if value is not None else "")):
        return ("meter_event_invalid_value",
                "The value under '%s' must be a number; it is %s." % (value_key, "missing" if value is None
                                                                       else "'%s'" % value), meter)
    return None


@registry.hook("after_create", "billing.meter_event")
def _meter_event_check(ctx: Context, event: dict[str, Any], params: dict[str, Any]) -> None:
    found = _problem(ctx, event)
    if found is None:
        return
    code, message, meter = found
    data = {
        "developer_message_summary": "There is 1 invalid event: %s" % message,
        "reason": {"error_count": 1, "error_types": [{
            "code": code, "error_count": 1,
            "sample_errors": [{"error_message": message, "request": {"identifier": event["identifier"]}}]}]},
        "validation_end": schema.rfc3339(ctx.now), "validation_start": schema.rfc3339(ctx.now),
    }
    related = None if meter is None else {"id": meter["id"], "type": "billing.meter",
                                          "url": "/v1/billing/meters/%s" % meter["id"]}
    ctx.emit(NO_METER if meter is None else ERROR_REPORT, {"related_object": related, "data": data})
