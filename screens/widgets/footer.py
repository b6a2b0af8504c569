"""The footer, rebuilt only when the keys it shows change.

Textual's Footer throws its keys away and composes new ones on every
change of the screen's bindings, which every focus move is (Tab from Name to
Phone): at the gate form that is a new set of FooterKey widgets, their
styles and rendered strips, every keystroke that moves on: work, and
garbage that only a full collection frees. The keys are mostly the same:
:class:`DeskFooter` recomposes only when what it would show differs.
"""

from __future__ import annotations

from textual.widgets import Footer


class DeskFooter(Footer):
    """A Footer that keeps its keys while they stay the same."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._shown: tuple | None = None

    def _keys(self) -> tuple:
        """What compose would show: each key's binding, its label and state,
        and the command palette's key."""
        app, active = self.app, self.screen.active_bindings
        shown = tuple((b.key, app.get_key_display(b), b.description, b.action, b.group,
                       enabled, tooltip)
                      for _, b, enabled, tooltip in active.values() if b.show)
        palette = active.get(app.COMMAND_PALETTE_BINDING)
        return (shown, palette and palette[1:], self.show_command_palette, self.combine_groups)

    def compose(self):
        self._shown = self._keys() if self._bindings_ready else None
        return super().compose()

    async def recompose(self) -> None:
        if self._shown is not None and self.is_attached and self._keys() == self._shown:
            return
        await super().recompose()
