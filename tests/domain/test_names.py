"""Names sort by pinyin and are found by pinyin initials or full pinyin."""

from __future__ import annotations

from console.checkpoint import gate as checkpoint, visitors
from console.core import names, operators


def test_names_sort_by_pinyin_not_code_point():
    listed = ["周显甫", "何秀英", "刘敏", "吴强", "曾国藩", "陈静", "Alice"]
    assert sorted(listed, key=names.sort_key) == ["Alice", "陈静", "何秀英", "刘敏", "吴强",
                                                  "曾国藩", "周显甫"]


def test_characters_with_the_same_readings_share_one_string_and_still_read_right():
    from pypinyin.constants import PINYIN_DICT
    assert PINYIN_DICT[ord("衣")] == PINYIN_DICT[ord("医")]   # both yī
    assert PINYIN_DICT[ord("衣")] is PINYIN_DICT[ord("医")]   # one string, not two (2.5 MB a desk)
    assert names.syllables("衣医生") == ("yi", "yi", "sheng")


def test_surnames_read_as_surnames():
    assert names.syllables("曾国藩")[0] == "zeng"
    assert names.syllables("单雄信")[0] == "shan"


def test_initials_full_and_mixed_pinyin_find_a_name():
    for query in ("wz", "WZ", "wangzhong", "wang zhong", "wangz", "wzh", "王中", "中", "zhong"):
        assert names.matches("王中", query), query
    for query in ("zw", "wangzhongguo", "wx", "5-302", "李"):
        assert not names.matches("王中", query), query


def test_roster_lists_names_in_pinyin_order(empty_store):
    leader = operators.create_first_leader(empty_store, "周显甫", "123456")
    for name in ("何秀英", "吴强", "刘敏"):
        operators.add_member(empty_store, leader, name, "volunteer", "1234")
    assert [m["name"] for m in operators.roster(empty_store)] == ["何秀英", "刘敏", "吴强", "周显甫"]


def test_gate_log_search_and_recall_accept_pinyin(store, volunteer):
    fields = {"name": "王中", "phone": "13800138000", "door": "1-101", "direction": "in",
              "purpose": "buy", "outcome": "allowed", "temp": "", "plate": "", "note": ""}
    entry = checkpoint.log_entry(store, volunteer, "西门", fields)
    assert checkpoint.matches(entry, text="wz") and checkpoint.matches(entry, text="wangzhong")
    assert not checkpoint.matches(entry, text="lz")
    assert [v["name"] for v in visitors.recall(store, "wz")] == ["王中"]


def test_audit_trail_finds_who_did_it_by_pinyin(store, leader):
    from console.core import audit, clock
    store.actor = {"op": leader.name, "role": leader.role}     # 组长甲 = zu zhang jia
    operators.set_pin(store, leader, "志愿者乙", "135790")  # a leader needs 6+ digits
    operators.set_member(store, leader, "志愿者乙", role="leader")
    day = clock.today().isoformat()
    rows, n = audit.entries(store, leader, day, "zzj")
    assert n and all(r["_by"]["op"] == "组长甲" for r in rows)
    assert audit.entries(store, leader, day, "wz")[1] == 0
