"""The layer rules of docs/architecture.md, read from the source: which package may import what
(function-local imports included)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "stripecli"
CLI = ("stripecli.cli", "stripecli.runner", "stripecli.session", "stripecli.surface", "stripecli.commands",
       "stripecli.output")

RULES = {
    # layer: what it must never import
    "api": ("typer", "click", "rich", *CLI, "stripecli.emulator"),
    "emulator": CLI,
    "output": ("typer", "click", "stripecli.cli", "stripecli.runner", "stripecli.session", "stripecli.surface",
               "stripecli.commands", "stripecli.api", "stripecli.emulator"),
    "model": ("typer", "click", "rich", *CLI, "stripecli.api", "stripecli.emulator"),
    # --from runs on the command side: it checks lines by the model's rules, not the emulator's code
    "bulk": ("stripecli.emulator",),
    "config.py": (*CLI, "stripecli.emulator", "typer", "click", "rich"),
    "exit_codes.py": ("stripecli", "typer", "click", "rich"),
    "errors.py": ("typer", "click", "rich", *CLI, "stripecli.api", "stripecli.emulator"),
    "calendar.py": (*CLI, "stripecli.emulator", "typer", "click", "rich"),
    "signing.py": (*CLI, "stripecli.emulator", "typer", "click", "rich"),
}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def files_of(layer: str) -> list[Path]:
    target = PACKAGE / layer
    return [target] if target.is_file() else sorted(target.rglob("*.py"))


@pytest.mark.parametrize("layer", sorted(RULES))
def test_a_layer_imports_nothing_it_must_not(layer):
    files = files_of(layer)
    assert files, layer
    broken = []
    for path in files:
        for name in sorted(imports_of(path)):
            if name == "stripecli.exit_codes" and layer == "exit_codes.py":
                continue
            if any(name == bad or name.startswith(bad + ".") for bad in RULES[layer]):
                broken.append(f"{path.relative_to(PACKAGE.parent)} imports {name}")
    assert not broken, "\n".join(broken)


def test_exit_codes_are_written_in_one_module_only():
    """No code raises or exits with a code written as a number: they are named in exit_codes."""
    import re

    literal = re.compile(r"(?:\bexit_code\s*=|\bExit\(|\bexit\()\s*\d")
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "exit_codes.py" or "emulator" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if literal.search(line) and "noqa" not in line:
                offenders.append(f"{path.relative_to(PACKAGE.parent)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_no_module_imports_another_modules_private_names():
    """What one module shares with another has a public name: ``from stripecli.x import _helper``
    means the helper belongs in a shared place under a public name (function-local imports too)."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("stripecli")):
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        offenders.append(f"{path.relative_to(PACKAGE.parent)} imports {alias.name} from {node.module}")
    assert not offenders, "\n".join(offenders)
