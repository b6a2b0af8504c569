"""Pass codes for errands and standing passes: encode and verify (the keys
that sign them: :mod:`console.errands.keys`).

A pass code is digits only, because USB scanners in keyboard mode and Chinese
input methods mangle letters and punctuation. Layout (52 digits, fits QR
version 3 at error correction H, numeric mode, 58 digits max)::

    V KKK NNNNNN GG T FFFFFFFF DDDD E  TTTTTTTTTTTTTTTTTTTTTTTTT C
    |  |    |     |  |    |      |  |            |              Damm check digit
    |  |    |     |  |    |      |  |            HMAC-SHA256(key, first 26 digits),
    |  |    |     |  |    |      |  |            first 80 bits as 25 decimal digits
    |  |    |     |  |    |      |  escort (0 none, 1 escorted)
    |  |    |     |  |    |      duration in minutes
    |  |    |     |  |    valid from, Unix time in minutes
    |  |    |     |  kind (1 household errand, 2 organisation errand,
    |  |    |     |        3 household pass, 4 work pass: window 0 = see the record)
    |  |    |     generation (bumped by every reprint)
    |  |    pass number
    |  key id (random, so another site's codes read "unknown key")
    format version

The Damm digit catches every single-digit typo and every swap of neighbours,
so those read "typo"; a code whose digits were changed and the check digit
recomputed fails the tag and reads "forged". Verification is offline: the key
ring lives in the data directory (:mod:`console.errands.keys`).

Whether an errand pass may go out or come in comes from its errand record
(table ``errands``): it goes OUT once and comes back IN once. A standing pass
(table ``standing_passes``, :mod:`console.standing`) is checked against its
record's dates, state and hours; whether its holder is going out or coming
back, and the gate rules (marks, quota), are the gate's part:
:mod:`console.gate_scan` records scans. :func:`verify` here only reads.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable

from tinydb import where

from console.core import clock, i18n
from console.core.i18n import DomainError
from console.core.store import Store
from console.errands.keys import KeyRing, keyring

VERSION = 1
LENGTH = 52
KIND_HOUSEHOLD = 1
KIND_ORG = 2
KIND_HOUSEHOLD_PASS = 3
KIND_COMMUTER_PASS = 4
STANDING_KINDS = {KIND_HOUSEHOLD_PASS: "household", KIND_COMMUTER_PASS: "commuter"}
STANDING_TABLE = "standing_passes"
MAX_MINUTES = 9999
#: an IN scan this soon after the OUT scan is a double read, not a return
MIN_AWAY = dt.timedelta(seconds=60)
#: out and not back this long after the window ends: overdue
GRACE = dt.timedelta(minutes=30)

_FIELDS = (("version", 1), ("key_id", 3), ("number", 6), ("generation", 2), ("kind", 1),
           ("valid_from", 8), ("minutes", 4), ("escort", 1))
BODY = sum(n for _, n in _FIELDS)   # 26
TAG = 25                            # 2**80 has 25 decimal digits

VERDICTS = ("valid_out", "valid_in", "typo", "forged", "unknown_key", "not_yet_valid",
            "expired", "revoked", "already_used", "replaced", "not_issued",
            "denied_mark", "over_quota", "outside_hours")

i18n.add({
    "passes.verdict.valid_out": ("有效：可以出门", "VALID: may go out"),
    "passes.verdict.valid_in": ("有效：欢迎回来", "VALID: welcome back in"),
    "passes.verdict.typo": ("号码有误（校验位不对），请重新扫描或核对输入",
                            "Typo: the check digit is wrong; scan again or check the digits"),
    "passes.verdict.forged": ("伪造或被改动的通行证", "FORGED or altered pass"),
    "passes.verdict.unknown_key": ("不是本点签发的通行证（未知密钥）",
                                   "Not issued here (unknown key)"),
    "passes.verdict.not_yet_valid": ("还没到通行时间（{start} 起）",
                                     "Not valid yet (from {start})"),
    "passes.verdict.expired": ("通行证已过期（{end} 截止）", "Pass expired (ended {end})"),
    "passes.verdict.revoked": ("通行证已被撤销", "Pass REVOKED"),
    "passes.verdict.already_used": ("通行证已经用过", "Pass already used"),
    "passes.verdict.replaced": ("这张旧条已作废（已重新打印第 {generation} 版）",
                                "Old slip: replaced by reprint no. {generation}"),
    "passes.verdict.not_issued": ("记录里没有这张通行证", "No such pass in the records"),
    "passes.verdict.denied_mark": ("不能出门：重点人员户", "DENIED: key-person household"),
    "passes.verdict.over_quota": ("不能出门：本户外出名额已用完", "DENIED: household quota used"),
    "passes.verdict.outside_hours": ("不在通行时段（{hours}）", "Outside the pass's hours ({hours})"),
    "passes.once_a_day": ("今天已经出入过一次（每天一次）", "already out and back today (once a day)"),
    "passes.late": ("已超时返回", "came back late"),
    "passes.double_scan": ("刚刚扫过出门（{time}）", "just scanned out ({time})"),
    "passes.window_too_long": ("通行时间太长（最多 {hours} 小时）。",
                               "The window is too long (at most {hours} hours)."),
})

# -- Damm check digit (weakly totally anti-symmetric quasigroup of order 10) --
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2), (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9), (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8), (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4), (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5), (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)


def damm(digits: str) -> int:
    """Damm interim digit: append it to ``digits`` and the result checks to 0."""
    interim = 0
    for ch in digits:
        interim = _DAMM[interim][ord(ch) - 48]
    return interim


# -- encode / decode --
@dataclass(frozen=True)
class PassFields:
    key_id: str
    number: int
    generation: int
    kind: int
    valid_from: dt.datetime
    minutes: int
    escort: bool
    version: int = VERSION

    @property
    def valid_until(self) -> dt.datetime:
        return self.valid_from + dt.timedelta(minutes=self.minutes)


def _tag(secret: bytes, body: str) -> str:
    mac = hmac.new(secret, body.encode("ascii"), hashlib.sha256).digest()[:10]
    return f"{int.from_bytes(mac, 'big'):0{TAG}d}"


def _body(f: PassFields) -> str:
    start = int(f.valid_from.timestamp()) // 60
    if not 0 <= f.minutes <= MAX_MINUTES:
        raise DomainError("passes.window_too_long", hours=MAX_MINUTES // 60)
    values = {"version": f.version, "key_id": int(f.key_id), "number": f.number,
              "generation": f.generation, "kind": f.kind, "valid_from": start,
              "minutes": f.minutes, "escort": int(f.escort)}
    out = ""
    for name, width in _FIELDS:
        text = f"{values[name]:0{width}d}"
        if len(text) != width:
            raise ValueError(f"{name}={values[name]} does not fit {width} digits")
        out += text
    return out


def encode(fields: PassFields, secret: bytes) -> str:
    """The 52-digit pass code for ``fields`` signed with ``secret``."""
    payload = _body(fields)
    payload += _tag(secret, payload)
    return payload + str(damm(payload))


def normalise(text: str) -> str:
    """What a scanner or a hand typed: NFKC (full-width digits), no spaces."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    return re.sub(r"[\s\-]", "", text)


def parse(code: str) -> PassFields | None:
    """The fields of a well-formed code (length, digits, Damm), else None."""
    if len(code) != LENGTH or not code.isascii() or not code.isdigit() or damm(code) != 0:
        return None
    pos, values = 0, {}
    for name, width in _FIELDS:
        values[name] = int(code[pos:pos + width])
        pos += width
    tz = clock.now().tzinfo
    return PassFields(
        key_id=f"{values['key_id']:03d}", number=values["number"],
        generation=values["generation"], kind=values["kind"],
        valid_from=dt.datetime.fromtimestamp(values["valid_from"] * 60, tz),
        minutes=values["minutes"], escort=bool(values["escort"]), version=values["version"])


def groups(code: str, size: int = 4) -> str:
    """Digits in groups of four for reading aloud and typing."""
    return " ".join(code[i:i + size] for i in range(0, len(code), size))


# -- verdicts --
@dataclass
class Verdict:
    kind: str
    code: str
    fields: PassFields | None = None
    errand: dict | None = None
    late: bool = False
    params: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    #: the gate rules' answer (console.gate_rules.Decision), set at the gate
    decision: Any = None

    @property
    def ok(self) -> bool:
        return self.kind in ("valid_out", "valid_in")

    @property
    def direction(self) -> str | None:
        return {"valid_out": "out", "valid_in": "in"}.get(self.kind)

    @property
    def message(self) -> str:
        text = i18n.t(f"passes.verdict.{self.kind}", **self.params)
        extra = [i18n.t("passes.late")] if self.late else []
        extra += [self.note] if self.note else []
        return "；".join([text, *extra]) if i18n.lang() == "zh" else "; ".join([text, *extra])


def _hm(when: dt.datetime) -> str:
    return when.strftime("%m-%d %H:%M")


def _judge_standing(v: Verdict, now: dt.datetime) -> Verdict:
    """A standing pass against its record. A pass fit for use reads valid_out
    here; the gate turns it into valid_in when its holder is out."""
    rec, fields = v.errand, v.fields
    today = now.date().isoformat()
    if rec is None or not rec.get("pass_gen"):
        return v
    hours = rec.get("hours") or []
    if rec.get("state") == "revoked":
        v.kind = "revoked"
    elif fields.generation < rec["pass_gen"]:
        v.kind, v.params = "replaced", {"generation": rec["pass_gen"]}
    elif fields.generation > rec["pass_gen"]:
        v.kind = "not_issued"
    elif today < rec["start"]:
        v.kind, v.params = "not_yet_valid", {"start": rec["start"][5:]}
    elif rec.get("until") and today > rec["until"]:
        v.kind, v.params = "expired", {"end": rec["until"][5:]}
    elif hours and not hours[0] <= now.strftime("%H:%M") < hours[1]:
        v.kind, v.params = "outside_hours", {"hours": "–".join(hours)}
    else:
        v.kind = "valid_out"
    return v


def judge(code: str, ring: KeyRing, lookup: Callable[[PassFields], dict | None],
          now: dt.datetime) -> Verdict:
    """The verdict for ``code`` now; ``lookup(fields)`` gives its errand or
    standing-pass record."""
    code = normalise(code)
    fields = parse(code)
    if fields is None:
        return Verdict("typo", code)
    key = ring.get(fields.key_id)
    if fields.version != VERSION or key is None:
        return Verdict("unknown_key", code, fields)
    if not hmac.compare_digest(_tag(key.secret, code[:BODY]), code[BODY:BODY + TAG]):
        return Verdict("forged", code, fields)
    errand = lookup(fields)
    v = Verdict("not_issued", code, fields, errand)
    if fields.kind in STANDING_KINDS:
        return _judge_standing(v, now)
    if errand is None or not errand.get("pass_gen"):
        return v
    if errand.get("state") == "revoked":
        v.kind = "revoked"
    elif fields.generation < errand["pass_gen"]:
        v.kind, v.params = "replaced", {"generation": errand["pass_gen"]}
    elif fields.generation > errand["pass_gen"]:
        v.kind = "not_issued"
    elif errand.get("in_at"):
        v.kind = "already_used"
    elif errand.get("out_at"):
        out_at = dt.datetime.fromisoformat(errand["out_at"])
        if now - out_at < MIN_AWAY:
            v.kind, v.note = "already_used", i18n.t("passes.double_scan", time=_hm(out_at))
        else:
            v.kind = "valid_in"
            v.late = now > fields.valid_until + GRACE
    elif now < fields.valid_from:
        v.kind, v.params = "not_yet_valid", {"start": _hm(fields.valid_from)}
    elif now >= fields.valid_until or errand.get("state") not in ("issued",):
        v.kind, v.params = "expired", {"end": _hm(fields.valid_until)}
    else:
        v.kind = "valid_out"
    return v


def lookup_in(errands, standing) -> Callable[[PassFields], dict | None]:
    """A record lookup over the ``errands`` and ``standing_passes`` tables."""
    def lookup(fields: PassFields) -> dict | None:
        if fields.kind in STANDING_KINDS:
            return standing.get(where("number") == fields.number)
        return errands.get(where("pass_no") == fields.number)
    return lookup


def verify(store: Store, code: str, now: dt.datetime | None = None) -> Verdict:
    """Check a code and its record now (not the gate rules); records nothing."""
    return judge(code, keyring(store),
                 lookup_in(store.table("errands"), store.table(STANDING_TABLE)), now or clock.now())


def scans_today(store: Store, day: str | None = None) -> list[dict]:
    return store.table("scans", day=day or True).all()
