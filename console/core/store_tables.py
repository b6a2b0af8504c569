"""In-memory tables with TinyDB's Table API, and the transaction that changes them.

A table is a dict ``{str(id): record}`` held by the :class:`~console.store.Store`
(loaded from its checkpoint plus the journal tail). Records are shared
read-only snapshots: nothing changes them in place; a change replaces them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import orjson
from tinydb.table import Document

from console.core.store_files import StoreError

if TYPE_CHECKING:
    from console.core.store import Store

COUNTERS = "_counters"


def change_key(change: dict) -> str:
    """The table a journal change belongs to: "name" or "name/day"."""
    return change["table"] if "day" not in change else f"{change['table']}/{change['day']}"


class Rows:
    """One table's records, its highest id ever (ids are never reused) and
    the journal sequence number its content is as of."""

    __slots__ = ("docs", "high", "seq")

    def __init__(self, docs: dict[str, dict] | None = None, high: int = 0, seq: int = 0):
        self.docs = docs if docs is not None else {}
        self.high = high
        self.seq = seq

    def apply(self, change: dict) -> None:
        doc_id = change["id"]
        if change["op"] == "remove":
            self.docs.pop(str(doc_id), None)
        else:
            self.docs[str(doc_id)] = change["after"]
        if doc_id > self.high:
            self.high = doc_id


def share(docs: dict[str, dict], memo: dict | None = None) -> dict[str, dict]:
    """Let records loaded together share equal values in place: strings at
    the top of a record and flat dicts (a ``_by`` stamp, an order line), so
    a table of 15,000 orders does not hold 30,000 copies of a handful of
    stamps. Safe because records are read-only snapshots (a change replaces
    a record, :meth:`TxTable.update` works on a deep copy); a value holding
    a list or dict is left as it is (unhashable, so not compared). ``memo``
    carries what was seen over several calls."""
    get = (memo if memo is not None else {}).setdefault
    for doc in docs.values():
        for key, value in doc.items():
            kind = type(value)
            if kind is str:
                doc[key] = get(value, value)
            elif kind is dict:
                try:
                    doc[key] = get((key, *value.items()), value)
                except TypeError:  # holds a list or dict
                    pass
            elif kind is list:
                for i, item in enumerate(value):
                    if type(item) is dict:
                        try:
                            value[i] = get((None, *item.items()), item)
                        except TypeError:
                            pass
    return docs


def copy(doc: Any) -> Any:
    """A deep copy of a JSON document (and a check that it is one)."""
    try:
        return orjson.loads(orjson.dumps(doc))
    except TypeError as exc:
        raise ValueError(f"not storable as JSON: {exc}") from None


class _Reads:
    """TinyDB's read methods over ``_docs()`` (a {str id: record} mapping)."""

    def _docs(self) -> Mapping[str, dict]:
        raise NotImplementedError

    def _reading(self):
        raise NotImplementedError

    def all(self) -> list[Document]:
        with self._reading():
            return [Document(d, int(k)) for k, d in self._docs().items()]

    def records(self) -> list[dict]:
        """Every record as a plain (read-only) dict, without Document copies."""
        with self._reading():
            return list(self._docs().values())

    def search(self, cond) -> list[Document]:
        with self._reading():
            return [Document(d, int(k)) for k, d in self._docs().items() if cond(d)]

    def get(self, cond=None, doc_id: int | None = None, doc_ids=None):
        with self._reading():
            docs = self._docs()
            if doc_id is not None:
                d = docs.get(str(doc_id))
                return Document(d, int(doc_id)) if d is not None else None
            if doc_ids is not None:
                return [Document(docs[str(i)], int(i)) for i in doc_ids if str(i) in docs]
            if cond is None:
                raise RuntimeError("You have to pass either cond or doc_id or doc_ids")
            for k, d in docs.items():
                if cond(d):
                    return Document(d, int(k))
            return None

    def count(self, cond) -> int:
        with self._reading():
            return sum(1 for d in self._docs().values() if cond(d))

    def contains(self, cond=None, doc_id: int | None = None) -> bool:
        if doc_id is not None:
            return self.get(doc_id=doc_id) is not None
        return self.get(cond) is not None

    def __len__(self) -> int:
        with self._reading():
            return len(self._docs())

    def __iter__(self) -> Iterator[Document]:
        return iter(self.all())


class Table(_Reads):
    """Table ``name`` (of ``day``) of a store, safe across processes.

    TinyDB's Table methods: insert, insert_multiple, search, get, all,
    update, upsert, remove, count, contains, ``len()``, iteration; plus
    :meth:`records` and :meth:`version`. Each write is one transaction (one
    journal line); records are stamped ``_at``/``_by`` on insert and
    ``_upd_at``/``_upd_by`` on update. Returned documents are snapshots.
    """

    def __init__(self, store: Store, name: str, day: str | None):
        self.store, self.name, self.day = store, name, day
        self.key = name if day is None else f"{name}/{day}"

    def _docs(self) -> Mapping[str, dict]:
        return self.store._rows(self.key).docs

    def _reading(self):
        return self.store._reading()

    def version(self) -> tuple | None:
        """Changes whenever this table changes (None: never written); see Store.version."""
        return self.store.version(self.name, self.day)

    def _write(self, op: Callable[[TxTable], Any]) -> Any:
        with self.store.transaction((self.name, self.day)) as tx:
            return op(tx.table(self.name, self.day))

    def insert(self, document: Mapping) -> int:
        return self._write(lambda t: t.insert(document))

    def insert_multiple(self, documents: Iterable[Mapping]) -> list[int]:
        documents = list(documents)
        return self._write(lambda t: t.insert_multiple(documents)) if documents else []

    def update(self, fields, cond=None, doc_ids: Iterable[int] | None = None) -> list[int]:
        return self._write(lambda t: t.update(fields, cond, doc_ids))

    def upsert(self, document: Mapping, cond) -> list[int]:
        return self._write(lambda t: t.upsert(document, cond))

    def remove(self, cond=None, doc_ids: Iterable[int] | None = None) -> list[int]:
        return self._write(lambda t: t.remove(cond, doc_ids))


class TxTable(_Reads):
    """A table inside a transaction: the store's current records plus this
    transaction's changes (nothing is shared until it commits)."""

    def __init__(self, tx: Transaction, name: str, day: str | None, base: Rows):
        self.tx, self.name, self.day, self.base = tx, name, day, base
        self.changed: dict[str, dict | None] = {}
        self.high = base.high

    def _docs(self) -> Mapping[str, dict]:
        if not self.changed:
            return self.base.docs
        docs = {**self.base.docs, **self.changed}
        for k, d in self.changed.items():
            if d is None:
                del docs[k]
        return docs

    def _reading(self):
        return self.tx.store._reading()

    def _read_table(self) -> Mapping[str, dict]:
        """TinyDB's raw {id: record} view (read-only)."""
        return self._docs()

    def _stamped(self, doc: Mapping, update: bool = False) -> dict:
        if self.name.startswith("_"):
            return copy(doc)
        stamp = self.tx.stamp
        if update:
            stamp = {"_upd_at": stamp["_at"], "_upd_by": stamp["_by"]}
        return copy({**doc, **stamp})

    def insert(self, document: Mapping) -> int:
        return self.insert_multiple([document])[0]

    def insert_multiple(self, documents: Iterable[Mapping]) -> list[int]:
        ids = []
        for doc in documents:
            self.high += 1
            self.changed[str(self.high)] = self._stamped(doc)
            ids.append(self.high)
        return ids

    def _matching(self, cond, doc_ids) -> list[tuple[str, dict]]:
        docs = self._docs()
        if doc_ids is not None:
            return [(str(i), docs[str(i)]) for i in doc_ids if str(i) in docs]
        if cond is None:
            raise ValueError("give cond or doc_ids")
        return [(k, d) for k, d in docs.items() if cond(d)]

    def _changing(self) -> None:
        if self.name in self.tx.store.APPEND_ONLY:
            raise StoreError("store.append_only", name=self.name)

    def update(self, fields, cond=None, doc_ids: Iterable[int] | None = None) -> list[int]:
        self._changing()
        out = []
        for k, doc in self._matching(cond, doc_ids):
            doc = copy(doc)
            if callable(fields):
                fields(doc)
            else:
                doc.update(fields)
            self.changed[k] = self._stamped(doc, update=True)
            out.append(int(k))
        return out

    def upsert(self, document: Mapping, cond) -> list[int]:
        if self.contains(cond):
            return self.update(document, cond)
        return [self.insert(document)]

    def remove(self, cond=None, doc_ids: Iterable[int] | None = None) -> list[int]:
        self._changing()
        out = []
        for k, _ in self._matching(cond, doc_ids):
            self.changed[k] = None
            out.append(int(k))
        return out

    def changes(self) -> list[dict]:
        """What this transaction did to the table, as journal changes."""
        out = []
        where = {"table": self.name} if self.day is None else {"table": self.name, "day": self.day}
        for k in sorted(self.changed, key=int):
            after, before = self.changed[k], self.base.docs.get(k)
            if after == before:
                continue
            if before is None:
                out.append({**where, "op": "insert", "id": int(k), "after": after})
            elif after is None:
                out.append({**where, "op": "remove", "id": int(k), "after": None, "before": before})
            else:
                out.append({**where, "op": "update", "id": int(k), "after": after, "before": before})
        return out


class Transaction:
    """Several tables changed together: one journal line, all or nothing.

    ``table(name, day)`` gives a :class:`TxTable` (TinyDB Table API); every
    call for one table returns the same handle. Tables need not have been
    named to ``Store.transaction`` (the whole directory is locked); a daily
    table without a day is the day it was named with, else today.
    """

    def __init__(self, store: Store, specs: list[tuple[str, str | None]]):
        self.store = store
        self.specs = specs
        self.stamp = store.stamp()
        self._tables: dict[str, TxTable] = {}

    def _spec(self, name: str, day) -> tuple[str, str | None]:
        if day is None:
            named = [s for s in self.specs if s[0] == name]
            if len(named) == 1:
                return named[0]
        return name, self.store._day(name, day)

    def table(self, name: str, day=None) -> TxTable:
        name, day = self._spec(name, day)
        key = self.store._key(name, day)
        table = self._tables.get(key)
        if table is None:
            table = self._tables[key] = TxTable(self, name, day, self.store._rows(key))
        return table

    def next_number(self, counter: str, name: str | None = None) -> int:
        """Next value of a human-facing counter (gap-free, never reused),
        kept for table ``name`` (default: the first table of this transaction)."""
        name, day = self.specs[0] if name is None else self._spec(name, None)
        scope = name if day is None else f"{name}/{day}"
        counters = self.table(COUNTERS)
        row = counters.get(lambda d: d.get("scope") == scope)
        value = int((row or {}).get(counter, 0)) + 1
        if row is None:
            counters.insert({"scope": scope, counter: value})
        else:
            counters.update({counter: value}, doc_ids=[row.doc_id])
        return value

    def changes(self) -> list[dict]:
        return [c for t in self._tables.values() for c in t.changes()]
