"""The lists a desk can take out as a spreadsheet, and the `export` command.

Each feature describes its lists as :class:`Export`: a name (the word on the
command line), a title, and a function ``(store, actor, days) -> Table``
(``days`` is the chosen dates, oldest first, or ``[]`` for a list of now);
console.features lists them all. :func:`export` writes one as .xlsx or CSV:
by default a new file under
``exports/`` in the data directory, else the path given, which must be a new
file in an existing folder. Every export is recorded (table ``exports``,
so the audit trail says who took which list out).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from console.core import clock, i18n, output, spreadsheet
from console.core.commands import Command, admin_actor
from console.core.i18n import DomainError
from console.core.operators import Actor
from console.core.spreadsheet import Table
from console.core.store import Store

MAX_DAYS = 366
LOG = "export_log"     # who took which list out, when (day table, so audited)

i18n.add({
    "exports.bad_day": ("日期“{value}”看不懂（YYYY-MM-DD）。", "Cannot read the date “{value}” (YYYY-MM-DD)."),
    "exports.range": ("开始日期 {first} 晚于结束日期 {last}。", "The first day {first} is after the last day {last}."),
    "exports.too_long": ("一次最多导出 {n} 天。", "At most {n} days in one export."),
    "exports.half_range": ("--from 和 --to 要一起给。", "Give --from and --to together."),
    "exports.day_and_range": ("--day 和 --from/--to 只能选一种。", "Give either --day or --from/--to, not both."),
    "exports.undated": ("“{what}”是当前的名单，不按日期导出。", "“{what}” is the list as it is now: it takes no dates."),
    "exports.unknown": ("没有这种名单：{what}。可以导出：{names}",
                        "No such list: {what}. These can be exported: {names}"),
    "exports.done": ("已导出 {n} 行到 {path}", "Exported {n} rows to {path}"),
    "exports.cli.help": ("把名单导出为 .xlsx 或 CSV", "export a list as .xlsx or CSV"),
    "exports.cli.what": ("导出哪一份名单", "which list"),
    "exports.cli.output": ("文件名（.xlsx 或 .csv）；默认写到数据目录的 exports/ 下，格式 .xlsx",
                           "file name (.xlsx or .csv); default: a new .xlsx under exports/ in the data directory"),
})


@dataclass(frozen=True)
class Export:
    name: str                                            # command-line word
    title: str                                           # i18n key
    build: Callable[[Store, Actor, list[str]], Table]
    dated: bool = True                                   # takes --day / --from --to


def parse_day(text: str | dt.date) -> dt.date:
    try:
        return text if isinstance(text, dt.date) else dt.date.fromisoformat(str(text).strip())
    except ValueError:
        raise DomainError("exports.bad_day", value=text) from None


def days(day: str | None = None, first: str | None = None, last: str | None = None) -> list[str]:
    """The dates chosen: one ``day``, or ``first`` to ``last``; today when none."""
    if day and (first or last):
        raise DomainError("exports.day_and_range")
    if bool(first) != bool(last):
        raise DomainError("exports.half_range")
    if not first:
        d = parse_day(day) if day else clock.today()
        return [d.isoformat()]
    a, b = parse_day(first), parse_day(last)
    if a > b:
        raise DomainError("exports.range", first=a, last=b)
    if (b - a).days >= MAX_DAYS:
        raise DomainError("exports.too_long", n=MAX_DAYS)
    return [(a + dt.timedelta(n)).isoformat() for n in range((b - a).days + 1)]


def get(lists: Sequence[Export], what: str) -> Export:
    """The list named ``what``, else a DomainError naming those there are."""
    for ex in lists:
        if ex.name == what:
            return ex
    raise DomainError("exports.unknown", what=what, names=", ".join(e.name for e in lists))


def default_path(store: Store, export: Export, chosen: list[str], fmt: str = "xlsx") -> Path:
    when = (chosen[0] if len(chosen) == 1 else f"{chosen[0]}_{chosen[-1]}") if chosen else ""
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    name = "-".join(p for p in (export.name, when, stamp) if p)
    path, n = store.root / "exports" / f"{name}.{fmt}", 1
    while path.exists():                 # twice in one second: keep both
        n += 1
        path = path.with_name(f"{name}-{n}.{fmt}")
    return path


def export(store: Store, actor: Actor, ex: Export, chosen: list[str] | None = None,
           path: str | Path | None = None) -> tuple[Path, int]:
    """Write the list ``ex`` for the ``chosen`` days (default today);
    returns (file, rows). Nothing is written when a DomainError is raised."""
    if not ex.dated:
        if chosen:
            raise DomainError("exports.undated", what=ex.name)
        chosen = []
    elif not chosen:
        chosen = days()
    target = Path(path) if path else default_path(store, ex, chosen)
    output.check_target(target, make_parent=path is None, new=True)
    fmt = spreadsheet.format_of(target)
    table = ex.build(store, actor, chosen)
    output.save_new(target, spreadsheet.encode(table, fmt), make_parent=path is None)
    store.table(LOG, day=True).insert({
        "what": ex.name, "days": [chosen[0], chosen[-1]] if chosen else [], "rows": len(table.rows),
        "file": str(target), "by": actor.name, "role": actor.role, "at": clock.stamp()})
    return target, len(table.rows)


# -- command line: `python app.py export WHAT [--day D | --from D --to D] [-o FILE]` --

def command(lists: Sequence[Export]) -> Command:
    """The `export WHAT` subcommand over ``lists`` (listed in console.features)."""
    def setup(p) -> None:
        p.add_argument("what", metavar="WHAT",
                       help=i18n.t("exports.cli.what") + ": " + ", ".join(e.name for e in lists))
        p.add_argument("--day", help="YYYY-MM-DD (default: today)")
        p.add_argument("--from", dest="first", metavar="DAY", help="YYYY-MM-DD")
        p.add_argument("--to", dest="last", metavar="DAY", help="YYYY-MM-DD")
        p.add_argument("-o", "--output", metavar="FILE", help=i18n.t("exports.cli.output"))

    def run(store: Store, args) -> int:
        try:
            ex = get(lists, args.what)
            dated = args.day or args.first or args.last
            chosen = days(args.day, args.first, args.last) if ex.dated or dated else []
            path, n = export(store, admin_actor(store), ex, chosen, args.output)
        except DomainError as exc:
            print(str(exc), file=sys.stderr)
            return 1
        print(i18n.t("exports.done", n=n, path=path))
        return 0

    return Command("export", i18n._strings["exports.cli.help"], setup, run)
