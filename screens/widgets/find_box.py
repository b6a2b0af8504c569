"""The find box every list shares: Ctrl+F opens it under the list, the list
keeps the rows the typed door (5-302, 5栋302, 5#302: that household exactly,
never 15-302) or name (also by pinyin) finds, as it is typed; Enter goes back
to the list, Esc clears the box and shows every row again.

The rule is the domain's (:func:`console.households.registry.search`); a
text that finds nothing or cannot be read leaves the list as it was and says
so under the box. A list using it::

    BINDINGS = [FIND]
    def action_find(self): self.query_one(FindBox).open()
    @on(FindBox.Changed)            # the text changed: show what it keeps
    ...  rows, problem = keep(rows, box.text, who=("head",)); box.say(problem)
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label

from console.core import i18n
from console.core.i18n import DomainError
from console.households.registry import search

i18n.add({
    "find.key": ("查找", "Find"),
    "find.label": ("找：", "Find:"),
    "find.placeholder": ("门牌（5-302、5栋302）或姓名、拼音，Esc 清除",
                         "door (5-302, 5栋302), name or pinyin; Esc clears"),
    "find.none": ("没有找到“{text}”，列表照旧全部显示。", "Nothing found for “{text}”: every row is shown."),
    "find.clear": ("清除查找", "Clear find"),
})

#: the one key every list finds with (the Purchases tab and the gate's log have it too)
FIND = Binding("ctrl+f", "find", i18n.t("find.key"))
#: the same key left out of the footer, for a tab whose footer is full (Ctrl+P and the README list it)
FIND_UNSHOWN = Binding("ctrl+f", "find", i18n.t("find.key"), show=False)


def keep(rows: list[dict], text: str, who: tuple[str, ...] = ("head",),
         door: str = "door") -> tuple[list[dict], str]:
    """(the rows to show, what to say): the rows ``text`` finds; every row and
    why, when it finds none or cannot be read. Plain values: a worker may call it."""
    try:
        found = search(rows, text, who, door)
    except DomainError as exc:
        return list(rows), str(exc)
    if rows and not found and text.strip():
        return list(rows), i18n.t("find.none", text=text.strip())
    return found, ""


class FindBox(Vertical):
    """One line to type a door or a name in, and the line that says why nothing was found.

    ``target`` is the selector of the list the focus goes back to."""

    DEFAULT_CSS = """
    FindBox { display: none; height: auto; }
    FindBox.open { display: block; }
    FindBox > Horizontal { height: 1; padding: 0 1; }
    FindBox .find-label { width: auto; margin-right: 1; }
    FindBox Input { width: 1fr; }
    FindBox .find-msg { display: none; color: $error; padding-left: 1; height: auto; }
    FindBox .find-msg.shown { display: block; }
    """
    BINDINGS = [Binding("escape", "clear", i18n.t("find.clear"))]

    class Changed(Message):
        """The find text is now ``text`` ("" once cleared)."""

        def __init__(self, box: FindBox, text: str) -> None:
            super().__init__()
            self.box, self.text = box, text

        @property
        def control(self) -> FindBox:
            return self.box

    def __init__(self, target: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.target = target

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(i18n.t("find.label"), classes="find-label")
            yield Input(placeholder=i18n.t("find.placeholder"), max_length=30, compact=True)
        yield Label("", classes="find-msg")

    @property
    def text(self) -> str:
        return self.query_one(Input).value if self.is_mounted else ""

    def open(self) -> None:
        self.add_class("open")
        self.query_one(Input).focus()

    def say(self, problem: str) -> None:
        """Show ``problem`` under the box ("" hides the line)."""
        msg = self.query_one(".find-msg", Label)
        msg.update(problem)
        msg.set_class(bool(problem), "shown")

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(self, event.value))

    @on(Input.Submitted)
    def _done(self, event: Input.Submitted) -> None:
        event.stop()
        self._back()

    def action_clear(self) -> None:
        self.query_one(Input).value = ""   # posts Changed(""): the list shows every row
        self.say("")
        self.remove_class("open")
        self._back()

    def _back(self) -> None:
        targets = self.screen.query(self.target)
        if targets:
            targets.first().focus()
