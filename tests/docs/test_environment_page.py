"""docs/environment.md lists every variable stripecli reads, in one place."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "environment.md"


def test_every_variable_the_code_reads_is_on_the_page():
    read: set[str] = set()
    for path in (ROOT / "stripecli").rglob("*.py"):
        read |= set(re.findall(r"[\"'](STRIPE(?:CLI)?_[A-Z_]+|NO_COLOR)[\"']", path.read_text(encoding="utf-8")))
    read.discard("STRIPE_")  # prefixes, not variables
    assert {"STRIPE_API_KEY", "STRIPE_PROFILE", "STRIPE_API_BASE", "STRIPECLI_OUTPUT"} <= read
    page = PAGE.read_text(encoding="utf-8")
    missing = sorted(name for name in read if f"`{name}" not in page)
    assert not missing, f"docs/environment.md does not list {missing}"


def test_the_page_says_how_to_select_the_emulator():
    page = PAGE.read_text(encoding="utf-8")
    assert "`STRIPE_PROFILE=local`" in page and "--local" in page


def test_the_exit_code_tables_in_the_docs_list_every_code():
    from stripecli.exit_codes import EXIT_CODES

    for name in ("README.md", "docs/scripting.md"):
        text = (ROOT / name).read_text(encoding="utf-8")
        listed = {int(code) for code in re.findall(r"^\| (\d+) \|", text, flags=re.M)}
        assert listed == set(EXIT_CODES), name
