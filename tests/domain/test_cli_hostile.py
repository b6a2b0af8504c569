"""Hostile command-line input: a clear message and a non-zero exit, never a
traceback; nothing half-written; nothing created outside the data directory
but the file asked for, 0660 whatever the umask."""

from __future__ import annotations

import errno
import os

import orjson
import pytest

import app
from console import cli
from console.core.store import Store
from console.core import logs
from console.errands import keys


@pytest.fixture
def cmd(store, capsys):
    """cmd(*args) -> (exit status, stdout, stderr) of `app.py --data-dir D args`."""
    def run(*args: str):
        code = app.main(["--data-dir", str(store.root), *args])
        out = capsys.readouterr()
        assert "Traceback" not in out.out + out.err
        return code, out.out, out.err
    return run


@pytest.mark.parametrize("content, message", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not a text file"),
    (("\ufeff" + "1. 1栋101 土豆2斤").encode("utf-8")[:-1] + b"\xff", "encoding"),
])
def test_parse_orders_refuses_what_is_not_text(cmd, tmp_path, content, message):
    path = tmp_path / "list.txt"
    path.write_bytes(content)
    code, out, err = cmd("parse-orders", str(path))
    assert code == cli.EXIT_REFUSED and message in err and out == ""


def test_parse_orders_reads_a_gbk_file(cmd, tmp_path):
    path = tmp_path / "list.txt"
    path.write_bytes("1. 1栋101 土豆2斤".encode("gbk"))
    code, out, err = cmd("parse-orders", str(path))
    assert code == 0 and orjson.loads(out)["door"] == "1-101"


@pytest.mark.parametrize("where", ["missing", "folder"])
def test_parse_orders_on_a_missing_file_or_a_folder(cmd, tmp_path, where):
    path = tmp_path / "absent.txt" if where == "missing" else tmp_path
    code, _, err = cmd("parse-orders", str(path))
    assert code == cli.EXIT_REFUSED and str(path) in err
    assert ("No such file" if where == "missing" else "directory") in err


def test_export_to_a_folder_or_a_missing_folder_is_refused(cmd, tmp_path):
    code, _, err = cmd("export", "checkpoint", "-o", str(tmp_path))
    assert code != 0 and "folder" in err
    far = tmp_path / "no" / "such" / "place" / "log.csv"
    code, _, err = cmd("export", "checkpoint", "-o", str(far))
    assert code != 0 and str(far.parent) in err
    assert not (tmp_path / "no").exists()


def test_export_to_a_place_that_refuses_the_file(cmd):
    code, _, err = cmd("export", "checkpoint", "-o", "/proc/desk-export.csv")
    assert code != 0 and "/proc/desk-export.csv" in err


def test_export_is_group_only_whatever_the_umask(cmd, store, tmp_path):
    before = os.umask(0o022)
    try:
        code, out, _ = cmd("export", "checkpoint", "-o", str(tmp_path / "log.csv"))
        inside, _, _ = cmd("export", "checkpoint")
    finally:
        os.umask(before)
    assert code == inside == 0
    assert (tmp_path / "log.csv").stat().st_mode & 0o777 == 0o660
    exports = store.root / "exports"
    assert exports.stat().st_mode & 0o7777 == 0o2770
    assert all(p.stat().st_mode & 0o777 == 0o660 for p in exports.iterdir())


def test_backup_into_an_existing_file_is_refused(cmd, tmp_path):
    target = tmp_path / "backup"
    target.write_text("not a folder")
    code, _, err = cmd("backup", str(target))
    assert code == cli.EXIT_REFUSED and "already exists" in err
    assert target.read_text() == "not a folder"


def test_backup_onto_a_full_disk_leaves_nothing_half_made(cmd, tmp_path, monkeypatch):
    from console.core import store_files

    written, real = [], store_files.write_all

    def write_all(fd, payload):
        if len(written) >= 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(fd)
        return real(fd, payload)

    monkeypatch.setattr(store_files, "write_all", write_all)
    code, _, err = cmd("backup", str(tmp_path / "backup"))
    assert code == cli.EXIT_REFUSED and "disk is full" in err and written
    assert list(tmp_path.iterdir()) == [tmp_path / "data"]


def test_backup_is_whole_and_group_only(cmd, tmp_path):
    before = os.umask(0o022)
    try:
        code, _, _ = cmd("backup", str(tmp_path / "backup"))
    finally:
        os.umask(before)
    assert code == 0 and len(Store(tmp_path / "backup").table("roster")) == 2
    assert (tmp_path / "backup").stat().st_mode & 0o7777 == 0o2770
    assert (tmp_path / "backup" / "keys" / "pins.json").is_file()  # PINs come back with a restore


def test_verify_with_a_damaged_key_file(cmd, store):
    secret = "ab" * 32
    path = store.root / keys.KEYS_FILE
    path.parent.mkdir(exist_ok=True)
    path.write_text('{"current": "123", "keys": {"123": {"secret": "' + secret)
    code, out, err = cmd("verify", "1" * 52)
    assert code == cli.EXIT_REFUSED and "pass key file" in err and "damaged" in err
    assert secret[:8] not in out + err


def test_stock_sheet_for_a_building_that_does_not_exist(cmd, store):
    code, out, err = cmd("stock", "--sheet", "99")
    assert code == cli.EXIT_REFUSED and "Building 99 is not in the registry" in err
    assert not (store.root / "exports").exists()


def test_an_unexpected_error_is_a_short_message_and_a_log_entry(cmd, store, monkeypatch, capsys):
    def broken(store, args):
        raise RuntimeError("something no volunteer should read")

    monkeypatch.setattr(next(c for c in cli.OWN_COMMANDS if c.name == "check"), "run", broken)
    code, out, err = cmd("check")
    assert code == cli.EXIT_CRASHED and "Tell a leader, reference" in err
    assert "something no volunteer" not in err
    assert "something no volunteer" in logs.path(store.root).read_text()
    assert app.main(["--data-dir", str(store.root), "log"]) == 0  # the admin's view
    out = capsys.readouterr().out
    assert str(logs.path(store.root)) in out and "RuntimeError" in out
