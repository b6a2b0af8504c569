"""The `stock` command line: balances, sources and costs, or the hand-out
sheet of one building."""

from __future__ import annotations

import unicodedata

from console.core import i18n
from console.core.commands import Command
from console.core.store import Store
from console.stock.balances import balances, sources
from console.stock.handouts import handout_sheet
from console.stock.values import yuan

i18n.add({
    "stock.cli_help": ("打印体温计库存余额", "print thermometer stock balances"),
    "stock.cli_head": ("物品                 库存 借出  入库   发放 预警", "Item                 stock  out  recv  given  low"),
    "stock.cli_low": ("偏低", "LOW"),
    "stock.cli_sources": ("来源                      数量   金额（元）", "Source                     qty  cost (yuan)"),
    "stock.cli_sheet": ("已生成发放表：{path}", "Hand-out sheet written: {path}"),
})


# -- command line: `python app.py stock` ------------------------------------------

def _cli_setup(p) -> None:
    p.add_argument("--sources", action="store_true", help="per source: quantity and cost")
    p.add_argument("--sheet", type=int, metavar="BUILDING",
                   help="write the hand-out sheet (A4 PDF) for BUILDING")


def pad(text: str, width: int) -> str:
    """Left-align in terminal columns (a Chinese character takes two)."""
    cols = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - cols)


def _cli_run(store: Store, args) -> int:
    if args.sheet is not None:
        print(i18n.t("stock.cli_sheet", path=handout_sheet(store, args.sheet)))
        return 0
    if args.sources:
        print(i18n.t("stock.cli_sources"))
        rows = sources(store)
        for r in rows:
            print(f"{pad(r['source'], 24)} {r['qty']:>5}  {yuan(r['cost_fen']):>10}")
        print(f"{pad('Σ', 24)} {sum(r['qty'] for r in rows):>5}  "
              f"{yuan(sum(r['cost_fen'] for r in rows)):>10}")
        return 0
    print(i18n.t("stock.cli_head"))
    for b in balances(store):
        flag = i18n.t("stock.cli_low") if b["is_low"] else ""
        print(f"{pad(b['name'], 20)} {b['balance']:>6} {b['out']:>4} {b['received']:>5} "
              f"{b['given']:>6} {b['low']:>4} {flag}".rstrip())
    return 0


def command():
    """The `stock` subcommand (listed in console.features)."""
    return Command("stock", i18n._strings["stock.cli_help"], _cli_setup, _cli_run)
