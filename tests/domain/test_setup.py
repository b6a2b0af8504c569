"""scripts/setup.sh, the set-up step of both README commands, on machine states
it must cope with: no Chinese font and no way to install (not root: apt-get
is not on PATH), and root with apt-get (a stand-in that records its calls).

The machine is narrowed by PATH (a folder with only the tools the script
uses) and by FONTCONFIG_FILE (a fontconfig that knows no font folder, or only
the folder of the font this machine has)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from console.core import printing
from tests import needs

ROOT = Path(__file__).resolve().parents[2]
SETUP = ROOT / "scripts" / "setup.sh"
TOOLS = ("id", "fc-list", "mkdir", "tmux", "ssh")


def _fontconfig(tmp_path: Path, font_dir: str | None) -> Path:
    (tmp_path / "fc-cache").mkdir()
    dirs = f"<dir>{font_dir}</dir>" if font_dir else ""
    conf = tmp_path / "fonts.conf"
    conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">'
                    f'<fontconfig>{dirs}<cachedir>{tmp_path / "fc-cache"}</cachedir></fontconfig>')
    return conf


def _machine(tmp_path: Path, *, fake_apt: bool = False) -> Path:
    """A PATH folder with the tools setup.sh uses (and a recording apt-get)."""
    missing = [t for t in TOOLS if not shutil.which(t)]
    if missing:
        pytest.skip("this machine lacks " + ", ".join(missing))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        (bin_dir / tool).symlink_to(shutil.which(tool))
    python = Path(sys._base_executable).resolve()  # the real interpreter, not a venv's or a shim
    (bin_dir / "python3").symlink_to(python)
    if fake_apt:
        apt = bin_dir / "apt-get"
        apt.write_text(f'#!/bin/sh\necho "$*" >> {tmp_path / "apt.log"}\n')
        apt.chmod(0o755)
    return bin_dir


def _setup(bin_dir: Path, conf: Path, *args: str, lang: str = "en_US.UTF-8"):
    env = {"PATH": str(bin_dir), "FONTCONFIG_FILE": str(conf), "LANG": lang,
           "HOME": str(bin_dir.parent)}
    return subprocess.run(["/bin/bash", str(SETUP), *args], env=env, capture_output=True,
                          text=True, timeout=60)


def test_no_font_and_no_apt_says_which_package_and_command_then_carries_on(tmp_path):
    done = _setup(_machine(tmp_path), _fontconfig(tmp_path, None), "--tests")
    assert done.returncode == 0
    lines = done.stderr.splitlines()
    assert lines == [
        "No Chinese font (fonts-wqy-zenhei): the console will refuse to print and the tests "
        "that need the font are skipped. Run: sudo apt-get install fonts-wqy-zenhei"]


def test_the_message_follows_the_language(tmp_path):
    done = _setup(_machine(tmp_path), _fontconfig(tmp_path, None), lang="zh_CN.UTF-8")
    assert done.stderr.startswith("缺少中文字体（fonts-wqy-zenhei）")
    assert "sudo apt-get install fonts-wqy-zenhei" in done.stderr


@needs.font
def test_a_machine_with_the_font_hears_nothing(tmp_path):
    font_dir = os.path.dirname(printing.find_cjk_font())
    done = _setup(_machine(tmp_path), _fontconfig(tmp_path, font_dir), "--tests")
    assert (done.returncode, done.stderr) == (0, "")


@pytest.mark.skipif(os.geteuid() != 0, reason="installing is for root")
def test_root_installs_what_is_missing_and_updates_only_then(tmp_path):
    bin_dir = _machine(tmp_path, fake_apt=True)
    done = _setup(bin_dir, _fontconfig(tmp_path, None), "--tests")
    calls = (tmp_path / "apt.log").read_text().splitlines()
    assert calls[0] == "update -qq"
    assert calls[1].startswith("install ") and calls[1].endswith(" fonts-wqy-zenhei")
    assert "Installing what this machine lacks: fonts-wqy-zenhei" in done.stderr
    # the stand-in installed nothing, so the check after it still names the font
    assert "Run: sudo apt-get install fonts-wqy-zenhei" in done.stderr
    if printing.find_cjk_font():
        (tmp_path / "apt.log").unlink()
        (tmp_path / "fc-cache").rename(tmp_path / "old-cache")
        conf = _fontconfig(tmp_path, os.path.dirname(printing.find_cjk_font()))
        assert _setup(bin_dir, conf, "--tests").stderr == ""
        assert not (tmp_path / "apt.log").exists()
