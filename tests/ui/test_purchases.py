"""Pilot tests for the purchases tab at 80x24."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input, Label, TabbedContent, TextArea

from app import DeskApp
from console.purchases import catalogue as C
from console.purchases import orders as P
from console.purchases import runs as R
from console.purchases import schedules as S
from screens.widgets.confirm import ConfirmScreen
from screens.widgets.form import FieldError, FormDialog
from tests.keys import burst

TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def frozen(freeze_clock):
    return freeze_clock(dt.datetime(2026, 3, 4, 9, 0, tzinfo=TZ))


def table(app, ident: str) -> DataTable:
    return app.screen.query_one(f"#{ident}", DataTable)


def cells(app, ident: str) -> list[list[str]]:
    """The table's rows as shown, top to bottom."""
    t = table(app, ident)
    return [[str(c) for c in t.get_row_at(i)] for i in range(t.row_count)]


def error_text(app, field: str) -> str:
    return app.screen.query_one(f"#e-{field}", FieldError).text


async def test_new_request_validates_as_you_type_and_keeps_input(store, volunteer, frozen, open_tab, settle):
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "purchases", "f6")
        assert app.focused is table(app, "req-table")
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await pilot.press(*"9-909")
        await settle(pilot)
        assert "No household with door 9-909" in error_text(app, "door")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog) and P.requests(store) == []
        door = app.screen.query_one("#f-door", Input)
        door.value = "1栋101"
        await settle(pilot)
        assert error_text(app, "door") == ""
        app.screen.query_one("#f-lines", Input).value = "土豆2斤 牛奶1"
        await settle(pilot)
        assert "no unit" in error_text(app, "lines")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        assert app.screen.query_one("#f-lines", Input).value == "土豆2斤 牛奶1"   # nothing lost
        app.screen.query_one("#f-lines", Input).value = "土豆2斤 牛奶1箱"
        app.screen.query_one("#f-budget", Input).value = "1.234"
        await settle(pilot)
        assert "two decimals" in error_text(app, "budget")
        app.screen.query_one("#f-budget", Input).value = "60"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, FormDialog)
        (row,) = cells(app, "req-table")
        assert row[:2] == ["0304-001", "1-101"] and "土豆2斤 牛奶1箱" in row[-1]
        assert P.requests(store)[0]["budget_fen"] == 6000


async def test_desk_fills_in_a_checkpoint_request(store, volunteer, frozen, open_tab, settle):
    doc_id = store.table(P.REQUESTS).insert({
        "door": "2-301", "person": "访客", "phone": "139", "status": "new",
        "source": {"checkpoint": "2026-03-04", "id": 3}, "lines": []})
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "purchases", "f6")
        (row,) = cells(app, "req-table")
        assert "gate" in row[-1]
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#f-lines", Input).value = "白糖5斤"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert P.get_request(store, doc_id)["lines"][0]["item"] == "白糖"
        assert "白糖5斤" in cells(app, "req-table")[0][-1]


async def _check_paste(pilot, open_tab, text: str) -> TextArea:
    """Open the paste box, paste ``text`` and check it (Ctrl+G)."""
    await open_tab(pilot, "purchases", "f6")
    await pilot.press("i")
    await pilot.pause()
    area = pilot.app.screen.query_one(TextArea)
    area.text = text
    await pilot.press("ctrl+g")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return area


async def test_paste_chat_list_keeps_lines_to_fix(store, volunteer, frozen, open_tab, settle):
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        area = await _check_paste(pilot, open_tab, "#接龙\n1. 1栋101 土豆2斤\n2．１－１０２ 牛奶１箱\n3. 1-103 面包\n")
        assert "2 orders readable; 1 lines" in str(app.screen.query_one("#import-msg", Label).render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert area.text == "3. 1-103 面包"
        assert len(P.requests(store)) == 2
        area.text = "3. 1-103 面包1个"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert len(P.requests(store)) == 3
        assert not app.screen.query("#paste")
        assert len(cells(app, "req-table")) == 3


async def test_run_amounts_receipt_and_close_twice(store, leader, volunteer, frozen, open_tab, settle):
    a = P.create_request(store, volunteer, "1-101", lines="土豆2斤 牛奶1箱")
    b = P.create_request(store, volunteer, "1-102", lines="土豆1斤")
    frozen.t = dt.datetime(2026, 3, 4, 21, 0, tzinfo=TZ)
    run = R.create_run(store, leader, "2026-03-05", "平价超市")
    app = DeskApp(store, actor=leader, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "purchases", "f8")
        assert cells(app, "runs-table")[0][0] == "R1"
        assert [r[1] for r in cells(app, "run-detail")] == ["1-101", "1-102"]
        await pilot.press("l")
        await settle(pilot)
        assert cells(app, "run-detail")[0] == ["土豆", "3斤", "2"]
        await pilot.press("l")
        await settle(pilot)
        table(app, "run-detail").focus()
        await pilot.press("a")
        await settle(pilot)
        app.screen.query_one("#f-amount", Input).value = "3.333"
        await settle(pilot)
        assert "two decimals" in error_text(app, "amount")
        app.screen.query_one("#f-amount", Input).value = "30.5"
        app.screen.query_one("#f-short", Input).value = "2"
        await pilot.press("ctrl+s")
        await settle(pilot)
        row = P.get_request(store, a["id"])
        assert row["paid_fen"] == 3050 and row["lines"][1]["short"]
        assert cells(app, "run-detail")[0][2:4] == ["30.50", "2"]
        R.record_paid(store, volunteer, b["id"], "2")
        table(app, "runs-table").focus()
        await pilot.press("b")
        await settle(pilot)
        app.screen.query_one("#f-receipt", Input).value = "30"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "off by 2.50" in error_text(app, "receipt")
        assert app.screen.query_one("#f-receipt", Input).value == "30"
        app.screen.query_one("#f-receipt", Input).value = "32.50"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert R.get_run(store, run["id"])["status"] == "bought"
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert R.get_run(store, run["id"])["status"] == "closed"
        messages = []
        app.notify = lambda msg, **kw: messages.append(msg)
        await pilot.press("c", "y")
        await settle(pilot)
        assert any("already closed" in m for m in messages)


async def test_delivery_and_settle(store, leader, volunteer, frozen, open_tab, settle):
    a = P.create_request(store, volunteer, "1-101", lines="土豆2斤")
    run = R.create_run(store, leader, "2026-03-05", "平价超市")
    R.record_paid(store, volunteer, a["id"], "3")
    R.mark_bought(store, leader, run["id"], "3")
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "purchases", "f9")
        assert cells(app, "del-table")[0][:4] == ["0304-001", "1-101", "户主1101", "3.00"]
        await pilot.press("o")
        await settle(pilot)
        app.screen.query_one("#f-by", Input).value = "刘敏"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert "delivered by 刘敏" in _rendered(app)     # the question names who took it out
        await pilot.press("y")
        await settle(pilot)
        assert P.get_request(store, a["id"])["delivery"]["by"] == "刘敏"
        await pilot.press("s")
        await settle(pilot)
        app.screen.query_one("#f-how", Input).value = "减免"
        app.screen.query_one("#f-reason", Input).value = "困难户"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Only a leader" in str(app.screen.query_one("#e-form", Label).render())
        app.screen.query_one("#f-how", Input).value = "已付"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert P.get_request(store, a["id"])["settlement"]["how"] == "paid"
        assert cells(app, "del-table") == []


async def test_schedule_due_list_and_done(store, volunteer, frozen, open_tab, settle):
    s = S.add_schedule(store, volunteer, "午饭", "2-301", "隔离酒店", "11:30 17:20")
    frozen.t = dt.datetime(2026, 3, 4, 11, 35, tzinfo=TZ)
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "purchases", "f10")
        rows = cells(app, "sched-table")
        assert [r[0] for r in rows] == ["11:30", "17:20"]
        assert rows[0][4] == "overdue" and rows[1][4] == "later"
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert S.history(store, s["id"])[0]["by"] == volunteer.name
        assert cells(app, "sched-table")[0][4:] == ["done", f"{volunteer.name} 11:35"]


async def test_other_sessions_writes_show_up_in_place(store, volunteer, frozen, open_tab, settle):
    P.create_request(store, volunteer, "1-101", lines="土豆2斤")
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "purchases", "f6")
        t = table(app, "req-table")
        first_key = next(iter(t.rows))
        P.create_request(store, volunteer, "1-102", lines="白菜1棵")   # "another desk"
        app._poll()  # the store is asked in a worker
        await settle(pilot)
        assert len(cells(app, "req-table")) == 2
        assert next(iter(t.rows)) == first_key        # kept, not rebuilt


async def test_views_switch_and_fit_80x24(store, volunteer, frozen, open_tab, settle):
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "purchases", "f6")
        inner = app.screen.query_one("#pur-views", TabbedContent)
        for key, name, ident in (("f7", "catalogue", "cat-table"), ("f8", "runs", "runs-table"),
                                 ("f9", "delivery", "del-table"), ("f10", "schedules", "sched-table"),
                                 ("f6", "requests", "req-table")):
            await pilot.press(key)
            await settle(pilot)
            assert inner.active == f"pv-{name}"
            assert str(inner.get_tab(f"pv-{name}").label).startswith(key.upper() + " ")  # its key
            assert app.focused is table(app, ident)
            assert table(app, ident).region.bottom <= 23


def _rendered(app) -> str:
    from tests.ui.rendered import screen_text
    return screen_text(app)


def _flat(app) -> str:
    """The screen without whitespace: a wrapped message reads whole, a cut one does not."""
    return "".join(_rendered(app).split())


async def test_find_by_door_in_any_form_is_exact_and_by_pinyin(store, volunteer, frozen, open_tab, settle):
    P.create_request(store, volunteer, "1-101", person="王中", lines="土豆2斤")
    P.create_request(store, volunteer, "1-102", person="李四", lines="白菜1棵")
    P.create_request(store, volunteer, "2-101", person="张三", lines="牛奶1箱")
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "purchases", "f6")
        for text, doors in (("1栋101", ["1-101"]), ("一栋一零二", ["1-102"]), ("2-101", ["2-101"]),
                            ("wz", ["1-101"]), ("", ["1-101", "1-102", "2-101"])):
            await pilot.press("ctrl+f", "ctrl+u", *text)
            await settle(pilot)
            assert [r[1] for r in cells(app, "req-table")] == doors, text
        await pilot.press(*"1-1")
        await settle(pilot)
        assert "Cannot read door" in _rendered(app)
        await pilot.press("escape")
        await settle(pilot)
        assert len(cells(app, "req-table")) == 3 and app.focused is table(app, "req-table")


async def test_new_run_is_listed_first_and_home_end_move_the_cursor(store, leader, frozen, open_tab, settle):
    for day in ("2026-03-05", "2026-03-06", "2026-03-07"):
        R.create_run(store, leader, day, "平价超市")
    app = DeskApp(store, actor=leader, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "purchases", "f8")
        runs = table(app, "runs-table")
        await pilot.press("end")
        await settle(pilot)
        assert runs.cursor_row == 2
        await pilot.press("home")
        await settle(pilot)
        assert runs.cursor_row == 0
        R.create_run(store, leader, "2026-03-08", "中百")      # another desk
        app._poll()
        await settle(pilot)
        assert [r[0] for r in cells(app, "runs-table")] == ["R4", "R3", "R2", "R1"]


async def test_a_pack_is_delivered_and_settled_once_bought_with_its_bill(store, leader, volunteer,
                                                                         frozen, open_tab, settle):
    a = P.create_request(store, volunteer, "1-101", lines="土豆2斤 牛奶1箱")
    P.create_request(store, volunteer, "1-102", lines="白菜1棵")
    R.create_run(store, leader, "2026-03-05", "平价超市")
    R.record_paid(store, volunteer, a["id"], "34", short=[1])
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "purchases", "f9")
        assert [r[1] for r in cells(app, "del-table")] == ["1-101"]    # the run is still shopping
        assert "牛奶1箱[short]" in _rendered(app)                       # bill shown at once
        R.record_paid(store, volunteer, a["id"], "134.50", short=[1])  # corrected on another desk
        app._poll()
        await settle(pilot)
        assert "134.50" in _rendered(app)
        await pilot.press("d")                      # asks first: a delivery cannot be taken back
        await settle(pilot)
        assert "delivered by" in _rendered(app) and P.get_request(store, a["id"])["status"] == "bought"
        await pilot.press("n")
        await settle(pilot)
        assert P.get_request(store, a["id"])["status"] == "bought"
        await pilot.press("d", "enter")             # Enter says yes: the usual case is two keys
        await settle(pilot)
        assert P.get_request(store, a["id"])["status"] == "delivered"
        await pilot.press("s", "ctrl+s")
        await settle(pilot)
        row = P.get_request(store, a["id"])
        assert row["status"] == "delivered" and row["settlement"]["amount_fen"] == 13450


async def test_schedule_shown_in_full_under_the_list(store, volunteer, frozen, open_tab, settle):
    S.add_schedule(store, volunteer, "午饭和晚饭（少盐，不要辣）送给妈妈", "2-301",
                   "隔离酒店 3 楼前台（武汉大道 88 号）", "11:30")
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "purchases", "f10")
        assert "午饭和晚饭（少盐，不要辣）送给妈妈" in _flat(app)
        assert "隔离酒店3楼前台（武汉大道88号）" in _flat(app)


async def test_paste_check_explains_every_line_in_full(store, volunteer, frozen, open_tab):
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await _check_paste(pilot, open_tab, "1. 1栋101 土豆2斤\n2. 张三 土豆\n3. 9栋999 牛奶1箱\n")
        assert "Startwithadoor(e.g.5栋302)orthehead'sname." in _flat(app)


async def test_wide_terminal_shows_whole_orders(store, volunteer, frozen, open_tab):
    items = "35元爱心蔬菜包1份 酱油1瓶 鸡蛋15个 白菜2棵 食用油1桶 大米1袋 面条2包"
    P.create_request(store, volunteer, "1-101", lines=items)
    for size, whole in (((80, 24), False), ((120, 40), True)):
        app = DeskApp(store, actor=volunteer, gate="西门")
        async with app.run_test(size=size) as pilot:
            await open_tab(pilot, "purchases", "f6")
            assert (items in _rendered(app)) is whole, size


async def test_every_request_is_reachable_not_only_the_newest_500(store, volunteer, frozen, open_tab, settle):
    """The requests list holds a window of rows; End reaches the last of all
    650 and Home the first (the list used to stop at 500)."""
    made = [P.create_request(store, volunteer, "1-101", f"人{i}", "土豆2斤") for i in range(650)]
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "purchases", "f6")
        req = table(app, "req-table")
        assert req.total == 650 and req.row_count < 650          # a window, not every row
        await pilot.press("end")
        await settle(pilot)
        assert req.selected_key == str(made[-1]["id"])
        await pilot.press("home")
        await settle(pilot)
        assert req.selected_key == str(made[0]["id"])


async def test_a_view_is_read_when_its_tab_shows_it_without_textuals_show(
        store, volunteer, second_desk, frozen, open_tab, settle, poll_now, monkeypatch):
    """Textual's Show (and first Resize) for a pane just shown is lost when
    anything asks the compositor where a widget is before it lays the pane out
    (it rebuilds its map and then sees nothing new): the requests view stayed
    empty on a busy machine. A view is read when its tabs say it is shown."""
    from screens.purchases.view import View

    monkeypatch.setattr(View, "on_show", lambda self: None)            # every Show lost
    monkeypatch.setattr(View, "on_resize", lambda self, event: None)   # and every Resize
    P.create_request(store, volunteer, "1-101", lines="土豆2斤")
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "purchases", "f6")
        assert [row[1] for row in cells(app, "req-table")] == ["1-101"]
        assert "土豆2斤" in cells(app, "req-table")[0][-1]   # as wide as the desk, not laid out yet
        await open_tab(pilot, "purchases", "f8")
        P.create_request(second_desk, volunteer, "1-102", lines="牛奶1箱")   # while it is hidden
        await poll_now(pilot)
        await pilot.press("f6")
        await settle(pilot)
        assert sorted(row[1] for row in cells(app, "req-table")) == ["1-101", "1-102"]
        await open_tab(pilot, "checkpoint")
        P.create_request(second_desk, volunteer, "1-103", lines="面包1个")   # another tab in front
        await poll_now(pilot)
        await open_tab(pilot, "purchases")
        assert sorted(row[1] for row in cells(app, "req-table")) == ["1-101", "1-102", "1-103"]


@pytest.mark.parametrize("close", ["ctrl+s", "enter"])   # Ctrl+S, or Enter from the last box
async def test_digits_typed_as_a_form_closes_leave_the_view(store, volunteer, frozen, open_tab,
                                                            settle, close):
    """A price typed into the last box, the form closed, and the next digits
    typed at once: they reach the table under it, and the view stays (the
    views are on F6..F10, never on digits)."""
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "purchases", "f7")
        burst(app, "p", "土豆", "tab", "tab", "惠民超市", "tab", "3", close, "2", "3")
        await settle(pilot)
        assert not isinstance(app.screen, FormDialog)
        assert [r["name"] for r in C.catalogue(store)] == ["土豆"]
        assert app.screen.query_one("#pur-views", TabbedContent).active == "pv-catalogue"
        assert app.focused is table(app, "cat-table")


async def test_find_and_a_form_answer_while_the_store_is_busy(store, volunteer, frozen, open_tab, settle,
                                                             busy_store):
    """Another desk's commit holds the store: the find box takes a door at
    once (the list is read in a worker), and Enter back on the list then ``e``
    reads the request for its form in a worker; the keys typed in the same
    burst wait for the form and land in it (Tab past the person, the items,
    Ctrl+S)."""
    from screens.widgets.find_box import FindBox

    P.create_request(store, volunteer, "1-101", person="王中", lines="土豆2斤")
    b = P.create_request(store, volunteer, "1-102", person="李四")
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "purchases", "f6")
        box = app.screen.query_one(FindBox)
        with busy_store() as other_desk:
            burst(app, "ctrl+f", "1-102")
            await other_desk.until(lambda: box.text == "1-102", "the door typed into the find box")
            assert other_desk.held   # typed and shown while the store was still held
        await settle(pilot)
        assert [r[1] for r in cells(app, "req-table")] == ["1-102"]
        with busy_store() as other_desk:
            burst(app, "enter", "e", "tab", "鸡蛋10个", "ctrl+s")
            await other_desk.until(lambda: other_desk.waiting and len(app.keys.waiting) == 7,
                        "e's read in a worker, the keys after it held for its form")
            assert app.focused is table(app, "req-table") and not isinstance(app.screen, FormDialog)
            assert other_desk.held
        await settle(pilot)
        assert not isinstance(app.screen, FormDialog)
        row = P.get_request(store, b["id"])
        assert row["person"] == "李四" and [ln["item"] for ln in row["lines"]] == ["鸡蛋"]
        assert "鸡蛋10个" in cells(app, "req-table")[0][-1]


async def test_esc_on_the_list_clears_the_find_as_in_the_box(store, volunteer, frozen, open_tab, settle):
    """The find box is the shared FindBox: Enter goes back to the list of
    the view shown, and Esc there clears the find (the box closes, every row
    is back), as Esc in the box does."""
    from screens.widgets.find_box import FindBox

    P.create_request(store, volunteer, "1-101", person="王中", lines="土豆2斤")
    P.create_request(store, volunteer, "1-102", person="李四", lines="白菜1棵")
    app = DeskApp(store, actor=volunteer, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_tab(pilot, "purchases", "f6")
        box = app.screen.query_one(FindBox)
        await pilot.press("ctrl+f", *"0304-002", "enter")      # a request number finds it
        await settle(pilot)
        assert [r[1] for r in cells(app, "req-table")] == ["1-102"]
        assert app.focused is table(app, "req-table") and box.has_class("open")
        await pilot.press("escape")
        await settle(pilot)
        assert not box.has_class("open") and box.text == ""
        assert len(cells(app, "req-table")) == 2 and app.focused is table(app, "req-table")
