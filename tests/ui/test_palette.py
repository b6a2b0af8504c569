"""The command palette offers nothing that writes files or opens a shell,
and leader-only commands only to a leader who is not locked out."""

from __future__ import annotations

from app import DeskApp
from console.core.operators import Actor


def titles(app) -> list[str]:
    return [c.title for c in app.get_system_commands(app.screen)]


async def test_no_screenshot_and_audit_only_for_leaders(store, leader, volunteer):
    for actor, audit in ((leader, True), (volunteer, False)):
        app = DeskApp(store, actor=actor, gate="西门")
        async with app.run_test(size=(80, 24)):
            found = titles(app)
            assert "Screenshot" not in found and "Lock" in found
            assert ("Audit" in found) is audit


async def test_locked_desk_offers_no_desk_or_leader_commands(store, leader):
    app = DeskApp(store, actor=leader, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+l")
        await pilot.pause()
        found = titles(app)
        for hidden in ("Audit", "Roster", "Lock", "Checkpoint", "Screenshot"):
            assert hidden not in found


async def test_screenshot_action_writes_nothing(store, leader, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = DeskApp(store, actor=leader, gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.run_action("screenshot")
        await pilot.pause()
    assert not list(tmp_path.glob("*.svg"))


async def test_a_demoted_leader_loses_the_audit_command(store, leader):
    app = DeskApp(store, actor=leader, gate="西门")
    async with app.run_test(size=(80, 24)):
        assert "Audit" in titles(app)
        app._role_now(Actor(leader.name, "volunteer"))
        assert "Audit" not in titles(app)
