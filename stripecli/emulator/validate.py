"""An operation's params checked and converted by the model's rules (``stripecli.model.params``),
a refused one answered as Stripe answers it: 400 ``invalid_request_error`` with its code and param."""

from __future__ import annotations

from typing import Any

from stripecli.emulator.errors import param_error
from stripecli.model.params import ParamError
from stripecli.model.params import validate as _check


def validate(specs: list[dict[str, Any]], params: dict[str, Any]) -> dict[str, Any]:
    """The params of one operation, checked and converted; raises ``EmulatorError``."""
    try:
        return _check(specs, params)
    except ParamError as err:
        raise param_error(err) from None
