"""Grids view (g): the grid members who run a block of buildings."""

from __future__ import annotations


from textual.app import ComposeResult
from textual.binding import Binding

from console.core.operators import require_leader
from console.households import registry as hh
from screens.purge import PurgeScreen
from console.core.i18n import t
from screens.households.pickers import NewGridScreen, PickMemberScreen
from screens.households.view import HouseholdView
from screens.widgets.paged_table import PagedTable
from screens.widgets.writes import write


class GridsView(HouseholdView):
    BINDINGS = [
        Binding("w", "member('worker')", t("hh.key.worker")),
        Binding("h", "member('head')", t("hh.key.head")),
        Binding("l", "member('leader')", t("hh.key.leader")),
        Binding("a", "add_grid", t("hh.key.add_grid")),
        Binding("p", "purge", t("hh.key.purge")),
    ]

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "purge":   # leaders only: not even shown to a volunteer
            return self.app.actor is not None and self.app.actor.role == "leader"
        return True

    def action_purge(self) -> None:
        store = self.app.store
        write(self, lambda: PurgeScreen.read(store), lambda days: self.app.push_screen(PurgeScreen(days)))

    def compose(self) -> ComposeResult:
        yield PagedTable(id="grids-table", cursor_type="row")
        yield PagedTable(id="bld-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        g = self.query_one("#grids-table", PagedTable)
        for key in ("grid", "worker", "ghead", "buildings", "households"):
            g.add_column(t(f"hh.col.{key}"), key=key)
        b = self.query_one("#bld-table", PagedTable)
        for key in ("building", "grid", "floors", "households", "leader"):
            b.add_column(t(f"hh.col.{key}"), key=key)

    def fetch(self, building: int | None, find: str) -> tuple[list[dict], list[dict], dict]:
        store = self.app.store
        # the registry counts the households per building, not the screen
        return hh.grids(store), hh.buildings(store), hh.households_per_building(store)

    def show(self, got: tuple[list[dict], list[dict], dict]) -> None:
        grids, buildings, counts = got
        self.query_one("#grids-table", PagedTable).sync([
            (r["grid"], (r["grid"], r["worker"] or "—", r["head"] or "—",
                         ",".join(map(str, r["buildings"])), r["households"])) for r in grids])
        self.query_one("#bld-table", PagedTable).sync([
            (str(bl["number"]), (bl["number"], bl["grid"], bl.get("floors") or "", counts.get(bl["number"], 0),
                                 bl.get("leader") or "—")) for bl in buildings])

    def _key(self, table_id: str) -> str | None:
        return self.query_one(table_id, PagedTable).selected_key

    def action_member(self, role: str) -> None:
        """Who holds the role now and the roster to pick from, read in a worker
        before the picker opens (the keys typed after it wait for it)."""
        key = self._key("#bld-table" if role == "leader" else "#grids-table")
        if key is None:
            return
        store = self.app.store

        def read() -> tuple[str, list[str]]:
            if role == "leader":
                current = hh.building(store, int(key)).get("leader", "")
            else:
                current = next((g[role] for g in hh.grids(store) if g["grid"] == key), "")
            return current, PickMemberScreen.read(store)
        write(self, read, lambda got: self._pick(role, key, *got))

    def _pick(self, role: str, key: str, current: str, names: list[str]) -> None:
        store, actor = self.app.store, self.app.actor

        def save(name: str | None) -> None:
            if name is None:
                return
            if role == "leader":
                self._do(hh.set_building_leader, store, actor, int(key), name)
            else:
                self._do(hh.set_grid, store, actor, key, **{role: name})
        what = t({"worker": "hh.key.worker", "head": "hh.key.head", "leader": "hh.key.leader"}[role])
        self.app.push_screen(PickMemberScreen(what, names, current), save)

    def _do(self, fn, *args, **kw) -> None:
        write(self, lambda: fn(*args, **kw), self._saved)   # a refusal is a red toast

    def _saved(self, _) -> None:
        self.notify(t("hh.saved"))
        self.reload()

    def action_add_grid(self) -> None:
        """Leaders only (checked in a worker, with the roster as it is now): a refusal is a red toast."""
        store, actor = self.app.store, self.app.actor
        write(self, lambda: require_leader(store, actor, "households.what.registry"),
              lambda _: self.app.push_screen(NewGridScreen(), lambda g: g and self.reload()))
