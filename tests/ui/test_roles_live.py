"""A demotion or deactivation at one desk bites at once at another desk
(two Store objects on one data directory are two desks)."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from app import DeskApp, MainScreen
from console.core import audit, operators
from console.core.i18n import DomainError
from console.core.operators import Actor
from console.core.store import Store
from conftest import LEADER_PIN
from screens.signin import LockScreen, SignInScreen

SECOND = "志愿者乙"


@pytest.fixture
def two_desks(store, leader):
    """志愿者乙 made a leader; desk B is another Store on the same directory."""
    operators.set_pin(store, leader, SECOND, LEADER_PIN)
    operators.set_member(store, leader, SECOND, role="leader")
    return store, Store(store.root)


def test_demoted_leader_is_refused_at_once_on_the_other_desk(two_desks, leader):
    desk_a, desk_b = two_desks
    signed_in = operators.sign_in(desk_a, SECOND, LEADER_PIN)
    assert signed_in.is_leader and audit.days(desk_a, signed_in)
    operators.set_member(desk_b, leader, SECOND, role="volunteer")
    with pytest.raises(DomainError) as err:
        operators.add_member(desk_a, signed_in, "新人", "leader", "246810")
    assert err.value.key == "auth.leader_only"
    with pytest.raises(DomainError):
        audit.days(desk_a, signed_in)
    assert "新人" not in [m["name"] for m in operators.roster(desk_a)]


def test_deactivated_operator_can_do_nothing_leader_only(two_desks, leader):
    desk_a, desk_b = two_desks
    signed_in = operators.sign_in(desk_a, SECOND, LEADER_PIN)
    operators.set_member(desk_b, leader, SECOND, active=False)
    with pytest.raises(DomainError) as err:
        operators.set_member(desk_a, signed_in, "组长甲", role="volunteer")
    assert err.value.key == "auth.inactive"


def test_a_volunteer_needs_a_long_pin_before_becoming_a_leader(store, leader):
    with pytest.raises(DomainError) as err:
        operators.set_member(store, leader, SECOND, role="leader")
    assert err.value.key == "auth.promote_pin"
    with pytest.raises(DomainError) as err:
        operators.add_member(store, leader, "新组长", "leader", "1234")
    assert err.value.key == "auth.leader_pin"


async def test_deactivated_session_is_signed_out_at_the_next_poll(two_desks, leader, poll_now):
    desk_a, desk_b = two_desks
    app = DeskApp(desk_a, actor=Actor(SECOND, "leader"), gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        operators.set_member(desk_b, leader, SECOND, active=False)
        await poll_now(pilot)   # a poll after the write: its worker, StoreChanged, the sign-out
        assert isinstance(app.screen, SignInScreen) and app.actor is None
        assert any("deactivated" in n.message for n in app._notifications)


async def test_demotion_reaches_the_open_console_and_the_lock_screen(two_desks, leader, settle, poll_now):
    desk_a, desk_b = two_desks
    app = DeskApp(desk_a, actor=Actor(SECOND, "leader"), gate="西门")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        operators.set_member(desk_b, leader, SECOND, role="volunteer")
        app.screen.query_one("#pin", Input).value = LEADER_PIN
        await pilot.press("enter")
        await settle(pilot)   # the PIN check's worker, then the unlock
        assert isinstance(app.screen, MainScreen)
        assert app.actor == Actor(SECOND, "volunteer")
        assert "volunteer" in str(app.screen.query_one("#desk-header").render())
        operators.set_member(desk_b, leader, SECOND, role="leader")
        await poll_now(pilot)   # a poll after the write: its worker, StoreChanged, the role
        assert app.actor == Actor(SECOND, "leader")
