"""The 接龙 parser on hostile lines: how long one line takes to read.

    python bench/bench_parser.py

Times the item scanner itself (below the 500-character line limit that
parse_chat and parse_items enforce first) on long runs of the patterns that
made the old regexes slow: a long word, digits, Chinese numerals, unclosed
notes, and a whole chat of 2,000 normal lines. Every time should grow in
proportion to the length (linear), not with its square or cube.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from console.core.i18n import DomainError  # noqa: E402
from console.purchases import parser as op  # noqa: E402

CASES = {
    "word 土豆…": "土豆",
    "digits 1…": "1",
    "numerals 一…": "一",
    "unclosed note": "土豆2斤(",
    "notes 注:": "注:",
}


def timed(text: str) -> float:
    t = time.perf_counter()
    try:
        op._scan(op.clean(text))
    except DomainError:
        pass
    return time.perf_counter() - t


def main() -> None:
    sizes = (1_200, 8_000, 32_000)
    print(f"{'case':16}" + "".join(f"{n:>12,} chars" for n in sizes))
    for name, unit in CASES.items():
        row = [timed((unit * (n // len(unit) + 1))[:n]) for n in sizes]
        print(f"{name:16}" + "".join(f"{t * 1000:>15.1f} ms" for t in row))
    reg = op.Registry([{"door": f"1-{f}0{d}", "head": f"户主{f}{d}"} for f in range(1, 10)
                       for d in range(1, 5)])
    chat = "\n".join(f"{i}. 1栋{1 + i % 9}0{1 + i % 4} 土豆2斤 牛奶1箱(全脂)" for i in range(2000))
    t = time.perf_counter()
    result = op.parse_chat(chat + "\n" + "一" * 32_000, reg)
    print(f"parse_chat 2,000 lines + one 32,000-char line: {(time.perf_counter() - t) * 1000:.0f} ms "
          f"({len(result.orders)} orders, {len(result.problems)} refused)")


if __name__ == "__main__":
    main()
