"""Names an operator guesses right: resources at the root, short verbs with the long ones still
working, and a suggestion for every unknown word."""

from __future__ import annotations

import json

import pytest

from stripecli import model
from stripecli.surface.names import root_resources, short_verbs


# ----------------------------------------------------------------------------- root aliases


def test_a_unique_resource_answers_at_the_root(cli):
    customer = cli("--local", "-o", "id", "customers", "create", "--email", "a@example.com").stdout.strip()
    price = json.loads(cli("--local", "prices", "create", "--currency", "usd", "--unit-amount", "500",
                           "--recurring.interval", "month", "--product-data.name", "Basic").stdout)
    short = cli("--local", "-o", "id", "subscriptions", "create", "--customer", customer,
                "-d", f"items[0][price]={price['id']}",
                "-d", "default_payment_method=pm_card_visa")
    assert short.exit_code == 0, short.stderr
    sub = short.stdout.strip()
    long = cli("--local", "-o", "id", "billing", "subscriptions", "list", "--customer", customer)
    root = cli("--local", "-o", "id", "subscriptions", "list", "--customer", customer)
    assert long.stdout == root.stdout == sub + "\n"


def test_root_aliases_are_hidden_from_the_root_help(cli):
    listing = cli("--help").stdout.split("API groups")[-1]
    assert "billing" in listing and "subscriptions " not in listing and "quotes " not in listing


def test_every_root_alias_is_a_resource_of_one_group_only():
    names = root_resources()
    assert names["subscriptions"] == ("billing", "subscriptions")
    assert names["quotes"] == ("billing", "quotes")
    assert "transactions" not in names  # issuing, treasury, financial-connections and tax all have one
    for name, (group, canonical) in names.items():
        homes = [g for g, info in model.groups().items() if not info.get("flatten")
                 and any(name == r or name in i.get("aliases", ()) for r, i in info["resources"].items())]
        assert homes == [group], name


def test_a_group_or_a_command_wins_over_a_resource_of_the_same_name(cli):
    result = cli("test-clocks", "--help")
    assert result.exit_code == 0 and "advance" in result.stdout


# ----------------------------------------------------------------------------- verbs


def test_short_verbs_are_generated_from_the_resource_word():
    assert short_verbs("invoices", ["finalize-invoice", "send-invoice", "void-invoice", "pay", "list"]) == {
        "finalize-invoice": "finalize", "send-invoice": "send", "void-invoice": "void"}
    assert short_verbs("outbound-payments", ["return-outbound-payment", "fail"]) == {"return-outbound-payment": "return"}
    # a short name that is already a verb, or that two verbs would share, is not offered
    assert short_verbs("cards", ["ship-card", "ship"]) == {}
    assert short_verbs("cards", ["ship-card", "card-ship"]) == {}


@pytest.mark.parametrize("words", [("invoices", "finalize"), ("invoices", "send"), ("invoices", "void"),
                                   ("issuing", "cards", "ship"), ("treasury", "outbound-payments", "return"),
                                   ("credit-notes", "void")])
def test_the_short_verbs_of_the_issue_exist(cli, words):
    result = cli(*words, "--help")
    assert result.exit_code == 0, result.stderr
    assert f"Usage: stripecli {' '.join(words)} " in result.stdout


def test_old_and_new_verb_names_both_run(cli):
    customer = cli("--local", "-o", "id", "customers", "create", "--email", "b@example.com").stdout.strip()
    cli("--local", "invoice-items", "create", "--customer", customer, "--amount", "1000", "--currency", "usd")
    invoices = []
    for _ in range(2):
        created = cli("--local", "-o", "id", "invoices", "create", "--customer", customer,
                      "--pending-invoice-items-behavior", "include")
        assert created.exit_code == 0, created.stderr
        invoices.append(created.stdout.strip())
    new = cli("--local", "-o", "json", "invoices", "finalize", invoices[0])
    old = cli("--local", "-o", "json", "invoices", "finalize-invoice", invoices[1])
    assert new.exit_code == old.exit_code == 0, (new.stderr, old.stderr)
    assert json.loads(new.stdout)["status"] != "draft" and json.loads(old.stdout)["status"] != "draft"
    for words in (("invoices", "get"), ("core", "invoices", "get")):
        assert [json.loads(cli("--local", "-o", "json", *words, i).stdout)["status"] for i in invoices] == \
            [json.loads(new.stdout)["status"], json.loads(old.stdout)["status"]]


def test_retrieve_is_a_hidden_synonym_of_get(cli):
    created = cli("--local", "-o", "id", "customers", "create", "--email", "ada@example.com")
    assert created.exit_code == 0, created.stderr
    cus = created.stdout.strip()
    by_get = cli("--local", "-o", "json", "customers", "get", cus)
    by_retrieve = cli("--local", "-o", "json", "customers", "retrieve", cus)
    assert by_get.exit_code == by_retrieve.exit_code == 0, (by_get.stderr, by_retrieve.stderr)
    assert json.loads(by_retrieve.stdout) == json.loads(by_get.stdout)
    assert "retrieve" not in cli("customers", "--help").stdout
    missing = cli("--local", "customers", "retrieve", "cus_missing")
    assert (missing.exit_code, missing.stdout) == (4, "")
    assert "No such customer" in missing.stderr


def test_long_verbs_are_hidden_from_the_resource_help(cli):
    result = cli("invoices", "--help")
    assert "finalize " in result.stdout and "finalize-invoice" not in result.stdout.split("Commands")[-1]


# ----------------------------------------------------------------------------- suggestions


@pytest.mark.parametrize("words, hint", [
    (("custmers",), "Did you mean customers?"),
    (("subscripions",), "Did you mean subscriptions or"),
    (("billing", "customers"), "customers is under core: stripecli customers"),
    (("connect", "quotes"), "quotes is under billing: stripecli quotes"),
    (("transactions",), "transactions is under issuing, treasury, financial-connections and tax: "
                        "stripecli issuing transactions, stripecli treasury transactions"),
    (("billing", "quotas"), "Did you mean quotes?"),
    (("connect", "custmers"), "Did you mean stripecli customers?"),
    (("invoices", "finalise"), "Did you mean finalize?"),
    (("issuing", "cards", "shipp"), "Did you mean ship?"),
    (("auht",), "Did you mean auth?"),
])
def test_an_unknown_word_gets_a_suggestion(cli, words, hint):
    result = cli(*words)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: No such command")
    assert hint in result.stderr


def test_a_word_with_nothing_close_gets_no_guess(cli):
    result = cli("zzzzqqqq")
    assert result.exit_code == 2 and "Did you mean" not in result.stderr
