"""Opening input files: only regular files are read.

Every reader of a named input file (records, CSV tables, ROR dumps, mappings) opens it
here. A FIFO would block a reader forever and a device such as ``/dev/zero`` never ends,
so anything that is not a regular file once symlinks are followed is refused with
``InputError`` (exit 4). The check is made on the opened descriptor (``fstat``), not on
the name, so nothing can swap the file between check and read; a FIFO is opened without
blocking. Standard input (``-``) is read by the callers themselves and stays allowed.
"""

from __future__ import annotations

import os
import stat
from io import BufferedReader
from pathlib import Path

from triplehelix.errors import InputError

__all__ = ["check_regular", "open_regular", "read_regular"]

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _refuse(path: Path, mode: int) -> InputError:
    kind = next((what for test, what in _KINDS if test(mode)), "a special file")
    return InputError(
        f"{path}: {kind}, not a regular file",
        code="not-a-file",
        hint="copy the data to a file first; read standard input with -",
    )


def _unreadable(path: Path, exc: OSError) -> InputError:
    if isinstance(exc, FileNotFoundError):
        return InputError(
            f"{path}: no such file or folder",
            code="file-not-found",
            hint="check the path; use - for standard input",
        )
    return InputError(f"{path}: cannot read: {exc.strerror or exc}", code="unreadable")


def check_regular(path: Path) -> None:
    """Refuse a path that is not a regular file once symlinks are followed.

    Raises:
        InputError: ``not-a-file`` (a FIFO, a device, a folder…), ``file-not-found``.

    >>> check_regular(Path("/dev/null"))
    Traceback (most recent call last):
    ...
    triplehelix.errors.InputError: /dev/null: a character device, not a regular file
    """
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise _unreadable(path, exc) from exc
    if not stat.S_ISREG(mode):
        raise _refuse(path, mode)


def open_regular(path: Path) -> BufferedReader:
    """Open a regular file for binary reading (see the module doc).

    Raises:
        InputError: not a regular file, missing or unreadable.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise _unreadable(path, exc) from exc
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise _refuse(path, mode)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: Path) -> bytes:
    """The bytes of a regular file (see :func:`open_regular`).

    Raises:
        InputError: not a regular file, missing or unreadable.
    """
    with open_regular(path) as fh:
        try:
            return fh.read()
        except OSError as exc:
            raise _unreadable(path, exc) from exc
