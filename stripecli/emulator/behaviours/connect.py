"""Connect: accounts, account sessions, transfers.

Accounts start with charges and payouts disabled and no details submitted; funds do not move yet
(no transfer changes a balance).

Deleting a connected account ends its connection to the platform: Stripe sends the platform
``account.application.deauthorized``, whose ``data.object`` is the platform's Connect application
(``{id: "ca_...", object: "application", name}``) and whose ``account`` is the account's id. The
emulator's platform application has an id stable for its data directory.
"""

from __future__ import annotations

import hashlib
from typing import Any

from stripecli.emulator import schema
from stripecli.emulator.behaviours import registry
from stripecli.emulator.context import Context

registry.initial_values({
    "account": {"charges_enabled": False, "payouts_enabled": False, "details_submitted": False},
    "transfer": {"reversed": False, "amount_reversed": 0},
})

registry.secrets({
    "account_session": ("client_secret", lambda obj: "%s_secret_%s" % (obj["id"], schema.random_token(24))),
})


def platform_application(ctx: Context) -> dict[str, Any]:
    """The platform's Connect application, as Stripe shows it in Connect events."""
    digest = hashlib.sha256(("application:" + ctx.store.path).encode()).hexdigest()[:24]
    return {"id": "ca_" + digest, "object": "application", "name": "stripecli emulator"}


@registry.hook("before_delete", "account")
def _account_deleted(ctx: Context, account: dict[str, Any]) -> None:
    ctx.emit("account.application.deauthorized", platform_application(ctx), account=account["id"])
