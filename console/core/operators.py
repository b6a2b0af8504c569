"""The roster of volunteers, roles, PINs, sign-in, and who-did-what.

PINs are 4 to 8 digits (a leader's 6 to 8), stored only as an scrypt hash
with a random salt in ``keys/pins.json`` beside the store, so the audit
trail never holds a PIN hash. Each hash keeps its scrypt parameters: old
hashes still verify and are upgraded at the next sign-in. Version 0.1 kept
a weaker hash (scrypt n=2**14, p=1, no stored cost) in the roster record
itself (``pin_hash``, ``salt``); the 0.1 upgrade moves it here hashed once
more at today's cost (:func:`adopt_inline_hashes`, an ``inner`` record), so
the 0.1 hash itself is kept nowhere, and a fresh hash replaces it at the
member's first sign-in.

Every attempt is counted before the PIN is checked, inside a store
transaction, so parallel sessions cannot out-guess the counter; when the
attempt cannot be recorded (full disk) nobody signs in. After
:data:`FREE_TRIES` wrong PINs in a row for one name, each further try from
the same place (Unix account and SSH client) waits longer; other places are
not delayed, so nobody can lock a volunteer out by typing wrong PINs for
them. Leaders see an alert after :data:`ALERT_AFTER` wrong PINs in a row.

Leader-only actions call :func:`require_leader`, which reads the operator's
current role and active flag from the roster: a demotion bites at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from tinydb import where

from console.core import alerts, clock, i18n, keyfiles, logs, names, safe_text
from console.core.i18n import DomainError
from console.core.store import Store, StoreError

ROLES = ("volunteer", "leader")
FREE_TRIES = 3
MAX_WAIT = 300
ALERT_AFTER = 5
LEADER_PIN = 6
#: scrypt cost of new hashes: 330-400 ms a check on the 2-core desk server
#: (bench/bench_signin.py). Tests lower it in their fixture; production never does.
SCRYPT = {"n": 2**15, "r": 8, "p": 4}
#: the parameters of hashes written before they were stored with each hash
_LEGACY_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
PINS = "pins"
keyfiles.side_file(PINS)  # keys/pins.json: checked and backed up with the store

i18n.add({
    "role.volunteer": ("志愿者", "volunteer"),
    "role.leader": ("组长", "leader"),
    "auth.leader_only": ("只有组长可以{what}。", "Only a leader can {what}."),
    "auth.bad_pin_form": ("PIN 必须是 4 到 8 位数字。", "A PIN is 4 to 8 digits."),
    "auth.leader_pin": ("组长的 PIN 必须是 6 到 8 位数字。", "A leader's PIN is 6 to 8 digits."),
    "auth.promote_pin": ("{name} 的 PIN 不到 6 位：请先给 {name} 设一个 6 到 8 位的新 PIN，再设为组长。",
                         "{name}'s PIN is shorter than 6 digits: set {name} a new PIN of 6 to 8 "
                         "digits first, then make them a leader."),
    "auth.short_leader_pin": ("你的组长 PIN 不到 6 位，请在名单（Ctrl+R）里设一个 6 到 8 位的新 PIN（Ctrl+N）。",
                              "Your leader PIN is shorter than 6 digits: set a new one of 6 to 8 "
                              "digits in the roster (Ctrl+R, then Ctrl+N)."),
    "auth.bad_name": ("请输入姓名（1 到 20 个字）。", "Enter a name (1 to 20 characters)."),
    "auth.bad_role": ("角色只能是志愿者或组长。", "The role must be volunteer or leader."),
    "auth.name_taken": ("名单里已经有 {name}。", "{name} is already on the roster."),
    "auth.unknown": ("名单里没有 {name}。", "{name} is not on the roster."),
    "auth.inactive": ("{name} 已停用，请找组长。", "{name} is deactivated; ask a leader."),
    "auth.wrong_pin": ("PIN 不对，请再试一次。", "Wrong PIN, please try again."),
    "auth.wait": ("PIN 错误次数太多，请 {seconds} 秒后再试。",
                  "Too many wrong PINs: try again in {seconds} seconds."),
    "auth.cannot_record": ("现在无法登录：登录尝试记不下来（{reason}）。请联系管理员。",
                           "Nobody can sign in now: the attempt cannot be recorded ({reason}). "
                           "Ask the admin."),
    "auth.guessing": ("{name} 的 PIN 已连续输错 {count} 次（最近一次 {time}，来自 {origin}）。",
                      "{count} wrong PINs in a row for {name} (last at {time}, from {origin})."),
    "auth.not_first": ("已经有组长了，请登录。", "There is already a leader: please sign in."),
    "auth.last_leader": ("不能停用最后一位组长。", "The last active leader cannot be removed."),
    "auth.what.roster": ("管理名单", "manage the roster"),
})


@dataclass(frozen=True)
class Actor:
    """A signed-in volunteer. ``shell`` marks the command line's admin (a
    shell on the data directory), who is not on the roster."""

    name: str
    role: str
    shell: bool = False

    @property
    def is_leader(self) -> bool:
        return self.role == "leader"


def current(store: Store, actor: Actor) -> Actor:
    """``actor`` as the roster has them now; DomainError when removed or deactivated."""
    if actor.shell:
        return actor
    member = store.table("roster").get(where("name") == actor.name)
    if member is None:
        raise DomainError("auth.unknown", name=actor.name)
    if not member.get("active", True):
        raise DomainError("auth.inactive", name=actor.name)
    return Actor(member["name"], member["role"])


def require_leader(store: Store, actor: Actor, what: str = "auth.what.roster") -> Actor:
    """Refuse a leader-only action unless ``actor`` is an active leader now;
    ``what`` is an i18n key naming the action. Returns the current actor."""
    now = current(store, actor)
    if not now.is_leader:
        raise DomainError("auth.leader_only", what=i18n.t(what))
    return now


def _hash(pin: str | bytes, salt: bytes, cost: dict) -> str:
    secret = pin.encode() if isinstance(pin, str) else pin
    return hashlib.scrypt(secret, salt=salt, dklen=32, maxmem=2**26, **cost).hex()


def _cost(record: dict) -> dict:
    return {k: record[k] for k in ("n", "r", "p")}


def _wrap(salt: str, old_hash: str) -> dict:
    """A key-file record for a 0.1 hash: the old hash, hashed at today's cost."""
    outer = secrets.token_bytes(16)
    return {"salt": outer.hex(), "hash": _hash(bytes.fromhex(old_hash), outer, SCRYPT), **SCRYPT,
            "inner": {"salt": salt, **_LEGACY_SCRYPT}}


def adopt_inline_hashes(store: Store) -> int:
    """Move PIN hashes kept in roster records (version 0.1) to the key file,
    wrapped at today's cost (a name the key file already has keeps its
    record there). The roster records keep theirs until the caller redacts
    them with :func:`strip_inline_hash`. Returns how many were moved."""
    members = [m for m in store.table("roster").all() if "pin_hash" in m and "salt" in m]
    if not members:
        return 0
    moved = 0
    with keyfiles.edit(store, PINS) as pins:
        for member in members:
            if member["name"] not in pins:
                pins[member["name"]] = _wrap(member["salt"], member["pin_hash"])
                moved += 1
    return moved


def strip_inline_hash(table: str, day: str | None, record: dict) -> dict:
    """A :meth:`Store.redact` transform: a roster record without a 0.1 PIN hash."""
    if table == "roster":
        record.pop("pin_hash", None)
        record.pop("salt", None)
    return record


def _pin_record(pin: str) -> dict:
    salt = secrets.token_bytes(16)
    return {"salt": salt.hex(), "hash": _hash(pin, salt, SCRYPT), **SCRYPT,
            "long": len(pin) >= LEADER_PIN}


def _check_pin_form(pin: str, role: str = "volunteer") -> str:
    pin = (pin or "").strip()
    if not re.fullmatch(r"\d{4,8}", pin):
        raise DomainError("auth.bad_pin_form", field="pin")
    if role == "leader" and len(pin) < LEADER_PIN:
        raise DomainError("auth.leader_pin", field="pin")
    return pin


def _save_pin(store: Store, name: str, pin: str) -> None:
    record = _pin_record(pin)
    with keyfiles.edit(store, PINS) as pins:
        pins[name] = record


def _check_name(name: str) -> str:
    name = safe_text.line(name)
    if not 1 <= len(name) <= 20:
        raise DomainError("auth.bad_name", field="name")
    return name


def roster(store: Store, active_only: bool = False) -> list[dict]:
    """Members as {name, role, active}, by name; never the PIN hash."""
    rows = [{"name": r["name"], "role": r["role"], "active": r.get("active", True)}
            for r in store.table("roster").all()]
    if active_only:
        rows = [r for r in rows if r["active"]]
    return sorted(rows, key=lambda r: names.sort_key(r["name"]))


def needs_first_leader(store: Store) -> bool:
    return len(store.table("roster")) == 0


def _member_doc(name: str, role: str, pin: str) -> tuple[dict, str]:
    if role not in ROLES:
        raise DomainError("auth.bad_role", field="role")
    return {"name": _check_name(name), "role": role, "active": True}, _check_pin_form(pin, role)


def create_first_leader(store: Store, name: str, pin: str) -> Actor:
    """First run: the first leader, only while the roster is empty."""
    doc, pin = _member_doc(name, "leader", pin)
    if len(store.table("roster")):
        raise DomainError("auth.not_first")
    _save_pin(store, doc["name"], pin)
    with store.transaction("roster") as tx:
        table = tx.table("roster")
        if len(table):
            raise DomainError("auth.not_first")
        store.actor = {"op": doc["name"], "role": "leader"}
        table.insert(doc)
    return Actor(doc["name"], "leader")


def add_member(store: Store, actor: Actor, name: str, role: str, pin: str) -> None:
    require_leader(store, actor)
    doc, pin = _member_doc(name, role, pin)
    if store.table("roster").contains(where("name") == doc["name"]):
        raise DomainError("auth.name_taken", field="name", name=doc["name"])
    _save_pin(store, doc["name"], pin)
    with store.transaction("roster") as tx:
        table = tx.table("roster")
        if table.contains(where("name") == doc["name"]):
            raise DomainError("auth.name_taken", field="name", name=doc["name"])
        table.insert(doc)


def set_pin(store: Store, actor: Actor, name: str, pin: str) -> None:
    """A leader sets anyone's PIN; a volunteer only their own. The roster
    records when (audited); the hash goes to the key file only."""
    if name != actor.name:
        require_leader(store, actor)
    else:
        current(store, actor)
    member = store.table("roster").get(where("name") == name)
    if member is None:
        raise DomainError("auth.unknown", name=name)
    _save_pin(store, name, _check_pin_form(pin, member["role"]))
    store.table("roster").update({"pin_set": clock.stamp()}, doc_ids=[member.doc_id])


def set_member(store: Store, actor: Actor, name: str, *, role: str | None = None,
               active: bool | None = None) -> None:
    """Change a member's role or deactivate them (leader only)."""
    require_leader(store, actor)
    if role is not None and role not in ROLES:
        raise DomainError("auth.bad_role", field="role")
    if role == "leader" and not keyfiles.read(store, PINS).get(name, {}).get("long"):
        member = store.table("roster").get(where("name") == name)
        if member is not None and member["role"] != "leader":
            raise DomainError("auth.promote_pin", field="pin", name=name)
    with store.transaction("roster") as tx:
        table = tx.table("roster")
        member = table.get(where("name") == name)
        if member is None:
            raise DomainError("auth.unknown", name=name)
        new = {**member, **({"role": role} if role else {}),
               **({"active": active} if active is not None else {})}
        leaders = [m for m in table.all() if m["name"] != name
                   and m["role"] == "leader" and m.get("active", True)]
        if member["role"] == "leader" and not leaders and (
                new["role"] != "leader" or not new["active"]):
            raise DomainError("auth.last_leader")
        table.update({"role": new["role"], "active": new["active"]}, doc_ids=[member.doc_id])


def needs_longer_pin(store: Store, actor: Actor) -> bool:
    """A leader still signing in with a PIN of fewer than 6 digits."""
    return actor.is_leader and not actor.shell and not keyfiles.read(store, PINS).get(
        actor.name, {}).get("long")


def wait_seconds(failures: int) -> int:
    """Delay before the next try after ``failures`` wrong PINs in a row."""
    if failures < FREE_TRIES:
        return 0
    return min(MAX_WAIT, 5 * 2 ** (failures - FREE_TRIES))


def origin(store: Store) -> str:
    """Where attempts come from: Unix account and SSH client (or 'local')."""
    tty = store.identity.get("tty", "")
    return f"{store.identity.get('unix', '')}@{tty[4:] if tty.startswith('ssh:') else 'local'}"


def _count_attempt(store: Store, name: str) -> int:
    """Count this attempt as a failure before the PIN is checked (one
    transaction, so parallel sessions each see the others' attempts);
    refuse while this place's delay runs. Returns the failures before it."""
    here, now = origin(store), clock.now()
    try:
        with store.transaction("signin_failures") as tx:
            fails = tx.table("signin_failures")
            record = fails.get(where("name") == name)
            count = record["count"] if record else 0
            last = (record or {}).get("origins", {}).get(here)
            if last and count >= FREE_TRIES:
                ready = dt.datetime.fromisoformat(last) + dt.timedelta(seconds=wait_seconds(count))
                left = int((ready - now).total_seconds()) + 1
                if left > 0:
                    raise DomainError("auth.wait", field="pin", seconds=left)
            doc = {"name": name, "count": count + 1, "last": now.isoformat(), "from": here,
                   "origins": {**(record or {}).get("origins", {}), here: now.isoformat()}}
            if record:
                fails.update(doc, doc_ids=[record.doc_id])
            else:
                fails.insert(doc)
    except StoreError as exc:
        raise DomainError("auth.cannot_record", field="pin", reason=str(exc)) from None
    return count


def _verify(store: Store, member: dict, pin: str) -> dict | None:
    """The stored PIN record when ``pin`` matches it, else None."""
    record = keyfiles.read(store, PINS).get(member["name"])
    if record is None and "pin_hash" in member:  # written before keys/pins.json
        record = {"salt": member["salt"], "hash": member["pin_hash"], **_LEGACY_SCRYPT}
    if record is None or not re.fullmatch(r"\d{4,8}", pin):
        return None
    secret: str | bytes = pin
    if "inner" in record:  # a 0.1 hash wrapped at the upgrade
        inner = record["inner"]
        secret = bytes.fromhex(_hash(pin, bytes.fromhex(inner["salt"]), _cost(inner)))
    if hmac.compare_digest(_hash(secret, bytes.fromhex(record["salt"]), _cost(record)), record["hash"]):
        return record
    return None


def _upgrade(store: Store, member: dict, record: dict, pin: str) -> None:
    """Re-hash with today's cost; move a hash kept in the roster to the key file."""
    if any(record.get(k) != v for k, v in SCRYPT.items()) or "long" not in record or "inner" in record:
        _save_pin(store, member["name"], pin)
    if "pin_hash" in member:
        def strip(doc: dict) -> None:
            doc.pop("pin_hash", None)
            doc.pop("salt", None)
        store.table("roster").update(strip, doc_ids=[member.doc_id])


def sign_in(store: Store, name: str, pin: str) -> Actor:
    """Check a PIN. Wrong PINs in a row make the next try from the same
    place wait longer; an attempt that cannot be recorded signs nobody in."""
    member = store.table("roster").get(where("name") == name)
    if member is None:
        raise DomainError("auth.unknown", field="name", name=name)
    if not member.get("active", True):
        raise DomainError("auth.inactive", field="name", name=name)
    _count_attempt(store, name)
    pin = (pin or "").strip()
    record = _verify(store, member, pin)
    if record is None:
        raise DomainError("auth.wrong_pin", field="pin")
    try:
        store.table("signin_failures").remove(where("name") == name)
        _upgrade(store, member, record, pin)
    except DomainError as exc:  # signed in all the same: the attempt was recorded
        logs.log.warning("after %s signed in: %s", name, i18n.both(exc.key, **exc.params))
    actor = Actor(member["name"], member["role"])
    store.actor = {"op": actor.name, "role": actor.role}
    return actor


def guessing_alerts(store: Store, now: dt.datetime) -> list[alerts.Alert]:
    """Repeated wrong PINs for one name, for leaders."""
    out = []
    for r in store.table("signin_failures").all():
        if r["count"] >= ALERT_AFTER:
            out.append(alerts.Alert(
                f"auth.guessing:{r['name']}:{r['count'] // ALERT_AFTER}",
                i18n.t("auth.guessing", name=r["name"], count=r["count"],
                       time=r["last"][11:16], origin=r.get("from", "")),
                "error", leaders_only=True))
    return out

