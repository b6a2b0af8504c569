"""Admin command line: check, backup, demo, version, bad data directories."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import app
from console.core.store import Store

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "app.py"), *args], capture_output=True,
                          text=True, env={**os.environ, "LANG": "C.UTF-8", **(env or {})}, timeout=120)


def test_console_cli_alone_knows_every_command():
    """Nothing registers itself on import: a fresh `import console.cli` lists them all."""
    code = "import console.cli as c; print(' '.join(x.name for x in c.COMMANDS))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.stdout.split() == ["export", "check", "backup", "demo", "rotate-key", "log", "import", "verify",
                                  "stock", "parse-orders"], out.stderr
    assert "textual" not in subprocess.run(
        [sys.executable, "-c", "import sys, console.cli; print(' '.join(sys.modules))"],
        capture_output=True, text=True, cwd=ROOT, timeout=120).stdout.split()


def test_version():
    out = run("--version")
    assert out.returncode == 0 and "desk-console" in out.stdout


def test_check_clean_then_damaged_file_is_named_and_restored(store, capsys):
    assert app.main(["--data-dir", str(store.root), "check"]) == 0
    assert "all good" in capsys.readouterr().out
    store.snapshot()
    bad = store.root / "x.tmp"
    bad.write_text("{not json")
    os.replace(bad, store.root / "households.json")
    assert app.main(["--data-dir", str(store.root), "check"]) == 1
    out = capsys.readouterr().out
    assert "households.json" in out and "restored" in out
    assert len(Store(store.root).table("households")) == 48
    assert list((store.root / "damaged").iterdir())


def test_damaged_file_without_snapshot_is_left_and_reported(store, capsys):
    (store.root / "roster.json").write_text("[1, 2")
    assert app.main(["--data-dir", str(store.root), "check"]) == 1
    assert "roster.json" in capsys.readouterr().out
    assert (store.root / "roster.json").read_text() == "[1, 2"


def test_backup_copies_every_file(store, tmp_path, capsys):
    dest = tmp_path / "backup"
    assert app.main(["--data-dir", str(store.root), "backup", str(dest)]) == 0
    copy = Store(dest)
    assert len(copy.table("households")) == 48 and len(copy.table("roster")) == 2
    assert os.stat(dest / "roster.json").st_ino != os.stat(store.root / "roster.json").st_ino
    assert app.main(["--data-dir", str(store.root), "backup", str(dest)]) == 2  # refused: not empty


def test_demo_fills_once_and_keeps_existing_data(tmp_path):
    data = tmp_path / "demo"
    first = run("--data-dir", str(data), "demo", "--days", "2")
    assert first.returncode == 0, first.stderr
    s = Store(data)
    assert len(s.table("households")) == 1472
    assert len({h["building"] for h in s.table("households").all()}) == 22
    assert len({h["grid"] for h in s.table("households").all()}) == 5
    assert len(s.table("roster")) == 17
    again = run("--data-dir", str(data), "demo")
    assert again.returncode == 0 and "keeping" in again.stdout


def test_missing_data_directory_is_a_clear_message(tmp_path):
    out = run("--data-dir", str(tmp_path / "no" / "such"), "check")
    assert out.returncode == 2
    assert "does not exist" in out.stderr and "Traceback" not in out.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write a read-only directory")
def test_read_only_data_directory_is_a_clear_message(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    out = run("--data-dir", str(ro), "check")
    assert out.returncode == 2 and "not writable" in out.stderr


def test_messages_follow_the_language(tmp_path):
    out = run("--lang", "zh", "--data-dir", str(tmp_path / "no" / "such"), "check")
    assert "不存在" in out.stderr


def test_console_refuses_to_start_on_a_damaged_file_it_cannot_restore(store):
    (store.root / "roster.json").write_text("{")
    out = run("--data-dir", str(store.root))
    assert out.returncode == 2 and "roster.json" in out.stderr


async def test_restored_file_is_reported_on_screen(store):
    from app import DeskApp
    from console.cli import check_report

    store.snapshot()
    bad = store.root / "x.tmp"
    bad.write_text("oops")
    os.replace(bad, store.root / "roster.json")
    lines, usable = check_report(store)
    assert usable and "roster.json" in lines[0]
    app_ = DeskApp(store, problems=lines)
    async with app_.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert any("roster.json" in str(n.message) for n in app_._notifications)


def test_rotate_key_keeps_printed_passes_valid(store, capsys):
    from console.errands import passes

    old = passes.rotate_key(store, app.cli.admin_actor(store))
    assert app.main(["--data-dir", str(store.root), "rotate-key"]) == 0
    out = capsys.readouterr().out
    new = out.split(":")[1].split(".")[0].strip()
    assert new and new != old
    audit = store.table("audit", day=True).all()
    assert audit and audit[-1]["_by"]["op"].startswith("命令行")
