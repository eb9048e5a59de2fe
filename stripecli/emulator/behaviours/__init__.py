"""What Stripe does beyond storing objects, one module per family, composed through a registry.

The generic operations (``emulator/operations.py``) store, update, list and delete objects of any
type; at fixed points they call the functions below, which run every hook the families registered
(``registry.py`` states the hook kinds, what each answers and the order they run in).

Families, imported (and so registered) in this order:

- ``clocks``: test clocks (create, advance, ``settle``, delete) and the one binding of new objects
  to their customer's test clock, a default hook for every type;
- ``customers``: customers and tax ids;
- ``catalog``: products, prices, plans, coupons, promotion codes, tax and shipping rates;
- ``subscriptions``: subscriptions, items, schedules; renewals on clock advances;
- ``discounts``: coupons and promotion codes on subscriptions as discount objects;
- ``schedules``: subscription schedules: phases that start and follow one another with the clock;
- ``invoices``: invoices, invoice items, credit notes, quotes' statuses;
- ``quotes``: quotes' line items and computed amounts, acceptance (a subscription or an invoice),
  the PDF;
- ``quote_previews``: a quote's preview invoice and its lines, computed from its line items;
- ``credits``: billing credit grants, their balance transactions and summary, meters, alerts;
- ``usage``: legacy usage records of metered subscription items and their computed summaries;
- ``methods``: payment methods, tokens and card sources, from Stripe's test aliases and numbers;
- ``charges``: charges (the one path every payment takes), reviews, fraud warnings,
  an invoice's collection;
- ``disputes``: disputes the dispute test cards open, their evidence (Stripe's winning and losing
  test evidence decides them), closing;
- ``payments``: payment and setup intents, top-ups, checkout;
- ``cash``: customers' cash balances: bank transfers into them (funding instructions, Stripe's
  funding test helper) and payment intents paid from them (``customer_balance``);
- ``debits``: bank debits (SEPA Direct Debit): ``processing``, then cleared or failed by the test
  IBAN once they are due (``registry.on_due``);
- ``checkout``: Checkout Sessions' amounts and line items, their payment through the hosted
  page's ``/v1/payment_pages/{session}/confirm``, and the outcome of a bank debit that pays one
  (a ``settled`` hook, run as the debit clears or fails);
- ``refunds``: refunds, bounded by what is left of their charge;
- ``balance``: the balance computed from balance transactions, payouts;
- ``connect``: accounts;
- ``transfers``: Connect's money: transfers, reversals, destination charges, application fees;
- ``externals``: connected accounts' external accounts, bank accounts or cards by their token;
- ``tax``: tax calculations' and transactions' line items (no tax is computed);
- ``connections``: Financial Connections sessions that link a test institution's account;
- ``readers``: Terminal reader actions and the test helpers that finish them;
- ``capital``: Capital financing offers made and refilled by Stripe's test helpers;
- ``hardware``: Terminal hardware products, SKUs and shipping methods (data), orders priced from them;
- ``catalogues``: what Stripe provides (country specs, report types, Climate products and
  suppliers, physical bundles), the platform account, connected accounts' capabilities;
- ``issuing``, ``treasury``: their objects' statuses and actions;
- ``treasury_flows``: Treasury transactions and entries from money movement, the account balance;
- ``authorizations``: Issuing authorizations' amounts (increment, partial reversal, capture) and
  the transactions they make;
- ``reports``: report runs computed from the balance transactions, their CSV result files;
- ``meters``: billing meter events checked against their meters, the thin error events;
- ``platform``: webhook endpoints, Apps secrets, Radar, Identity, Terminal, Climate and the rest;
- ``lifecycle``: the events a field's move means (``quote.canceled``, ``payment_method.attached``);
- ``notices``: what Stripe announces ahead of time (``customer.subscription.trial_will_end``).

Adding a family: a new module here that registers with ``registry`` (hooks, ``on_clock_advance``,
actions, tables), appended to ``FAMILIES``. It writes through ``ctx.insert/save/delete`` only, and
hooks other types (a customer's deletion, a clock's advance) by registering for them, never by
being named in another family.
"""

from __future__ import annotations

import importlib
import itertools
from typing import Any

from stripecli.emulator import schema
from stripecli.emulator.behaviours import registry
from stripecli.emulator.behaviours.common import initial, require_state, set_path
from stripecli.emulator.context import Context

FAMILIES = ("clocks", "customers", "catalog", "subscriptions", "discounts", "schedules", "invoices", "quotes",
            "quote_previews", "credits", "usage", "methods", "charges", "disputes", "payments", "cash", "debits",
            "checkout", "refunds", "balance", "connect", "transfers", "externals", "catalogues", "issuing",
            "authorizations", "treasury", "treasury_flows", "readers", "capital", "hardware", "tax", "connections",
            "reports", "meters", "platform", "lifecycle", "notices")

for _name in FAMILIES:
    importlib.import_module("%s.%s" % (__name__, _name))

ACTIONS = registry.STATUS_ACTIONS
INITIAL = registry.INITIAL

__all__ = ["ACTIONS", "INITIAL", "FAMILIES", "initial", "before_create", "after_create", "before_update",
           "before_delete", "action", "after_action", "apply_status", "render", "singleton", "preview", "list_filters",
           "includable", "stand_in", "catalogue", "settle", "create_with"]


def settle(ctx: Context) -> None:
    """Before every request: the asynchronous work whose time has come (``registry.on_due``: test
    clock advances, bank debits that clear), each family's in its own transaction."""
    for fn in registry.due_hooks():
        fn(ctx)


def before_create(ctx: Context, obj: dict[str, Any], params: dict[str, Any], parent_id: str | None) -> str | None:
    """Runs before the insert; answers the parent id to store the object under."""
    for fn in registry.hooks("before_create", obj["object"]):
        result = fn(ctx, obj, params)
        if isinstance(result, str):
            parent_id = result
    return parent_id


def after_create(ctx: Context, obj: dict[str, Any], params: dict[str, Any]) -> None:
    for fn in registry.hooks("after_create", obj["object"]):
        fn(ctx, obj, params)


def before_update(ctx: Context, obj: dict[str, Any], params: dict[str, Any]) -> set[str]:
    """Runs before params are merged; answers the param names the hooks took care of."""
    handled: set[str] = set()
    for fn in registry.hooks("before_update", obj["object"]):
        handled |= set(fn(ctx, obj, params) or ())
    return handled


def before_delete(ctx: Context, obj: dict[str, Any]) -> None:
    for fn in registry.hooks("before_delete", obj["object"]):
        fn(ctx, obj)


def action(ctx: Context, obj: dict[str, Any], params: dict[str, Any]) -> dict[str, Any] | None:
    """The action's own implementation, or ``None`` for the status table and the generic action."""
    fn = registry.action_for(ctx.route.verb, obj["object"])
    return fn(ctx, obj, params) if fn is not None else None


def after_action(ctx: Context, obj: dict[str, Any], params: dict[str, Any]) -> None:
    for fn in registry.hooks("after_action", obj.get("object", "")):
        fn(ctx, obj, params)


def apply_status(ctx: Context, obj: dict[str, Any], verb: str) -> None:
    """The row of the status tables for ``(type, verb)``, if any: check the state, set the fields."""
    entry = registry.STATUS_ACTIONS.get((obj["object"], verb))
    if entry is None:
        return
    changes, allowed, stamps = entry
    if allowed is not None:
        require_state(obj, allowed, verb)
    now = ctx.time_for(obj)
    fields = schema.fields(obj["object"])
    for dotted, value in changes.items():
        if dotted.split(".")[0] in fields:
            set_path(obj, dotted, value)
    for dotted in stamps:
        if dotted.split(".")[0] in fields:
            set_path(obj, dotted, now)


_UNDERSCORES = itertools.repeat("_")


def render(ctx: Context, obj: dict[str, Any]) -> dict[str, Any]:
    """The object as answered: list fields filled in, the emulator's own ``_`` fields left out."""
    out = obj
    for fn in registry.hooks("render", obj.get("object", "")):
        out = fn(ctx, out)
    if any(map(str.startswith, out, _UNDERSCORES)):  # in C: this runs for every object answered
        out = {k: v for k, v in out.items() if not k.startswith("_")}
    return out


def singleton(ctx: Context) -> dict[str, Any] | None:
    fn = registry.singleton_for(ctx.route.object)
    return fn(ctx, ctx.params) if fn is not None else None


def preview(ctx: Context, obj: dict[str, Any]) -> dict[str, Any]:
    for fn in registry.hooks("preview", obj["object"]):
        obj = fn(ctx, obj)
    return obj


def list_filters(ctx: Context, object_type: str, params: dict[str, Any], where: list) -> set[str]:
    """Adds resource-specific list filters to ``where``; answers the params they consumed."""
    handled: set[str] = set()
    for fn in registry.hooks("list", object_type):
        handled |= set(fn(ctx, params, where) or ())
    return handled


def create_with(ctx: Context, object_type: str, params: dict[str, Any]) -> dict[str, Any] | None:
    """The object made by the type's own create (``registry.creator``), or ``None`` for the
    generic one."""
    fn = registry.creator_for(object_type)
    return fn(ctx, params) if fn is not None else None


def stand_in(ctx: Context, ref: str, types: tuple[str, ...]) -> dict[str, Any] | None:
    """The object a test alias stands for (``pm_card_visa``), made now; ``None`` if it is none."""
    for object_type in types:
        fn = registry.stand_in_for(object_type)
        found = fn(ctx, ref) if fn is not None else None
        if found is not None:
            return found
    return None


def catalogue(ctx: Context, object_type: str) -> list[dict[str, Any]] | None:
    """The objects of a type answered from data (``registry.catalogue``), or ``None``."""
    fn = registry.catalogue_for(object_type)
    return fn(ctx) if fn is not None else None


def includable(object_type: str, field: str) -> Any:
    """The function filling a field Stripe only includes when expanded, or ``None``."""
    return registry.includable_for(object_type, field)
