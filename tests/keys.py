"""Feed keys to a Pilot app the way a fast typist, a paste or tmux send-keys
does: every key posted at once, with no pause for the app to catch up."""

from __future__ import annotations

from textual import events
from textual.keys import _character_to_key


def burst(app, *parts: str) -> None:
    """Post ``parts`` as key events in one go. A part that is a key name
    ("tab", "enter", "escape", "ctrl+s", "f1") is that key; any other part
    is typed character by character."""
    for part in parts:
        if part in NAMED or "+" in part:
            app.post_message(events.Key(part, NAMED.get(part)))
        else:
            for char in part:
                app.post_message(events.Key(_character_to_key(char), char))


NAMED = {"tab": "\t", "enter": "\r", "escape": "\x1b", "backspace": "\x7f", "down": None,
         "up": None, "shift+tab": None, **{f"f{i}": None for i in range(1, 13)}}
