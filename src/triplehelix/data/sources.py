"""What a source is: the name of an input file, and the document IRI that name gets.

Every input file is one *source*. Loading a source again replaces what it said before;
two different files must never be one source. The name of a file is derived here, once,
from the command-line argument it came from (``source_name``):

* a file found in a folder given on the command line is named by its path relative to
  that folder, **including the folder's own name**: ``load a/`` names
  ``a/organisations.csv``, ``load b/`` names ``b/organisations.csv`` (two sources). A
  folder moved elsewhere and loaded again keeps its names, so it is the same sources;
* a file named directly is named by its path as given, normalised (forward slashes, no
  ``./``): ``load ./data/orgs.csv`` names ``data/orgs.csv``; an absolute path stays
  absolute (name files relative to a folder you keep, or use ``--source``);
* standard input is ``<stdin>``; ``--source NAME`` names a single input explicitly.

``document_iri`` turns a name into the IRI of its source document, injectively and
stably (``source_slug``); a plain base name keeps the IRI it always had
(``source/file-organisations-csv``). The bulk loader, the transactional load and the
importers all go through these functions.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from triplehelix.data.slug import slugify

__all__ = [
    "STDIN",
    "base_name",
    "document_iri",
    "document_key",
    "normal_name",
    "source_name",
    "source_slug",
]

STDIN = "<stdin>"
_WORDS = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_PLAIN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\.[a-z0-9]+")
_SEP = "."  # between segments; slugs never contain it
_HASH = "_"  # before the hash of a lossy name; slugs never contain it either


def source_name(arg: str, path: Path | None, *, explicit: str | None = None) -> str:
    """The name of an input file, given the command-line argument it came from.

    Args:
        arg: the argument as typed (a folder, a file, or ``-``).
        path: the file (inside ``arg`` when ``arg`` is a folder), None for stdin.
        explicit: a name given with ``--source``; it wins.

    >>> source_name("a/", Path("a/organisations.csv"))
    'a/organisations.csv'
    >>> source_name("/data/x/b", Path("/data/x/b/sub/orgs.csv"))
    'b/sub/orgs.csv'
    >>> source_name("./data//orgs.csv", Path("data/orgs.csv"))
    'data/orgs.csv'
    >>> source_name("-", None), source_name("-", None, explicit="feed\\\\x.jsonl")
    ('<stdin>', 'feed/x.jsonl')
    """
    if explicit is not None:
        return normal_name(explicit) or STDIN
    if path is None:
        return STDIN
    folder, file = os.path.abspath(arg), os.path.abspath(path)
    if file != folder:  # found inside the folder ``arg``
        inside = Path(file).relative_to(folder).as_posix()
        own = os.path.basename(folder)
        return f"{own}/{inside}" if own else inside
    return normal_name(arg)


def normal_name(given: str) -> str:
    """A path as given, with forward slashes, ``.`` and doubled slashes gone (a relative
    path stays relative; an absolute one stays absolute: never resolved).

    >>> normal_name("./a//b\\\\c.csv"), normal_name("/data/x/../orgs.csv")
    ('a/b/c.csv', '/data/orgs.csv')
    """
    return os.path.normpath(given.replace("\\", "/")).replace("\\", "/")


def base_name(name: str) -> str:
    """The last segment of a source name.

    >>> base_name("a/b/organisations.csv"), base_name("orgs.csv")
    ('organisations.csv', 'orgs.csv')
    """
    return name.replace("\\", "/").rsplit("/", 1)[-1]


def source_slug(name: str) -> str:
    """The IRI-safe key of a source name: injective and stable.

    Each segment is slugged and the segments are joined with ``.``, which slugs never
    contain. A segment that is *plain* (lowercase words joined by ``-`` and one
    ``.extension``) is recovered from its slug; if any segment is not, a short hash of
    the whole name follows an ``_``, so that distinct names never share a key. A plain
    base name keeps its old key.

    >>> source_slug("organisations.csv")
    'organisations-csv'
    >>> source_slug("a/organisations.csv")
    'a.organisations-csv'
    >>> source_slug("a/b-c.csv") != source_slug("a-b/c.csv")
    True
    >>> source_slug("Orgs.csv")
    'orgs-csv_33727883'
    >>> source_slug("<stdin>")
    'stdin'
    """
    if name == STDIN:
        return "stdin"
    segments = [s for s in name.replace("\\", "/").split("/") if s]
    plain = (
        not name.startswith("/")
        and bool(segments)
        and _is_plain(segments[-1])
        and all(map(_is_folder, segments[:-1]))
    )
    readable = _SEP.join(slug for s in segments if (slug := slugify(s, limit=48))) or "file"
    if plain:
        return readable
    return f"{readable}{_HASH}{hashlib.sha256(name.encode()).hexdigest()[:8]}"


def _is_folder(segment: str) -> bool:
    return bool(_WORDS.fullmatch(segment)) and len(segment) <= 48


def _is_plain(segment: str) -> bool:
    return bool(_PLAIN.fullmatch(segment)) and slugify(segment, limit=48) == segment.replace(
        ".", "-"
    )


def document_iri(base: str, name: str) -> str:
    """The IRI of the source document of an input file (a file taken as a source).

    >>> document_iri("https://w3id.org/triplehelix/", "organisations.csv")
    'https://w3id.org/triplehelix/source/file-organisations-csv'
    >>> document_iri("https://w3id.org/triplehelix/", "a/organisations.csv")
    'https://w3id.org/triplehelix/source/file-a.organisations-csv'
    """
    return f"{base}source/file-{source_slug(name)}"


def document_key(prefix: str, name: str) -> str:
    """The id of the source document an importer makes of one input file.

    A plain base name keeps the key importers always gave it (``cordis-project``, from
    the file's stem); any other name gets a hash of the name, so that two files of the
    same base name in different folders are two sources. The key is already a slug (the
    minter keeps it as it is).

    >>> document_key("cordis", "project.csv")
    'cordis-project'
    >>> document_key("cordis", "h2020/project.csv")
    'cordis-project-3822443c92aa'
    """
    stem = base_name(name).rsplit(".", 1)[0]
    if "/" not in name.replace("\\", "/") and _is_plain(base_name(name)):
        return f"{prefix}-{slugify(stem)}"
    digest = hashlib.sha256(name.encode()).hexdigest()[:12]
    return f"{prefix}-{slugify(stem, limit=40) or 'file'}-{digest}"
