"""Everything else: webhook endpoints, Apps secrets, Radar value lists and reviews, Identity,
Terminal, Climate, reporting, Tax, privacy, crypto onramp, Capital, Financial Connections, 3-D
Secure, billing portal configurations, ephemeral keys: their initial values, secrets and the
actions that only move a status.

- Webhook endpoints get a ``whsec_`` secret and ``status: enabled``; ``disabled=true`` disables
  one (it is sent nothing until enabled again).
- Apps secrets: ``find`` by name and scope, a new secret with the same name and scope replaces
  the old one, ``payload`` only with ``expand[]=payload``.
- Radar value lists carry their items (``list_items``).
"""

from __future__ import annotations

from typing import Any

from stripecli.emulator import schema
from stripecli.emulator.behaviours import registry
from stripecli.emulator.behaviours.common import list_object
from stripecli.emulator.context import Context
from stripecli.emulator.errors import no_such


def _client_secret(obj: dict[str, Any]) -> str:
    return "%s_secret_%s" % (obj["id"], schema.random_token(24))


registry.initial_values({
    "webhook_endpoint": {"status": "enabled"},
    "billing_portal.configuration": {"active": True},
    "climate.order": {"status": "open"},
    "identity.verification_session": {"status": "requires_input"},
    "terminal.hardware_order": {"status": "pending"},
    "reporting.report_run": {"status": "pending"},
    "tax.registration": {"status": "active"},
    "tax.settings": {"status": "pending"},
    "privacy.redaction_job": {"status": "validating"},
    "radar.value_list": {"item_type": "string"},
    "crypto.onramp_session": {"status": "initialized"},
})

registry.secrets({
    "webhook_endpoint": ("secret", lambda obj: "whsec_" + schema.random_token(32)),
    "terminal.connection_token": ("secret", lambda obj: "pst_test_" + schema.random_token(32)),
    "ephemeral_key": ("secret", lambda obj: "ek_test_" + schema.random_token(32)),
    "financial_connections.session": ("client_secret", _client_secret),
    "identity.verification_session": ("client_secret", _client_secret),
})

registry.status_actions({
    ("capital.financing_offer", "mark-delivered"): ({"status": "delivered"}, None, ()),
    ("review", "approve"): ({"open": False, "closed_reason": "approved"}, None, ()),
    ("terminal.hardware_order", "cancel"): ({"status": "canceled"}, ("pending",), ()),
    ("terminal.hardware_order", "deliver"): ({"status": "delivered"}, None, ()),
    ("terminal.hardware_order", "mark-ready-to-ship"): ({"status": "ready_to_ship"}, None, ()),
    ("terminal.hardware_order", "mark-undeliverable"): ({"status": "undeliverable"}, None, ()),
    ("terminal.hardware_order", "ship"): ({"status": "shipped"}, None, ()),
    ("financial_connections.account", "disconnect"): ({"status": "disconnected"}, None, ()),
    ("identity.verification_session", "cancel"): ({"status": "canceled"}, ("requires_input", "processing"), ()),
    # Stripe redacts in the background (``processing``, then ``redacted``); the emulator has no
    # background work, so the redaction is done when the request answers.
    ("identity.verification_session", "redact"): ({"redaction.status": "redacted"}, None, ()),
    ("climate.order", "cancel"): ({"status": "canceled"}, ("open", "awaiting_funds"), ("canceled_at",)),
    ("privacy.redaction_job", "cancel"): ({"status": "canceled"}, None, ()),
    ("privacy.redaction_job", "run"): ({"status": "running"}, None, ()),
    ("privacy.redaction_job", "validate"): ({"status": "validating"}, None, ()),
    ("three_d_secure.authentication", "cancel"): ({"status": "canceled"}, None, ()),
    ("apps.install", "uninstall"): ({"status": "uninstalled"}, None, ()),
})


# -- webhook endpoints -------------------------------------------------------------------------


@registry.hook("before_update", "webhook_endpoint")
def _endpoint_update(ctx: Context, endpoint: dict[str, Any], params: dict[str, Any]) -> set[str]:
    """``disabled=true`` turns an endpoint's ``status`` to ``disabled`` (it receives nothing),
    ``disabled=false`` back to ``enabled``."""
    if params.get("disabled") is not None:
        endpoint["status"] = "disabled" if params["disabled"] in (True, "true") else "enabled"
    return {"disabled"}


# -- Apps secrets -------------------------------------------------------------------------------


def _same_scope(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    a, b = a or {}, b or {}
    return a.get("type") == b.get("type") and a.get("user") == b.get("user")


@registry.singleton("apps.secret")
def _find_secret(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    for secret in ctx.scan("apps.secret", where={"name": params.get("name")}):
        if _same_scope(secret.get("scope"), params.get("scope")):
            return secret
    raise no_such("secret", params.get("name") or "", param="name")


@registry.hook("before_create", "apps.secret")
def _secret_create(ctx: Context, secret: dict[str, Any], params: dict[str, Any]) -> None:
    for old in ctx.scan("apps.secret", where={"name": params.get("name")}):
        if _same_scope(old.get("scope"), params.get("scope")):
            ctx.delete_tree([old["id"]])
    secret["payload"] = None  # Stripe only returns a secret's payload when asked to expand it
    secret["_payload"] = params.get("payload")
    secret["deleted"] = False


@registry.includable("apps.secret", "payload")
def _secret_payload(ctx: Context, secret: dict[str, Any]) -> Any:
    return (ctx.find(secret["id"]) or {}).get("_payload")


# -- Radar value lists --------------------------------------------------------------------------


@registry.hook("render", "radar.value_list")
def _render_value_list(ctx: Context, value_list: dict[str, Any]) -> dict[str, Any]:
    items = [row.data for row in reversed(ctx.store.children(value_list["id"], ["radar.value_list_item"]))]
    return dict(value_list, list_items=list_object(items, "/v1/radar/value_list_items?value_list=%s" % value_list["id"]))


@registry.hook("before_create", "radar.value_list_item")
def _value_list_item_create(ctx: Context, item: dict[str, Any], params: dict[str, Any]) -> str:
    ctx.load(params["value_list"], ("radar.value_list",), param="value_list")
    return params["value_list"]
