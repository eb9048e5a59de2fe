"""The registry of behaviours: what each family adds to the generic operations, and in which order.

A family (``clocks``, ``subscriptions``, ``invoices`` ...) is one module of this package. At import
it registers its hooks and its tables here; nothing is registered anywhere else.

Hooks that compose (every one registered for an ``(event, type)`` runs):

=================  =====================================  =========================================
event              called as                              result
=================  =====================================  =========================================
``before_create``  ``fn(ctx, obj, params)``               may return a parent id to store the
                                                          object under (the last one given wins)
``after_create``   ``fn(ctx, obj, params)``               -
``before_update``  ``fn(ctx, obj, params)``               the param names it applied itself (the
                                                          union is left out of the generic merge)
``before_delete``  ``fn(ctx, obj)``                       - (raise ``EmulatorError`` to refuse)
``after_action``   ``fn(ctx, obj, params)``               - (after ``POST .../{id}/<verb>`` or a
                                                          ``DELETE`` that is an action, with the
                                                          object as the action left it)
``render``         ``fn(ctx, obj) -> obj``                each gets what the previous returned
``preview``        ``fn(ctx, obj) -> obj``                each gets what the previous returned
``list``           ``fn(ctx, params, where) -> names``    appends SQL to ``where``; the union of
                                                          names is not filtered on generically
``settled``        ``fn(ctx, obj)``                       - (a payment that was ``processing``
                                                          has ended, succeeded or failed)
=================  =====================================  =========================================

The type ``"*"`` registers a hook for every type (the test-clock binding is one). Order: hooks run
by ``order`` (``DEFAULT`` = 0 first, then ``FAMILY`` = 100, ``LAST`` = 200), and within one order
in registration order, that is, in the order of ``FAMILIES`` in ``behaviours/__init__.py``, then
top to bottom in a module. A hook cannot remove or replace another: registering adds.

``on_clock_advance(fn)`` registers ``fn(ctx, clock, target)``, run for every test clock that moves
from its ``frozen_time`` to ``target`` (before the clock itself reaches it); each family moves its
own objects there. The clock keeps no list of the types that live on it.

``on_due(fn)`` registers ``fn(ctx)``, run before every request (``behaviours.settle``): each
family finishes there the asynchronous work whose time has come (a test clock's advance, a bank
debit that clears), in its own write transaction. It must cost next to nothing when nothing is due.

Implementations (exactly one per ``(verb, type)``; a second one is an error at import time, never a
silent replacement):

- ``action(verb, *types)``: ``fn(ctx, obj, params) -> obj`` runs ``POST /v1/<things>/{id}/<verb>``;
  without one, the row of the status tables (``status_actions``) does, else the generic action;
- ``creator(*types)``: ``fn(ctx, params) -> obj`` is the whole ``POST /v1/<things>`` of a type
  that is not its params stored (a charge is a payment attempt); it writes what it makes;
- ``singleton(*types)``: ``fn(ctx, params) -> obj`` answers a singleton GET (``/v1/balance``);
- ``includable(type, field)``: ``fn(ctx, obj) -> value``, a field Stripe leaves out unless it is
  expanded (``customer.subscriptions``).

Tables (a type may appear in one family's table only):

- ``initial_values({type: {field: value}})``: what a new object starts with (only fields its
  schema has);
- ``secrets({type: (field, fn(obj) -> str)})``: secrets made on create (``client_secret``,
  ``whsec_`` ...);
- ``status_actions({(type, verb): (fields to set, states allowed from or None, fields stamped
  with the time)})``: actions that only move a status;
- ``transition_events({(type, dotted field): {new value: event | (event, old values)}})``: the
  event Stripe sends when a field of an object moves to a value (a quote whose ``status`` becomes
  ``canceled`` is ``quote.canceled``, a payment method whose ``customer`` is set is
  ``payment_method.attached``), however the move was made (an action, an update, a clock
  advance). The key ``SET`` matches any non-null value, ``None`` a field that was cleared; with
  ``old values`` the move must start from one of them. A new object counts as moving from
  nothing. The event is recorded after the object's own ``created``/``updated`` event, and not
  when the behaviour named the change's event itself (``ctx.save(obj, event=...)``) or emitted
  the same event for the object in the same transaction.

- ``companion_events({event: (other event, ...)})``: events Stripe sends with the same data and
  ``previous_attributes`` right after an object's own ``<type>.updated`` (a refund's
  ``refund.updated`` comes with the older ``charge.refund.updated``).

Every write a hook makes goes through the request context: ``ctx.insert``, ``ctx.save``,
``ctx.delete`` / ``ctx.delete_tree`` (see ``emulator/context.py``), never to the store directly.
"""

from __future__ import annotations

from typing import Any, Callable

Hook = Callable[..., Any]

DEFAULT = 0
FAMILY = 100
LAST = 200

EVENTS = ("before_create", "after_create", "before_update", "before_delete", "after_action", "render", "preview",
          "list", "settled")
ANY = "*"

_hooks: dict[tuple[str, str], list[tuple[int, int, Hook]]] = {}
_clock_hooks: list[tuple[int, int, Hook]] = []
_due_hooks: list[Hook] = []
_actions: dict[tuple[str, str], Hook] = {}
_singletons: dict[str, Hook] = {}
_creators: dict[str, Hook] = {}
_includable: dict[tuple[str, str], Hook] = {}
_stand_ins: dict[str, Hook] = {}
_catalogues: dict[str, Hook] = {}
# types whose deleted objects stay retrievable as {id, object, deleted: true} (a customer)
KEPT_WHEN_DELETED: set[str] = set()
_seq = [0]

INITIAL: dict[str, dict[str, Any]] = {}
SECRETS: dict[str, tuple[str, Callable[[dict[str, Any]], str]]] = {}
STATUS_ACTIONS: dict[tuple[str, str], tuple[dict[str, Any], tuple[str, ...] | None, tuple[str, ...]]] = {}
SET = "<set>"  # transition_events: any non-null value
TRANSITIONS: dict[str, list[tuple[str, dict[Any, Any]]]] = {}  # type -> [(dotted field, {value: event})]
COMPANIONS: dict[str, tuple[str, ...]] = {}  # event -> the events sent with it


class RegistryError(RuntimeError):
    """Two families claimed the same thing (an action, a singleton, a table row)."""


def _next() -> int:
    _seq[0] += 1
    return _seq[0]


def hook(event: str, *object_types: str, order: int = FAMILY) -> Callable[[Hook], Hook]:
    """Register ``fn`` for ``event`` on each type (``"*"``: every type)."""
    if event not in EVENTS:
        raise RegistryError("unknown hook event %r (one of %s)" % (event, ", ".join(EVENTS)))
    if not object_types:
        raise RegistryError("hook(%r) names no type" % event)

    def register(fn: Hook) -> Hook:
        for t in object_types:
            _hooks.setdefault((event, t), []).append((order, _next(), fn))
        return fn

    return register


def hooks(event: str, object_type: str) -> list[Hook]:
    """Every hook for the event on the type, ``"*"`` hooks included, in running order."""
    found = _hooks.get((event, object_type), []) + _hooks.get((event, ANY), [])
    return [fn for _, _, fn in sorted(found, key=lambda entry: (entry[0], entry[1]))]


def on_clock_advance(fn: Hook | None = None, *, order: int = FAMILY) -> Any:
    """Register ``fn(ctx, clock, target)`` (usable as ``@on_clock_advance`` or with ``order=``)."""

    def register(f: Hook) -> Hook:
        _clock_hooks.append((order, _next(), f))
        return f

    return register(fn) if fn is not None else register


def clock_hooks() -> list[Hook]:
    return [fn for _, _, fn in sorted(_clock_hooks, key=lambda entry: (entry[0], entry[1]))]


def on_due(fn: Hook) -> Hook:
    """Register ``fn(ctx)``: finish the work that is due, before a request runs."""
    _due_hooks.append(fn)
    return fn


def due_hooks() -> list[Hook]:
    return list(_due_hooks)


def _claim(table: dict, key: Any, value: Any, what: str) -> None:
    if key in table and table[key] is not value:
        raise RegistryError("%s %r is registered twice" % (what, key))
    table[key] = value


def action(verb: str, *object_types: str) -> Callable[[Hook], Hook]:
    def register(fn: Hook) -> Hook:
        for t in object_types:
            if (t, verb) in STATUS_ACTIONS:
                raise RegistryError("action %r on %r is both a status-table row and a function" % (verb, t))
            _claim(_actions, (verb, t), fn, "action")
        return fn

    return register


def action_for(verb: str, object_type: str) -> Hook | None:
    return _actions.get((verb, object_type))


def creator(*object_types: str) -> Callable[[Hook], Hook]:
    def register(fn: Hook) -> Hook:
        for t in object_types:
            _claim(_creators, t, fn, "creator")
        return fn

    return register


def creator_for(object_type: str) -> Hook | None:
    return _creators.get(object_type)


def singleton(*object_types: str) -> Callable[[Hook], Hook]:
    def register(fn: Hook) -> Hook:
        for t in object_types:
            _claim(_singletons, t, fn, "singleton")
        return fn

    return register


def singleton_for(object_type: str) -> Hook | None:
    return _singletons.get(object_type)


def includable(object_type: str, field: str) -> Callable[[Hook], Hook]:
    def register(fn: Hook) -> Hook:
        _claim(_includable, (object_type, field), fn, "includable field")
        return fn

    return register


def includable_for(object_type: str, field: str) -> Hook | None:
    return _includable.get((object_type, field))


def stand_in(*object_types: str) -> Callable[[Hook], Hook]:
    """``fn(ctx, ref) -> obj | None``: the object a test alias in an action's path stands for
    (``POST /v1/payment_methods/pm_card_visa/attach`` makes the payment method it names)."""
    def register(fn: Hook) -> Hook:
        for t in object_types:
            _claim(_stand_ins, t, fn, "stand-in")
        return fn

    return register


def stand_in_for(object_type: str) -> Hook | None:
    return _stand_ins.get(object_type)


def kept_when_deleted(*object_types: str) -> None:
    """A deleted object of these types is still answered by a retrieve: ``200`` with
    ``{id, object, deleted: true}``, as Stripe does for customers; lists and references no
    longer see it."""
    KEPT_WHEN_DELETED.update(object_types)


def catalogue(*object_types: str) -> Callable[[Hook], Hook]:
    """``fn(ctx) -> [obj, ...]``: the objects of a type Stripe provides rather than the account
    creates (country specs, report types), answered by lists and retrieves instead of the store."""
    def register(fn: Hook) -> Hook:
        for t in object_types:
            _claim(_catalogues, t, fn, "catalogue")
        return fn

    return register


def catalogue_for(object_type: str) -> Hook | None:
    return _catalogues.get(object_type)


def initial_values(table: dict[str, dict[str, Any]]) -> None:
    for t, values in table.items():
        _claim(INITIAL, t, values, "initial values of")


def secrets(table: dict[str, tuple[str, Callable[[dict[str, Any]], str]]]) -> None:
    for t, entry in table.items():
        _claim(SECRETS, t, entry, "secret of")


def status_actions(table: dict[tuple[str, str], tuple[dict[str, Any], tuple[str, ...] | None, tuple[str, ...]]]) -> None:
    for key, entry in table.items():
        if (key[1], key[0]) in _actions:
            raise RegistryError("action %r on %r is both a status-table row and a function" % (key[1], key[0]))
        _claim(STATUS_ACTIONS, key, entry, "status action")


def transition_events(table: dict[tuple[str, str], dict[Any, Any]]) -> None:
    for (object_type, field), events in table.items():
        entries = TRANSITIONS.setdefault(object_type, [])
        if any(existing == field for existing, _ in entries):
            raise RegistryError("transition events of %r on %r are registered twice" % (field, object_type))
        entries.append((field, events))


def companion_events(table: dict[str, tuple[str, ...]]) -> None:
    for event, others in table.items():
        _claim(COMPANIONS, event, tuple(others), "companion events of")


def get_path(obj: dict[str, Any] | None, dotted: str) -> Any:
    node: Any = obj
    for part in dotted.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def transitions(object_type: str, before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """The events of ``transition_events`` for an object going from ``before`` (``None``: new) to
    ``after``."""
    if after is None:
        return []
    found = []
    for field, events in TRANSITIONS.get(object_type, ()):
        old, new = get_path(before, field), get_path(after, field)
        if old == new:
            continue
        key = new if new is None or (isinstance(new, (str, int, bool)) and new in events) else SET
        entry = events.get(key)
        if entry is None:
            continue
        event, sources = (entry, None) if isinstance(entry, str) else entry
        if sources is None or old in sources:
            found.append(event)
    return found
