"""Payment methods, tokens and card sources: Stripe's test aliases (``pm_card_visa``, ``tok_amex``)
and raw test card numbers become stored objects that remember which test card they are (the
emulator's own ``_card`` field), so charging them behaves as that card does on Stripe.

- ``resolve(ctx, ref, ...)``: the stored payment method a param names; an alias makes a new one,
  as Stripe does (``payment_method=pm_card_visa`` on an intent gives the intent a ``pm_...``);
- ``POST /v1/payment_methods`` with ``card[number]`` or ``card[token]``; ``POST /v1/tokens``;
- attaching (``attach``, ``customer=`` on create, a customer's ``payment_method``, ``source`` and
  ``invoice_settings[default_payment_method]``); a card that declines cannot be attached, except
  ``pm_card_chargeCustomerFail``, which attaches and then declines every charge.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
from typing import Any

from stripecli.emulator import cards, schema
from stripecli.emulator.behaviours import registry
from stripecli.emulator.context import Context
from stripecli.emulator.errors import invalid, missing_param, no_such

PAYMENT_METHOD_TYPES = ("payment_method", "card", "source")
LEGACY_BRANDS = {"visa": "Visa", "mastercard": "MasterCard", "amex": "American Express", "discover": "Discover",
                 "diners": "Diners Club", "jcb": "JCB", "unionpay": "UnionPay"}


def _year(ctx: Context) -> int:
    return _dt.datetime.fromtimestamp(ctx.now, _dt.timezone.utc).year


def card_of(ctx: Context, method: dict[str, Any] | None) -> cards.TestCard:
    """The test card behind a stored payment method, card or token (Visa 4242 for one made
    without a number, such as a payment method of another type)."""
    number = (method or {}).get("_card")
    if number:
        return cards.by_number(number)
    return cards.by_alias("pm_card_visa")  # type: ignore[return-value]


def _billing_details(params: dict[str, Any] | None = None) -> dict[str, Any]:
    details = {"address": {"city": None, "country": None, "line1": None, "line2": None, "postal_code": None,
                           "state": None}, "email": None, "name": None, "phone": None, "tax_id": None}
    for name, value in ((params or {}).get("billing_details") or {}).items():
        if name == "address" and isinstance(value, dict):
            details["address"].update(value)
        else:
            details[name] = value
    return details


def new_payment_method(ctx: Context, card: cards.TestCard, *, customer: str | None = None,
                       exp_month: Any = None, exp_year: Any = None, params: dict[str, Any] | None = None) -> dict[str, Any]:
    method = ctx.build("payment_method", {
        "type": "card", "card": cards.card_details(card, exp_month=exp_month, exp_year=exp_year, year_now=_year(ctx)),
        "billing_details": _billing_details(params), "customer": customer, "allow_redisplay": "unspecified",
    })
    method["_card"] = card.number
    ctx.insert(method)
    return method


def resolve(ctx: Context, ref: Any, *, param: str = "payment_method", customer: str | None = None) -> dict[str, Any]:
    """The stored payment method (or card source) a param names; a test alias or a token makes
    a new payment method. 404 for an id that does not exist."""
    if isinstance(ref, dict):  # payment_method_data
        return _from_data(ctx, ref, param=param, customer=customer)
    card = cards.by_alias(ref)
    if card is not None:
        return new_payment_method(ctx, card, customer=customer)
    found = ctx.find(ref, PAYMENT_METHOD_TYPES)
    if found is not None:
        return found
    token = ctx.find(ref, ("token",))
    if token is not None:
        use_token(ctx, token, param)
        return new_payment_method(ctx, cards.by_number(token["_card"]), customer=customer)
    raise no_such("PaymentMethod", str(ref), param=param)


def other_details(method: dict[str, Any], given: dict[str, Any]) -> None:
    """The type's own hash of a payment method that is not a card, as Stripe shows it: a SEPA
    debit's bank code, country and last4 (the IBAN itself is kept apart, never answered; test IBANs
    decide how the debit goes), ``{}`` for one that has no details (``customer_balance``)."""
    kind = method["type"]
    if kind == "sepa_debit":
        iban = "".join(str((given.get("sepa_debit") or {}).get("iban") or "").split()).upper()
        if len(iban) < 15 or not iban[:2].isalpha():
            raise invalid("Invalid IBAN: %r is not a valid IBAN." % iban, param="sepa_debit[iban]",
                          code="invalid_bank_account_iban")
        method["sepa_debit"] = {"bank_code": iban[4:12], "branch_code": "", "country": iban[:2],
                                "fingerprint": hashlib.sha256(("stripecli-iban:" + iban).encode()).hexdigest()[:16],
                                "generated_from": {"charge": None, "setup_attempt": None},
                                "last4": iban[-4:]}
        method["_iban"] = iban
    elif kind in schema.fields("payment_method"):
        method[kind] = dict(given.get(kind) or {})


def _from_data(ctx: Context, data: dict[str, Any], *, param: str, customer: str | None) -> dict[str, Any]:
    if data.get("type") not in (None, "card"):
        method = ctx.build("payment_method", {"type": data["type"], "billing_details": _billing_details(data)})
        other_details(method, data)
        ctx.insert(method)
        return method
    card_params = data.get("card") or {}
    if card_params.get("token"):
        return resolve(ctx, card_params["token"], param="%s[card][token]" % param, customer=customer)
    if not card_params.get("number"):
        raise missing_param("%s[card]" % param)
    card = cards.by_number(card_params["number"], param="%s[card][number]" % param)
    return new_payment_method(ctx, card, customer=customer, exp_month=card_params.get("exp_month"),
                              exp_year=card_params.get("exp_year"), params=data)


def use_token(ctx: Context, token: dict[str, Any], param: str) -> None:
    """Mark a token used; 400 ``token_already_used`` if it was (a token is good for one use)."""
    if token.get("used"):
        raise invalid("You cannot use a Stripe token more than once: %s." % token["id"], param=param,
                      code="token_already_used")
    token["used"] = True
    ctx.save(token)


def check_attachable(card: cards.TestCard) -> None:
    """Attaching a card runs a check with its issuer: a declining test card fails it (402), except
    the one that is meant to attach and then decline (``pm_card_chargeCustomerFail``)."""
    if card.declines and card.number != "4000000000000341":
        raise cards.card_error(card.declines)


def attach(ctx: Context, method: dict[str, Any], customer_id: str, *, param: str = "customer") -> dict[str, Any]:
    customer = ctx.load(customer_id, ("customer",), param=param)
    if method.get("customer") and method["customer"] != customer["id"]:
        raise invalid("The payment method you provided has already been attached to a customer.",
                      param="payment_method", code="payment_method_unexpected_state")
    check_attachable(card_of(ctx, method))
    method["customer"] = customer["id"]
    ctx.save(method)
    ctx.store.set_parent(method["id"], customer["id"])
    return method


@registry.hook("before_create", "payment_method")
def _payment_method_create(ctx: Context, method: dict[str, Any], params: dict[str, Any]) -> str | None:
    if params.get("type") not in (None, "card"):
        other_details(method, params)
        return None
    if params.get("payment_method"):  # cloning a platform payment method onto a connected account
        source = resolve(ctx, params["payment_method"])
        method["card"], method["_card"] = source.get("card"), source.get("_card")
        return None
    card_params = params.get("card") or {}
    if card_params.get("token"):
        token = cards.by_alias(card_params["token"])
        if token is None:
            stored = ctx.load(card_params["token"], ("token",), param="card[token]")
            use_token(ctx, stored, "card[token]")
            token = cards.by_number(stored["_card"])
        card = token
    elif card_params.get("number"):
        card = cards.by_number(card_params["number"])
    else:
        raise missing_param("card")
    method["type"] = "card"
    method["card"] = cards.card_details(card, exp_month=card_params.get("exp_month"),
                                        exp_year=card_params.get("exp_year"), year_now=_year(ctx))
    method["billing_details"] = _billing_details(params)
    method["_card"] = card.number
    if params.get("customer"):
        ctx.load(params["customer"], ("customer",), param="customer")
        check_attachable(card)
        return params["customer"]
    return None


@registry.action("attach", "payment_method")
def _attach(ctx: Context, method: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    if not params.get("customer"):
        raise missing_param("customer")
    return attach(ctx, method, params["customer"])


@registry.action("detach", "payment_method")
def _detach(ctx: Context, method: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    if not method.get("customer"):
        raise invalid("The payment method %s is not attached to a customer." % method["id"],
                      code="payment_method_unexpected_state")
    method["customer"] = None
    ctx.save(method)
    ctx.store.set_parent(method["id"], None)
    return method


def legacy_card(ctx: Context, card: cards.TestCard, *, customer: str | None = None) -> dict[str, Any]:
    """A ``card`` object (a token's card, a customer's card source) for a test card."""
    details = cards.card_details(card, year_now=_year(ctx))
    return {
        "id": schema.new_id("card"), "object": "card", "brand": LEGACY_BRANDS.get(card.brand, "Unknown"),
        "country": card.country, "customer": customer, "cvc_check": "unchecked", "exp_month": details["exp_month"],
        "exp_year": details["exp_year"], "fingerprint": details["fingerprint"], "funding": card.funding,
        "last4": card.last4, "metadata": {}, "name": None, "address_city": None, "address_country": None,
        "address_line1": None, "address_line1_check": None, "address_line2": None, "address_state": None,
        "address_zip": None, "address_zip_check": None, "dynamic_last4": None, "tokenization_method": None,
        "wallet": None,
    }


@registry.hook("before_create", "token")
def _token_create(ctx: Context, token: dict[str, Any], params: dict[str, Any]) -> None:
    card_params = params.get("card")
    if isinstance(card_params, str):  # card=card_... of a customer, for a connected account
        found = ctx.load(card_params, ("card", "payment_method"), param="card")
        card = card_of(ctx, found)
    elif isinstance(card_params, dict):
        if not card_params.get("number"):
            raise missing_param("card[number]")
        card = cards.by_number(card_params["number"])
    else:
        token["type"] = "bank_account" if params.get("bank_account") else (
            "pii" if params.get("pii") else "account" if params.get("account") else "person" if params.get("person")
            else token.get("type") or "card")
        return
    token["type"] = "card"
    token["card"] = legacy_card(ctx, card)
    token["used"] = False
    token["client_ip"] = None
    token["_card"] = card.number


def charge_source(ctx: Context, ref: Any, customer: dict[str, Any] | None) -> dict[str, Any]:
    """What ``source`` names on ``POST /v1/charges``: a test token (``tok_visa``) or a token is a
    card made for this charge (not stored, as on Stripe); a card, source or payment method id must
    exist (a customer's card must be that customer's)."""
    card = cards.by_alias(ref) if isinstance(ref, str) and ref.startswith("tok_") else None
    if card is None and isinstance(ref, str):
        token = ctx.find(ref, ("token",))
        if token is not None:
            use_token(ctx, token, "source")
            card = cards.by_number(token["_card"])
    if card is not None:
        legacy = legacy_card(ctx, card)
        legacy["_card"] = card.number
        return legacy
    found = ctx.find(ref, PAYMENT_METHOD_TYPES) if isinstance(ref, str) else None
    if found is None:
        raise no_such("source", str(ref), param="source")
    if customer is not None and found.get("customer") not in (None, customer["id"]):
        raise invalid("Customer %s does not have a linked source with ID %s." % (customer["id"], ref),
                      param="source", code="missing")
    return found


# -- a customer's payment method params ----------------------------------------------------------


@registry.hook("after_create", "customer")
def _customer_methods(ctx: Context, customer: dict[str, Any], params: dict[str, Any]) -> None:
    _apply_customer_methods(ctx, customer, params)


@registry.hook("before_update", "customer")
def _customer_methods_update(ctx: Context, customer: dict[str, Any], params: dict[str, Any]) -> set[str]:
    return _apply_customer_methods(ctx, customer, params)


def _apply_customer_methods(ctx: Context, customer: dict[str, Any], params: dict[str, Any]) -> set[str]:
    handled: set[str] = set()
    made: dict[str, str] = {}
    changed = False
    if params.get("payment_method"):
        method = resolve(ctx, params["payment_method"], param="payment_method")
        attach(ctx, method, customer["id"], param="payment_method")
        made[params["payment_method"]] = method["id"]
        handled.add("payment_method")
    settings = params.get("invoice_settings") or {}
    default = settings.get("default_payment_method")
    if default:
        method_id = made.get(default)
        if method_id is None:
            method = resolve(ctx, default, param="invoice_settings[default_payment_method]")
            if method.get("customer") != customer["id"]:
                if cards.is_alias(default):
                    attach(ctx, method, customer["id"], param="invoice_settings[default_payment_method]")
                else:
                    raise invalid("The customer does not have a payment method with the ID %s. The payment method "
                                  "must be attached to the customer." % default,
                                  param="invoice_settings[default_payment_method]")
            method_id = method["id"]
        invoice_settings = dict(customer.get("invoice_settings") or {})
        invoice_settings.update({k: v for k, v in settings.items() if k != "default_payment_method"})
        invoice_settings["default_payment_method"] = method_id
        customer["invoice_settings"] = invoice_settings
        handled.add("invoice_settings")
        changed = True
    if params.get("source"):
        source = params["source"]
        card = cards.by_alias(source)
        if card is None:
            stored = ctx.load(source, ("token",), param="source")
            use_token(ctx, stored, "source")
            card = cards.by_number(stored["_card"])
        check_attachable(card)
        legacy = legacy_card(ctx, card, customer=customer["id"])
        legacy["_card"] = card.number
        ctx.insert(legacy, parent=customer["id"])
        customer["default_source"] = legacy["id"]
        handled.add("source")
        changed = True
    if changed and ctx.store.exists(customer["id"]):
        ctx.save(customer)
    return handled


def default_method(ctx: Context, customer_id: str | None, *candidates: Any) -> dict[str, Any] | None:
    """The first payment method found among ``candidates`` (ids), then the customer's invoice
    default, then its default source; one no longer attached to the customer (detached) is
    passed over, as Stripe cannot charge it for that customer."""
    customer = ctx.find(customer_id, ("customer",)) if customer_id else None
    ids = list(candidates)
    if customer is not None:
        ids += [(customer.get("invoice_settings") or {}).get("default_payment_method"), customer.get("default_source")]
    for ref in ids:
        if isinstance(ref, dict):
            ref = ref.get("id")
        if ref:
            found = ctx.find(ref, PAYMENT_METHOD_TYPES)
            if found is not None and (customer is None or found.get("customer") == customer["id"]):
                return found
    return None


@registry.stand_in("payment_method")
def _alias(ctx: Context, ref: str) -> dict[str, Any] | None:
    card = cards.by_alias(ref)
    return new_payment_method(ctx, card) if card is not None and ref.startswith("pm_") else None


@registry.hook("before_create", "subscription", "invoice")
@registry.hook("before_update", "subscription", "invoice")
def _default_method(ctx: Context, obj: dict[str, Any], params: dict[str, Any]) -> set[str]:
    """``default_payment_method=pm_card_visa`` on a subscription or invoice: the alias becomes a
    payment method attached to the customer, as on Stripe."""
    ref = params.get("default_payment_method")
    if not ref:
        return set()
    customer = params.get("customer") or obj.get("customer")
    method = resolve(ctx, ref, param="default_payment_method")
    if customer and method.get("customer") != customer:
        if not cards.is_alias(ref):
            raise invalid("The customer does not have a payment method with the ID %s. The payment method must be "
                          "attached to the customer." % ref, param="default_payment_method")
        attach(ctx, method, customer, param="default_payment_method")
    obj["default_payment_method"] = method["id"]
    return {"default_payment_method"}
