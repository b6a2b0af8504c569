"""Every feature's command-line commands, alert providers, demo part, lists
to export and personal data to purge, listed once.

Nothing registers itself by being imported: the command line (console.cli),
the app's alert poll (:func:`alerts`) and the demo (:func:`build_demo`) read
these lists, so `import console.cli` alone knows every command. A new feature
adds its entries here.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from console.core import exports, purge
from console.core.alerts import Alert
from console.core import operators
from console.core.commands import Command
from console.core.store import Store
from console.demo import checkpoint as checkpoint_demo
from console.demo import errands as errands_demo
from console.demo import gate as gate_demo
from console.demo import households as households_demo
from console.demo import purchases as purchases_demo
from console.demo import roster
from console.demo import stock as stock_demo
from console.checkpoint import gate, inside, scan, shifts
from console.errands import errand, standing
from console.households import marks, registry_import, roll
from console.purchases import orders, schedules, settlement
from console.stock import balances as stock_balances
from console.stock import command as stock_command
from console.stock import handouts, ledger

# The lists a desk can take out as .xlsx or CSV (`export WHAT`, each list's Ctrl+E).
EXPORTS: list[exports.Export] = [
    *gate.EXPORTS,                  # checkpoint: the gate log of a day or days
    *roll.EXPORTS,                  # roll: summary per building and grid; not-reported
    *settlement.EXPORTS,            # unpaid: packs not settled
    *handouts.EXPORTS,              # handouts: households still without a thermometer
    *marks.EXPORTS,                 # key-persons: masked unless a leader's
]

# What is personal in each table, for `purge --before DATE` and the retention setting.
PURGE_RULES: list[purge.Rule] = [
    *gate.PURGE, *shifts.PURGE, *errand.PURGE, *standing.PURGE, *orders.PURGE, *schedules.PURGE,
    *ledger.PURGE, *roll.PURGE, *marks.PURGE,
]

# `python app.py COMMAND`, after the console's own commands (console.cli), in this order.
COMMANDS: list[Command] = [
    exports.command(EXPORTS),       # export WHAT [--day D | --from D --to D] [-o FILE]
    purge.command(PURGE_RULES),     # purge --before DATE | --retention
    registry_import.command(),      # import households FILE.xlsx|FILE.csv
    scan.command(),                 # verify CODE (gate rules included)
    stock_command.command(),        # stock [--sources | --sheet N]
    orders.command(),               # parse-orders FILE
]

# What every signed-in desk is warned about: (store, now) -> alerts.
ALERT_PROVIDERS: list[Callable[[Store, dt.datetime], list[Alert]]] = [
    errand.overdue_alerts,          # errands not back at the end of their window
    roll.fever_alerts,              # fevers in today's daily roll
    marks.review_alerts,            # key-person marks due for review
    schedules.alerts,               # recurring deliveries due or late
    stock_balances.stock_alerts,    # low stock, loans overdue
    inside.inside_alerts,           # visitors inside too long, residents late back
    operators.guessing_alerts,      # repeated wrong PINs for one name (leaders only)
]

# Demo data, written in this order after the roster and the households.
DEMO_PARTS: list[Callable[[Store, random.Random, int], str]] = [
    households_demo.part, errands_demo.part, checkpoint_demo.part, gate_demo.part,
    purchases_demo.part, stock_demo.part,
]


def alerts(store: Store, now: dt.datetime) -> list[Alert]:
    """Every provider's alerts now."""
    return [alert for provider in ALERT_PROVIDERS for alert in provider(store, now)]


def build_demo(store: Store, days: int = 28, seed: int = 2020) -> list[str]:
    """Fill an empty data directory; returns one summary line per part."""
    rng = random.Random(seed)
    lines = [roster.add_roster(store), roster.add_households(store, rng)]
    for part in DEMO_PARTS:
        lines.append(part(store, rng, days))
    store.actor = {"op": "", "role": ""}
    return lines
