"""The shape of a command-line command and who a command acts as.

Each feature defines its commands with :class:`Command`; console.features
lists them and console.cli turns the list into argparse subcommands.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

from console.core.operators import Actor
from console.core.store import Store


@dataclass
class Command:
    name: str
    help_key: tuple[str, str]          # (zh, en) one-line help
    setup: Callable[[argparse.ArgumentParser], None]
    run: Callable[[Store, argparse.Namespace], int]
    #: may make the data directory (only `demo` and the console itself do)
    creates: bool = False


def admin_actor(store: Store) -> Actor:
    """Who a command acts as: a shell on the data directory is an admin, so a
    leader named after the Unix account. Also stamps the store."""
    actor = Actor(f"命令行 {store.identity.get('unix', '')}".strip(), "leader", shell=True)
    store.actor = {"op": actor.name, "role": actor.role}
    return actor
