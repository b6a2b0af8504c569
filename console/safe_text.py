"""Hidden characters out of everything people type, paste or import.

A name pasted from a chat or a cell in a registry spreadsheet may carry NUL
bytes, terminal escape sequences (which repaint another desk's screen when
shown) or bidirectional overrides (which make 302 read as 203). Every form
and every import passes text through :func:`scrub`; callers that can tell
the user say so with the message ``safe_text.removed``.
"""

from __future__ import annotations

import re
import unicodedata

from console import i18n

i18n.add({
    "safe_text.removed": ("已去掉隐藏的控制字符（终端转义、文字方向控制等）。",
                          "Hidden control characters (terminal escapes, text-direction overrides) "
                          "were removed."),
    "safe_text.removed_lines": ("第 {lines} 行含有隐藏的控制字符，已去掉。",
                                "Hidden control characters were removed on lines {lines}."),
})

#: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), other two-byte escapes; also 8-bit CSI
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?"
                   r"|\x9b[0-?]*[ -/]*[@-~]")
#: bidi embeddings, overrides, isolates and marks; the byte-order mark
_HIDDEN = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A),
                            0x200E, 0x200F, 0x061C, 0xFEFF)}


def scrub(text: str, multiline: bool = False) -> tuple[str, bool]:
    """``text`` without escapes, control characters and bidi controls, and
    whether anything was removed. Tabs become spaces; line breaks stay only
    when ``multiline``. Linear in the length of the text."""
    text = str(text or "")
    out = _ANSI.sub("", text)
    removed = out != text
    kept = []
    for ch in out:
        if ch in _HIDDEN:
            removed = True
        elif unicodedata.category(ch) != "Cc":
            kept.append(ch)
        elif ch == "\n" and multiline:
            kept.append(ch)
        elif ch in "\t\r\n":
            kept.append("" if ch == "\r" and multiline else " ")
        else:
            removed = True
    return "".join(kept), removed


def clean(text: str, multiline: bool = False) -> str:
    """:func:`scrub` for callers with nobody to tell (the form has said so)."""
    return scrub(text, multiline)[0]


def line(value: object) -> str:
    """One line of typed or imported text: hidden characters out, NFKC
    (full-width letters and digits to plain ones), runs of spaces as one."""
    return " ".join(unicodedata.normalize("NFKC", clean(str(value or ""))).split())
