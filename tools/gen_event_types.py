#!/usr/bin/env python3
"""Generate the list of Stripe event types the emulator may record, from the pinned SDK wheel.

The GA wheel pinned in ``tools/gen_model.py`` (``PINNED["ga"]``) declares every event type of its
API version as the ``Literal`` of ``Event.type`` in ``stripe/_event.py``; the file is read with
``ast``, nothing from it is imported or executed. The output is deterministic JSON:
``stripecli/emulator/event_types.json`` with the API version and the sorted types. An object type
whose ``<type>.created`` (``.updated``, ``.deleted`` ...) is not in that list emits no event.

Supplement: Stripe's *thin* events (``v1.billing.meter.no_meter_found`` ...), sent to event
destinations in the v2 shape, are not in ``Event.type``; the SDK declares each as a class in
``stripe/events/`` with its ``LOOKUP_TYPE``. Those are written apart, as ``thin_types``.

Usage::

    python tools/gen_event_types.py                 # download the pinned wheel, write the list
    python tools/gen_event_types.py --out FILE      # write somewhere else (the staleness test)
    python tools/gen_event_types.py --wheels DIR    # use wheels already downloaded into DIR
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_model import PINNED, Wheel, build_from_wheels, generator_args  # noqa: E402  (the same pinned wheels as the model)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "stripecli" / "emulator" / "event_types.json"


def event_types(wheel: Wheel) -> list[str]:
    """The string values of ``Event.type``'s ``Literal`` in ``stripe/_event.py``."""
    for node in ast.walk(wheel.tree("stripe._event")):
        if isinstance(node, ast.ClassDef) and node.name == "Event":
            for item in node.body:
                if isinstance(item, ast.AnnAssign) and getattr(item.target, "id", "") == "type":
                    values = [c.value for c in ast.walk(item.annotation)
                              if isinstance(c, ast.Constant) and isinstance(c.value, str)]
                    if values:
                        return sorted(set(values))
    raise SystemExit("no Event.type Literal in stripe/_event.py of this wheel")


def thin_event_types(wheel: Wheel) -> list[str]:
    """The ``LOOKUP_TYPE`` of every thin event class in ``stripe/events/``."""
    found = set()
    for name in sorted(wheel.names):
        if not (name.startswith("stripe/events/_") and name.endswith("_event.py")):
            continue
        for node in ast.walk(wheel.tree(name[:-3].replace("/", "."))):
            if (isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "LOOKUP_TYPE"
                    and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
                found.add(node.value.value)
    return sorted(found)


def build(wheels: dict[str, Path]) -> dict:
    wheel = Wheel(wheels["ga"])
    return {
        "_generated": "by tools/gen_event_types.py from stripe %s (Event.type, and stripe/events/ for "
                      "thin_types); do not edit" % PINNED["ga"],
        "api_version": wheel.api_version(),
        "thin_types": thin_event_types(wheel),
        "types": event_types(wheel),
    }


def write(data: dict, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    args = generator_args(__doc__, DEFAULT_OUT, argv)
    data = build_from_wheels(build, args.wheels)
    write(data, args.out)
    print("wrote %d event types (API %s) to %s" % (len(data["types"]), data["api_version"], args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
