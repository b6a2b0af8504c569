"""Every string exists in Chinese and English with the same placeholders."""

from __future__ import annotations

import importlib
import pkgutil
import string

import pytest

import app  # noqa: F401  (registers the shell's strings)
import console
import screens
from console.core import i18n
from console.core.i18n import DomainError

for pkg in (console, screens):   # every module, in the feature packages too: all strings registered
    for mod in pkgutil.walk_packages(pkg.__path__, f"{pkg.__name__}."):
        importlib.import_module(mod.name)


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


@pytest.mark.parametrize("key", sorted(i18n._strings))
def test_both_languages_with_same_placeholders(key):
    zh, en = i18n._strings[key]
    assert zh.strip() and en.strip()
    assert _fields(zh) == _fields(en), key


def test_error_speaks_the_chosen_language():
    err = DomainError("households.unknown_door", door="9-999")
    i18n.set_lang("zh")
    assert str(err) == "登记表里没有门牌 9-999。"
    i18n.set_lang("en")
    assert str(err) == "No household with door 9-999 in the registry."

