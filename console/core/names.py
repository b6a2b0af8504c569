"""People's names as Chinese readers order and look them up: by pinyin.

:func:`sort_key` is the one key every list of names sorts by (何 < 刘 < 吴 <
周, as a phone book does), not by code point. :func:`matches` is the one
name search: the name itself, or its pinyin — initials (``wz`` finds 王中),
full (``wangzhong``, ``wang zhong``) or a mix (``wangz``).
"""

from __future__ import annotations

import os
import unicodedata
from functools import lru_cache

# Names need each character's reading (surnames: the table below), not
# pypinyin's 400k-phrase dictionary, which costs ~44 MB in every desk's
# process (six desks share the machine); nor a private copy of its tables.
os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "1")

from pypinyin import Style, lazy_pinyin  # noqa: E402
from pypinyin.constants import PINYIN_DICT  # noqa: E402


def _share_readings(table: dict[int, str]) -> None:
    """pypinyin reads its table from JSON, one string per character: 42k
    strings, 8.6k different readings. Equal ones shared are 2.5 MB less in
    every desk's process; the table's keys and readings stay as they are."""
    shared: dict[str, str] = {}
    for char, reading in table.items():
        table[char] = shared.setdefault(reading, reading)


_share_readings(PINYIN_DICT)

# Surnames read differently from the same character in everyday words.
_SURNAMES = {"单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "朴": "piao", "查": "zha",
             "区": "ou", "乐": "yue", "盖": "ge", "缪": "miao", "覃": "qin", "翟": "zhai",
             "黑": "he", "尉": "yu", "召": "shao", "秘": "bi", "长孙": "zhangsun"}


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", str(text or "")).split())


@lru_cache(maxsize=65536)
def syllables(name: str) -> tuple[str, ...]:
    """'曾国藩' -> ('zeng', 'guo', 'fan'); letters and digits stay as words."""
    name = _clean(name)
    head: list[str] = []
    for surname, reading in _SURNAMES.items():
        if name.startswith(surname) and len(name) > len(surname):
            head, name = [reading], name[len(surname):]
            break
    words = lazy_pinyin(name, style=Style.NORMAL, errors=lambda chars: chars.split())
    return tuple(head + [w.lower() for w in words if w.strip()])


def sort_key(name: str) -> tuple:
    """Pinyin order, syllable by syllable; the name itself breaks ties."""
    return (syllables(name), _clean(name))


def _prefixes(query: str, words: tuple[str, ...], i: int) -> bool:
    """Can ``query`` be split into non-empty prefixes of words[i], words[i+1], …?"""
    if not query:
        return True
    if i == len(words):
        return False
    word = words[i]
    return any(query.startswith(word[:n]) and _prefixes(query[n:], words, i + 1)
               for n in range(min(len(word), len(query)), 0, -1))


def matches(name: str, query: str) -> bool:
    """Does ``query`` find ``name``? Part of the name as written, or the
    pinyin of consecutive syllables: initials, full or mixed (any case)."""
    query, name = _clean(query).lower(), _clean(name)
    if not query:
        return True
    if query in name.lower():
        return True
    letters = query.replace(" ", "")
    if not letters.isascii() or not letters.isalpha():
        return False
    words = syllables(name)
    return any(_prefixes(letters, words, i) for i in range(len(words)))
