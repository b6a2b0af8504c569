"""The command line: `python app.py [options] [command]`.

Without a command the console starts. Commands are for admins and scripts;
each prints in the user's language and exits non-zero when something is
wrong. The commands below are the console's own (data files, demo, pass
key); each feature's commands come from console.features.
"""

from __future__ import annotations

import argparse
import errno
import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

import console
from console.core import i18n, logs, output  # noqa: F401  (output: its messages)
from console.core.commands import Command, admin_actor
from console.core.i18n import DomainError
from console.core.store import Store

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT / "data"

i18n.add({
    "cli.description": ("社区防控服务台：卡口登记、代购、体温计、住户。",
                        "Desk console for community checkpoint and supply desks."),
    "cli.check_ok": ("检查了 {n} 个数据文件，全部完好。", "Checked {n} data files: all good."),
    "cli.no_data": ("{path} 里还没有数据（没有可检查的文件）。", "There is no data in {path} yet (no files to check)."),
    "cli.check.torn_tail.cut": (
        "{file}：最后一笔没写完的操作（没有确认过）已截掉，已确认的数据都在。",
        "{file}: an unfinished last transaction (never acknowledged) was cut off; everything acknowledged is there."),
    "cli.check.bad_line.restored": (
        "{file}：第 {detail} 号操作记录损坏，已从快照恢复，没有丢失。",
        "{file}: transaction {detail} was damaged and was restored from a snapshot; nothing lost."),
    "cli.check.bad_line.lost": (
        "{file}：第 {detail} 号操作记录损坏，没有快照保存它，无法恢复：这笔操作的修改丢失了，请核对那时前后改过的记录。",
        "{file}: transaction {detail} was damaged and no snapshot holds it: it could not be recovered and its "
        "changes are lost. Check the records changed around that time."),
    "cli.check.bad_line.none": (
        "{file}：第 {detail} 号操作记录损坏。请运行 `python app.py check` 修复，或从备份恢复。",
        "{file}: transaction {detail} is damaged. Run `python app.py check` to repair it, or restore a backup."),
    "cli.check.rebuilt": (
        "{file}：检查点{what}，已从操作日志重建，没有丢失；坏文件保存在 damaged/。",
        "{file}: checkpoint {what}: rebuilt from the journal, nothing lost; any damaged copy is kept in damaged/."),
    "cli.check.not_rebuilt": (
        "{file}：检查点{what}。请运行 `python app.py check` 从操作日志重建。",
        "{file}: checkpoint {what}. Run `python app.py check` to rebuild it from the journal."),
    "cli.what.bad_manifest": ("目录已损坏", "index damaged"),
    "cli.what.bad_checkpoint": ("已损坏", "damaged"),
    "cli.what.missing_checkpoint": ("不见了", "missing"),
    "cli.what.stale_checkpoint": ("是旧的副本", "is an old copy"),
    "cli.migrated": ("数据目录已从 0.1 版转换：", "The data directory was converted from version 0.1:"),
    "cli.migrate_none": ("{path} 已经是新格式，不需要转换。", "{path} is already in the current format: nothing to convert."),
    "cli.backup_done": ("备份完成：{dest}", "Backup written to {dest}"),
    "cli.backup_exists": ("{dest} 已存在，请换一个目标。", "{dest} already exists: choose another destination."),
    "cli.backup_failed": ("备份没有写成（{reason}），{dest} 没有留下半份备份。",
                          "The backup was not written ({reason}); nothing half-made is left at {dest}."),
    "cli.disk_full": ("磁盘已满", "the disk is full"),
    "cli.demo_exists": ("{path} 里已经有数据，保留不动。", "{path} already has data: keeping it."),
    "cli.key_rotated": ("新的通行证密钥：{kid}。已打印的通行证仍然有效。",
                        "New pass key: {kid}. Passes already printed stay valid."),
    "cli.demo_done": ("演示数据已写入 {path}：", "Demo data written to {path}:"),
    "cli.os_error": ("{path}：{reason}", "{path}: {reason}"),
})

EXIT_REFUSED = 2     # bad input or a file problem: the message says what to fix
EXIT_CRASHED = 3     # an unexpected error: details in the log file



def data_dir(arg: str | None) -> Path:
    """--data-dir, else $DESK_DATA, else data/ beside app.py."""
    return Path(arg or os.environ.get("DESK_DATA") or DEFAULT_DATA)


def problem_text(p: dict) -> str:
    """One line for a problem found by ``Store.check``."""
    if p["problem"] == "side_file":
        return p["detail"]
    if p["problem"] in ("torn_tail", "bad_line"):
        key = f"cli.check.{p['problem']}.{p['action']}"
        return i18n.t(key if p["action"] != "none" or p["problem"] == "bad_line" else "cli.check.bad_line.none",
                      file=p["file"], detail=p["detail"])
    return i18n.t("cli.check.rebuilt" if p["action"] == "rebuilt" else "cli.check.not_rebuilt",
                  file=p["file"], what=i18n.t(f"cli.what.{p['problem']}"))


def check_report(store: Store, full: bool = True) -> tuple[list[str], bool]:
    """Check and repair the journal and checkpoints (``full``, or only the
    journal tail and checkpoint headers): (messages, True if usable now)."""
    problems = store.check(repair=True, full=full)
    usable = all(p["action"] != "none" or p["problem"] == "side_file" for p in problems)
    return [problem_text(p) for p in problems], usable


def _check(store: Store, args: argparse.Namespace) -> int:
    if not store.data_files():
        print(i18n.t("cli.no_data", path=store.root))
        return 0
    lines, _ = check_report(store)
    print("\n".join(lines) or i18n.t("cli.check_ok", n=len(store.data_files())))
    return 1 if lines else 0


def _backup(store: Store, args: argparse.Namespace) -> int:
    """Copy a snapshot to DEST (a new or empty folder in an existing one),
    whole or not at all: it is copied beside DEST and renamed at the end."""
    dest = Path(args.dest).expanduser().absolute()
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise DomainError("cli.backup_exists", dest=dest)
    if not dest.parent.is_dir():
        raise DomainError("output.no_folder", folder=str(dest.parent))
    partial = dest.parent / f".{dest.name}.partial-{os.getpid()}"
    try:
        store.snapshot(dest=partial)
        if dest.exists():
            dest.rmdir()
        os.replace(partial, dest)
    except (OSError, DomainError) as exc:  # the store says StoreError (a DomainError)
        shutil.rmtree(partial, ignore_errors=True)
        if isinstance(exc, DomainError):
            reason = str(exc)
        elif exc.errno in (errno.ENOSPC, errno.EDQUOT):
            reason = i18n.t("cli.disk_full")
        else:
            reason = exc.strerror or str(exc)
        raise DomainError("cli.backup_failed", dest=dest, reason=reason) from None
    print(i18n.t("cli.backup_done", dest=dest))
    return 0


def _migrate(store: Store, args: argparse.Namespace) -> int:
    from console.core import store_migrate  # noqa: PLC0415  (commands load what they run)

    if not store.migrated:  # converted before: 0.1 PIN hashes may still be kept in its history
        store.migrated = store_migrate.scrub_pins(store, search=True)
    if not store.migrated:
        print(i18n.t("cli.migrate_none", path=store.root))
        return 0
    print(i18n.t("cli.migrated"))
    for line in store.migrated:
        print("  " + line)
    return 0


def _demo(store: Store, args: argparse.Namespace) -> int:
    from console import features  # noqa: PLC0415

    if len(store.table("roster")):
        print(i18n.t("cli.demo_exists", path=store.root))
        return 0
    lines = features.build_demo(store, days=args.days)
    print(i18n.t("cli.demo_done", path=store.root))
    for line in lines:
        print("  " + line)
    return 0


def _rotate_key(store: Store, args: argparse.Namespace) -> int:
    from console.errands import keys  # noqa: PLC0415

    print(i18n.t("cli.key_rotated", kid=keys.rotate_key(store, admin_actor(store))))
    return 0


def _log(store: Store, args: argparse.Namespace) -> int:
    target = logs.path(store.root)
    print(i18n.t("logs.where" if target.exists() else "logs.none", path=target))
    for line in logs.tail(store.root, args.lines):
        print(line)
    return 0


#: the console's own commands; each feature's come from console.features
OWN_COMMANDS: list[Command] = [
    Command("check", ("检查并修复数据文件", "check the journal and every checkpoint; repair"),
            lambda p: None, _check),
    Command("migrate", ("把 0.1 版数据目录转换成新格式", "convert a version 0.1 data directory"),
            lambda p: None, _migrate),
    Command("backup", ("把数据备份到 DEST", "copy a consistent snapshot of the data to DEST"),
            lambda p: p.add_argument("dest", metavar="DEST"), _backup),
    Command("demo", ("生成演示数据", "fill an empty data directory with demo data"),
            lambda p: p.add_argument("--days", type=int, default=28), _demo, creates=True),
    Command("rotate-key", ("换一把新的通行证密钥（旧证仍有效）",
                           "sign new passes with a fresh key (printed passes stay valid)"),
            lambda p: None, _rotate_key),
    Command("log", ("显示日志文件的位置和最后几行", "print where the log file is and its last lines"),
            lambda p: p.add_argument("-n", "--lines", type=int, default=20), _log),
]


def commands() -> list[Command]:
    """Every command. The features are imported only here: starting the
    console without a command loads none of them before its first screen."""
    from console import features  # noqa: PLC0415

    return [*OWN_COMMANDS, *features.COMMANDS]


#: options that take a value: what follows them is not a command
_VALUED = {"--data-dir", "--lang", "--gate"}


def names_a_command(argv: list[str]) -> bool:
    """Does ``argv`` name a command (or ask for help, which lists them)?"""
    value = False
    for arg in argv:
        if value:
            value = False
        elif arg in _VALUED:
            value = True
        elif arg in ("-h", "--help") or not arg.startswith("-"):
            return True
    return False


def parser(with_commands: bool = True) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="app.py", description=i18n.t("cli.description"))
    p.add_argument("--version", action="version", version=f"desk-console {console.__version__}")
    p.add_argument("--data-dir", help="data directory (default: $DESK_DATA or data/)")
    p.add_argument("--lang", choices=i18n.LANGS, help="zh or en (default: from LANG)")
    p.add_argument("--gate", help="gate this desk runs at")
    p.set_defaults(command=None)
    if with_commands:
        sub = p.add_subparsers(dest="command", metavar="COMMAND")
        for cmd in commands():
            cp = sub.add_parser(cmd.name, help=cmd.help_key[0 if i18n.lang() == "zh" else 1])
            cmd.setup(cp)
    return p


def main(argv: list[str] | None, run_app: Callable[[Store, argparse.Namespace], int]) -> int:
    """Run a command or the console. Whatever goes wrong ends in a message
    and a non-zero exit, never a traceback."""
    argv = sys.argv[1:] if argv is None else argv
    args = parser(names_a_command(argv)).parse_args(argv)
    if args.lang:
        i18n.set_lang(args.lang)
    os.umask(0o007)  # whatever the admin's shell or cron says: nothing for other users
    try:
        return _run(args, run_app)
    except DomainError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_REFUSED
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        print(i18n.t("cli.os_error", path=exc.filename or "", reason=reason), file=sys.stderr)
        return EXIT_REFUSED
    except Exception as exc:  # noqa: BLE001  (the one place nothing may escape)
        print(logs.crash_message(exc, args.command or "console"), file=sys.stderr)
        return EXIT_CRASHED


def _run(args: argparse.Namespace, run_app: Callable[[Store, argparse.Namespace], int]) -> int:
    if args.command:
        cmd = next(c for c in commands() if c.name == args.command)
        store = Store(data_dir(args.data_dir), create=cmd.creates)
        logs.setup(store.root)
        return cmd.run(store, args)
    store = Store(data_dir(args.data_dir))
    logs.setup(store.root)
    args.problems, usable = check_report(store, full=False)
    if not usable:  # damage that could not be repaired: don't start on it
        print("\n".join(args.problems), file=sys.stderr)
        return EXIT_REFUSED
    if store.migrated:
        args.problems = [i18n.t("cli.migrated"), *store.migrated, *args.problems]
    if not store.snapshots() or store.snapshots()[-1].stat().st_mtime < time.time() - 3600:
        store.snapshot(keep=6)  # real copies: keep few; also writes a checkpoint
    elif store.needs_checkpoint():
        store.checkpoint()
    return run_app(store, args)
