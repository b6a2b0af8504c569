"""Chinese and English strings, and the error type every domain call raises.

Each module registers its own strings with :func:`add` (zh, en) next to the
code that uses them; :func:`t` looks a key up in the current language.
The language follows ``LANG`` (``zh*`` gives Chinese) unless
:func:`set_lang` is called (``--lang zh|en``).
"""

from __future__ import annotations

import os

LANGS = ("zh", "en")
_strings: dict[str, tuple[str, str]] = {}
_lang = "zh" if os.environ.get("LANG", "").lower().startswith("zh") else "en"


def set_lang(lang: str) -> None:
    global _lang
    if lang not in LANGS:
        raise ValueError(f"language must be one of {LANGS}")
    _lang = lang


def lang() -> str:
    return _lang


def lang_in(argv: list[str]) -> str:
    """The language from --lang in argv or LANG, before the console's
    modules are imported (their key labels are built at import)."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in LANGS:
            return argv[i + 1]
        if arg.startswith("--lang=") and arg[7:] in LANGS:
            return arg[7:]
    return lang()


def add(strings: dict[str, tuple[str, str]]) -> None:
    """Register strings: key -> (Chinese, English). Keys must be unique."""
    for key, pair in strings.items():
        if key in _strings and _strings[key] != pair:
            raise KeyError(f"i18n key registered twice: {key}")
        if len(pair) != 2 or not all(pair):
            raise ValueError(f"i18n key {key} needs both zh and en text")
        _strings[key] = pair


def t(key: str, **params: object) -> str:
    """The text for key in the current language, formatted with params."""
    zh, en = _strings[key]
    text = zh if _lang == "zh" else en
    return text.format(**params) if params else text


def both(key: str, **params: object) -> str:
    """'中文 / English' for places that must serve every reader (CLI, logs)."""
    zh, en = _strings[key]
    return f"{zh.format(**params)} / {en.format(**params)}"


class DomainError(Exception):
    """A mistake a volunteer can make, with a message in their language.

    ``field`` names the form field the message belongs next to, if any.
    """

    def __init__(self, key: str, field: str | None = None, **params: object):
        super().__init__(key)
        self.key = key
        self.field = field
        self.params = params

    def __str__(self) -> str:
        return t(self.key, **self.params)


add({
    "yes": ("是", "Yes"),
    "no": ("否", "No"),
})
