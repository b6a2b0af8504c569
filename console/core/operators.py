"""The roster of volunteers, roles, PINs, sign-in, and who-did-what.

PINs are 4 to 8 digits, stored only as an scrypt hash with a random salt.
The first run creates the first leader. Repeated wrong PINs for one name
make the next attempt wait longer (kept in the data directory, so every
session sees it). Leader-only actions call :func:`require_leader`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from tinydb import where

from console.core import clock, i18n, names
from console.core.i18n import DomainError
from console.core.store import Store

ROLES = ("volunteer", "leader")
FREE_TRIES = 3
MAX_WAIT = 300
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}

i18n.add({
    "role.volunteer": ("志愿者", "volunteer"),
    "role.leader": ("组长", "leader"),
    "auth.leader_only": ("只有组长可以{what}。", "Only a leader can {what}."),
    "auth.bad_pin_form": ("PIN 必须是 4 到 8 位数字。", "A PIN is 4 to 8 digits."),
    "auth.bad_name": ("请输入姓名（1 到 20 个字）。", "Enter a name (1 to 20 characters)."),
    "auth.bad_role": ("角色只能是志愿者或组长。", "The role must be volunteer or leader."),
    "auth.name_taken": ("名单里已经有 {name}。", "{name} is already on the roster."),
    "auth.unknown": ("名单里没有 {name}。", "{name} is not on the roster."),
    "auth.inactive": ("{name} 已停用，请找组长。", "{name} is deactivated; ask a leader."),
    "auth.wrong_pin": ("PIN 不对，请再试一次。", "Wrong PIN, please try again."),
    "auth.wait": ("PIN 错误次数太多，请 {seconds} 秒后再试。",
                  "Too many wrong PINs: try again in {seconds} seconds."),
    "auth.not_first": ("已经有组长了，请登录。", "There is already a leader: please sign in."),
    "auth.last_leader": ("不能停用最后一位组长。", "The last active leader cannot be removed."),
    "auth.what.roster": ("管理名单", "manage the roster"),
})


@dataclass(frozen=True)
class Actor:
    """A signed-in volunteer."""

    name: str
    role: str

    @property
    def is_leader(self) -> bool:
        return self.role == "leader"


def require_leader(actor: Actor, what: str = "auth.what.roster") -> None:
    """Refuse a leader-only action; ``what`` is an i18n key naming it."""
    if not actor.is_leader:
        raise DomainError("auth.leader_only", what=i18n.t(what))


def _hash(pin: str, salt: bytes) -> str:
    return hashlib.scrypt(pin.encode(), salt=salt, dklen=32, **_SCRYPT).hex()


def _check_pin_form(pin: str) -> str:
    pin = (pin or "").strip()
    if not re.fullmatch(r"\d{4,8}", pin):
        raise DomainError("auth.bad_pin_form", field="pin")
    return pin


def _check_name(name: str) -> str:
    name = " ".join((name or "").split())
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


def _member_doc(name: str, role: str, pin: str) -> dict:
    if role not in ROLES:
        raise DomainError("auth.bad_role", field="role")
    salt = secrets.token_bytes(16)
    return {"name": _check_name(name), "role": role, "active": True,
            "salt": salt.hex(), "pin_hash": _hash(_check_pin_form(pin), salt)}


def create_first_leader(store: Store, name: str, pin: str) -> Actor:
    """First run: the first leader, only while the roster is empty."""
    doc = _member_doc(name, "leader", pin)
    with store.transaction("roster") as tx:
        table = tx.table("roster")
        if len(table):
            raise DomainError("auth.not_first")
        store.actor = {"op": doc["name"], "role": "leader"}
        table.insert(doc)
    return Actor(doc["name"], "leader")


def add_member(store: Store, actor: Actor, name: str, role: str, pin: str) -> None:
    require_leader(actor)
    doc = _member_doc(name, role, pin)
    with store.transaction("roster") as tx:
        table = tx.table("roster")
        if table.contains(where("name") == doc["name"]):
            raise DomainError("auth.name_taken", field="name", name=doc["name"])
        table.insert(doc)


def set_pin(store: Store, actor: Actor, name: str, pin: str) -> None:
    """A leader sets anyone's PIN; a volunteer only their own."""
    if name != actor.name:
        require_leader(actor)
    salt = secrets.token_bytes(16)
    fields = {"salt": salt.hex(), "pin_hash": _hash(_check_pin_form(pin), salt)}
    if not store.table("roster").update(fields, where("name") == name):
        raise DomainError("auth.unknown", name=name)


def set_member(store: Store, actor: Actor, name: str, *, role: str | None = None,
               active: bool | None = None) -> None:
    """Change a member's role or deactivate them (leader only)."""
    require_leader(actor)
    if role is not None and role not in ROLES:
        raise DomainError("auth.bad_role", field="role")
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


def wait_seconds(failures: int) -> int:
    """Delay before the next try after ``failures`` wrong PINs in a row."""
    if failures < FREE_TRIES:
        return 0
    return min(MAX_WAIT, 5 * 2 ** (failures - FREE_TRIES))


def sign_in(store: Store, name: str, pin: str) -> Actor:
    """Check a PIN. Wrong PINs in a row make the next try wait longer."""
    member = store.table("roster").get(where("name") == name)
    if member is None:
        raise DomainError("auth.unknown", field="name", name=name)
    if not member.get("active", True):
        raise DomainError("auth.inactive", field="name", name=name)
    fails = store.table("signin_failures")
    record = fails.get(where("name") == name) or {"count": 0, "last": None}
    if record["last"]:
        ready = dt.datetime.fromisoformat(record["last"]) + dt.timedelta(
            seconds=wait_seconds(record["count"]))
        left = int((ready - clock.now()).total_seconds()) + 1
        if left > 0 and record["count"] >= FREE_TRIES:
            raise DomainError("auth.wait", field="pin", seconds=left)
    good = re.fullmatch(r"\d{4,8}", (pin or "").strip()) and hmac.compare_digest(
        _hash(pin.strip(), bytes.fromhex(member["salt"])), member["pin_hash"])
    if not good:
        fails.upsert({"name": name, "count": record["count"] + 1, "last": clock.stamp()},
                     where("name") == name)
        raise DomainError("auth.wrong_pin", field="pin")
    if record["count"]:
        fails.remove(where("name") == name)
    actor = Actor(member["name"], member["role"])
    store.actor = {"op": actor.name, "role": actor.role}
    return actor
