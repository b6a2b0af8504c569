"""Delivery and settlement of a bought pack: out with a volunteer, delivered,
then settled as paid, free or waived (leaders, with a reason); what is still
unpaid, a household's bill, and the unpaid-packs spreadsheet.
"""

from __future__ import annotations

from console.core import clock, exports, i18n
from console.core.i18n import DomainError
from console.core.operators import Actor, require_leader
from console.core.spreadsheet import Column, Table
from console.core.store import Store
from console.purchases.form_values import parse_money
from console.purchases.orders import REQUESTS, owing, request_no, request_row, with_id
from console.purchases.runs import run_label, runs

SETTLE = ("paid", "free", "waived")

i18n.add({
    "purchases.not_bought": ("代购单 {no} 还没买回来。", "Request {no} has not been bought yet."),
    "purchases.already_delivered": ("代购单 {no} 已经送达。", "Request {no} was already delivered."),
    "purchases.bad_settle": ("结算方式只能是已付、免费或减免。", "Settle as paid, free or waived."),
    "purchases.need_reason": ("减免需要写原因。", "Waiving needs a reason."),
    "purchases.what.waive": ("减免费用", "waive a bill"),
})


# ---------------------------------------------------------------- delivery and settlement
def _req_update(store: Store, request_id: int, check, fields) -> dict:
    with store.transaction(REQUESTS) as tx:
        t = tx.table(REQUESTS)
        row = request_row(t, request_id)
        check(row)
        t.update(fields(row) if callable(fields) else fields, doc_ids=[row.doc_id])
        return with_id(t.get(doc_id=row.doc_id))


def send_out(store: Store, actor: Actor, request_id: int, by: str | None = None) -> dict:
    """The pack leaves the desk with ``by`` (default: the signed-in volunteer)."""
    def check(row):
        if row["status"] != "bought":
            raise DomainError("purchases.not_bought", no=request_no(row))
    return _req_update(store, request_id, check, lambda row: {
        "status": "out", "delivery": {**row.get("delivery", {}), "out_by": by or actor.name,
                                      "out_at": clock.stamp()}})


def deliver(store: Store, actor: Actor, request_id: int, by: str | None = None) -> dict:
    """The pack reached the household: who delivered it and when."""
    def check(row):
        if row["status"] == "delivered":
            raise DomainError("purchases.already_delivered", no=request_no(row))
        if row["status"] not in ("bought", "out"):
            raise DomainError("purchases.not_bought", no=request_no(row))
    return _req_update(store, request_id, check, lambda row: {
        "status": "delivered",
        "delivery": {**row.get("delivery", {}),
                     "by": by or row.get("delivery", {}).get("out_by") or actor.name,
                     "at": clock.stamp()}})


def settle(store: Store, actor: Actor, request_id: int, how: str, amount: str | int | None = None,
           reason: str = "") -> dict:
    """Paid (default: the amount paid at checkout), free, or waived with a reason (leaders)."""
    if how not in SETTLE:
        raise DomainError("purchases.bad_settle", field="how")
    if how == "waived":
        require_leader(store, actor, "purchases.what.waive")
        if not (reason or "").strip():
            raise DomainError("purchases.need_reason", field="reason")
    fen = parse_money(amount) if amount not in (None, "") else None

    def check(row):
        if row.get("settlement"):
            raise DomainError("purchases.already_settled", no=request_no(row),
                              how=i18n.t(f"purchases.settle.{row['settlement']['how']}"))
        if row["status"] not in ("bought", "out", "delivered"):
            raise DomainError("purchases.not_bought", no=request_no(row))

    return _req_update(store, request_id, check, lambda row: {"settlement": {
        "how": how, "amount_fen": (fen if fen is not None else row.get("paid_fen") or 0)
        if how == "paid" else 0, "reason": (reason or "").strip(), "by": actor.name,
        "at": clock.stamp()}})


def unpaid(store: Store) -> list[dict]:
    """Bought packs not yet settled, oldest first, with what each owes."""
    return owing(store)[::-1]


def bill(request: dict) -> dict:
    """What a household sees: each line (short ones marked) and what it owes."""
    return {"no": request.get("no"), "door": request["door"], "person": request.get("person", ""),
            "lines": [{**ln, "short": bool(ln.get("short"))} for ln in request["lines"]],
            "short": [ln["item"] for ln in request["lines"] if ln.get("short")],
            "paid_fen": request.get("paid_fen"),
            "settlement": request.get("settlement")}


# ---------------------------------------------------------------- spreadsheet: unpaid packs
i18n.add({
    "purchases.export.unpaid": ("未付代购", "unpaid packs"),
    "purchases.col.no": ("单号", "no"), "purchases.col.door": ("门牌", "door"),
    "purchases.col.person": ("联系人", "person"), "purchases.col.phone": ("电话", "phone"),
    "purchases.col.run": ("批次", "run"), "purchases.col.status": ("状态", "status"),
    "purchases.col.items": ("物品", "items"), "purchases.col.short": ("缺货", "short"),
    "purchases.col.owed": ("应付（元）", "owed (yuan)"),
})

UNPAID_COLUMNS = (*(Column(k, f"purchases.col.{k}") for k in (
    "no", "door", "person", "phone", "run", "status", "items", "short")),
    Column("owed", "purchases.col.owed", "0.00"))


def unpaid_table(store: Store, actor: Actor, days: list[str]) -> Table:
    """Bought packs not yet settled, with what each owes in yuan."""
    runs_by_id = {r["id"]: run_label(r) for r in runs(store)}
    rows = []
    for r in unpaid(store):
        b = bill(r)
        rows.append({
            "no": r.get("no"), "door": r["door"], "person": r.get("person", ""),
            "phone": r.get("phone", ""), "run": runs_by_id.get(r.get("run"), ""),
            "status": i18n.t(f"purchases.status.{r['status']}"),
            "items": "  ".join(f"{ln['item']}{ln['qty']:g}{ln['unit']}" for ln in b["lines"]),
            "short": "、".join(b["short"]),
            "owed": None if r.get("paid_fen") is None else r["paid_fen"] / 100})
    return Table(i18n.t("purchases.export.unpaid"), UNPAID_COLUMNS, rows)


EXPORTS = [exports.Export("unpaid", "purchases.export.unpaid", unpaid_table, dated=False)]
