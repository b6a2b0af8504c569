"""Group-buy purchases: the requests of each household, as typed at the desk
or pasted from the chat group's sign-up list.

Story 2 (../shared/seed/STORIES.md): the group-buy leader shops every other
day from the previous day's chat orders at one supermarket, packs and pays for
each household separately, and sells 35-yuan vegetable bundles.

A request's ``status`` moves  new -> in_run -> bought -> out -> delivered
(or cancelled); its ``settlement`` (paid / free / waived) is set apart. A
request with items joins the open run whose deadline is still ahead, now or
when such a run is made. Runs, packing and buying: :mod:`console.purchases.runs`;
delivery and settlement: :mod:`console.purchases.settlement`; the catalogue:
:mod:`console.purchases.catalogue`.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from tinydb import where

from console.core import clock, i18n, purge, safe_text
from console.core.commands import Command
from console.core.i18n import DomainError
from console.core.operators import Actor
from console.core.store import Store
from console.households.registry import find, search as registry_search
from console.purchases.parser import Registry, check_line, parse_chat, parse_items
from console.purchases.form_values import parse_money
from console.purchases.index import REQUESTS, request_index

RUNS = "purchase_runs"            # a request joins an open run: see console.purchases.runs

i18n.add({
    "purchases.no_request": ("找不到代购单 {id}。", "No purchase request {id}."),
    "purchases.pack_bought": ("代购单 {no} 已经买回，不能再改。如需补买，请新建一单。",
                              "Request {no} was already bought, so it cannot change. "
                              "Make a new request for anything extra."),
    "purchases.locked": ("代购单 {no} 所在批次已采购，不能再改。如需补买，请新建一单。",
                         "Request {no}: its run was already bought, so it cannot change. "
                         "Make a new request for anything extra."),
    "purchases.cancelled": ("代购单 {no} 已取消。", "Request {no} is cancelled."),
    "purchases.not_in_run": ("代购单 {no} 不在批次 {run} 里。", "Request {no} is not in run {run}."),
    "purchases.already_settled": ("代购单 {no} 已经结算（{how}）。", "Request {no} is already settled ({how})."),
    "purchases.settle.paid": ("已付", "paid"),
    "purchases.settle.free": ("免费", "free"),
    "purchases.settle.waived": ("减免", "waived"),
    "purchases.status.new": ("待入批", "new"),
    "purchases.status.in_run": ("待采购", "in run"),
    "purchases.status.bought": ("已买回", "bought"),
    "purchases.status.out": ("配送中", "out"),
    "purchases.status.delivered": ("已送达", "delivered"),
    "purchases.status.cancelled": ("已取消", "cancelled"),
})


# ---------------------------------------------------------------- requests
def with_id(row) -> dict:
    """A stored row as a plain dict, with its ``id``."""
    return {**row, "id": row.doc_id}


def _lines(lines: list[dict] | str | None) -> list[dict]:
    if isinstance(lines, str):
        return [{**ln, "short": False} for ln in parse_items(lines)] if lines.strip() else []
    out = []
    for ln in lines or []:
        row = check_line(ln.get("item", ""), ln.get("qty", 0), ln.get("unit", ""), ln.get("note", ""))
        row["short"] = bool(ln.get("short", False))
        out.append(row)
    return out


def request_no(row: dict) -> str:
    """The request's number (0305-012) for a message, else its #id."""
    return row.get("no") or f"#{row.get('id', row.doc_id if hasattr(row, 'doc_id') else '?')}"


def next_number(tx) -> str:
    day = clock.today()
    n = tx.next_number(f"request-{day.isoformat()}")
    return f"{day:%m%d}-{n:03d}"


def _open_run_for(tx, when: str) -> dict | None:
    """The open run whose deadline is still ahead of ``when`` (earliest first)."""
    runs = [r for r in tx.table(RUNS).search(where("status") == "open") if r["deadline"] >= when]
    return min(runs, key=lambda r: r["deadline"], default=None)


def create_request(store: Store, actor: Actor, door: str, person: str = "",
                   lines: list[dict] | str = (), note: str = "", source: dict | None = None,
                   budget: str | int | None = None, phone: str = "") -> dict:
    """A new request for the household at ``door``; joins an open run whose
    deadline is still ahead when it has items."""
    home = find(store, door)
    rows = _lines(lines)
    budget_fen = parse_money(budget, "budget") if budget not in (None, "") else None
    return _insert_requests(store, [{
        "door": home["door"], "person": (person or home.get("head", "")).strip(),
        "phone": phone or home.get("phone", ""), "lines": rows, "note": (note or "").strip(),
        "budget_fen": budget_fen, "source": source or {"desk": True},
    }])[0]


def _insert_requests(store: Store, rows: list[dict]) -> list[dict]:
    now = clock.stamp()
    out = []
    with store.transaction(REQUESTS, RUNS) as tx:
        t = tx.table(REQUESTS)
        for row in rows:
            run = _open_run_for(tx, now) if row["lines"] else None
            doc = {**row, "no": next_number(tx), "status": "in_run" if run else "new",
                   "run": run.doc_id if run else None, "ordered_at": now if row["lines"] else None,
                   "paid_fen": None, "delivery": {}, "settlement": None}
            doc_id = t.insert(doc)
            if run:
                tx.table(RUNS).update(lambda r, i=doc_id: r["requests"].append(i), doc_ids=[run.doc_id])
            out.append({**doc, "id": doc_id})
    return out


def request_row(table, request_id: int):
    """The request row from a Table (store or transaction), else a DomainError."""
    row = table.get(doc_id=int(request_id))
    if row is None:
        raise DomainError("purchases.no_request", id=request_id)
    return row


def get_request(store: Store, request_id: int) -> dict:
    return with_id(request_row(store.table(REQUESTS), request_id))


def requests(store: Store, status: str | tuple | None = None, run: int | None = None) -> list[dict]:
    """Requests (newest first), optionally by status or run. Read-only: the
    rows are shared (an index of the table), as the store's own records are;
    copy one before changing it."""
    index = request_index(store)
    if status:
        wanted = (status,) if isinstance(status, str) else tuple(status)
        ids = index.ids(("status", wanted[0])) if len(wanted) == 1 else sorted(
            (i for s in wanted for i in index.groups.get(("status", s), ())), reverse=True)
        rows = [index.rows[i] for i in ids]
    else:
        rows = list(reversed(index.rows.values()))
    return rows if run is None else [r for r in rows if r.get("run") == run]


def owing(store: Store) -> list[dict]:
    """Bought, out or delivered and not settled yet: newest first. Read-only rows."""
    index = request_index(store)
    return [index.rows[i] for i in index.ids(("unpaid",))]


def from_gate(store: Store, status: str | None = None) -> list[dict]:
    """Requests made at a gate (the checkpoint's redirects), newest first. Read-only rows."""
    index = request_index(store)
    rows = [index.rows[i] for i in index.ids(("gate",))]
    return rows if not status else [r for r in rows if r.get("status") == status]


def search(rows: list[dict], text: str) -> list[dict]:
    """The rows (requests, packs, bills) a Purchases find box keeps: a door in
    any written form (5-302, 5栋302, 五栋三零二) is that household exactly,
    never 15-302; words without digits find the person by name or pinyin
    (``wz`` finds 王中); a request number (0305-012) finds that request. An
    unreadable door says so (DomainError)."""
    text = " ".join(unicodedata.normalize("NFKC", text or "").split())
    by_no = [r for r in rows if text and r.get("no") == text]
    return by_no or registry_search(rows, text, who=("person",))


def _editable(tx, row: dict) -> None:
    if row["status"] == "cancelled":
        raise DomainError("purchases.cancelled", no=request_no(row))
    if row["status"] not in ("new", "in_run"):
        run = tx.table(RUNS).get(doc_id=row["run"]) if row.get("run") else None
        key = "purchases.pack_bought" if run and run["status"] == "open" else "purchases.locked"
        raise DomainError(key, field="lines", no=request_no(row))
    if row.get("run"):
        run = tx.table(RUNS).get(doc_id=row["run"])
        if run and run["status"] != "open":
            raise DomainError("purchases.locked", field="lines", no=request_no(row))


def set_lines(store: Store, actor: Actor, request_id: int, lines: list[dict] | str,
              note: str | None = None, budget: str | int | None = None,
              person: str | None = None) -> dict:
    """Fill in or change a request's items (refused once its run is bought)."""
    rows = _lines(lines)
    budget_fen = parse_money(budget, "budget") if budget not in (None, "") else None
    now = clock.stamp()
    with store.transaction(REQUESTS, RUNS) as tx:
        t = tx.table(REQUESTS)
        row = request_row(t, request_id)
        _editable(tx, row)
        fields = {"lines": rows, "budget_fen": budget_fen}
        if note is not None:
            fields["note"] = note.strip()
        if person is not None:
            fields["person"] = person.strip()
        if not row.get("no"):
            fields["no"] = next_number(tx)
        if rows and not row.get("ordered_at"):
            fields["ordered_at"] = now
        if rows and not row.get("run"):
            run = _open_run_for(tx, now)
            if run:
                fields.update(run=run.doc_id, status="in_run")
                tx.table(RUNS).update(lambda r: r["requests"].append(row.doc_id), doc_ids=[run.doc_id])
        t.update(fields, doc_ids=[row.doc_id])
        return with_id(t.get(doc_id=row.doc_id))


def cancel_request(store: Store, actor: Actor, request_id: int, reason: str = "") -> dict:
    with store.transaction(REQUESTS, RUNS) as tx:
        t = tx.table(REQUESTS)
        row = request_row(t, request_id)
        _editable(tx, row)
        if row.get("run"):
            tx.table(RUNS).update(lambda r: r["requests"].remove(row.doc_id)
                                  if row.doc_id in r["requests"] else None, doc_ids=[row["run"]])
        t.update({"status": "cancelled", "run": None, "cancel_reason": reason.strip()},
                 doc_ids=[row.doc_id])
        return with_id(t.get(doc_id=row.doc_id))


def registry(store: Store) -> Registry:
    return Registry(store.table("households").all())


def import_orders(store: Store, actor: Actor, orders: list[dict], source: str = "chat") -> list[dict]:
    """Create the requests parsed from a sign-up list (see orders_parser.parse_chat)."""
    rows = [{"door": o["door"], "person": o.get("person", ""), "phone": o.get("phone", ""),
             "lines": _lines(o["lines"]), "note": o.get("note", ""), "budget_fen": None,
             "source": {source: o.get("line_no")}} for o in orders]
    return _insert_requests(store, rows) if rows else []


def parse_and_import(store: Store, actor: Actor, text: str):
    """Parse a pasted list and create every readable order; returns
    (created, problems). Problem lines are for the desk to fix and re-import."""
    result = parse_chat(text, registry(store))
    return import_orders(store, actor, result.orders), result.problems


# ---------------------------------------------------------------- command line
def parse_orders_command(store: Store, args) -> int:
    """`python app.py parse-orders FILE`: one JSON object per parsed order on
    stdout; each line needing a fix as 'N: line  <- why' on stderr. Changes
    nothing. Exit 1 when any line needs fixing."""
    import json  # noqa: PLC0415
    import sys  # noqa: PLC0415

    data = Path(args.file).read_bytes() if args.file != "-" else sys.stdin.buffer.read()
    text, _ = safe_text.decode(data)
    result = parse_chat(text, registry(store))
    if result.cleaned:
        print(i18n.t("safe_text.removed_lines", lines=", ".join(map(str, result.cleaned))),
              file=sys.stderr)
    for order in result.orders:
        print(json.dumps(order, ensure_ascii=False))
    for p in result.problems:
        print(f"{p['line_no']}: {p['raw'].strip()}    <- {p['message']}", file=sys.stderr)
    if result.problems:
        print(i18n.t("purchases.cli_summary", ok=len(result.orders), bad=len(result.problems)),
              file=sys.stderr)
    return 1 if result.problems else 0


i18n.add({"purchases.cli_summary": ("读出 {ok} 单，{bad} 行需要修改。",
                                    "{ok} orders read, {bad} lines need fixing.")})


def command() -> Command:
    """The `parse-orders` subcommand (listed in console.features)."""
    return Command("parse-orders", ("读取接龙代购清单并检查（不修改数据）",
                                    "read a chat sign-up list, print orders as JSON lines; changes nothing"),
                   lambda p: p.add_argument("file", metavar="FILE", help="text file, or - for stdin"),
                   parse_orders_command)


# ---------------------------------------------------------------- purge: orders

PURGE = [
    purge.Rule(REQUESTS, ("person", "phone", "door", "note", "settlement"),
               day=lambda r: purge.last_change(r, "ordered_at", "at", "delivery", "settlement")
               or r.get("_at", "")),
]
