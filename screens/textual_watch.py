"""Watchers of removed widgets let go (Textual 8.2.8 keeps them).

``node.watch(obj, "attr", callback)`` and ``data_bind`` store ``(node,
callback)`` in ``obj``'s ``__watchers["attr"]`` list (textual/reactive.py,
``_watch``). Textual drops the entries of closed nodes only when ``obj.attr``
changes (``Reactive._check_watchers``), so while it does not, every removed
watcher stays alive with its whole subtree and render caches (upstream:
Textualize/textual#6666, open). In the console that was the Footer: each
recompose (every focus move changes the keys shown) binds each new
FooterKey to ``Footer.compact``, which never changes, so the main screen's
Footer kept every FooterKey it ever showed, ~1000 a minute of typing with
their strips (RSS +30 MB a minute at 10x, and multi-second full
collections over them). TextArea does the same with ``App.theme``.

:func:`apply` wraps ``_watch`` so that adding a watcher first drops the
entries of closed nodes from that list, as Textual itself would on a
change: a list holds the live watchers and at most the ones removed since
the last one was added.
"""

from __future__ import annotations

from textual import dom

_original = dom._watch


def watchers(obj, attribute: str) -> list:
    """The (node, callback) entries watching ``obj.attribute`` (Textual's own list)."""
    return getattr(obj, "__watchers", {}).get(attribute, [])


def _watch(node, obj, attribute_name, callback, *, init: bool = True) -> None:
    entries = watchers(obj, attribute_name)
    if entries:
        entries[:] = [(owner, cb) for owner, cb in entries if not owner._closing]
    _original(node, obj, attribute_name, callback, init=init)


def apply() -> None:
    """Install the wrapper (idempotent). Before widgets are made."""
    dom._watch = _watch
