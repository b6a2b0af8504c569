"""What a volunteer sees: the rendered text of the screen on top, line by line."""

from __future__ import annotations


def screen_lines(app) -> list[str]:
    """Each terminal row of the top screen as text (wide CJK characters once)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def widget_text(widget) -> str:
    """What one widget shows now, as text."""
    return str(widget.render())


def screen_text(app) -> str:
    return "\n".join(screen_lines(app))


def footer_cut(app) -> list[str]:
    """Descriptions of the keys the footer should show that it does not show in full."""
    footer = screen_lines(app)[-1]
    shown = {b.binding.group.description if b.binding.group else b.binding.description
             for b in app.screen.active_bindings.values()
             if b.binding.show and b.enabled and b.binding.description}
    return sorted(d for d in shown if d not in footer)
