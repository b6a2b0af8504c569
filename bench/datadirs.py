"""The data a bench runs on: bench/bigdata.py's directory, built once and
kept (a bench's ``--keep DIR``), and a throw-away copy of it for each run
(a run writes to it)."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

BIGDATA = Path(__file__).resolve().parent / "bigdata.py"


def kept(base: Path | None, scale: str = "10") -> Path:
    """``base/x<scale>`` (``"1"``: the demo as it is; no ``base``: a new
    temporary one), built if missing, in a child process: what building
    leaves in a heap is not the bench's."""
    path = (base or Path(tempfile.mkdtemp(prefix="bench-data-"))) / f"x{scale}"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)  # a store makes its own folder, not its parents
        subprocess.run([sys.executable, str(BIGDATA), str(path), "--scale", "0" if scale == "1" else scale],
                       check=True)
    return path


@contextlib.contextmanager
def scratch_copy(template: Path) -> Iterator[Path]:
    """A copy of ``template`` to run on, removed afterwards."""
    data = Path(tempfile.mkdtemp(prefix="bench-run-")) / "data"
    shutil.copytree(template, data, symlinks=True)
    try:
        yield data
    finally:
        shutil.rmtree(data.parent, ignore_errors=True)
