"""docs/reference/ is what tools/gen_reference.py writes from today's tree.

If this fails, regenerate it: python tools/gen_reference.py
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from stripecli import model

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "docs" / "reference"


def test_committed_reference_matches_the_generator(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_reference.py"), "--out", str(tmp_path)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    fresh = sorted(p.name for p in tmp_path.iterdir())
    committed = sorted(p.name for p in REFERENCE.iterdir())
    assert committed == fresh, "docs/reference is stale: run python tools/gen_reference.py"
    for name in fresh:
        assert (REFERENCE / name).read_bytes() == (tmp_path / name).read_bytes(), \
            f"docs/reference/{name} is stale: run python tools/gen_reference.py"


def test_one_page_per_group_and_an_index():
    index = (REFERENCE / "README.md").read_text()
    for group in model.groups():
        assert (REFERENCE / f"{group}.md").exists()
        assert f"[{group}]({group}.md)" in index
    for command in ("auth", "request", "completion"):
        assert f"[{command}]({command}.md)" in index
    assert "## Global options" in index


def test_every_operation_is_documented():
    from stripecli.surface.names import short_verbs

    pages = {g: (REFERENCE / f"{g}.md").read_text() for g in model.groups()}
    for group, resource, verb, op in model.iter_operations():
        verb = short_verbs(resource, list(model.resource(group, resource)["operations"])).get(verb, verb)
        words = [group, verb] if model.groups()[group].get("flatten") == resource else [group, resource, verb]
        heading = "### stripecli " + " ".join(words)
        page = pages[group]
        assert heading in page, heading
        section = page.split(heading, 1)[1].split("\n### ", 1)[0]
        assert op["method"] in section and op["path"] in section


def test_a_verb_page_shows_flags_types_values_and_marks():
    page = (REFERENCE / "billing.md").read_text()
    section = page.split("### stripecli billing credit-grants create\n", 1)[1].split("\n### ", 1)[0]
    assert "`POST /v1/billing/credit_grants`" in section
    assert "| `--category` | enum | The category of this credit grant. Values: `paid`, `promotional`. |" in section
    assert "| `--amount` | JSON object | **Required.**" in section
    assert "**Required** with `--amount.monetary`." in section
    assert "| `--metadata` | KEY=VALUE, repeatable |" in section
    assert "| `-e`, `--expand` | string, repeatable |" in section
    clocks = (REFERENCE / "test-clocks.md").read_text()
    assert "**Test mode only.**" in clocks
    assert "Analytic meter usage: get. (preview)" in page
    assert "Preview:** sent with `Stripe-Version:" in page
