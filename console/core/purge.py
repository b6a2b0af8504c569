"""End of the lockdown: personal data older than a date removed, counts kept.

China's Personal Information Protection Law (art. 47) wants personal
information deleted once its purpose is served. :func:`purge` rewrites every
record older than ``before`` so that no name, phone, door, plate, note or
health mark is left: in the live tables, in the journal that is the audit
trail, and in the snapshots the store keeps (``Store.redact``). What reports
count stays: an entry keeps its day, gate, direction, purpose, outcome and
temperature; a roll report its building, grid and status; a hand-out its
building, item and quantity. So entries per day and outcome, fevers and
hand-outs per building add up as before (:func:`counts`).

Each feature says what is personal in its tables with :class:`Rule`s (the
table, the fields to blank, and for a table not kept per day the record's
day); console.features lists them all and passes them in. Files the console wrote outside the store
(slips, PDFs, exported lists) from before the date are deleted.

:func:`preview` shows what a purge would remove, :func:`purge` does it
(leaders; a date in the future is refused: that would purge today), and the
setting ``retention_days`` (off by default) makes :func:`run_retention`
purge everything older than that many days, once a day.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from console.core import clock, i18n, settings
from console.core.commands import Command, admin_actor
from console.core.i18n import DomainError
from console.core.operators import Actor, require_leader
from console.core.store import Store

LOG = "purge_log"          # one line per purge: when, by whom, up to which day, what was removed
FILE_DIRS = ("slips", "exports")

i18n.add({
    "purge.what": ("清除个人信息", "purge personal data"),
    "purge.bad_date": ("日期“{value}”看不懂（YYYY-MM-DD）。", "Cannot read the date “{value}” (YYYY-MM-DD)."),
    "purge.future": ("{before} 在今天之后：那会清除今天的登记。请选今天或更早的日期。",
                     "{before} is after today: that would purge today's records. Pick today or earlier."),
    "purge.nothing": ("{before} 之前没有要清除的个人信息。", "Nothing personal is left from before {before}."),
    "purge.preview": ("将清除 {before} 之前的个人信息（姓名、电话、门牌、车牌、备注、健康标记）：",
                      "This removes names, phones, doors, plates, notes and health marks from before {before}:"),
    "purge.table": ("  {table}：{n} 条", "  {table}: {n} records"),
    "purge.files": ("  文件（凭条、PDF、导出表格）：{n} 个", "  files (slips, PDFs, exported lists): {n}"),
    "purge.keeps": ("保留不含个人信息的统计：每天各处理结果的人次、发热人数、各楼发放数。",
                    "Anonymous counts stay: entries per day and outcome, fevers, hand-outs per building."),
    "purge.done": ("已清除 {before} 之前的个人信息：{records} 条记录，{files} 个文件。",
                   "Purged personal data from before {before}: {records} records, {files} files."),
    "purge.no_redact": ("这个数据目录的存储还不能改写操作记录，没有清除任何内容。",
                        "This data directory's store cannot rewrite its journal yet: nothing was purged."),
    "purge.bad_retention": ("保留天数要是 7 到 3650 的整数，或留空表示不自动清除。",
                            "Retention is a whole number of days from 7 to 3650, or empty for no automatic purge."),
})


@dataclass(frozen=True)
class Rule:
    """What is personal in ``table``: ``fields`` are blanked; a door becomes
    its building (kept for counts); ``remove`` drops old live records (a mark
    that is over) while their older copies are anonymised; ``events`` names a list of dicts (a
    history) whose ``note`` and ``reason`` are blanked. ``day`` gives the
    record's day for a table not kept per day (None: the day table's day)."""
    table: str
    fields: tuple[str, ...]
    day: Callable[[dict], str] | None = None
    events: str = ""
    remove: bool = False        # live records go altogether (their copies are anonymised)


def last_change(record: dict, *keys: str) -> str:
    """The latest of the record's times (ISO) under ``keys``; a key naming a
    list (a history) or a dict (a delivery) counts the ``at`` inside it.
    The store's ``_at``/``_upd_at`` stamps count only where named: they say
    when a desk wrote, which for imported or demo data is not when it happened."""
    times = [""]
    for key in keys:
        value = record.get(key)
        items = value if isinstance(value, list) else [value]
        for item in items:
            times.append(str((item.get("at") if isinstance(item, dict) else item) or ""))
    return max(times)


def _blank(value):
    return "" if isinstance(value, str) else None


def _building(door) -> int | None:
    head = str(door or "").split("-")[0]
    return int(head) if head.isdigit() else None


def is_clean(rule: Rule, record: dict) -> bool:
    if any(record.get(f) not in ("", None, [], {}) for f in rule.fields):
        return False
    return not any(e.get("note") or e.get("reason") for e in record.get(rule.events) or []
                   if isinstance(e, dict))


def anonymise(rule: Rule, record: dict) -> dict:
    """The record without its personal fields (a door leaves its building)."""
    out = dict(record)
    if "door" in rule.fields and out.get("door") and out.get("building") is None:
        out["building"] = _building(out["door"])
    for f in rule.fields:
        if f in out:
            out[f] = _blank(out[f])
    if rule.events and isinstance(out.get(rule.events), list):
        out[rule.events] = [{k: ("" if k in ("note", "reason") else v) for k, v in e.items()}
                            if isinstance(e, dict) else e for e in out[rule.events]]
    return out


def old(rule: Rule, day: str | None, record: dict, before: str) -> bool:
    """Whether ``record`` (of ``day`` for a day table) is from before ``before``."""
    when = rule.day(record) if rule.day else day
    return bool(when) and str(when)[:10] < before


def transform(before: str, rules: Sequence[Rule]) -> Callable[[str, str | None, dict], dict]:
    """``(table, day, record) -> record`` for ``Store.redact``."""
    by_table = {r.table: r for r in rules}

    def apply(table: str, day: str | None, record: dict) -> dict:
        rule = by_table.get(table)
        if rule is None or not isinstance(record, dict) or not old(rule, day, record, before):
            return record
        return anonymise(rule, record)
    return apply


def check_before(before: str | dt.date) -> str:
    try:
        day = before if isinstance(before, dt.date) else dt.date.fromisoformat(str(before).strip())
    except ValueError:
        raise DomainError("purge.bad_date", value=before) from None
    if day > clock.today():
        raise DomainError("purge.future", before=day.isoformat())
    return day.isoformat()


def _records(store: Store, rule: Rule):
    """(day, record) of every live record of the rule's table."""
    if rule.day is None:
        for day in store.days(rule.table):
            for r in store.table(rule.table, day).all():
                yield day, r
    else:
        for r in store.table(rule.table).all():
            yield None, r


def _files(store: Store, before: str) -> list[Path]:
    cut = dt.datetime.fromisoformat(before).replace(tzinfo=clock.now().tzinfo).timestamp()
    out = []
    for name in FILE_DIRS:
        folder = store.root / name
        if folder.is_dir():
            out += [p for p in folder.rglob("*") if p.is_file() and p.suffix != ".lock"
                    and not p.name.endswith(".json") and p.stat().st_mtime < cut]
    return sorted(out)


def preview(store: Store, before: str | dt.date, rules: Sequence[Rule]) -> dict:
    """What a purge up to ``before`` would remove: {before, tables: {table: n}, files: n}."""
    before = check_before(before)
    tables = {}
    for rule in rules:
        n = sum(1 for day, r in _records(store, rule)
                if old(rule, day, r, before) and not is_clean(rule, r))
        if n:
            tables[rule.table] = n
    return {"before": before, "tables": tables, "files": len(_files(store, before))}


def preview_lines(plan: dict) -> list[str]:
    if not plan["tables"] and not plan["files"]:
        return [i18n.t("purge.nothing", before=plan["before"])]
    lines = [i18n.t("purge.preview", before=plan["before"])]
    lines += [i18n.t("purge.table", table=t, n=n) for t, n in plan["tables"].items()]
    if plan["files"]:
        lines.append(i18n.t("purge.files", n=plan["files"]))
    return lines + [i18n.t("purge.keeps")]


def counts(store: Store, before: str | None = None) -> dict:
    """The anonymous counts a purge keeps (of days before ``before``, or all):
    gate entries per day and outcome, fevers per day (gate and roll), and
    thermometers handed out per building."""
    entries: Counter = Counter()
    fevers: Counter = Counter()
    for day in store.days("checkpoint"):
        if before and day >= before:
            continue
        for e in store.table("checkpoint", day).all():
            if "correction" in e:
                continue
            entries[f"{day} {e.get('outcome')}"] += 1
            fevers[day] += bool(e.get("fever"))
    for day in store.days("roll"):
        if not before or day < before:
            fevers[day] += sum(1 for r in store.table("roll", day).all() if r.get("status") == "fever")
    handouts: Counter = Counter()
    for m in store.table("stock_movements").all():
        if m.get("kind") == "issue" and (not before or str(m.get("date") or m.get("at"))[:10] < before):
            handouts[str(m.get("building"))] += m.get("qty", 1)
    return {"entries": dict(entries), "fevers": dict(fevers), "handouts": dict(handouts)}


def _drop(store: Store, rule: Rule, before: str) -> None:
    with store.transaction(rule.table) as tx:
        table = tx.table(rule.table)
        ids = [r.doc_id for r in table.all() if old(rule, None, r, before)]
        if ids:
            table.remove(doc_ids=ids)


def purge(store: Store, actor: Actor, before: str | dt.date, rules: Sequence[Rule]) -> dict:
    """Remove personal data older than ``before`` everywhere the store keeps
    it, and the files written before it. Returns what was done."""
    require_leader(store, actor, "purge.what")
    plan = preview(store, before, rules)
    before = plan["before"]
    if not hasattr(store, "redact"):
        raise DomainError("purge.no_redact")
    for rule in rules:
        if rule.remove:
            _drop(store, rule, before)
    store.redact(transform(before, rules))
    removed = 0
    for path in _files(store, before):
        try:
            path.unlink()
            removed += 1
        except FileNotFoundError:
            pass
    record = {"before": before, "at": clock.stamp(), "by": actor.name,
              "records": sum(plan["tables"].values()), "tables": plan["tables"], "files": removed}
    store.table(LOG).insert(record)
    return record


# -- retention: purge what is older than N days, once a day --------------------------

def _retention(value):
    if value in (None, "", 0):
        return None
    try:
        days = int(value)
    except (TypeError, ValueError):
        raise DomainError("purge.bad_retention") from None
    if not 7 <= days <= 3650:
        raise DomainError("purge.bad_retention")
    return days


settings.register("retention_days", None, _retention)


def run_retention(store: Store, rules: Sequence[Rule]) -> dict | None:
    """With the setting ``retention_days`` = N, purge everything older than N
    days unless that was done today already. Returns the purge, or None."""
    days = settings.get(store, "retention_days")
    if not days:
        return None
    today = clock.today().isoformat()
    if any(str(r.get("at", ""))[:10] == today for r in store.table(LOG).all()):
        return None
    before = (clock.today() - dt.timedelta(days=int(days))).isoformat()
    return purge(store, Actor(i18n.t("purge.retention_actor", days=days), "leader", shell=True), before, rules)


i18n.add({"purge.retention_actor": ("自动清除（保留 {days} 天）", "retention ({days} days)")})


# -- command line: `python app.py purge --before DATE` ----------------------------------

i18n.add({
    "purge.cli.help": ("清除某日之前的个人信息（先列出要清除的内容，问两次）",
                       "purge personal data older than a date (shows what goes, asks twice)"),
    "purge.cli.before": ("清除这一天之前的（YYYY-MM-DD）", "purge what is older than this day (YYYY-MM-DD)"),
    "purge.cli.yes": ("不再询问（用于脚本）", "do not ask (for scripts)"),
    "purge.cli.retention": ("按“保留天数”设置清除（用于 cron）", "purge by the retention setting (for cron)"),
    "purge.ask1": ("确定要清除吗？不能恢复。[y/N] ", "Purge this? It cannot be undone. [y/N] "),
    "purge.ask2": ("请再输入一遍日期 {before} 确认：", "Type the date {before} again to confirm: "),
    "purge.cancelled": ("没有清除任何内容。", "Nothing was purged."),
    "purge.no_retention": ("没有设置保留天数，或今天已经清除过。", "No retention is set, or it already ran today."),
})


def command(rules: Sequence[Rule]) -> Command:
    """The `purge` subcommand (listed in console.features)."""
    def setup(p) -> None:
        p.add_argument("--before", metavar="DATE", help=i18n.t("purge.cli.before"))
        p.add_argument("--retention", action="store_true", help=i18n.t("purge.cli.retention"))
        p.add_argument("--yes", action="store_true", help=i18n.t("purge.cli.yes"))

    def run(store: Store, args) -> int:
        try:
            if args.retention:
                done = run_retention(store, rules)
                print(i18n.t("purge.done", **done) if done else i18n.t("purge.no_retention"))
                return 0
            if not args.before:
                raise DomainError("purge.bad_date", value="")
            plan = preview(store, args.before, rules)
            print("\n".join(preview_lines(plan)))
            if not plan["tables"] and not plan["files"]:
                return 0
            if not args.yes and not _asked_twice(plan["before"]):
                print(i18n.t("purge.cancelled"))
                return 1
            done = purge(store, admin_actor(store), plan["before"], rules)
        except DomainError as exc:
            print(str(exc), file=sys.stderr)
            return 1
        print(i18n.t("purge.done", **done))
        return 0

    return Command("purge", i18n._strings["purge.cli.help"], setup, run)


def _asked_twice(before: str) -> bool:
    try:
        if input(i18n.t("purge.ask1")).strip().lower() not in ("y", "yes", "是"):
            return False
        return input(i18n.t("purge.ask2", before=before)).strip() == before
    except EOFError:        # no terminal: no answer is no
        return False
