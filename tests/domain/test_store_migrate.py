"""Upgrade of a version 0.1 data directory (the fixture was made with
`python app.py --data-dir X demo --days 2` on the 0.1 code, slips left out)."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import orjson
import pytest

from console.errands import errand as errands, keys, passes
from console.stock import balances as stock_balances
from console.core.store import Store
from tests.domain.test_cli import ROOT, run

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "store-0.1-demo.tar.xz"


@pytest.fixture
def old_dir(tmp_path) -> Path:
    with tarfile.open(FIXTURE) as tar:
        tar.extractall(tmp_path, filter="data")
    root = tmp_path / "v01demo"
    snap = root / "snapshots" / "20261202-060000-1"  # a 0.1 hard-link snapshot
    snap.mkdir(parents=True)
    os.link(root / "roster.json", snap / "roster.json")
    return root


def _old_tables(root: Path) -> dict[tuple[str, str | None], dict]:
    out = {}
    for path in sorted(root.rglob("*.json")):
        rel = path.relative_to(root)
        if rel.parts[0] in ("keys", "snapshots", "audit"):
            continue
        day = path.stem if len(rel.parts) == 2 else None
        for table, docs in orjson.loads(path.read_bytes()).items():
            if table != "_counters":  # 0.1 PIN hashes move to the key file (below)
                out[(table, day)] = {k: {f: v for f, v in d.items() if f not in ("pin_hash", "salt")}
                                     for k, d in docs.items()}
    return out


def test_a_0_1_demo_directory_is_converted_on_first_open_with_a_report(old_dir):
    before = _old_tables(old_dir)
    audit_entries = len(orjson.loads((old_dir / "audit" / "2026-12-02.json").read_bytes())["audit"])
    store = Store(old_dir)
    report = "\n".join(store.migrated)
    assert "households: 1472 records" in report and "checkpoint: " in report and "over 2 days" in report
    assert f"{audit_entries} entries kept" in report and "v0.1" in report
    for (table, day), docs in before.items():
        rows = store.table(table, day).all()
        assert {str(r.doc_id): dict(r) for r in rows} == docs, (table, day)  # ids and records kept
    assert store.days("checkpoint") == ["2026-12-01", "2026-12-02"]
    # the old files are kept aside, never deleted; the key file stays where passes need it
    aside = old_dir / "v0.1"
    assert (aside / "roster.json").is_file() and (aside / "audit" / "2026-12-02.json").is_file()
    assert (aside / "snapshots" / "20261202-060000-1" / "roster.json").is_file()
    assert not (old_dir / "roster.json").exists() and (old_dir / keys.KEYS_FILE).is_file()
    assert store.check() == []
    assert Store(old_dir).migrated == []  # converted once


def test_converted_counters_and_rules_carry_on(old_dir):
    old_errands = orjson.loads((old_dir / "errands.json").read_bytes())["_counters"]["1"]
    store = Store(old_dir)
    with store.transaction("errands") as tx:
        assert tx.next_number("errand") == old_errands["errand"] + 1
        assert tx.next_number("pass") == old_errands["pass"] + 1
    balances = {b["item"]: b["balance"] for b in stock_balances.balances(store)}
    assert balances and all(v >= 0 for v in balances.values())
    issued = [e for e in store.table("errands").all() if e.get("code") and e.get("state") == "issued"]
    verdict = passes.verify(store, issued[0]["code"]).kind  # printed passes still verify (the
    assert issued and verdict in ("valid_out", "not_yet_valid", "expired")  # fixture's days are past)
    assert errands.get(store, issued[0]["number"])["number"] == issued[0]["number"]


def test_migrate_command_reports_then_says_nothing_to_do(old_dir):
    out = run("--lang", "en", "--data-dir", str(old_dir), "migrate")
    assert out.returncode == 0, out.stderr
    assert "converted from version 0.1" in out.stdout and "roster: 17 records" in out.stdout
    again = run("--lang", "en", "--data-dir", str(old_dir), "migrate")
    assert again.returncode == 0 and "nothing to convert" in again.stdout


def test_an_unreadable_0_1_file_is_reported_and_kept_and_a_cut_short_upgrade_starts_over(old_dir):
    (old_dir / "shifts.json").write_bytes(b'{"shifts": {"1": ')
    (old_dir / "journal.new").mkdir()  # an earlier upgrade died before its rename
    (old_dir / "journal.new" / "000000000001.jsonl").write_bytes(b"half")
    store = Store(old_dir)
    assert any("shifts.json" in line and "could not be read" in line for line in store.migrated)
    assert (old_dir / "v0.1" / "shifts.json").read_bytes() == b'{"shifts": {"1": '
    assert not (old_dir / "journal.new").exists() and len(store.table("roster")) == 17


def test_the_console_starts_on_a_0_1_directory_and_converts_it(old_dir):
    code = ("import sys; sys.argv = ['app.py', '--data-dir', sys.argv[1], 'check']\n"
            "import app; sys.exit(app.main(sys.argv[1:]))")
    out = subprocess.run([sys.executable, "-c", code, str(old_dir)], capture_output=True, text=True,
                         cwd=ROOT, timeout=120, env={**os.environ, "LANG": "C.UTF-8"})
    assert out.returncode == 0, out.stderr
    assert (old_dir / "journal").is_dir() and (old_dir / "v0.1").is_dir()


def _old_pin_secrets(root: Path, key: str = "pin_hash") -> list[bytes]:
    """The hashes (or salts) 0.1 kept in its roster records (scrypt n=2**14, p=1)."""
    members = orjson.loads((root / "roster.json").read_bytes())["roster"].values()
    assert all("pin_hash" in m and "salt" in m for m in members)
    return [m[key].encode() for m in members]


def _files_holding(root: Path, needles: list[bytes]) -> list[str]:
    return [str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()
            and any(n in p.read_bytes() for n in needles)]


def test_the_upgrade_scrubs_0_1_pin_hashes_from_everything_kept_and_old_pins_still_sign_in(old_dir):
    from console.core import keyfiles, operators
    from console.demo.roster import DEMO_PIN  # 0.1 gave its leaders the same 4-digit PIN

    old, salts = _old_pin_secrets(old_dir), _old_pin_secrets(old_dir, "salt")
    store = Store(old_dir)
    assert any("0.1 PIN hashes: 17 moved" in line for line in store.migrated)
    # journal, checkpoints, the 0.1 files and audit trail kept aside, the 0.1 snapshot, the key file
    assert _files_holding(old_dir, [*old, b"pin_hash"]) == []
    assert _files_holding(old_dir, salts) == ["keys/pins.json"]  # the inner salt of each wrapped hash
    assert (old_dir / "v0.1" / "audit" / "2026-12-02.json").is_file()  # kept, redacted
    assert not any("pin_hash" in (e["after"] or {}) or "pin_hash" in (e["before"] or {})
                   for e in store.history())
    assert all("salt" not in m and "pin_hash" not in m for m in store.table("roster").all())
    pins = keyfiles.read(store, operators.PINS)
    assert len(pins) == 17 and all("inner" in p for p in pins.values())
    # the old PINs sign in; the first sign-in replaces the wrapped hash with a fresh one
    assert operators.sign_in(store, "刘敏", DEMO_PIN).role == "volunteer"
    leader = operators.sign_in(store, "郭振兴", DEMO_PIN)
    assert leader.is_leader and operators.needs_longer_pin(store, leader)  # told to set 6 digits
    pins = keyfiles.read(store, operators.PINS)
    assert "inner" not in pins["刘敏"] and pins["刘敏"]["long"] is False
    assert "inner" in pins["周显甫"] and operators.sign_in(store, "刘敏", DEMO_PIN)
    with pytest.raises(Exception):
        operators.sign_in(store, "周显甫", "000000")
    assert store.check() == []


def test_a_second_migrate_is_a_no_op_and_one_converted_before_the_scrub_is_scrubbed(old_dir, monkeypatch):
    from console.core import store_migrate

    old = _old_pin_secrets(old_dir)
    monkeypatch.setattr(store_migrate, "scrub_pins", lambda store, search=False: [])
    store = Store(old_dir)  # as converted by the first 0.2 code: hashes in the history
    assert _files_holding(old_dir, old)
    monkeypatch.undo()
    journal = sorted((old_dir / "journal").iterdir())
    out = run("--lang", "en", "--data-dir", str(old_dir), "migrate")
    assert out.returncode == 0, out.stderr
    assert "0.1 PIN hashes: 17 moved" in out.stdout and _files_holding(old_dir, [*old, b"pin_hash"]) == []
    journal = [(p.name, p.read_bytes()) for p in sorted((old_dir / "journal").iterdir())]
    again = run("--lang", "en", "--data-dir", str(old_dir), "migrate")
    assert again.returncode == 0 and "nothing to convert" in again.stdout
    assert [(p.name, p.read_bytes()) for p in sorted((old_dir / "journal").iterdir())] == journal
    assert len(store.table("roster")) == 17


def test_a_scrub_cut_short_runs_again_on_the_next_open(old_dir, monkeypatch):
    from console.core import store_migrate

    old = _old_pin_secrets(old_dir)

    def crash(store, search=False):
        raise KeyboardInterrupt  # killed between the conversion and the scrub

    monkeypatch.setattr(store_migrate, "scrub_pins", crash)
    with pytest.raises(KeyboardInterrupt):
        Store(old_dir)
    monkeypatch.undo()
    assert (old_dir / store_migrate.SCRUB_TODO).exists() and _files_holding(old_dir, old)
    store = Store(old_dir)
    assert any("0.1 PIN hashes" in line for line in store.migrated)
    assert _files_holding(old_dir, [*old, b"pin_hash"]) == [] and store.check() == []
    assert not (old_dir / store_migrate.SCRUB_TODO).exists()
