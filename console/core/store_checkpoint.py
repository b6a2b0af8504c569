"""Checkpoints: the journal folded into one TinyDB-format JSON file per table
(per day for daily tables) under ``tables/``, plus ``tables/manifest.json``.

A checkpoint file is TinyDB's format with a header table first::

    {"_checkpoint": {"table": "checkpoint", "day": "2026-03-05", "seq": 812,
                     "high": 96, "size": 48211, "sum": "<blake2b-128 of the body>"},
     "checkpoint": <body: {"1": {...}, "2": {...}}>}

``seq``: the last journal line its content holds; ``high``: the highest id
ever given (ids are never reused); ``size``/``sum``: length and checksum of
the body's bytes, so a truncated, edited or emptied file is caught by its
header alone. The manifest names every checkpoint and where in the journal
the tail starts (``seq``, ``segment``, ``offset``, ``last``): a starting
process reads the manifest, the checkpoints it needs and that tail only.
Every file is written atomically (temp, fsync, rename, fsync dir).

The body holds one record a line (``{"1":{...},\n"2":{...}}``, still plain
JSON): a big table is parsed about a megabyte at a time and each piece's
records share equal values (``store_tables.share``) before the next is
parsed, so loading 15,000 orders never holds a second, unshared copy of
them (the peak stayed in the process's heap for good). A body written
without the line breaks (an older checkpoint) is parsed whole.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import orjson

from console.core.store_files import StoreError, atomic_write
from console.core.store_journal import Pos
from console.core.store_tables import Rows, share

MANIFEST = "manifest.json"
_HEAD = b'{"_checkpoint":'
_SEP = b",\n"  # between records; orjson never writes a raw line break inside a value
CHUNK = 1 << 20  # bytes of body parsed at a time


def path_of(folder: Path, key: str) -> Path:
    return folder / f"{key}.json"


def encode(key: str, rows: Rows) -> tuple[bytes, dict]:
    """The checkpoint file of ``rows`` and its header."""
    name, _, day = key.partition("/")
    dumps = orjson.dumps
    body = b"{" + _SEP.join(dumps(k) + b":" + dumps(d) for k, d in rows.docs.items()) + b"}"
    head = {"table": name, **({"day": day} if day else {}), "seq": rows.seq, "high": rows.high,
            "size": len(body), "sum": hashlib.blake2b(body, digest_size=16).hexdigest()}
    return b"".join((_HEAD, orjson.dumps(head), b",", orjson.dumps(name), b":", body, b"}")), head


def _check_head(start: bytes, size: int, path: Path) -> dict:
    """Parse the header at the start of a checkpoint file of ``size`` bytes
    and check the length it declares; StoreError if it is not a checkpoint."""
    end = start.find(b"}", len(_HEAD))
    try:
        if not start.startswith(_HEAD) or end < 0:
            raise ValueError
        head = orjson.loads(start[len(_HEAD):end + 1])
        name = orjson.dumps(head["table"])
        if size != end + 1 + 1 + len(name) + 1 + head["size"] + 1:
            raise ValueError
    except (ValueError, KeyError, TypeError):
        raise StoreError("store.corrupt", path=str(path)) from None
    return head


def read_header(path: Path) -> dict:
    """The header of a checkpoint file, checked against the file's length
    (its checksum is checked when the table is loaded)."""
    try:
        with open(path, "rb") as fh:
            return _check_head(fh.read(512), os.fstat(fh.fileno()).st_size, path)
    except FileNotFoundError:
        raise StoreError("store.corrupt", path=str(path)) from None


def load(path: Path) -> tuple[dict, Rows]:
    """(header, rows) of a checkpoint file; StoreError if it is damaged."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise StoreError("store.corrupt", path=str(path)) from None
    head = _check_head(raw[:512], len(raw), path)
    start, end = len(raw) - head["size"] - 1, len(raw) - 1
    if hashlib.blake2b(memoryview(raw)[start:end], digest_size=16).hexdigest() != head["sum"]:
        raise StoreError("store.corrupt", path=str(path))
    try:
        docs = _parse(raw, start, end)
    except (orjson.JSONDecodeError, TypeError):
        raise StoreError("store.corrupt", path=str(path)) from None
    return head, Rows(docs, int(head["high"]), int(head["seq"]))


def _parse(raw: bytes, start: int, end: int) -> dict:
    """The records of the body ``raw[start:end]``, a piece at a time, sharing values."""
    memo: dict = {}
    if end - start <= CHUNK or raw[start:start + 1] != b"{" or raw[end - 1:end] != b"}":
        docs = orjson.loads(memoryview(raw)[start:end])
        if not isinstance(docs, dict):
            raise TypeError
        return share(docs, memo)
    docs, a, last = {}, start + 1, end - 1
    while a < last:
        b = raw.find(_SEP, a + CHUNK, last)
        b = last if b < 0 else b
        part = orjson.loads(b"".join((b"{", raw[a:b], b"}")))
        docs.update(share(part, memo))
        a = b + len(_SEP)
    return docs


def write(folder: Path, key: str, rows: Rows) -> dict:
    """Write ``rows`` as ``key``'s checkpoint; returns its header."""
    raw, head = encode(key, rows)
    atomic_write(path_of(folder, key), raw)
    return head


def read_manifest(folder: Path) -> dict | None:
    """The manifest, or None if there is none; StoreError if it is damaged."""
    path = folder / MANIFEST
    try:
        data = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except orjson.JSONDecodeError:
        raise StoreError("store.corrupt", path=str(path)) from None
    if not isinstance(data, dict) or not isinstance(data.get("tables"), dict):
        raise StoreError("store.corrupt", path=str(path))
    return data


def write_manifest(folder: Path, pos: Pos, tables: dict[str, dict]) -> dict:
    data = {"seq": pos.seq, "segment": pos.segment, "offset": pos.offset, "last": pos.last,
            "tables": tables}
    atomic_write(folder / MANIFEST, orjson.dumps(data))
    return data


def manifest_pos(data: dict | None) -> Pos:
    if not data:
        return Pos()
    return Pos(data["segment"], data["offset"], data["seq"], data["last"])
