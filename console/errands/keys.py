"""The site's pass keys: the ring that signs and verifies pass codes.

The ring lives in the data directory (``keys/passes.json``, group-shared
0660), outside the journal: the journal (the audit trail) logs each key
created, rotated or retired by id, never its secret. Keys carry an id, so
rotating one keeps every printed pass verifying; a missing or damaged file
is reported (by ``check`` and on use), never silently replaced while
printed passes depend on it.
"""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import dataclass
from pathlib import Path

import orjson

from console.core import clock, i18n
from console.core.i18n import DomainError
from console.core.operators import Actor, require_leader
from console.core.store import Store, atomic_write

KEYS_FILE = Path("keys") / "passes.json"
#: one record per key created, rotated or retired (id and event, never the secret)
KEY_LOG = "pass_keys"

i18n.add({
    "passes.what.rotate": ("更换通行证密钥", "rotate pass keys"),
    "passes.what.retire": ("停用通行证密钥", "retire a pass key"),
    "passes.no_key": ("没有通行证密钥 {key_id}。", "There is no pass key {key_id}."),
    "passes.keys_missing": (
        "通行证密钥文件 {path} 不见了，而已经打印的通行证要靠它验证。请从备份恢复这个文件，不要新建。",
        "The pass key file {path} is missing, and printed passes need it to verify. "
        "Restore it from a backup; do not create a new one."),
    "passes.keys_damaged": (
        "通行证密钥文件 {path} 已损坏。请从备份恢复这个文件。",
        "The pass key file {path} is damaged. Restore it from a backup."),
    "passes.last_key": ("不能停用当前使用的密钥。", "The key in use cannot be retired."),
})


@dataclass(frozen=True)
class Key:
    key_id: str
    secret: bytes
    retired: bool = False


class KeyRing:
    """The site's pass keys: ``current`` signs new passes, all unretired verify."""

    def __init__(self, current: str | None, keys: dict[str, Key]):
        self.current = current
        self.keys = keys

    def get(self, key_id: str) -> Key | None:
        key = self.keys.get(key_id)
        return key if key and not key.retired else None


_ring_cache: dict[Path, tuple[tuple, KeyRing]] = {}


def _keys_path(store: Store) -> Path:
    return store.root / KEYS_FILE


def _parse_ring(path: Path) -> dict:
    """The key file's content; DomainError (zh+en) if it is damaged."""
    try:
        raw = orjson.loads(path.read_bytes())
        for k in raw["keys"].values():
            bytes.fromhex(k["secret"])
        if raw.get("current") not in raw["keys"]:
            raise ValueError
    except (OSError, ValueError, KeyError, TypeError, AttributeError):  # unreadable too
        raise DomainError("passes.keys_damaged", path=str(path)) from None
    return raw


def _read_ring(path: Path) -> KeyRing:
    try:
        st = path.stat()
    except FileNotFoundError:
        return KeyRing(None, {})
    ident = (st.st_ino, st.st_mtime_ns, st.st_size)
    hit = _ring_cache.get(path)
    if hit and hit[0] == ident:
        return hit[1]
    raw = _parse_ring(path)
    ring = KeyRing(raw.get("current"), {
        kid: Key(kid, bytes.fromhex(k["secret"]), bool(k.get("retired")))
        for kid, k in raw.get("keys", {}).items()})
    _ring_cache[path] = (ident, ring)
    return ring


def check_key_file(store: Store, path: Path) -> str | None:
    """For ``check``: what is wrong with the key file, or None. A missing file
    is wrong once a key was ever made (printed passes depend on it)."""
    if not path.exists():
        return i18n.t("passes.keys_missing", path=path) if len(store.table(KEY_LOG)) else None
    try:
        _parse_ring(path)
    except DomainError as exc:
        return str(exc)
    return None


Store.SIDE_FILES[str(KEYS_FILE)] = check_key_file


def keyring(store: Store) -> KeyRing:
    """The key ring as stored now (cached while the file is unchanged)."""
    return _read_ring(_keys_path(store))


@contextlib.contextmanager
def _edit_ring(store: Store):
    """Yield (key file content, events); under the store's lock, write the
    file, then log each (op, key id) event in the journal."""
    path = _keys_path(store)
    with store.locked():
        if path.exists():
            raw = _parse_ring(path)
        elif len(store.table(KEY_LOG)):
            raise DomainError("passes.keys_missing", path=str(path))  # never silently replaced
        else:
            raw = {"keys": {}}
        events: list[tuple[str, str]] = []
        yield raw, events
        if events:
            atomic_write(path, orjson.dumps(raw, option=orjson.OPT_INDENT_2))
        for op, key_id in events:
            _log_key(store, op, key_id)


def _new_key(raw: dict) -> str:
    while True:
        kid = f"{secrets.randbelow(900) + 100:03d}"
        if kid not in raw["keys"]:
            break
    raw["keys"][kid] = {"secret": secrets.token_hex(32), "created": clock.stamp(),
                        "retired": False}
    raw["current"] = kid
    return kid


def _log_key(store: Store, op: str, key_id: str) -> None:
    # the journal (the audit trail) names the key, never its secret
    store.table(KEY_LOG).insert({"key_id": key_id, "event": op})


def current_key(store: Store) -> Key:
    """The signing key, created on first use."""
    ring = keyring(store)
    if ring.current and ring.get(ring.current):
        return ring.get(ring.current)
    with _edit_ring(store) as (raw, events):
        cur = raw.get("current")
        if not (cur and cur in raw["keys"] and not raw["keys"][cur].get("retired")):
            cur = _new_key(raw)
            events.append(("create", cur))
    return keyring(store).get(cur)


def rotate_key(store: Store, actor: Actor) -> str:
    """Start signing with a fresh key; passes already printed keep verifying."""
    require_leader(store, actor, "passes.what.rotate")
    with _edit_ring(store) as (raw, events):
        kid = _new_key(raw)
        events.append(("rotate", kid))
    return kid


def retire_key(store: Store, actor: Actor, key_id: str) -> None:
    """Stop accepting passes signed with ``key_id`` (they read "unknown key")."""
    require_leader(store, actor, "passes.what.retire")
    with _edit_ring(store) as (raw, events):
        if key_id not in raw["keys"]:
            raise DomainError("passes.no_key", key_id=key_id)
        if raw.get("current") == key_id:
            raise DomainError("passes.last_key")
        raw["keys"][key_id]["retired"] = True
        events.append(("retire", key_id))
