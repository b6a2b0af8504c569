"""Marks for tests that need something from the machine besides Python.

``bash scripts/test.sh`` installs it when run as root (scripts/setup.sh);
otherwise these tests are skipped with the reason, never failed.
"""

from __future__ import annotations

import pytest

from console.core import printing

font = pytest.mark.skipif(
    printing.find_cjk_font() is None,
    reason="no Chinese font, printing is refused: sudo apt-get install fonts-wqy-zenhei")
