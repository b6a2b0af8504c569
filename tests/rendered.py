"""What a volunteer sees: the rendered text of the screen on top, line by line."""

from __future__ import annotations


def screen_lines(app) -> list[str]:
    """Each terminal row of the top screen as text (wide CJK characters once)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def screen_text(app) -> str:
    return "\n".join(screen_lines(app))
