"""Printing primitive every feature shares: the CJK font.

Slips (errands), building sheets (households), hand-out sheets (stock) and
run sheets (purchases) all find their Chinese font here and write their files
with console.core.output.write.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess

from console.core import i18n
from console.core.i18n import DomainError

_PREFERRED = ("wqy-zenhei", "wqy-microhei", "notosanscjk", "notoserifcjk", "sourcehan",
              "droidsansfallback", "ukai", "uming")

i18n.add({
    "printing.no_font": (
        "找不到中文字体，不能打印（会印成方框）。请管理员安装：sudo apt-get install fonts-wqy-zenhei"
        "（或 fonts-noto-cjk）",
        "No Chinese font found, so nothing was printed (it would print empty boxes). "
        "Ask the admin to install one: sudo apt-get install fonts-wqy-zenhei (or fonts-noto-cjk)"),
})


def _rank(path: str) -> tuple[int, str]:
    low = os.path.basename(path).lower().replace("-", "").replace("_", "")
    for i, name in enumerate(_PREFERRED):
        if name.replace("-", "") in low:
            return (i, path)
    return (len(_PREFERRED), path)


@functools.lru_cache(maxsize=1)
def _discover() -> str | None:
    exe = shutil.which("fc-list")
    if not exe:
        return None
    try:
        out = subprocess.run([exe, ":lang=zh-cn", "file"], capture_output=True, text=True,
                             timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    files = [line.split(":")[0].strip() for line in out.splitlines() if line.strip()]
    files = [f for f in files if f.lower().endswith((".ttf", ".ttc", ".otf", ".otc"))
             and os.path.isfile(f)]
    return min(files, key=_rank) if files else None


def find_cjk_font(refresh: bool = False) -> str | None:
    """Path of a font with Chinese glyphs, or None (cached per process)."""
    env = os.environ.get("DESK_CJK_FONT")
    if env:
        return env if os.path.isfile(env) else None
    if refresh:
        _discover.cache_clear()
    return _discover()


def require_font() -> str:
    """The CJK font, or a DomainError naming the package to install."""
    path = find_cjk_font()
    if not path:
        raise DomainError("printing.no_font")
    return path

