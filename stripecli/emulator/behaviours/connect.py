"""Connect: accounts, account sessions, transfers.

Accounts start with charges and payouts disabled and no details submitted; funds do not move yet
(no transfer changes a balance).
"""

from __future__ import annotations

from stripecli.emulator import schema
from stripecli.emulator.behaviours import registry

registry.initial_values({
    "account": {"charges_enabled": False, "payouts_enabled": False, "details_submitted": False},
    "transfer": {"reversed": False, "amount_reversed": 0},
})

registry.secrets({
    "account_session": ("client_secret", lambda obj: "%s_secret_%s" % (obj["id"], schema.random_token(24))),
})
