"""Visit every tab and view at 80×24 and report the footer keys that are cut.

Used in-process (English) and as a script for Chinese, since key labels take
the language at import: ``python tests/ui/fits_tour.py zh DATA_DIR`` prints JSON.
"""

from __future__ import annotations

import asyncio
import json
import sys

VIEWS = [("f1",), ("f2",), *(("f3", f"f{v}") for v in range(6, 11)), ("f4",),
         *(("f5", v) for v in "bkrgi")]


async def tour(app, pilot) -> dict[str, list[str]]:
    from tests.ui.rendered import footer_cut

    cut = {}
    for keys in VIEWS:
        await pilot.press(*keys)
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        cut[" ".join(keys)] = footer_cut(app)
    return cut


async def _main(data_dir: str) -> None:
    from app import DeskApp
    from console.core.operators import Actor
    from console.core.store import Store

    app = DeskApp(Store(data_dir), actor=Actor("组长甲", "leader"), gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        print(json.dumps(await tour(app, pilot), ensure_ascii=False))


if __name__ == "__main__":
    lang, data_dir = sys.argv[1:3]
    sys.argv = ["app.py", "--lang", lang]      # read by app at import (i18n.lang_in)
    sys.path[:0] = ["."]
    asyncio.run(_main(data_dir))
