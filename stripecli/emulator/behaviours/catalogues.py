"""What Stripe provides rather than the account creates, answered from data: Connect country specs,
report types, Climate products and suppliers, Issuing physical bundles (``catalogues.json``); the
platform account itself (``GET /v1/account``); and a connected account's capabilities.

Capabilities requested at account creation (``capabilities[card_payments][requested]=true``) are
kept on the account (its ``capabilities`` hash of name to status); each is also answered as a
``capability`` object under ``/v1/accounts/{account}/capabilities``, ``inactive`` with the country's
minimum verification fields ``currently_due`` until the account's details are submitted, then
``active``. Updating one (``requested=false``) changes the account.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
from functools import lru_cache
from typing import Any

from stripecli.emulator import ledger
from stripecli.emulator.behaviours import registry
from stripecli.emulator.context import Context


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    with open(os.path.join(os.path.dirname(__file__), os.pardir, "catalogues.json"), "rb") as fh:
        return json.loads(fh.read())


def country_spec(country: str) -> dict[str, Any] | None:
    for spec in _data()["country_spec"]:
        if spec["id"] == country.upper():
            return spec
    return None


@registry.catalogue("country_spec")
def _country_specs(ctx: Context) -> list[dict[str, Any]]:
    currencies = _data()["payment_currencies"]
    return [dict(spec, supported_payment_currencies=list(currencies)) for spec in _data()["country_spec"]]


@registry.catalogue("reporting.report_type")
def _report_types(ctx: Context) -> list[dict[str, Any]]:
    # data runs from a year ago to the start of today (UTC), refreshed daily as on Stripe
    today = _dt.datetime.fromtimestamp(ctx.now, _dt.timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    end = int(today.timestamp())
    return [dict(entry, data_available_start=end - 365 * 86400, data_available_end=end, updated=end)
            for entry in _data()["reporting.report_type"]]


@registry.catalogue("climate.product", "climate.supplier", "issuing.physical_bundle")
def _plain(ctx: Context) -> list[dict[str, Any]]:
    return [dict(entry) for entry in _data()[ctx.route.object]]


# -- the platform account ----------------------------------------------------------------------


def platform_account_id(ctx: Context) -> str:
    """The emulator's own account id, stable for its data directory."""
    return "acct_" + hashlib.sha256(ctx.store.path.encode()).hexdigest()[:16]


@registry.singleton("account")
def _platform_account(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    """``GET /v1/account``: the emulator's own account, with an id stable for its data directory."""
    account_id = platform_account_id(ctx)
    country = ledger.fees_table().get("default_country") or ledger.ACCOUNT_COUNTRY
    obj = ctx.build("account", {
        "country": country, "default_currency": ledger.account_currency(), "type": "standard",
        "charges_enabled": True, "payouts_enabled": True, "details_submitted": True,
        "capabilities": {"card_payments": "active", "transfers": "active"},
        "business_profile": {"name": "stripecli emulator"}, "email": None,
    }, object_id=account_id, created=0)
    return obj


# -- capabilities of connected accounts ----------------------------------------------------------


def _requirements(account: dict[str, Any], active: bool) -> dict[str, Any]:
    spec = country_spec(account.get("country") or "US") or {}
    kind = "company" if account.get("business_type") == "company" else "individual"
    due = [] if active else list(((spec.get("verification_fields") or {}).get(kind) or {}).get("minimum") or [])
    return {"alternatives": [], "current_deadline": None, "currently_due": due, "disabled_reason":
            None if active else "requirements.fields_needed", "errors": [], "eventually_due": list(due),
            "past_due": list(due), "pending_verification": []}


def _set_capabilities(account: dict[str, Any], requested: dict[str, Any], at: int) -> None:
    detail = dict(account.get("_capabilities") or {})
    for name, spec in (requested or {}).items():
        wanted = (spec or {}).get("requested") if isinstance(spec, dict) else spec
        wanted = wanted in (True, "true")
        detail[name] = {"requested": wanted, "requested_at": at if wanted else None}
    account["_capabilities"] = detail
    active = bool(account.get("details_submitted"))
    account["capabilities"] = {name: ("active" if active else "inactive") if d["requested"] else "inactive"
                               for name, d in sorted(detail.items())}


@registry.hook("before_create", "account")
def _account_create(ctx: Context, account: dict[str, Any], params: dict[str, Any]) -> None:
    account["capabilities"] = {}
    _set_capabilities(account, params.get("capabilities") or {}, account["created"])
    if not account.get("default_currency") and account.get("country"):
        spec = country_spec(account["country"])
        account["default_currency"] = spec["default_currency"] if spec else None


@registry.hook("before_update", "account")
def _account_update(ctx: Context, account: dict[str, Any], params: dict[str, Any]) -> set[str]:
    if "capabilities" not in params:
        return set()
    _set_capabilities(account, params["capabilities"], ctx.now)
    return {"capabilities"}


@registry.catalogue("capability")
def _capabilities(ctx: Context) -> list[dict[str, Any]]:
    account = ctx.load(ctx.values.get("account") or "", ("account",), param="account", display="account")
    active = bool(account.get("details_submitted"))
    out = []
    for name, detail in sorted((account.get("_capabilities") or {}).items()):
        status = account.get("capabilities", {}).get(name, "inactive")
        out.append({"id": name, "object": "capability", "account": account["id"], "requested": detail["requested"],
                    "requested_at": detail["requested_at"], "status": status,
                    "requirements": _requirements(account, active or not detail["requested"]),
                    "future_requirements": _requirements(account, True)})
    return out


@registry.hook("before_update", "capability")
def _capability_update(ctx: Context, capability: dict[str, Any], params: dict[str, Any]) -> set[str]:
    account = ctx.find(capability["account"], ("account",))
    if account is not None and "requested" in params:
        _set_capabilities(account, {capability["id"]: {"requested": params["requested"]}}, ctx.now)
        ctx.save(account)
    return {"requested"}


# -- entitlements granted by subscriptions -------------------------------------------------------

_ENTITLING = ("active", "trialing", "past_due")


def _entitlements(ctx: Context, customer_id: str) -> list[dict[str, Any]]:
    features: dict[str, dict[str, Any]] = {}
    for sub in ctx.scan("subscription", where={"customer": customer_id}):
        if sub.get("status") not in _ENTITLING:
            continue
        for row in ctx.store.children(sub["id"], ["subscription_item"]):
            product = ((row.data.get("price") or {}).get("product"))
            for pf in ctx.store.children(product, ["product_feature"]) if product else ():
                feature = pf.data.get("entitlement_feature") or {}
                feature_id = feature.get("id") if isinstance(feature, dict) else feature
                found = ctx.find(feature_id, ("entitlements.feature",))
                if found is not None and found.get("active", True):
                    features[found["id"]] = found
    return [{"id": "ent_" + hashlib.sha256(("%s/%s" % (customer_id, f)).encode()).hexdigest()[:24],
             "object": "entitlements.active_entitlement", "feature": f, "lookup_key": features[f].get("lookup_key"),
             "livemode": False} for f in sorted(features)]


@registry.catalogue("entitlements.active_entitlement")
def _active_entitlements(ctx: Context) -> list[dict[str, Any]]:
    """What a customer's active subscriptions entitle it to: the features attached to the products
    of their items (``/v1/products/{product}/features``). A list names its ``customer``; a
    retrieve finds the entitlement among every customer's."""
    customer = ctx.params.get("customer")
    if customer:
        return _entitlements(ctx, customer)
    if ctx.route.kind == "list":
        from stripecli.emulator.errors import missing_param

        raise missing_param("customer")
    customers = {s.get("customer") for s in ctx.scan("subscription") if s.get("status") in _ENTITLING}
    return [e for c in sorted(x for x in customers if x) for e in _entitlements(ctx, c)]
