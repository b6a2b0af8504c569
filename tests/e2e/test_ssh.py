"""One login through a real sshd, the way volunteers reach the console.

A throw-away sshd listens on 127.0.0.1 on a free high port with a host key
and a user key generated in tmp, and a ``ForceCommand`` to the launcher like
the README's ``Match Group desk`` block. ``ssh -tt`` runs inside tmux (80x24),
sees the sign-in screen and quits with ctrl+q; asking for a shell or a command
without a terminal gets the launcher's refusal, never a shell.

Needs openssh-server and openssh-client (CI: .ci/run installs them); as root,
sshd also needs its privilege-separation directory /run/sshd, which this test
creates when missing.
"""

from __future__ import annotations

import getpass
import os
import shlex
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.desk import ROOT

SBIN = os.pathsep.join(["/usr/sbin", "/usr/local/sbin", os.environ.get("PATH", "")])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def keygen(path: Path) -> None:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "desk-test", "-f", str(path)],
                   check=True, capture_output=True, timeout=30)


@dataclass
class Server:
    port: int
    user: str
    dir: Path
    log: Path

    def ssh(self, *args: str) -> list[str]:
        """An ssh command line that trusts only this server's host key."""
        return ["ssh", "-F", os.devnull, "-p", str(self.port), "-i", str(self.dir / "user_key"),
                "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=yes",
                "-o", f"UserKnownHostsFile={self.dir / 'known_hosts'}",
                "-o", "LogLevel=ERROR", *args, f"{self.user}@127.0.0.1"]


@pytest.fixture
def sshd(tmp_path, demo_dir) -> Iterator[Server]:
    sshd_bin = shutil.which("sshd", path=SBIN)
    missing = [name for name, found in (("sshd (openssh-server)", sshd_bin),
                                        ("ssh (openssh-client)", shutil.which("ssh")),
                                        ("ssh-keygen", shutil.which("ssh-keygen")))
               if not found]
    if missing:
        pytest.skip("not installed: " + ", ".join(missing))
    if os.geteuid() == 0 and not os.path.isdir("/run/sshd"):
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # sshd's privsep dir when run as root
    d = tmp_path / "ssh"
    d.mkdir()
    keygen(d / "host_key")
    keygen(d / "user_key")
    shutil.copy(d / "user_key.pub", d / "authorized_keys")
    (d / "desk.toml").write_text(f'data_dir = "{demo_dir}"\n', encoding="utf-8")
    launcher = f"cd {shlex.quote(str(ROOT))} && exec env DESK_CONFIG={shlex.quote(str(d / 'desk.toml'))} " \
               f"{shlex.quote(sys.executable)} -m console.launcher"
    user = getpass.getuser()
    port = free_port()
    (d / "sshd_config").write_text("\n".join([
        f"Port {port}",
        "ListenAddress 127.0.0.1",
        f"HostKey {d / 'host_key'}",
        f"PidFile {d / 'sshd.pid'}",
        f"AuthorizedKeysFile {d / 'authorized_keys'}",
        "StrictModes no",            # tmp dirs are not owned the way ~/.ssh is
        "UsePAM no",
        "PubkeyAuthentication yes",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PermitRootLogin prohibit-password",
        f"AllowUsers {user}",
        "Subsystem sftp internal-sftp",
        # as in the README's Match Group block:
        f"ForceCommand {launcher}",
        "PermitTTY yes",
        "AllowTcpForwarding no",
        "AllowAgentForwarding no",
        "X11Forwarding no",
        "PermitTunnel no",
        "PermitUserRC no",
        "",
    ]), encoding="utf-8")
    host_pub = (d / "host_key.pub").read_text().split()
    (d / "known_hosts").write_text(f"[127.0.0.1]:{port} {host_pub[0]} {host_pub[1]}\n")
    log = d / "sshd.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sshd_bin, "-D", "-e", "-f", str(d / "sshd_config")],
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while True:  # poll until sshd listens (or has died, e.g. the port was taken)
            if proc.poll() is not None:
                pytest.fail(f"sshd exited with {proc.returncode}:\n{log.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"sshd did not listen on {port}:\n{log.read_text()}")
                time.sleep(0.05)
        yield Server(port, user, d, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_ssh_login_gets_the_console_and_quits_cleanly(sshd, tmux):
    pane = tmux.start(sshd.ssh("-tt"))
    try:
        screen = pane.wait_for("Sign in", "PIN", "Quit", timeout=30)
    except AssertionError as e:
        raise AssertionError(f"{e}\nsshd log:\n{sshd.log.read_text()}") from None
    assert "Households" not in screen  # nobody is signed in yet
    pane.keys("C-q")
    assert pane.wait_exit() == 0  # the console ended and ssh closed the connection cleanly


def test_ssh_asking_for_a_shell_command_gets_no_shell(sshd):
    """ForceCommand replaces the requested command; with no terminal the launcher refuses."""
    done = subprocess.run(sshd.ssh("-T") + ["echo SHELL-ACCESS; id"], capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert "SHELL-ACCESS" not in done.stdout and "uid=" not in done.stdout
    assert done.returncode == 2, (done.returncode, done.stderr, sshd.log.read_text())
    assert "ssh -t" in done.stderr and "没有终端" in done.stderr
