"""Printing pass slips through one interface, backend chosen in settings.

Backends (setting ``printer``, a dict; ``backend`` picks one):

* ``files``  -- always available: the slips' PNGs plus an A4 PDF sheet in
  ``<data>/slips/``;
* ``lp``     -- CUPS: the A4 PDF on ``lp``'s stdin (``lp_dest`` names the queue);
* ``escpos`` -- a thermal printer through python-escpos (``connection`` usb,
  network or file), each slip sent as a raster image, never the printer's
  font ROM (which cannot be trusted with Chinese).

Whatever the backend, every slip printed is also saved as PNG under
``<data>/slips/``. :func:`print_slips` blocks (``lp`` and USB can take
seconds): screens call it from a worker thread.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from console.core import clock, i18n, logs, output, printing, settings
from console.errands import slips
from console.core.i18n import DomainError
from console.core.store import Store

DEFAULT: dict[str, Any] = {
    "backend": "files",       # files | lp | escpos
    "width": 384,             # 384 (58 mm) or 576 (80 mm) thermal paper
    "lp_dest": "",            # CUPS queue; empty = the default printer
    "lp_options": [],         # extra `lp -o` options, e.g. ["media=A4"]
    "connection": "usb",      # escpos: usb | network | file
    "usb_vendor": "0x0416", "usb_product": "0x5011",
    "host": "", "port": 9100,
    "device": "/dev/usb/lp0",
}
BACKENDS = ("files", "lp", "escpos")
settings.DEFAULTS.setdefault("printer", dict(DEFAULT))

i18n.add({
    "printers.done_files": ("已保存 {count} 张通行证到 {path}", "Saved {count} slip(s) to {path}"),
    "printers.done_lp": ("已送打印机 {dest}（{job}）", "Sent to printer {dest} ({job})"),
    "printers.done_escpos": ("热敏打印机已打印 {count} 张", "Thermal printer printed {count} slip(s)"),
    "printers.no_lp": ("找不到 lp 命令（需要安装 CUPS：cups-client）。",
                       "The lp command is missing (install CUPS: cups-client)."),
    "printers.lp_failed": ("打印失败：{reason}", "Printing failed: {reason}"),
    "printers.escpos_failed": ("热敏打印机出错：{reason}", "Thermal printer error: {reason}"),
    "printers.bad_backend": ("未知的打印方式：{backend}", "Unknown printer backend: {backend}"),
    "printers.default_dest": ("默认打印机", "default printer"),
    "printers.nothing": ("没有可打印的通行证。", "No pass to print."),
})


@dataclass
class PrintResult:
    backend: str
    message: str
    files: list[Path] = field(default_factory=list)
    job: str = ""


def config(store: Store) -> dict[str, Any]:
    return {**DEFAULT, **(settings.get(store, "printer") or {})}


def _lp(pdf: bytes, cfg: dict, title: str) -> str:
    exe = shutil.which("lp")
    if not exe:
        raise DomainError("printers.no_lp")
    cmd = [exe, "-t", title]
    if cfg.get("lp_dest"):
        cmd += ["-d", cfg["lp_dest"]]
    for opt in cfg.get("lp_options") or []:
        cmd += ["-o", opt]
    cmd.append("-")
    try:
        done = subprocess.run(cmd, input=pdf, capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise DomainError("printers.lp_failed", reason=str(exc)) from exc
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip() or f"exit {done.returncode}"
        raise DomainError("printers.lp_failed", reason=reason)
    return done.stdout.decode(errors="replace").strip()


def escpos_device(cfg: dict):
    """A python-escpos printer for the settings (not opened until used)."""
    from escpos import printer as ep

    kind = cfg.get("connection", "usb")
    if kind == "network":
        return ep.Network(cfg["host"], port=int(cfg.get("port") or 9100))
    if kind == "file":
        return ep.File(cfg["device"])
    if kind == "usb":
        return ep.Usb(int(str(cfg["usb_vendor"]), 0), int(str(cfg["usb_product"]), 0))
    raise DomainError("printers.bad_backend", backend=f"escpos/{kind}")


def _escpos(images, cfg: dict, device=None) -> None:
    try:
        dev = device or escpos_device(cfg)
        for img in images:
            dev.image(img.convert("1", dither=slips.Image.Dither.NONE))
            dev.ln(2)
            dev.cut()
        if device is None:
            dev.close()
    except DomainError:
        raise
    except Exception as exc:   # USB/network errors come in many types
        raise DomainError("printers.escpos_failed", reason=str(exc) or type(exc).__name__) from exc


def print_slips(store: Store, errands: list[dict], *, lang: str | None = None, gate: str = "",
                cfg: dict | None = None, device=None) -> PrintResult:
    """Render, save and print the slips of ``errands`` (each with an issued pass).

    ``device`` replaces the escpos printer (tests pass escpos's ``Dummy``).
    Raises DomainError (no CJK font, lp or printer failure) after the PNGs
    that were rendered are saved.
    """
    cfg = {**config(store), **(cfg or {})}
    backend = cfg.get("backend", "files")
    if backend not in BACKENDS:
        raise DomainError("printers.bad_backend", backend=backend)
    errands = [e for e in errands if e.get("code")]
    if not errands:
        raise DomainError("printers.nothing")
    printing.require_font()
    lang = lang or i18n.lang()
    site = slips.site_name(store)
    width = int(cfg.get("width") or 384)
    # the A4 sheet uses the wide slip: bigger QR modules on office paper
    sheet_width = 576 if backend in ("files", "lp") else width
    files: list = []

    def rendered():
        """Each slip rendered, saved as PNG and handed on: a batch of 100 is
        never held in memory at once (the sheet takes them one by one)."""
        for e in errands:
            img = slips.render(e, lang=lang, width=width, gate=gate, site=site)
            files.append(slips.save_png(store, e, img))
            yield (img if sheet_width == width else
                   slips.render(e, lang=lang, width=sheet_width, gate=gate, site=site))
    images = rendered() if backend in ("files", "lp") else list(rendered())
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    if backend == "files":
        pdf = output.write(store, slips.slips_dir(store) / f"sheet-{stamp}.pdf", slips.pdf_bytes(images))
        files.append(pdf)
        return PrintResult("files", i18n.t("printers.done_files", count=len(errands),
                                           path=str(pdf.parent)), files)
    numbers = ",".join(str(e["pass_no"]) for e in errands)
    try:
        if backend == "lp":
            job = _lp(slips.pdf_bytes(images), cfg, f"passes {numbers}")
            dest = cfg.get("lp_dest") or i18n.t("printers.default_dest")
            return PrintResult("lp", i18n.t("printers.done_lp", dest=dest, job=job), files, job)
        _escpos(images, cfg, device)
    except DomainError as exc:
        logs.log.warning("printing passes %s on %s failed: %s (slips kept in %s)", numbers, backend,
                         i18n.both(exc.key, **exc.params), slips.slips_dir(store))
        raise
    return PrintResult("escpos", i18n.t("printers.done_escpos", count=len(errands)), files)
