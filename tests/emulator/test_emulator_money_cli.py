"""Money through the CLI on ``--local``: a decline is exit 1 with the code and the decline code on
stderr; refunds, the balance and payouts add up to the balance transactions."""

from __future__ import annotations

import json


def _json(result):
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_a_declined_payment_on_local_exits_1_with_the_decline_code_on_stderr(cli):
    result = cli("payment-intents", "create", "--amount", "2000", "--currency", "usd", "--payment-method",
                 "pm_card_visa_chargeDeclinedInsufficientFunds", "--confirm", "--local", "-o", "json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "Your card has insufficient funds." in result.stderr
    assert "card_declined" in result.stderr and "insufficient_funds" in result.stderr
    intents = _json(cli("payment-intents", "list", "--local", "-o", "json"))["data"]
    assert [i["last_payment_error"]["decline_code"] for i in intents] == ["insufficient_funds"]
    failed = _json(cli("charges", "get", intents[0]["latest_charge"], "--local", "-o", "json"))
    assert (failed["status"], failed["failure_code"]) == ("failed", "card_declined")


def test_refunds_balance_and_payouts_add_up_on_local(cli):
    intent = _json(cli("payment-intents", "create", "--amount", "10000", "--currency", "usd", "--payment-method",
                       "pm_card_bypassPending", "--confirm", "--local", "-o", "json"))
    assert intent["status"] == "succeeded"
    later = _json(cli("payment-intents", "create", "--amount", "2000", "--currency", "usd", "--payment-method",
                      "pm_card_visa", "--confirm", "--local", "-o", "json"))
    too_much = cli("refunds", "create", "--charge", intent["latest_charge"], "--amount", "999999", "--local")
    assert too_much.exit_code != 0 and "amount_too_large" in too_much.stderr
    refund = _json(cli("refunds", "create", "--payment-intent", intent["id"], "--amount", "2500", "--local", "-o", "json"))
    assert refund["charge"] == intent["latest_charge"]
    payout = _json(cli("payouts", "create", "--amount", "4000", "--currency", "usd", "--local", "-o", "json"))
    assert payout["status"] == "pending"
    balance = _json(cli("balance", "get", "--local", "-o", "json"))
    txns = _json(cli("balance-transactions", "list", "--limit", "100", "--local", "-o", "json"))["data"]
    assert sorted(t["type"] for t in txns) == ["charge", "charge", "payout", "refund"]
    available = sum(t["net"] for t in txns if t["status"] == "available")
    pending = sum(t["net"] for t in txns if t["status"] == "pending")
    assert balance["available"][0]["amount"] == available == 10000 - 320 - 2500 - 4000
    assert balance["pending"][0]["amount"] == pending == 2000 - 88
    assert later["latest_charge"] in {t["source"] for t in txns}
    broke = cli("payouts", "create", "--amount", str(available + 1), "--currency", "usd", "--local")
    assert broke.exit_code != 0 and "balance_insufficient" in broke.stderr


def test_quotes_pdf_on_local_writes_the_pdf_to_stdout(cli):
    import os
    import subprocess
    import sys

    from tests.emulator.helpers import ROOT

    price = _json(cli("prices", "create", "--currency", "usd", "--unit-amount", "900", "--product-data.name", "Kit",
                      "--local", "-o", "json"))["id"]
    customer = _json(cli("customers", "create", "--name", "Quinn", "--local", "-o", "json"))["id"]
    quote = _json(cli("quotes", "create", "--customer", customer, "-d", "line_items[0][price]=%s" % price,
                      "--local", "-o", "json"))
    assert quote["amount_total"] == 900
    assert _json(cli("quotes", "finalize", quote["id"], "--local", "-o", "json"))["status"] == "open"
    env = dict(os.environ, PYTHONPATH=str(ROOT))  # the same data directory as the commands above
    done = subprocess.run([sys.executable, "-m", "stripecli", "quotes", "pdf", quote["id"], "--local"],
                          capture_output=True, env=env, cwd=str(ROOT), timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(b"%PDF-1.4") and b"Quinn" in done.stdout
    assert done.stdout.rstrip().endswith(b"%%EOF")
