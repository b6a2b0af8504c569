"""Slip images, the CJK font rule, and the printer backends (fake lp, escpos Dummy)."""

from __future__ import annotations

import os
import stat
import sys

import pytest
import zxingcpp
from escpos.printer import Dummy
from PIL import Image, PdfParser

from console.core import printing
from console.errands import printers, slips
from console.core.i18n import DomainError
from tests import needs


@needs.font
@pytest.mark.parametrize("width", slips.WIDTHS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_saved_png_decodes_back_to_code(store, pass_, width, lang):
    img = slips.render(pass_, lang=lang, width=width, gate="西门", site="社区")
    assert img.width == width
    path = slips.save_png(store, pass_, img)
    assert path.parent == store.root / "slips"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o660
    found = zxingcpp.read_barcodes(Image.open(path))
    assert [(r.text, r.format.name) for r in found] == [(pass_["code"], "QRCode")]


def test_qr_modules_are_whole_pixels_with_quiet_zone(pass_):
    img = slips.qr_image(pass_["code"], 9)
    n = 29 + 2 * slips.QUIET
    assert img.size == (n * 9, n * 9)
    # quiet zone is white, first finder module is black
    assert img.getpixel((4 * 9 - 1, 4 * 9 - 1)) == 255
    assert img.getpixel((4 * 9, 4 * 9)) == 0
    assert {v for _, v in img.getcolors()} == {0, 255}


def test_no_cjk_font_refuses_and_names_package(store, pass_, monkeypatch):
    monkeypatch.setattr(printing, "find_cjk_font", lambda refresh=False: None)
    with pytest.raises(DomainError) as err:
        slips.render(pass_, lang="zh")
    assert "fonts-wqy-zenhei" in str(err.value) and "fonts-noto-cjk" in str(err.value)
    with pytest.raises(DomainError):
        printers.print_slips(store, [pass_])
    assert not list(store.root.glob("slips/*.png"))


@needs.font
def test_font_discovery_finds_installed_cjk_font():
    path = printing.find_cjk_font(refresh=True)
    assert path and os.path.isfile(path)


@needs.font
def test_a4_pdf_holds_several_slips_per_page(pass_):
    img = slips.render(pass_, lang="zh", width=576)
    pages = list(slips.sheet_pages([img] * 5))
    assert len(pages) == 2 and pages[0].size == slips.A4
    pdf = slips.pdf_bytes([img] * 5)
    assert pdf.startswith(b"%PDF") and len(PdfParser.PdfParser(buf=pdf).pages) == 2


@needs.font
def test_a_batch_is_laid_out_page_by_page_not_held_whole(pass_):
    img = slips.render(pass_, lang="zh", width=576)
    taken = []

    def batch():  # 100 slips rendered on demand, as printing a batch does
        for i in range(100):
            taken.append(i)
            yield img
    pages = slips.sheet_pages(batch())
    first = next(pages)
    assert first.size == slips.A4 and first.mode == "1"
    assert len(taken) < 10  # one page's slips (and the next one's first), not the batch
    rest = sum(1 for _ in pages)
    assert len(taken) == 100 and rest >= 100 // len(taken)


@needs.font
def test_files_backend_saves_pngs_and_sheet(store, pass_):
    res = printers.print_slips(store, [pass_], lang="en", gate="西门")
    assert res.backend == "files"
    assert {p.suffix for p in res.files} == {".png", ".pdf"}
    assert all(p.exists() for p in res.files)


@pytest.fixture
def fake_lp(tmp_path, monkeypatch):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    out = tmp_path / "lp-out"
    script = bindir / "lp"
    script.write_text(f"""#!{sys.executable}
import sys
open({str(out)!r} + ".args", "w").write("\\n".join(sys.argv[1:]))
open({str(out)!r}, "wb").write(sys.stdin.buffer.read())
if "-d" in sys.argv and sys.argv[sys.argv.index("-d") + 1] == "broken":
    sys.stderr.write("lp: The printer or class does not exist.\\n")
    sys.exit(1)
print("request id is desk-42 (1 file(s))")
""")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    return out


@needs.font
def test_lp_backend_sends_pdf_on_stdin(store, pass_, fake_lp):
    res = printers.print_slips(store, [pass_], cfg={"backend": "lp", "lp_dest": "office"})
    assert res.job == "request id is desk-42 (1 file(s))"
    assert fake_lp.read_bytes().startswith(b"%PDF")
    args = (fake_lp.parent / "lp-out.args").read_text().split("\n")
    assert args[-1] == "-" and "office" in args
    assert any(p.suffix == ".png" for p in res.files)


@needs.font
def test_lp_failure_is_reported_and_logged(store, pass_, fake_lp):
    from console.core import logs

    logs.setup(store.root)
    with pytest.raises(DomainError) as err:
        printers.print_slips(store, [pass_], cfg={"backend": "lp", "lp_dest": "broken"})
    assert "does not exist" in str(err.value)
    # the PNG is still saved
    assert list((store.root / "slips").glob("*.png"))
    logged = logs.path(store.root).read_text()
    assert f"printing passes {pass_['pass_no']} on lp failed" in logged and "does not exist" in logged


@needs.font
def test_lp_missing(store, pass_, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(DomainError) as err:
        printers.print_slips(store, [pass_], cfg={"backend": "lp"})
    assert err.value.key == "printers.no_lp"


@needs.font
def test_escpos_dummy_gets_raster_image(store, pass_):
    dummy = Dummy()
    res = printers.print_slips(store, [pass_], cfg={"backend": "escpos", "width": 576},
                               device=dummy)
    data = dummy.output
    assert res.backend == "escpos"
    assert b"\x1dv0" in data            # GS v 0: raster bit image
    assert b"\x1dV" in data             # cut
    assert "张三".encode("gb18030") not in data and "张三".encode() not in data
    png = [p for p in res.files if p.suffix == ".png"][0]
    assert Image.open(png).width == 576


@needs.font
def test_escpos_errors_become_domain_errors(store, pass_):
    class Broken(Dummy):
        def image(self, *a, **k):
            raise OSError("USB device not found")
    with pytest.raises(DomainError) as err:
        printers.print_slips(store, [pass_], cfg={"backend": "escpos"}, device=Broken())
    assert "USB device not found" in str(err.value)


def test_unknown_backend(store, pass_):
    with pytest.raises(DomainError):
        printers.print_slips(store, [pass_], cfg={"backend": "fax"})
