"""The gate's incremental indexes agree with a full recomputation.

``store.changes`` gives a table's changes since a version; ``cache.folded``
folds them into a value instead of rebuilding it. The gate keeps two such
values per day: the moves the rules read (console/checkpoint/moves.py) and
the repeat-visitor index (console/checkpoint/visitors.py). Whatever
happens to the log — entries, annulments and fixes, updates and removals
by hand, another desk or another process writing, checkpoints, a journal
rewrite, a new day, a restart — each must equal the value built from the
records as they are now, and the rules must give the same verdicts.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from console.checkpoint import corrections, inside, moves, visitors
from console.checkpoint import gate as cp
from console.checkpoint import rules as gate_rules
from console.core import cache
from console.core.store import Store

from tests.domain import test_gate_tally as tally
from tests.domain.test_gate_rules import DAY, GATE, T0, form, now  # noqa: F401 (now: the fixture)

ROOT = Path(__file__).resolve().parents[2]


def records(store: Store, day: str = DAY) -> list[tuple[int, dict]]:
    return [(r.doc_id, dict(r)) for r in store.table("checkpoint", day).all()]


def reference(store: Store, day: str = DAY) -> tuple[dict, list]:
    """The day's moves computed from scratch the way the rules define them:
    the live log (rules.live), each entry's move, grouped by door."""
    doors: dict[str, list[dict]] = {}
    outsiders: list[dict] = []
    for e in gate_rules.live(store.table("checkpoint", day).all()):
        move = moves.move_of(e["id"], e)
        if move is not None:
            (doors.setdefault(move["door"], []) if move["door"] else outsiders).append(move)
    return doors, outsiders


def assert_agrees(store: Store, day: str = DAY) -> None:
    d = moves.day_digest(store, day)
    doors, outsiders = reference(store, day)
    assert d.doors == doors and d.outsiders == outsiders
    assert d.moves == {m["id"]: m for ms in (*doors.values(), outsiders) for m in ms}
    got = visitors.day_index(store, day, day)  # as today's index, folded
    built = visitors._build(records(store, day))
    assert got.index == built.index
    assert list(got.visitors.items()) == list(built.visitors.items())
    assert visitors.day_index(store, day, "2099-01-01").text == visitors._build_past(records(store, day)).text
    tally.assert_agrees(store, (day,))


def entry(i: int, door: str = "1-302", **kw) -> dict:
    at = (T0 + dt.timedelta(minutes=i)).isoformat()
    return {"at": at, "name": f"人{i % 5}", "phone": "", "door": door, "org": "" if door else "顺丰",
            "direction": "out" if i % 2 else "in", "outcome": "allowed", "gate": GATE, **kw}


# -- the store's changes since a version ----------------------------------------

def test_changes_since_a_version_are_the_new_journal_changes(store):
    log = store.table("checkpoint", DAY)
    assert store.changes("checkpoint", DAY).records == []  # never written: nothing to build from
    a = log.insert(entry(1))
    v1 = store.version("checkpoint", DAY)
    assert store.changes("checkpoint", DAY, since=v1).changes == []
    b = log.insert(entry(2))
    log.update({"name": "改"}, doc_ids=[a])
    log.remove(doc_ids=[b])
    store.table("checkpoint", "2026-03-06").insert(entry(3))  # another day: not this table's
    delta = store.changes("checkpoint", DAY, since=v1)
    assert delta.version == store.version("checkpoint", DAY)
    assert [(c["op"], c["id"]) for c in delta.changes] == [("insert", b), ("update", a), ("remove", b)]
    assert delta.changes[1]["after"]["name"] == "改" and delta.records is None
    assert store.changes("checkpoint", DAY, since=delta.version).changes == []


def test_changes_cannot_tell_across_a_checkpoint_or_a_rewrite_and_give_the_records(store):
    log = store.table("checkpoint", DAY)
    log.insert(entry(1))
    v1 = store.version("checkpoint", DAY)
    log.insert(entry(2))
    other = Store(store.root)  # another desk checkpoints: the tail before it is gone
    other.checkpoint()
    log.insert(entry(3))
    delta = store.changes("checkpoint", DAY, since=v1)
    assert delta.changes is None and [r["at"] for _, r in delta.records] == [
        entry(i)["at"] for i in (1, 2, 3)]
    v3 = delta.version
    log.insert(entry(4))
    assert len(store.changes("checkpoint", DAY, since=v3).changes) == 1  # after it: a lookup again
    store.redact(lambda table, day, r: {**r, "name": "某"} if table == "checkpoint" else r)
    delta = store.changes("checkpoint", DAY, since=v3)  # from before the rewrite
    assert delta.changes is None and {r["name"] for _, r in delta.records} == {"某"}


# -- the folding cache -----------------------------------------------------------

def test_folded_folds_new_changes_and_builds_only_when_it_must(store, monkeypatch):
    built = []
    count = lambda recs: built.append(len(recs)) or len(recs)  # noqa: E731
    fold = lambda n, changes: n + sum(1 if c["op"] == "insert" else -1 if c["op"] == "remove"  # noqa: E731
                                      else 0 for c in changes)
    log = store.table("checkpoint", DAY)
    value = lambda: cache.folded(store, "checkpoint", count, fold, day=DAY, tag="t")  # noqa: E731
    assert value() == 0 and built == [0]
    ids = log.insert_multiple([entry(i) for i in range(5)])
    log.remove(doc_ids=ids[:2])
    assert value() == 3 and value() == 3 and built == [0]  # folded, not built
    log.insert(entry(8))
    Store(store.root).checkpoint()  # another desk: the tail after the value's version is gone
    log.insert(entry(9))
    assert value() == 5 and built == [0, 5]  # so it is built again
    log.insert(entry(10))
    assert value() == 6 and built == [0, 5]
    monkeypatch.setattr(cache, "FOLD", False)
    log.insert(entry(11))
    assert value() == 7 and built == [0, 5, 7]
    monkeypatch.setattr(cache, "FOLD", True)
    refuse = lambda n, changes: None  # noqa: E731
    log.insert(entry(12))
    assert cache.folded(store, "checkpoint", count, refuse, day=DAY, tag="t") == 8
    assert built == [0, 5, 7, 8]


def test_todays_value_is_never_folded_with_tomorrows_changes(store, now):
    fold = lambda n, changes: n + len(changes)  # noqa: E731
    value = lambda: cache.folded(store, "checkpoint", len, fold, tag="days")  # noqa: E731 (today)
    store.table("checkpoint").insert_multiple([entry(1), entry(2)])
    assert value() == 2
    now.set(T0 + dt.timedelta(days=1))
    store.table("checkpoint").insert(entry(3))
    assert value() == 1
    now.set(T0)
    assert value() == 2


def test_a_fold_leaves_the_value_other_threads_read_as_it_was(store):
    log = store.table("checkpoint", DAY)
    log.insert_multiple([entry(i) for i in range(4)] + [entry(5, door="")])
    before = moves.day_digest(store, DAY)
    doors, outsiders = ({k: list(v) for k, v in before.doors.items()}, list(before.outsiders))
    ids = [i for i, _ in records(store)]
    log.insert_multiple([entry(6), entry(7, door="")])
    log.insert({"corrects": ids[0], "correction": "annul", "at": entry(8)["at"]})
    after = moves.day_digest(store, DAY)
    assert after is not before and len(after.outsiders) == 2
    assert before.doors == doors and before.outsiders == outsiders


# -- the gate's indexes against a full recomputation ---------------------------

DOORS = ("1-301", "1-302", "2-101", "")  # "" : an outsider


@st.composite
def steps(draw):
    kind = draw(st.sampled_from(["insert"] * 5 + ["annul", "fix", "update", "remove", "other desk",
                                                  "checkpoint", "correct a correction"]))
    return (kind, draw(st.integers(0, 50)), draw(st.sampled_from(DOORS)),
            draw(st.sampled_from(["allowed", "allowed_with_pass", "turned_away"])),
            draw(st.sampled_from(["in", "out", "attempt"])), draw(st.booleans()))


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(steps(), min_size=1, max_size=25))
def test_folded_indexes_agree_with_a_full_recomputation(program):
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as closing:
        store = Store(Path(tmp) / "data")
        other = Store(store.root)
        closing.callback(store.close)   # 40 programs: open journals would run out of descriptors
        closing.callback(other.close)
        log = store.table("checkpoint", DAY)
        for n, (kind, k, door, outcome, direction, flag) in enumerate(program):
            ids = [i for i, _ in records(store)]
            row = {**entry(n, door), "outcome": outcome, "direction": direction,
                   "name": f"人{k % 3}", "phone": f"1380000000{k % 2}" if flag else ""}
            if flag and outcome == "allowed_with_pass":
                row.update({"pass": k % 3, "pass_kind": "household"})
            if flag and direction == "out":
                row["rule"] = {"kind": "allow", "due_back": (T0 + dt.timedelta(hours=k)).isoformat()}
            target = ids[k % len(ids)] if ids else None
            if kind == "insert" or target is None:
                log.insert(row)
            elif kind == "annul":
                log.insert({"corrects": target, "correction": "annul", "at": row["at"]})
            elif kind in ("fix", "correct a correction"):
                fixes = [i for i, r in records(store) if r.get("corrects")]
                aim = fixes[k % len(fixes)] if fixes and kind != "fix" else target
                log.insert({**row, "corrects": aim, "correction": "fix"})
            elif kind == "update":
                log.update({"door": door, "direction": direction, "outcome": outcome}, doc_ids=[target])
            elif kind == "remove":
                log.remove(doc_ids=[target])
            elif kind == "other desk":
                other.table("checkpoint", DAY).insert(row)
            else:
                other.checkpoint()
            if flag or n == len(program) - 1:
                assert_agrees(store)


def test_corrections_through_the_domain_keep_the_indexes_and_the_rules_right(store, leader,
                                                                             volunteer, now):
    e = cp.log_entry(store, volunteer, GATE, form())
    assert gate_rules.decide(store, direction="out", door="1-302", name="王芳").denied
    assert_agrees(store)
    corrections.annul(store, leader, DAY, e["id"], "登记错了人")
    assert_agrees(store)
    assert gate_rules.decide(store, direction="out", door="1-302", name="王芳").kind == "allow"
    f = cp.log_entry(store, volunteer, GATE, form(door="1-303", name="张三"))
    fixed = corrections.fix(store, leader, DAY, f["id"], form(door="2-101", name="张三"))
    assert_agrees(store)
    assert [r["door"] for r in inside.out_now(store)] == ["2-101"]
    assert gate_rules.door_trips(store, "1-303", now.t) == []
    # a fix is judged as if the entry it replaces had not been logged
    again = corrections.fix(store, leader, DAY, fixed["id"], form(door="2-101", name="张三"))
    assert again["rule"]["kind"] == "allow"
    assert visitors.repeat_info(store, "张三", "", "2-101")["today"][-1]["id"] == again["id"]
    assert_agrees(store)


def test_another_process_writing_is_folded_in(store, volunteer, now):
    cp.log_entry(store, volunteer, GATE, form(door="1-301"))
    assert_agrees(store)  # this desk's indexes are built
    code = (f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
            "from console.core.store import Store\n"
            f"s = Store({str(store.root)!r}); log = s.table('checkpoint', {DAY!r})\n"
            f"log.insert_multiple({[entry(i, d) for i, d in enumerate(DOORS * 3)]!r})\n"
            f"log.insert({{'corrects': 1, 'correction': 'annul', 'at': {T0.isoformat()!r}}})\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    assert_agrees(store)
    assert gate_rules.door_trips(store, "1-301", now.t) == []  # its one way out was annulled
    assert gate_rules.decide(store, direction="out", door="1-302", name="王芳").denied  # its outs count


def test_a_new_day_and_a_restart_start_from_the_records(store, volunteer, now):
    cp.log_entry(store, volunteer, GATE, form(door="1-301", direction="out"))
    assert [t.out["door"] for t in gate_rules.door_trips(store, "1-301", now.t)] == ["1-301"]
    now.set(T0 + dt.timedelta(days=1))
    tomorrow = now.t.date().isoformat()
    cp.log_entry(store, volunteer, GATE, form(door="1-302", direction="out"))
    assert_agrees(store, DAY)
    assert_agrees(store, tomorrow)
    assert {r["door"] for r in inside.out_now(store)} == {"1-301", "1-302"}  # yesterday's still out
    store.checkpoint()
    restarted = Store(store.root)
    cache._folded.clear()  # a new process: nothing derived yet
    assert_agrees(restarted, DAY)
    assert_agrees(restarted, tomorrow)
    cp.log_entry(restarted, volunteer, GATE, form(door="1-301", direction="in"))
    assert_agrees(restarted, tomorrow)
    assert [r["door"] for r in inside.out_now(restarted)] == ["1-302"]
