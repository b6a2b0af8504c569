"""The machine line every bench prints first: CPUs and their model, so a
table in a note says where it was measured."""

from __future__ import annotations

import os


def cpus() -> str:
    """``"2 CPUs, AMD EPYC …"`` (the model from /proc/cpuinfo, ``?`` elsewhere)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            model = next((ln.split(":", 1)[1].strip() for ln in info if ln.startswith("model name")), "?")
    except OSError:
        model = "?"
    return f"{os.cpu_count()} CPUs, {model}"
