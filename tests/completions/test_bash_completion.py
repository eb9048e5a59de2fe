"""The bash script in a real bash: source it, set COMP_WORDS/COMP_CWORD/COMP_LINE/COMP_POINT as
readline would for a partial command line, call the completion function, read COMPREPLY."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "stripecli" / "completions" / "stripecli.bash"
BASH = shutil.which("bash")

pytestmark = pytest.mark.skipif(BASH is None, reason="bash is not installed")

PROFILES = """default_profile = "default"

[profiles.default]
api_base = "http://127.0.0.1:12111"

[profiles.default.test]
key = "sk_test_...abcd"
storage = "keyring"

[profiles.staging.test]
key = "sk_test_...wxyz"

[profiles."eu.prod".live]
key = "sk_live_...1234"
"""

DRIVER = r'''
source "$1"
line=$2
COMP_LINE=$line
COMP_POINT=${#line}
# Split the way readline does by default: at blanks, and "=" is a word of its own.
words=()
rest=$line
while [[ -n $rest ]]; do
  rest=${rest#"${rest%%[! ]*}"}
  [[ -z $rest ]] && break
  if [[ -n ${SPLIT_EQUALS-} && $rest == '='* ]]; then
    words+=('=')
    rest=${rest#=}
    continue
  fi
  if [[ -n ${SPLIT_EQUALS-} ]]; then
    w=${rest%%[ =]*}
  else
    w=${rest%% *}
  fi
  words+=("$w")
  rest=${rest#"$w"}
done
[[ $line == *' ' || ( -n ${SPLIT_EQUALS-} && $line == *'=' ) ]] && words+=('')
COMP_WORDS=("${words[@]}")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
[[ -n ${SPLIT_EQUALS-} ]] && COMP_WORDBREAKS=$' \t\n"\'><=;|&(:' || COMP_WORDBREAKS=$' \t\n"\'><;|&(:'
_stripecli
printf '%s\n' "${COMPREPLY[@]}"
'''


@pytest.fixture
def complete(tmp_path):
    config = tmp_path / "config"
    config.mkdir()
    (config / "profiles.toml").write_text(PROFILES)

    def run(line: str, split_equals: bool = False, env: dict | None = None) -> list[str]:
        environ = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "STRIPECLI_CONFIG_DIR": str(config)}
        if split_equals:
            environ["SPLIT_EQUALS"] = "1"
        environ.update(env or {})
        result = subprocess.run([BASH, "--norc", "--noprofile", "-c", DRIVER, "bash", str(SCRIPT), line],
                                capture_output=True, text=True, env=environ, timeout=30)
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
        return [w for w in result.stdout.split("\n") if w]

    return run


def test_groups_at_the_root(complete):
    # billing, then the resources that also work at the root: core's, and radar's billing-evaluations
    # (a name no other group has)
    assert sorted(complete("stripecli bil")) == ["billing", "billing-evaluations", "billing-portal-configurations",
                                         "billing-portal-sessions"]
    assert "subscriptions" in complete("stripecli subscr")  # billing subscriptions, at the root
    root = complete("stripecli ")
    for name in ("billing", "core", "test-clocks", "auth", "completion", "request"):
        assert name in root
    assert "customers" not in root  # core resources at the root are offered only once typed


def test_verbs_drop_the_resource_word_and_keep_the_long_names_hidden(complete):
    verbs = complete("stripecli invoices ")
    assert "finalize" in verbs and "send" in verbs and "void" in verbs
    assert "finalize-invoice" not in verbs
    assert complete("stripecli invoices finalize-") == ["finalize-invoice"]  # offered once typed
    cards = complete("stripecli issuing cards ")
    assert "ship" in cards and "ship-card" not in cards


def test_resources_of_a_group(complete):
    got = complete("stripecli billing credit-")
    assert {"credit-balance-summary", "credit-grants", "credit-transactions"} <= set(got)
    assert set(got) <= {"credit-balance-summary", "credit-grants", "credit-transactions", "credit-balance-transactions"}


def test_verbs_of_a_resource(complete):
    assert complete("stripecli billing credit-grants ") == ["create", "expire", "get", "list", "update", "void"]


def test_flags_of_a_verb(complete):
    got = complete("stripecli billing credit-grants create --amo")
    assert got == ["--amount", "--amount.monetary", "--amount.monetary.currency", "--amount.monetary.value",
                   "--amount.type"]
    every = complete("stripecli billing credit-grants create --")
    for flag in ("--category", "--expand", "--metadata", "--idempotency-key", "--profile", "--dry-run", "--help"):
        assert flag in every
    assert "--all" not in every  # pagination flags only on list and search
    assert "--all" in complete("stripecli billing credit-grants list --")


def test_enum_values(complete):
    assert complete("stripecli billing credit-grants create --category ") == ["paid", "promotional"]
    assert complete("stripecli billing credit-grants create --category p") == ["paid", "promotional"]
    assert complete("stripecli billing credit-grants create --category pa") == ["paid"]
    assert complete("stripecli customers list -o ") == ["table", "json", "jsonl", "csv", "id"]


def test_enum_values_after_an_equals_sign(complete):
    # readline's default word breaks split --category=pa into --category, =, pa
    assert complete("stripecli billing credit-grants create --category=", split_equals=True) == ["paid", "promotional"]
    assert complete("stripecli billing credit-grants create --category=pa", split_equals=True) == ["paid"]
    # without = in COMP_WORDBREAKS the whole word is replaced
    assert complete("stripecli billing credit-grants create --category=pa") == ["--category=paid"]


def test_values_are_consumed_when_walking_the_line(complete):
    # the value of a flag is not taken for a positional argument or a command
    assert complete("stripecli billing credit-grants create --category paid --amo") == [
        "--amount", "--amount.monetary", "--amount.monetary.currency", "--amount.monetary.value", "--amount.type"]
    assert complete("stripecli billing credit-grants create --customer cus_1 --category ") == ["paid", "promotional"]


def test_flattened_test_clocks_group(complete):
    got = complete("stripecli test-clocks ")
    assert {"advance", "create", "delete", "get", "list"} <= set(got)
    assert complete("stripecli billing test-clocks adv") == ["advance"]
    assert "--frozen-time" in complete("stripecli billing test-clocks advance clock_1 --fro")


def test_core_resources_at_the_root(complete):
    assert complete("stripecli customers li") == ["list"]
    assert "customers" in complete("stripecli cust")
    assert complete("stripecli core customers li") == ["list"]
    assert "--email" in complete("stripecli customers list --em")


def test_resource_aliases(complete):
    assert complete("stripecli billing credit-balance-transactions li") == ["list"]
    assert "--customer" in complete("stripecli billing credit-balance-transactions list --cus")


def test_profile_names(complete):
    names = ["default", "staging", "eu.prod"]
    assert complete("stripecli --profile ") == names
    assert complete("stripecli customers list --profile ") == names
    assert complete("stripecli customers list --profile st") == ["staging"]
    assert complete("stripecli auth switch ") == names
    assert complete("stripecli auth logout --profile ") == names
    assert complete("stripecli auth login --profile e") == ["eu.prod"]


def test_profile_names_from_the_xdg_config_dir(complete, tmp_path):
    xdg = tmp_path / "xdg"
    (xdg / "stripecli").mkdir(parents=True)
    (xdg / "stripecli" / "profiles.toml").write_text("[profiles.home]\n")
    env = {"STRIPECLI_CONFIG_DIR": "", "XDG_CONFIG_HOME": str(xdg)}
    assert complete("stripecli auth switch ", env=env) == ["home"]
    assert complete("stripecli auth switch ", env={"STRIPECLI_CONFIG_DIR": str(tmp_path / "none")}) == []


def test_hand_written_commands(complete):
    assert complete("stripecli auth ") == ["login", "status", "list", "switch", "logout"]
    assert complete("stripecli completion show ") == ["bash", "zsh", "fish", "powershell"]
    assert complete("stripecli completion install --shell z") == ["zsh"]
    assert complete("stripecli request GET /v1/balance --dry") == ["--dry-run"]


def test_group_flags_and_unknown_words(complete):
    assert complete("stripecli --vers") == ["--version"]
    assert complete("stripecli --loc") == ["--local"]  # global options at the root too
    assert complete("stripecli --local -o json billing credit-g") == ["credit-grants"]
    assert complete("stripecli --profile acme customers li") == ["list"]
    assert complete("stripecli billing --h") == ["--help"]
    assert complete("stripecli nosuchgroup ") == []
    assert complete("stripecli customers retrieve ") == []  # an id goes here: nothing to offer
    assert complete("stripecli billing credit-grants create --customer ") == []


def test_completion_is_fast(complete):
    import time

    start = time.perf_counter()
    complete("stripecli core payment-intents create --payment-method-options.card.")
    assert time.perf_counter() - start < 2.0


def _shell_check(shell: str, name: str) -> None:
    exe = shutil.which(shell)
    if exe is None:
        pytest.skip(f"{shell} is not installed")
    result = subprocess.run([exe, "-n", str(ROOT / "stripecli" / "completions" / name)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_zsh_script_parses():
    _shell_check("zsh", "_stripecli")


def test_fish_script_parses():
    _shell_check("fish", "stripecli.fish")


def test_bash_script_parses():
    _shell_check("bash", "stripecli.bash")
    text = SCRIPT.read_text()
    assert re.search(r"^complete -F _stripecli stripecli$", text, re.M)
