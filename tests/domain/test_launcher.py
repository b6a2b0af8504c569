"""The ``desk`` launcher: environment, config lookup, data directory checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from console import launcher

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(monkeypatch, tmp_path):
    """A clean environment: no config file unless a test writes one."""
    for name in ("DESK_DATA", "DESK_CONFIG", "TEXTUAL_COLOR_SYSTEM", "ESCDELAY", "TEXTUAL_ANIMATIONS",
                 "DESK_HOLD_ON_ERROR"):
        monkeypatch.setenv(name, "")  # recorded, so what the launcher sets is undone after
        monkeypatch.delenv(name)
    monkeypatch.setattr(launcher, "DEFAULT_CONFIG", str(tmp_path / "absent.toml"))
    return os.environ


@pytest.fixture
def shared(tmp_path) -> Path:
    d = tmp_path / "desk"
    d.mkdir()
    os.chmod(d, 0o2770)
    return d


@pytest.fixture
def ran(monkeypatch):
    """Replace the app with a recorder; pretend stdin/stdout are a terminal."""
    calls: list[list[str]] = []
    monkeypatch.setattr(launcher, "run_app", lambda args: calls.append(args) or 0)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    return calls


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "desk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_starts_app_on_data_dir_from_config(env, shared, tmp_path, ran, monkeypatch):
    monkeypatch.setenv("DESK_CONFIG", str(write_config(tmp_path, f'data_dir = "{shared}"\n')))
    assert launcher.main([]) == 0
    assert ran == [["--data-dir", str(shared)]]
    assert env["TEXTUAL_COLOR_SYSTEM"] == "256"
    assert env["ESCDELAY"] == "25"
    assert env["TEXTUAL_ANIMATIONS"] == "none"


def test_default_config_file_is_read(env, shared, tmp_path, ran, monkeypatch):
    path = write_config(tmp_path, f'data_dir = "{shared}"\nlang = "zh"\n')
    monkeypatch.setattr(launcher, "DEFAULT_CONFIG", str(path))
    assert launcher.main(["--gate", "西门"]) == 0
    assert ran == [["--data-dir", str(shared), "--lang", "zh", "--gate", "西门"]]


def test_desk_data_overrides_config(env, shared, tmp_path, ran, monkeypatch):
    monkeypatch.setenv("DESK_CONFIG", str(write_config(tmp_path, 'data_dir = "/nowhere"\n')))
    monkeypatch.setenv("DESK_DATA", str(shared))
    assert launcher.main([]) == 0
    assert ran == [["--data-dir", str(shared)]]


def test_colour_system_already_set_is_kept(env, shared, ran, monkeypatch):
    monkeypatch.setenv("DESK_DATA", str(shared))
    monkeypatch.setenv("TEXTUAL_COLOR_SYSTEM", "truecolor")
    assert launcher.main([]) == 0
    assert env["TEXTUAL_COLOR_SYSTEM"] == "truecolor"


def test_umask_keeps_new_files_group_shared(env, shared, ran, monkeypatch):
    monkeypatch.setenv("DESK_DATA", str(shared))
    before = os.umask(0o022)
    try:
        launcher.main([])
        assert os.umask(before) == 0o007
    finally:
        os.umask(before)


def refusal(capsys) -> str:
    err = capsys.readouterr().err
    assert "服务台无法启动" in err and "cannot start" in err  # both languages, always
    return err


def test_refuses_without_any_config(env, ran, capsys):
    assert launcher.main([]) == launcher.EXIT_REFUSED
    assert "No data directory is configured" in refusal(capsys)
    assert ran == []


def test_refuses_missing_dir(env, tmp_path, ran, capsys, monkeypatch):
    monkeypatch.setenv("DESK_DATA", str(tmp_path / "gone"))
    assert launcher.main([]) == 2
    err = refusal(capsys)
    assert "does not exist" in err and "不存在" in err and "install -d -m 2770" in err
    assert ran == []


def test_refuses_file_instead_of_dir(env, tmp_path, ran, capsys, monkeypatch):
    (tmp_path / "f").write_text("x")
    monkeypatch.setenv("DESK_DATA", str(tmp_path / "f"))
    assert launcher.main([]) == 2
    assert "is not a directory" in refusal(capsys)


@pytest.mark.parametrize("mode", [0o700, 0o750, 0o770, 0o2750])
def test_refuses_dir_the_group_cannot_share(env, shared, ran, capsys, monkeypatch, mode):
    os.chmod(shared, mode)
    monkeypatch.setenv("DESK_DATA", str(shared))
    assert launcher.main([]) == 2
    err = refusal(capsys)
    assert f"{mode:04o}" in err and "chmod 2770" in err and "组内不能共同写入" in err
    assert ran == []


def test_refuses_world_readable_dir(env, shared, ran, capsys, monkeypatch):
    os.chmod(shared, 0o2775)
    monkeypatch.setenv("DESK_DATA", str(shared))
    assert launcher.main([]) == 2
    assert "other users can reach" in refusal(capsys)


def test_refuses_dir_this_account_cannot_write(env, shared, ran, capsys, monkeypatch):
    monkeypatch.setenv("DESK_DATA", str(shared))
    monkeypatch.setattr(launcher.os, "access", lambda *a, **k: False)
    assert launcher.main([]) == 2
    assert "usermod -aG" in refusal(capsys)


def test_refuses_broken_config(env, tmp_path, ran, capsys, monkeypatch):
    monkeypatch.setenv("DESK_CONFIG", str(write_config(tmp_path, "data_dir = \n")))
    assert launcher.main([]) == 2
    assert "cannot be read" in refusal(capsys)


def test_refuses_named_config_that_is_missing(env, tmp_path, ran, capsys, monkeypatch):
    monkeypatch.setenv("DESK_CONFIG", str(tmp_path / "nope.toml"))
    assert launcher.main([]) == 2
    assert "nope.toml" in refusal(capsys)


def test_refuses_without_terminal(env, shared, capsys, monkeypatch):
    """`ssh host` with a command and no -t gives no terminal: say so, don't crash."""
    monkeypatch.setenv("DESK_DATA", str(shared))
    monkeypatch.setattr(launcher, "run_app", lambda args: pytest.fail("app started"))
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False, raising=False)
    assert launcher.main([]) == 2
    assert "ssh -t" in refusal(capsys)


def test_refusal_as_a_real_process(tmp_path):
    """The console script's exit status and stderr, as sshd would see them."""
    env = {"PATH": os.environ.get("PATH", ""), "DESK_DATA": str(tmp_path / "gone"),
           "DESK_CONFIG": str(write_config(tmp_path, "")), "LANG": "C.UTF-8"}
    done = subprocess.run([sys.executable, "-m", "console.launcher"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "不存在" in done.stderr and "does not exist" in done.stderr
    assert done.stdout == ""
    assert "textual" not in done.stderr.lower()  # refused before the UI was imported


def test_a_failed_session_keeps_its_message_until_enter(env, shared, capsys, monkeypatch):
    """Under the forced SSH command the connection closes when the console
    exits: the launcher asks the app to hold a failure's message until Enter."""
    launcher.prepare_environment(env, {})
    assert env["DESK_HOLD_ON_ERROR"] == "1"
    import app

    pressed = []
    monkeypatch.setattr("builtins.input", lambda *a: pressed.append(True) or "")
    assert app.main(["--data-dir", str(shared), "verify", "123"]) == 1
    assert pressed == [True] and "Press Enter" in capsys.readouterr().err
    monkeypatch.delenv("DESK_HOLD_ON_ERROR")
    assert app.main(["--data-dir", str(shared), "verify", "123"]) == 1
    assert pressed == [True]  # an admin's shell is not held
