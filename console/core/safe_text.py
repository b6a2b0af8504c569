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

from console.core import i18n
from console.core.i18n import DomainError

i18n.add({
    "safe_text.removed": ("已去掉隐藏的控制字符（终端转义、文字方向控制等）。",
                          "Hidden control characters (terminal escapes, text-direction overrides) "
                          "were removed."),
    "safe_text.encoding": ("文件编码无法识别（不是 UTF-8 也不是 GBK）。请另存为 UTF-8（表格软件里选“CSV UTF-8”）。",
                           "Cannot read the file's encoding (neither UTF-8 nor GBK). Save it as "
                           "UTF-8 (from a spreadsheet: “CSV UTF-8”)."),
    "safe_text.utf16": ("这是 UTF-16“Unicode 文本”，请另存为 UTF-8（表格软件里选“CSV UTF-8”）。",
                        "This is UTF-16 “Unicode text”: save it as UTF-8 (from a spreadsheet: "
                        "“CSV UTF-8”) instead."),
    "safe_text.binary": ("这不是文本文件。", "This is not a text file."),
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
    if multiline:  # a paste from tmux or a Mac terminal ends its lines with a bare CR
        out = out.replace("\r\n", "\n").replace("\r", "\n")
    kept = []
    for ch in out:
        if ch in _HIDDEN:
            removed = True
        elif unicodedata.category(ch) != "Cc":
            kept.append(ch)
        elif ch == "\n" and multiline:
            kept.append(ch)
        elif ch in "\t\r\n":
            kept.append(" ")
        else:
            removed = True
    return "".join(kept), removed


def clean(text: str, multiline: bool = False) -> str:
    """:func:`scrub` for callers with nobody to tell (the form has said so)."""
    return scrub(text, multiline)[0]


def line(value: object, nfkc: bool = False) -> str:
    """One line of typed or imported text: hidden characters out, runs of
    spaces as one; with ``nfkc`` also full-width letters, digits and
    punctuation made plain (for fields that are matched, not for free text:
    "确诊，方舱" keeps its Chinese comma)."""
    text = clean(str(value or ""))
    return " ".join((unicodedata.normalize("NFKC", text) if nfkc else text).split())


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name) of a text file: UTF-8 with or without BOM, else
    GBK (GB18030, what Chinese Windows saves). A file of which more than one
    character in twenty is a control character is binary and refused; a few
    stray ones (a NUL in a name) are left for :func:`scrub`."""
    if data.startswith(b"\xef\xbb\xbf"):
        data, bom = data[3:], " (BOM)"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DomainError("safe_text.utf16")
    else:
        bom = ""
    try:
        text, name = data.decode("utf-8"), "UTF-8" + bom
    except UnicodeDecodeError:
        try:
            text, name = data.decode("gb18030"), "GBK"
        except UnicodeDecodeError:
            raise DomainError("safe_text.encoding") from None
    controls = sum(1 for ch in text if ch < " " and ch not in "\t\r\n")
    if controls * 20 > len(text):
        raise DomainError("safe_text.binary")
    return text, name
