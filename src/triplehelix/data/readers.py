"""Read record files (YAML, JSON, JSON Lines, CSV/TSV) into raw mappings with locations.

Readers never validate fields: they turn bytes into ``RawRecord`` objects that remember
their file and line, or into ``Problem`` objects when the bytes cannot be read. The
loader (``triplehelix.data.loader``) validates and cross-checks.
"""

from __future__ import annotations

import sys
from pathlib import Path

from triplehelix.data.files import check_regular, read_regular
from triplehelix.data.raw import RawRecord, SourceFile, kind_from_name
from triplehelix.data.sources import source_name
from triplehelix.data.text_readers import read_csv, read_json, read_jsonl
from triplehelix.data.yaml_reader import read_yaml
from triplehelix.errors import InputError, Problem, UsageError

__all__ = [
    "RDF_SUFFIXES",
    "RECORD_SUFFIXES",
    "RawRecord",
    "SourceFile",
    "expand_paths",
    "kind_from_name",
    "read_source",
]
RECORD_SUFFIXES = {
    ".yaml": "yaml",
    ".yml": "yaml",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "csv",
}
RDF_SUFFIXES = {
    ".ttl": "ttl",
    ".nt": "nt",
    ".nq": "nq",
    ".trig": "trig",
    ".jsonld": "jsonld",
    ".rdf": "rdfxml",
    ".owl": "rdfxml",
}
# Formats that are parsed whole in memory get a size limit; streaming ones do not.
MAX_BYTES = {"yaml": 16 * 2**20, "json": 256 * 2**20}


def expand_paths(paths: list[str], source: str | None = None) -> list[tuple[str, Path | None]]:
    """Files named by the user, each with its source name (``data.sources``): folders
    are walked (sorted), ``-`` is stdin. ``source`` names a single input explicitly.

    Raises:
        InputError: a path that does not exist, or a file that is not a regular file
            (a FIFO, a device: see ``data.files``), also one found in a folder.
        UsageError: ``source`` given for more than one file.
    """
    out: list[tuple[str, Path | None]] = []
    for raw in paths:
        if raw == "-":
            out.append((source_name(raw, None), None))
            continue
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if not p.is_dir() and p.suffix.lower() in RECORD_SUFFIXES | RDF_SUFFIXES
            )
            for p in found:
                check_regular(p)
            out.extend((source_name(raw, p), p) for p in found)
        elif path.exists() or path.is_symlink():
            check_regular(path)
            out.append((source_name(raw, path), path))
        else:
            raise InputError(
                f"{raw}: no such file or folder",
                code="file-not-found",
                hint="check the path; use - for standard input",
            )
    if source is not None:
        if len(out) != 1:
            raise UsageError(
                f"--source {source!r} names one input, but {len(out)} file(s) were given",
                code="source-not-single",
                hint="give one file (or -) with --source, or leave --source out",
            )
        out = [(source_name(paths[0], out[0][1], explicit=source), out[0][1])]
    return out


def read_source(name: str, path: Path | None, fmt: str | None = None) -> SourceFile:
    """Read one file (or stdin when ``path`` is None) into raw records and problems."""
    content = sys.stdin.buffer.read() if path is None else read_regular(path)
    if fmt is None:
        suffix = path.suffix.lower() if path else ""
        fmt = RECORD_SUFFIXES.get(suffix) or RDF_SUFFIXES.get(suffix) or _sniff(content)
    src = SourceFile(name=name, path=path, fmt=fmt, content=content)
    if fmt in RDF_SUFFIXES.values():
        return src
    text = _decode(src)
    if text is None:
        return src
    limit = MAX_BYTES.get(fmt)
    if limit is not None and len(content) > limit:
        src.problems.append(
            Problem(
                name,
                None,
                None,
                "file-too-large",
                f"a {fmt.upper()} file of at most {limit // 2**20} MiB "
                "(use JSON Lines or CSV for bulk data)",
                f"{len(content) / 2**20:.1f} MiB",
            )
        )
        return src
    if not text.strip():
        src.problems.append(
            Problem(name, None, None, "empty-file", "at least one record", "an empty file")
        )
        return src
    hint = kind_from_name(path.stem) if path else None
    reader = {"yaml": read_yaml, "json": read_json, "jsonl": read_jsonl, "csv": read_csv}
    reader[fmt](src, text, hint)
    return src


def _sniff(content: bytes) -> str:
    head = content.lstrip()[:1]
    if head == b"[":
        return "json"
    if head == b"{":
        lines = [ln for ln in content.splitlines() if ln.strip()]
        return (
            "jsonl" if len(lines) > 1 and all(ln.lstrip()[:1] == b"{" for ln in lines) else "json"
        )
    return "yaml"


def _decode(src: SourceFile) -> str | None:
    data = src.content
    if b"\x00" in data[:8192]:
        src.problems.append(
            Problem(
                src.name,
                None,
                None,
                "not-text",
                "a UTF-8 text file (YAML, JSON, JSON Lines or CSV)",
                "binary data (NUL bytes)",
            )
        )
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        src.problems.append(
            Problem(
                src.name,
                line,
                None,
                "bad-encoding",
                "UTF-8 text",
                f"byte 0x{data[exc.start]:02x} at offset {exc.start}",
            )
        )
        return None
