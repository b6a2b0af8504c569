"""Admin command line: check, backup, demo, version, bad data directories."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import app
from console.core.store import Store

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "app.py"), *args], capture_output=True,
                          text=True, env={**os.environ, "LANG": "C.UTF-8", **(env or {})}, timeout=120)


def test_console_cli_alone_knows_every_command():
    """Nothing registers itself on import: a fresh `import console.cli` lists them all."""
    code = "import console.cli as c; print(' '.join(x.name for x in c.commands()))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.stdout.split() == ["check", "migrate", "backup", "demo", "rotate-key", "log", "export", "purge",
                                  "import", "verify", "stock", "parse-orders"], out.stderr
    assert "textual" not in subprocess.run(
        [sys.executable, "-c", "import sys, console.cli; print(' '.join(sys.modules))"],
        capture_output=True, text=True, cwd=ROOT, timeout=120).stdout.split()


def test_the_console_starts_without_loading_the_commands(store):
    """No command: the console's first screen does not wait for every feature's code."""
    code = ("import sys, app, console.cli as c; "
            f"c.main(['--data-dir', {str(store.root)!r}], "
            "lambda s, a: print(' '.join(m for m in app.AFTER_SIGN_IN if m in sys.modules), 'started') or 0)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.stdout.split() == ["started"], out.stdout + out.stderr


def test_version():
    out = run("--version")
    assert out.returncode == 0 and "desk-console" in out.stdout


def _segment(store: Store) -> Path:
    return sorted((store.root / "journal").glob("*.jsonl"))[-1]


def _damage_line(store: Store, n: int) -> None:
    """Flip a byte inside journal line ``n`` (1-based), in place."""
    path = _segment(store)
    lines = path.read_bytes().splitlines(keepends=True)
    lines[n - 1] = lines[n - 1].replace(b'"op":"', b'"op":"~', 1)
    path.write_bytes(b"".join(lines))


def test_check_clean_then_damaged_checkpoint_is_named_and_rebuilt(store, capsys):
    assert app.main(["--data-dir", str(store.root), "check"]) == 0
    assert "all good" in capsys.readouterr().out
    store.checkpoint()
    (store.root / "tables" / "households.json").write_text("{not json")
    assert app.main(["--data-dir", str(store.root), "check"]) == 1
    out = capsys.readouterr().out
    assert "households.json" in out and "rebuilt from the journal" in out and "nothing lost" in out
    assert len(Store(store.root).table("households")) == 48
    assert list((store.root / "damaged").rglob("households.json.*"))
    assert app.main(["--data-dir", str(store.root), "check"]) == 0


def test_damaged_line_without_snapshot_is_named_and_listed_as_lost(store, capsys):
    _damage_line(store, 2)
    assert app.main(["--data-dir", str(store.root), "check"]) == 1
    out = capsys.readouterr().out
    assert _segment(store).name in out and "transaction 2" in out and "could not be recovered" in out
    assert list((store.root / "damaged").rglob("*.jsonl.*"))  # the damaged segment is kept
    assert len(Store(store.root).table("households")) == 48  # the lines after it are all there
    assert app.main(["--data-dir", str(store.root), "check"]) == 0


def test_backup_is_a_real_copy_that_opens_as_a_data_directory(store, tmp_path, capsys):
    dest = tmp_path / "backup"
    assert app.main(["--data-dir", str(store.root), "backup", str(dest)]) == 0
    copy = Store(dest)
    assert len(copy.table("households")) == 48 and len(copy.table("roster")) == 2
    assert os.stat(_segment(copy)).st_ino != os.stat(_segment(store)).st_ino
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


def test_console_refuses_to_start_on_damage_it_cannot_repair(store):
    _damage_line(store, 2)
    _damage_line(store, 3)  # two in a row: nothing left to tie the chain to
    out = run("--data-dir", str(store.root))
    assert out.returncode == 2 and _segment(store).name in out.stderr and "Traceback" not in out.stderr


async def test_repaired_checkpoint_is_reported_on_screen(store):
    from app import DeskApp
    from console.cli import check_report

    store.checkpoint()
    (store.root / "tables" / "roster.json").write_text("{}")  # valid JSON, but not the roster
    lines, usable = check_report(store, full=False)
    assert usable and "roster.json" in lines[0]
    assert len(store.table("roster")) == 2
    app_ = DeskApp(store, problems=lines)
    async with app_.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert any("roster.json" in str(n.message) for n in app_._notifications)


def test_rotate_key_keeps_printed_passes_valid(store, capsys):
    from console.core.commands import admin_actor
    from console.errands import keys

    old = keys.rotate_key(store, admin_actor(store))
    assert app.main(["--data-dir", str(store.root), "rotate-key"]) == 0
    out = capsys.readouterr().out
    new = out.split(":")[1].split(".")[0].strip()
    assert new and new != old
    audit = store.history()
    assert audit[-1]["table"] == "pass_keys" and audit[-1]["by"]["op"].startswith("命令行")


def test_check_on_an_empty_or_missing_data_directory_says_there_is_no_data(tmp_path, capsys):
    empty = tmp_path / "data"
    empty.mkdir()
    assert app.main(["--data-dir", str(empty), "check"]) == 0
    out = capsys.readouterr().out
    assert "no data in" in out.lower() and "all good" not in out
    missing = tmp_path / "nothing"
    assert app.main(["--data-dir", str(missing), "check"]) == 2
    assert "does not exist" in capsys.readouterr().err and not missing.exists()


def test_import_check_writes_nothing(store, tmp_path, capsys):
    csv_file = tmp_path / "homes.csv"
    csv_file.write_text("building,door,head,members,grid\n1,1-901,新户,2,1\n", encoding="utf-8")
    before = sorted(p.name for p in store.root.rglob("*"))
    assert app.main(["--data-dir", str(store.root), "import", "households", str(csv_file),
                     "--check"]) == 0
    assert "checked only" in capsys.readouterr().out
    assert sorted(p.name for p in store.root.rglob("*")) == before  # no lock file, nothing new
    missing = tmp_path / "no-data"
    assert app.main(["--data-dir", str(missing), "import", "households", str(csv_file),
                     "--check"]) == 2
    assert not missing.exists()
