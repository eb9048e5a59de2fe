"""stripecli completion show / install, under a temporary HOME (never the real one)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGED = ROOT / "stripecli" / "completions"
FILES = {"bash": "stripecli.bash", "zsh": "_stripecli", "fish": "stripecli.fish", "powershell": "stripecli.ps1"}


@pytest.fixture
def home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "ZDOTDIR", "SHELL", "PSModulePath"):
        monkeypatch.delenv(var, raising=False)
    return home


@pytest.mark.parametrize("shell", list(FILES))
def test_show_prints_the_packaged_script(cli, shell):
    result = cli("completion", "show", shell)
    assert result.exit_code == 0
    assert result.stdout == (PACKAGED / FILES[shell]).read_text()
    assert result.stderr == ""


def test_show_accepts_pwsh_and_any_case(cli):
    assert cli("completion", "show", "pwsh").stdout == (PACKAGED / "stripecli.ps1").read_text()
    assert cli("completion", "show", "BASH").stdout == (PACKAGED / "stripecli.bash").read_text()


def test_show_unknown_shell_is_a_usage_error(cli):
    result = cli("completion", "show", "tcsh")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "error: invalid value for SHELL: 'tcsh' is not one of: bash, zsh, fish, powershell\n"


def test_show_needs_a_shell(cli):
    result = cli("completion", "show")
    assert result.exit_code == 2
    assert "SHELL" in result.stderr


@pytest.mark.parametrize("shell, where", [
    ("bash", ".local/share/bash-completion/completions/stripecli"),
    ("zsh", ".zfunc/_stripecli"),
    ("fish", ".config/fish/completions/stripecli.fish"),
    ("powershell", ".config/powershell/stripecli.ps1"),
])
def test_install_writes_where_the_shell_looks(cli, home, shell, where):
    result = cli("completion", "install", "--shell", shell)
    assert result.exit_code == 0, result.stderr
    target = home / where
    assert target.read_bytes() == (PACKAGED / FILES[shell]).read_bytes()
    assert result.stdout == ""
    assert str(target) in result.stderr


def test_install_honours_xdg_dirs(cli, home, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "conf"))
    assert cli("completion", "install", "--shell", "bash").exit_code == 0
    assert (tmp_path / "data" / "bash-completion" / "completions" / "stripecli").exists()
    assert cli("completion", "install", "--shell", "fish").exit_code == 0
    assert (tmp_path / "conf" / "fish" / "completions" / "stripecli.fish").exists()


def test_install_detects_the_shell_from_SHELL(cli, home, monkeypatch):
    monkeypatch.setenv("SHELL", "/usr/bin/fish")
    result = cli("completion", "install")
    assert result.exit_code == 0
    assert (home / ".config" / "fish" / "completions" / "stripecli.fish").exists()
    assert "fish" in result.stderr


def test_install_zsh_says_how_to_load_it(cli, home):
    result = cli("completion", "install", "--shell", "zsh")
    assert "fpath+=~/.zfunc" in result.stderr and "compinit" in result.stderr
    (home / ".zshrc").write_text("fpath+=~/.zfunc\nautoload -Uz compinit\ncompinit\n")
    result = cli("completion", "install", "--shell", "zsh")
    assert result.exit_code == 0
    assert "fpath+=" not in result.stderr


def test_install_powershell_gives_the_profile_line(cli, home):
    result = cli("completion", "install", "--shell", "pwsh")
    target = home / ".config" / "powershell" / "stripecli.ps1"
    assert result.exit_code == 0
    assert f". '{target}'" in result.stderr and "$PROFILE" in result.stderr


def test_install_takes_the_shell_as_an_argument(cli, home, monkeypatch):
    monkeypatch.setenv("SHELL", "/bin/tcsh")  # named on the command line, $SHELL is not read
    result = cli("completion", "install", "bash")
    assert result.exit_code == 0, result.stderr
    target = home / ".local/share/bash-completion/completions/stripecli"
    assert target.read_text().startswith("# ") and result.stdout == ""
    assert f"Wrote the bash completion script to {target}" in result.stderr
    assert cli("completion", "install", "--shell", "zsh").exit_code == 0  # the flag still works
    assert (home / ".zfunc" / "_stripecli").exists()
    both = cli("completion", "install", "bash", "--shell", "zsh")
    assert both.exit_code == 2 and "given twice" in both.stderr


def test_install_with_an_unknown_shell(cli, home, monkeypatch):
    monkeypatch.setenv("SHELL", "/bin/tcsh")
    result = cli("completion", "install")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")
    assert "stripecli completion install bash|zsh|fish|powershell" in result.stderr
    result = cli("completion", "install", "csh")
    assert result.exit_code == 2
    assert result.stderr == "error: invalid value for SHELL: 'csh' is not one of: bash, zsh, fish, powershell\n"
    result = cli("completion", "install", "--shell", "csh")
    assert result.exit_code == 2
    assert result.stderr == "error: invalid value for --shell: 'csh' is not one of: bash, zsh, fish, powershell\n"
    assert not any(home.rglob("stripecli*"))
