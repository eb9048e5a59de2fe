"""What an event type's name says, shared by the emulator, ``listen`` and the fixtures."""

from __future__ import annotations


def is_thin(event_type: str) -> bool:
    """A thin event type (``v1.billing.meter.no_meter_found``): Stripe's v2 events, named by
    their API version, delivered to event destinations rather than webhook endpoints."""
    return event_type[:1] == "v" and event_type[1:2].isdigit() and event_type[2:3] == "."
