"""Sign-in, first-leader set-up and the lock screen."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, Select, Static

from console.checkpoint.gates import open_gates
from console.core import i18n, operators
from console.core.i18n import DomainError
from console.core.operators import Actor
from screens.widgets.footer import DeskFooter
from screens.widgets.name_select import NameSelect
from screens import messages
from screens.widgets.writes import write

i18n.add({
    "signin.title": ("{site} · 登录", "{site} · Sign in"),
    "signin.name": ("姓名", "Name"),
    "signin.gate": ("岗位 / 卡口", "Desk / gate"),
    "signin.pin": ("PIN（4 到 8 位数字）", "PIN (4 to 8 digits)"),
    "signin.leader_pin": ("组长 PIN（6 到 8 位数字）", "Leader's PIN (6 to 8 digits)"),
    "signin.pin_again": ("再输一次 PIN", "PIN again"),
    "signin.go": ("登录", "Sign in"),
    "signin.pick_name": ("请选择你的名字。", "Pick your name."),
    "signin.first_title": ("第一次使用：创建第一位组长", "First run: create the first leader"),
    "signin.first_help": ("组长可以审批、调整库存、管理名单。之后在名单（Ctrl+R）里添加其他人。",
                          "Leaders approve, adjust stock and manage the roster. Add everyone else later "
                          "from the roster (Ctrl+R)."),
    "signin.create": ("创建", "Create"),
    "signin.pins_differ": ("两次输入的 PIN 不一样。", "The two PINs differ."),
    "signin.locked": ("已锁屏：{name}。输入 PIN 继续，或 Ctrl+O 换人登录。",
                      "Locked: {name}. Enter your PIN to go on, or Ctrl+O to sign in as someone else."),
    "signin.switch": ("换人登录", "Switch volunteer"),
    "signin.quit": ("关闭", "Quit"),
})


class _PinForm(Screen):
    """Shared layout: a title, fields, a message line, Enter submits."""

    BINDINGS = [Binding("enter", "submit", "", show=False),
                Binding("ctrl+q", "app.quit", i18n.t("signin.quit"), priority=True)]  # shown here

    def message(self, text: str) -> None:
        self.query_one("#message", Label).update(text)

    def failed(self, text: str) -> None:
        """Show why, clear the PIN, and let them type it again."""
        self.message(text)
        pin = self.query_one("#pin", Input)
        pin.value = ""
        pin.focus()

    def pin_input(self, ident: str = "pin") -> Input:
        return Input(password=True, restrict=r"\d{0,8}", max_length=8, id=ident,
                     placeholder=i18n.t("signin.pin"))

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_submit()


def sign_in_choices(store) -> tuple[list[str], list[str]]:
    """What the sign-in screen offers: the active names and the open gates
    (read before it opens; in a worker but at start-up)."""
    return [m["name"] for m in operators.roster(store, active_only=True)], open_gates(store)


class SignInScreen(_PinForm):
    def __init__(self, names: list[str], gates: list[str]) -> None:
        """``names``, ``gates``: :func:`sign_in_choices`."""
        super().__init__()
        self.names, self.gates = names, gates

    def compose(self) -> ComposeResult:
        names, gates = self.names, self.gates
        with Vertical(classes="form-card"):
            yield Static(i18n.t("signin.title", site=self.app.title), classes="title")
            yield Label(i18n.t("signin.name"))
            yield NameSelect([(n, n) for n in names], id="name", prompt=i18n.t("signin.name"))
            yield Label(i18n.t("signin.gate"))
            yield Select([(g, g) for g in gates], id="gate", allow_blank=False,
                         value=self.app.gate if self.app.gate in gates else gates[0])
            yield Label(i18n.t("signin.pin"))
            yield self.pin_input()
            yield Label("", id="message", classes="error")
        yield DeskFooter()

    def action_submit(self) -> None:
        name = self.query_one("#name", Select).value
        if name is Select.NULL:
            self.message(i18n.t("signin.pick_name"))
            self.query_one("#name").focus()
            return
        self.post_message(messages.SigningIn())
        self._check(str(name), self.query_one("#pin", Input).value,
                    str(self.query_one("#gate", Select).value))

    @work(thread=True, exclusive=True)
    def _check(self, name: str, pin: str, gate: str) -> None:
        try:
            actor = operators.sign_in(self.app.store, name, pin)
        except DomainError as exc:
            self.app.call_from_thread(self.failed, str(exc))
            return
        self.post_message(messages.SignedIn(actor, gate))  # thread-safe; the app enters the console


class FirstLeaderScreen(_PinForm):
    def compose(self) -> ComposeResult:
        with Vertical(classes="form-card"):
            yield Static(i18n.t("signin.first_title"), classes="title")
            yield Static(i18n.t("signin.first_help"))
            yield Label(i18n.t("signin.name"))
            yield Input(id="name", max_length=20)
            yield Label(i18n.t("signin.leader_pin"))
            yield self.pin_input()
            yield Label(i18n.t("signin.pin_again"))
            yield self.pin_input("pin2")
            yield Label("", id="message", classes="error")
        yield DeskFooter()

    def action_submit(self) -> None:
        pin, pin2 = self.query_one("#pin", Input).value, self.query_one("#pin2", Input).value
        if pin != pin2:
            self.message(i18n.t("signin.pins_differ"))
            return
        app, name = self.app, self.query_one("#name", Input).value

        def create() -> tuple[Actor, list[str]]:
            return operators.create_first_leader(app.store, name, pin), open_gates(app.store)  # the PIN's hash
        write(self, create, lambda got: self._created(*got), lambda exc: self.message(str(exc)))

    def _created(self, actor: Actor, gates: list[str]) -> None:
        self.post_message(messages.SignedIn(actor, self.app.gate or gates[0]))


class LockScreen(_PinForm):
    """Covers the console until the same volunteer enters their PIN."""

    BINDINGS = [Binding("ctrl+o", "app.sign_out", i18n.t("signin.switch"))]

    def __init__(self, actor: Actor):
        super().__init__()
        self.actor = actor

    def compose(self) -> ComposeResult:
        with Vertical(classes="form-card"):
            yield Static(i18n.t("signin.locked", name=self.actor.name), classes="title")
            yield self.pin_input()
            yield Label("", id="message", classes="error")
        yield DeskFooter()

    def action_submit(self) -> None:
        self._check(self.query_one("#pin", Input).value)

    @work(thread=True, exclusive=True)
    def _check(self, pin: str) -> None:
        try:
            actor = operators.sign_in(self.app.store, self.actor.name, pin)
        except DomainError as exc:
            self.app.call_from_thread(self.failed, str(exc))
            return
        self.app.call_from_thread(self.app.unlocked, actor)
