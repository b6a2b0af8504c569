"""Under zh, Textual's own words are Chinese: the palette's commands and texts,
the footer's palette key, the Keys panel, Select's list; names are found by pinyin."""

from __future__ import annotations

import pytest
from textual.command import CommandList
from textual.widgets import Select

from app import DeskApp
from console.core import i18n
from screens import textual_text
from screens.textual_text import DeskPalette
from tests.ui.rendered import screen_text

# Textual's own English (the desk's own key labels follow LANG at import: English here)
ENGLISH = ("Theme", "Keys", "Screenshot", "palette", "Dismiss menu", "Search for", "No matches",
           "Focus Next", "Move cursor", "Scroll")


@pytest.fixture
def zh():
    yield
    i18n.set_lang("en")
    textual_text.apply()   # later tests get Textual's English back


async def _palette(pilot, query: str = "") -> list[str]:
    await pilot.press("ctrl+p")
    await pilot.pause()
    if query:
        await pilot.press(*query)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return [str(o.prompt) for o in pilot.app.screen.query_one(CommandList).options]


async def test_palette_commands_and_texts_are_chinese(store, leader, zh, monkeypatch):
    monkeypatch.setattr(DeskPalette, "_NO_MATCHES_COUNTDOWN", 0.001)
    app = DeskApp(store, actor=leader, gate="西门", lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        prompts = " ".join(await _palette(pilot))
        for zh_title in ("配色", "按键", "关闭"):
            assert zh_title in prompts
        assert "截图" not in prompts  # Screenshot saves residents' data as a file: removed
        assert "搜索命令…" in screen_text(app)
        for word in ENGLISH:
            assert word not in prompts and word not in screen_text(app), word
        await pilot.press("ctrl+u", *"qqqq")
        await app.workers.wait_for_complete()
        for _ in range(100):              # until the no-match line is drawn
            if app.screen.query_one(CommandList).option_count:
                break
            await pilot.pause()
        await pilot.pause()
        assert "没有找到" in screen_text(app) and "No matches" not in screen_text(app)


async def test_keys_panel_speaks_chinese(store, leader, zh):
    app = DeskApp(store, actor=leader, gate="西门", lang="zh")
    async with app.run_test(size=(120, 60)) as pilot:  # the whole keys list in view
        await _palette(pilot, "按键")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        shown = screen_text(app)
        assert "下一项" in shown          # Tab, one of Textual's own keys
        for word in ENGLISH:
            assert word not in shown, word


async def test_footer_palette_key_is_the_desks_own_label(store, leader):
    app = DeskApp(store, actor=leader, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        assert i18n.t("key.palette") in footer and "palette" not in footer


async def test_select_list_and_prompt_are_chinese(store, zh):
    app = DeskApp(store, lang="zh")          # the sign-in screen
    async with app.run_test(size=(80, 24)) as pilot:
        assert Select([]).prompt == "请选择"
        app.screen.query_one("#name", Select).focus()
        await pilot.press("enter")
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        assert "收起列表" in footer and "Dismiss" not in footer


async def test_sign_in_name_found_by_pinyin_initials(store):
    app = DeskApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        name = app.screen.query_one("#name", Select)
        name.focus()
        await pilot.press("enter", *"zyz", "enter")   # 志愿者乙 = zhi yuan zhe yi
        await pilot.pause()
        assert name.value == "志愿者乙"
        await pilot.press("enter", *"zzj", "enter")   # 组长甲 = zu zhang jia
        await pilot.pause()
        assert name.value == "组长甲"
