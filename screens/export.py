"""The export key of every list: writes the list as a new .xlsx under exports/.

``binding(what)`` is the footer key (Ctrl+E unless given); the action
``export('what')`` runs :func:`console.exports.export` in a worker thread and
says where the file went, or why nothing was written.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.dom import DOMNode

from console import features
from console.core import exports, i18n
from console.core.i18n import DomainError

i18n.add({
    "export.key": ("导出表格", "Export"),
    "export.key.named": ("导出{what}", "Export {what}"),
})


def binding(what: str, key: str = "ctrl+e", named: bool = False, show: bool = True) -> Binding:
    label = (i18n.t("export.key.named", what=i18n.t(exports.get(features.EXPORTS, what).title)) if named
             else i18n.t("export.key"))
    return Binding(key, f"export('{what}')", label, priority=True, show=show)


def run(node: DOMNode, what: str, days: list[str] | None = None) -> None:
    """Export ``what`` (for ``days``) off the event loop; a toast says how it went."""
    app = node.app

    def work() -> None:
        try:
            path, n = exports.export(app.store, app.actor, exports.get(features.EXPORTS, what), days)
        except DomainError as exc:
            app.call_from_thread(app.notify, str(exc), severity="error", markup=False)
            return
        app.call_from_thread(app.notify, i18n.t("exports.done", n=n, path=path), markup=False,
                             timeout=10)

    node.run_worker(work, thread=True, group="export", name=f"export {what}")
