"""The committed list of event types is exactly what tools/gen_event_types.py reads from the pinned
SDK wheel."""

from __future__ import annotations

from tests.model.generators import ROOT, generator_and_wheels

COMMITTED = ROOT / "stripecli" / "emulator" / "event_types.json"


def test_regenerating_the_event_types_changes_nothing(tmp_path):
    gen_event_types, wheels = generator_and_wheels("gen_event_types")
    out = tmp_path / "event_types.json"
    gen_event_types.write(gen_event_types.build(wheels), out)
    assert out.read_bytes() == COMMITTED.read_bytes(), "stale: run python tools/gen_event_types.py"


def test_the_list_is_the_sdks_and_matches_the_models_api_version():
    import json

    from stripecli.model import api_version

    data = json.loads(COMMITTED.read_text())
    assert data["api_version"] == api_version()
    assert {"customer.created", "customer.updated", "invoice.paid", "test_helpers.test_clock.ready",
            "billing.credit_grant.created", "customer.subscription.updated"} <= set(data["types"])
    assert "test_helpers.test_clock.updated" not in data["types"]  # a clock has no such event
    assert data["types"] == sorted(set(data["types"]))
    # thin events (v2 shape) are the SDK's stripe/events/ classes, kept apart
    assert {"v1.billing.meter.no_meter_found", "v1.billing.meter.error_report_triggered"} <= set(data["thin_types"])
    assert not set(data["thin_types"]) & set(data["types"]) and data["thin_types"] == sorted(set(data["thin_types"]))
