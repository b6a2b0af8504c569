"""Textual's own words in the volunteer's language.

Textual 8.2.8 writes its key descriptions (the Keys panel, the footer's
"Dismiss menu"), its command palette (Theme / Keys / Quit, "Search for
commands…", "No matches found") and Select's "Select" in English. Every
such string is registered here under ``textual:<English>`` with its Chinese;
:func:`apply` puts the current language into Textual's classes (the app calls
it before it starts), :func:`system_command` translates one of Textual's
palette commands and :class:`DeskPalette` is the palette with its texts
translated.
"""

from __future__ import annotations

import dataclasses

from rich.align import Align
from rich.text import Text
from textual.app import SystemCommand
from textual.binding import Binding
from textual.command import CommandList, CommandPalette
from textual.dom import DOMNode
from textual.widgets import Select
from textual.widgets.option_list import Option

from console.core import i18n

ZH = {
    # App, Screen, palette commands
    "Quit": "关闭", "Quit the app and return to the command prompt.": "关闭控制台，回到命令行。",
    "Quit the application as soon as possible": "马上关闭控制台",
    "Theme": "配色", "Change the current theme": "换一种配色",
    "Keys": "按键", "Show help for the focused widget and a summary of available keys":
        "显示当前可用的按键和说明",
    "Hide the keys and widget help panel": "收起按键说明",
    "Maximize": "放大", "Maximize the focused widget": "放大当前部件",
    "Minimize": "还原", "Minimize the widget and restore to normal size": "恢复正常大小",
    "Screenshot": "截图", "Save an SVG 'screenshot' of the current screen": "把当前画面存为 SVG 图片",
    "Focus Next": "下一项", "Focus Previous": "上一项", "Copy selected text": "复制选中的文字",
    "Search for commands…": "搜索命令…", "Search for themes…": "搜索配色…",
    "No matches found": "没有找到",
    "Exit the command palette": "关闭命令面板", "Go to bottom": "到最后", "Go to top": "到最前",
    "Next command": "下一个命令", "Previous command": "上一个命令", "Next page": "下一页",
    "Previous page": "上一页",
    # Select
    "Select": "请选择", "Show menu": "打开列表", "Dismiss menu": "收起列表",
    # Input
    "Input": "输入框",
    "Move cursor left": "光标左移", "Move cursor left and select": "向左选择",
    "Move cursor left a word": "左移一个词", "Move cursor left a word and select": "向左选择一个词",
    "Move cursor right or accept the completion suggestion": "光标右移（或接受补全）",
    "Move cursor right and select": "向右选择", "Move cursor right a word": "右移一个词",
    "Move cursor right a word and select": "向右选择一个词",
    "Delete character left": "删除左边一个字", "Delete character right": "删除右边一个字",
    "Select all": "全选", "Go to start": "到开头", "Go to end": "到结尾",
    "Select line start": "选到开头", "Select line end": "选到结尾", "Submit": "确认",
    "Delete left to start of word": "删除左边一个词", "Delete right to start of word": "删除右边一个词",
    "Delete all to the left": "删除左边全部", "Delete all to the right": "删除右边全部",
    "Cut selected text": "剪切选中的文字", "Paste text from the clipboard": "粘贴",
    # DataTable, OptionList, Tabs, scrolling containers
    "Cursor up": "上移", "Cursor down": "下移", "Cursor left": "左移", "Cursor right": "右移",
    "Page up": "上一页", "Page down": "下一页", "Top": "到顶", "Bottom": "到底",
    "Home": "到最前", "End": "到最后", "Up": "上移", "Down": "下移", "First": "第一项",
    "Last": "最后一项", "Page Up": "上一页", "Page Down": "下一页",
    "Previous tab": "上一个标签", "Next tab": "下一个标签",
    "Scroll Up": "向上滚动", "Scroll Down": "向下滚动", "Scroll Left": "向左滚动",
    "Scroll Right": "向右滚动", "Scroll Home": "滚到顶", "Scroll End": "滚到底",
    "Page Left": "向左一页", "Page Right": "向右一页",
    # TextArea (the paste box)
    "Cursor word left": "左移一个词", "Cursor word right": "右移一个词",
    "Cursor line start": "到行首", "Cursor line end": "到行尾", "Cursor page up": "上一页",
    "Cursor page down": "下一页", "Cursor left word select": "向左选择一个词",
    "Cursor right word select": "向右选择一个词", "Cursor line start select": "选到行首",
    "Cursor line end select": "选到行尾", "Cursor up select": "向上选择",
    "Cursor down select": "向下选择", "Cursor left select": "向左选择",
    "Cursor right select": "向右选择", "Select line": "选中整行", "Cut": "剪切", "Copy": "复制",
    "Paste": "粘贴", "Delete to line start": "删除到行首", "Delete to line end": "删除到行尾",
    "Delete line": "删除整行", "Undo": "撤销", "Redo": "重做",
}
i18n.add({f"textual:{en}": (zh, en) for en, zh in ZH.items()})


def text(english: str) -> str:
    """One of Textual's English strings in the current language (unknown ones unchanged)."""
    return i18n.t(f"textual:{english}") if english in ZH else english


def _subclasses(cls: type = DOMNode):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


_ORIGINAL: dict[type, tuple] = {}
_OWN: set[tuple[str, str]] = set()   # (action, description) of Textual's bindings, translated


def _binding(item) -> Binding:
    binding = item if isinstance(item, Binding) else Binding(*item)
    binding = dataclasses.replace(binding, description=text(binding.description),
                                  tooltip=text(binding.tooltip))
    _OWN.add((binding.action, binding.description))
    return binding


def is_textual(binding: Binding) -> bool:
    """Is this one of Textual's own keys (cursor moves, editing), not a desk action?"""
    return (binding.action, binding.description) in _OWN


def apply() -> None:
    """Translate Textual's key descriptions, group titles and Select's prompt
    into the current language. Call before widgets are made (idempotent; it
    starts from Textual's English every time)."""
    _OWN.clear()
    classes = {DOMNode, *_subclasses()}
    for cls in (c for c in classes if c.__module__.startswith("textual.")):
        own = _ORIGINAL.setdefault(cls, (cls.__dict__.get("BINDINGS"),
                                         cls.__dict__.get("BINDING_GROUP_TITLE")))
        if own[0]:
            cls.BINDINGS = [_binding(item) for item in own[0]]
        if own[1]:
            cls.BINDING_GROUP_TITLE = text(own[1])
    for cls in classes:   # Textual merges the bindings of a class when it is made
        cls._merged_bindings = cls._merge_bindings()
    Select.__init__.__kwdefaults__["prompt"] = text("Select")


def system_command(command: SystemCommand) -> SystemCommand:
    """One of Textual's palette commands (Theme, Keys, Quit…) in the current language."""
    return command._replace(title=text(command.title), help=text(command.help))


class DeskPalette(CommandPalette):
    """The command palette with its placeholder and "No matches found" translated."""

    def __init__(self, *args, placeholder: str = "Search for commands…", **kwargs) -> None:
        super().__init__(*args, placeholder=text(placeholder), **kwargs)

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual's own method with its English "No matches found" translated
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(Option(
                    Align.center(Text(text("No matches found"), style="not bold")),
                    disabled=True, id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False
        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
