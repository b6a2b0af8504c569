"""The ``desk`` command: what a volunteer's SSH login runs (sshd ForceCommand).

It prepares the terminal environment for Textual over SSH, finds the shared
data directory, refuses to start when that directory would lose or leak
data (missing, not shared with the group, readable by everyone), and then
runs the app on it.

Where the data directory comes from, first match wins:

1. ``DESK_DATA`` in the environment;
2. ``data_dir`` in the TOML file named by ``DESK_CONFIG``, else
   ``/etc/desk-console.toml``.

The config file may also set ``color_system`` (Textual's colour system, used
unless ``TEXTUAL_COLOR_SYSTEM`` is already set) and ``lang`` (``zh``/``en``).
Refusals print Chinese and English and exit with status 2.
"""

from __future__ import annotations

import importlib.util
import os
import stat
import sys
import tomllib
from collections.abc import MutableMapping, Sequence
from pathlib import Path

from console.core import i18n

DEFAULT_CONFIG = "/etc/desk-console.toml"
EXIT_REFUSED = 2

i18n.add({
    "launcher.refused": ("服务台无法启动：", "The desk console cannot start:"),
    "launcher.ask_admin": ("请把这段话发给管理员。", "Please send this message to the administrator."),
    "launcher.no_config": (
        "没有设置数据目录。请在 {config} 中写 data_dir = \"/srv/desk\"，或设置环境变量 DESK_DATA。",
        "No data directory is configured. Put data_dir = \"/srv/desk\" in {config}, or set DESK_DATA."),
    "launcher.bad_config": (
        "配置文件 {config} 读不了：{error}",
        "The config file {config} cannot be read: {error}"),
    "launcher.missing": (
        "数据目录 {path} 不存在。管理员请运行：install -d -m 2770 -g desk {path}",
        "The data directory {path} does not exist. Admin: run install -d -m 2770 -g desk {path}"),
    "launcher.not_dir": (
        "{path} 不是目录。",
        "{path} is not a directory."),
    "launcher.not_group": (
        "数据目录 {path} 的权限是 {mode}，组内不能共同写入（应为 2770）。管理员请运行：chmod 2770 {path}",
        "The data directory {path} has mode {mode}; the group cannot share it (expected 2770). "
        "Admin: run chmod 2770 {path}"),
    "launcher.world": (
        "数据目录 {path} 的权限是 {mode}，其他用户也能访问住户信息（应为 2770）。管理员请运行：chmod 2770 {path}",
        "The data directory {path} has mode {mode}; other users can reach residents' data "
        "(expected 2770). Admin: run chmod 2770 {path}"),
    "launcher.no_access": (
        "当前账号 {user} 不能写入数据目录 {path}（目录属于组 {group}）。管理员请运行：usermod -aG {group} {user}",
        "This account ({user}) cannot write to the data directory {path} (group {group}). "
        "Admin: run usermod -aG {group} {user}"),
    "launcher.press_enter": ("按回车键关闭。", "Press Enter to close."),
    "launcher.no_tty": (
        "这里没有终端。请用 ssh -t 登录。",
        "There is no terminal here. Log in with ssh -t."),
    "launcher.no_app": (
        "找不到 app.py（安装不完整）。",
        "app.py was not found: the installation is incomplete."),
})


class Refused(Exception):
    """The console must not start; the message says why in zh and en."""

    def __init__(self, key: str, **params: object):
        super().__init__(key)
        self.key = key
        self.params = params

    def message(self) -> str:
        """Chinese first, then English, whatever LANG says: the reader may be either."""
        before, lines = i18n.lang(), []
        try:
            for lang in i18n.LANGS:
                i18n.set_lang(lang)
                lines += [i18n.t("launcher.refused"), "  " + i18n.t(self.key, **self.params),
                          "  " + i18n.t("launcher.ask_admin")]
        finally:
            i18n.set_lang(before)
        return "\n".join(lines)


def read_config(env: MutableMapping[str, str]) -> tuple[dict, str]:
    """The parsed config file (empty when the default file is absent) and its path."""
    path = env.get("DESK_CONFIG") or DEFAULT_CONFIG
    try:
        with open(path, "rb") as f:
            return tomllib.load(f), path
    except FileNotFoundError:
        if env.get("DESK_CONFIG"):  # named explicitly: it must exist
            raise Refused("launcher.bad_config", config=path, error="not found / 找不到文件") from None
        return {}, path
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise Refused("launcher.bad_config", config=path, error=str(e)) from None


def find_data_dir(env: MutableMapping[str, str], config: dict, config_path: str) -> Path:
    """DESK_DATA, else the config's data_dir; refuse when neither is set."""
    value = env.get("DESK_DATA") or config.get("data_dir")
    if not value or not isinstance(value, str):
        raise Refused("launcher.no_config", config=config_path)
    return Path(value).expanduser()


def _group_name(gid: int) -> str:
    try:
        import grp
        return grp.getgrgid(gid).gr_name
    except (ImportError, KeyError):
        return str(gid)


def _user_name() -> str:
    try:
        import pwd
        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):
        return str(os.getuid())


def check_data_dir(path: Path) -> None:
    """Refuse unless ``path`` is a setgid directory the group can fully use,
    closed to other users, and writable by this account."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise Refused("launcher.missing", path=str(path)) from None
    if not stat.S_ISDIR(st.st_mode):
        raise Refused("launcher.not_dir", path=str(path))
    mode = stat.S_IMODE(st.st_mode)
    shown = f"{mode:04o}"
    if mode & 0o070 != 0o070 or not mode & stat.S_ISGID:
        raise Refused("launcher.not_group", path=str(path), mode=shown)
    if mode & 0o007:
        raise Refused("launcher.world", path=str(path), mode=shown)
    if not os.access(path, os.R_OK | os.W_OK | os.X_OK):
        raise Refused("launcher.no_access", path=str(path), user=_user_name(),
                      group=_group_name(st.st_gid))


def prepare_environment(env: MutableMapping[str, str], config: dict) -> None:
    """Terminal settings for Textual over SSH; values already set are kept."""
    env.setdefault("TEXTUAL_COLOR_SYSTEM", str(config.get("color_system", "256")))
    env["ESCDELAY"] = "25"  # a lone Esc is a key press, not the start of a sequence
    env["TEXTUAL_ANIMATIONS"] = "none"  # animations crawl over slow links
    env["DESK_HOLD_ON_ERROR"] = "1"  # the app waits for Enter before a failed session closes


def app_args(data_dir: Path, config: dict, argv: Sequence[str]) -> list[str]:
    args = ["--data-dir", str(data_dir)]
    lang = config.get("lang")
    if lang in i18n.LANGS and "--lang" not in argv:
        args += ["--lang", lang]
    return args + list(argv)


def run_app(args: list[str]) -> int | None:
    """Replace this process with ``app.py ARGS`` (same interpreter, same
    terminal). The launcher runs the app as a program instead of importing
    it: the domain never imports the UI, and Textual is first loaded only
    after :func:`prepare_environment` has set what it reads at import."""
    spec = importlib.util.find_spec("app")
    if spec is None or not spec.origin:
        raise Refused("launcher.no_app")
    os.execv(sys.executable, [sys.executable, spec.origin, *args])


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``desk`` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    env = os.environ
    os.umask(0o007)  # files this session creates stay shared with the group, closed to others
    try:
        config, config_path = read_config(env)
        prepare_environment(env, config)
        data_dir = find_data_dir(env, config, config_path)
        check_data_dir(data_dir)
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            raise Refused("launcher.no_tty")
        return run_app(app_args(data_dir, config, argv)) or 0
    except Refused as refusal:
        print(refusal.message(), file=sys.stderr)
        return EXIT_REFUSED


def hold_screen() -> None:
    """Keep a failed session's last message readable: under the forced SSH
    command the connection closes as soon as the console exits. The app
    calls this when it exits non-zero and ``DESK_HOLD_ON_ERROR`` is set."""
    print(i18n.t("launcher.press_enter"), file=sys.stderr)
    try:
        input()
    except (EOFError, OSError, KeyboardInterrupt):
        pass


if __name__ == "__main__":
    sys.exit(main())
