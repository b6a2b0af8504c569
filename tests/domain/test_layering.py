"""Imports flow one way: the import-linter contracts in pyproject.toml hold,
and the domain never imports textual (the UI calls the domain, not the reverse)."""

from __future__ import annotations

import ast
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[2]
CONSOLE = ROOT / "console"


def test_import_contracts_are_kept(capsys, monkeypatch):
    """Every layer imports only the layers below it (imports inside functions count too)."""
    monkeypatch.chdir(ROOT)
    status = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    report = capsys.readouterr().out
    assert status == 0, report
    assert "3 kept, 0 broken" in report, report


def textual_imports(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""] if node.level == 0 else []
        elif (isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", ""))
              in ("import_module", "__import__") and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            names = [node.args[0].value]
        else:
            continue
        found += [n for n in names if n == "textual" or n.startswith("textual.")]
    return found


def test_detector_catches_every_form():
    assert textual_imports("import textual") == ["textual"]
    assert textual_imports("import os, textual.app as a") == ["textual.app"]
    assert textual_imports("from textual.widgets import Input") == ["textual.widgets"]
    assert textual_imports("def f():\n    from textual import work\n") == ["textual"]
    assert textual_imports("importlib.import_module('textual.app')") == ["textual.app"]
    assert textual_imports("import textualize\nfrom . import textual") == []


def test_console_never_imports_textual():
    files = sorted(CONSOLE.rglob("*.py"))
    assert files, "console/ has no modules?"
    bad = {str(f.relative_to(CONSOLE.parent)): found
           for f in files if (found := textual_imports(f.read_text(encoding="utf-8")))}
    assert bad == {}
