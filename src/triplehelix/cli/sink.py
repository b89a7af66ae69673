"""Where output goes: standard output and the files ``-o`` names, never half-written.

* Standard output is wrapped for the length of a command (:func:`guarded_stdout`): a write
  that fails becomes an :class:`OutputError` (exit 4) that names standard output, and a
  reader that went away (``… | head``) a ``closed-pipe`` one that the CLI ends quietly.
* A file is written to a hidden temporary file beside it and renamed over the target only
  when complete (:func:`output_file`): a full disk or a size limit leaves no partial file
  that looks finished, and an older file of that name is kept as it was. A target that
  exists and is not a regular file (``/dev/null``, ``/dev/stdout``, a FIFO) is written
  directly. Folder formats are staged the same way (:func:`output_folder`).
"""

from __future__ import annotations

import errno
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any, TextIO, cast

from triplehelix.cli.common import check_output
from triplehelix.errors import OutputError

__all__ = ["guarded_stdout", "output_file", "output_folder", "silence_stdout", "write_error"]

STDOUT = "standard output"


def write_error(exc: OSError, where: str, *, staged: bool = False) -> OutputError:
    """The :class:`OutputError` of a failed write to ``where`` (a file, or stdout);
    ``staged``: the output was written aside, and nothing of it is left."""
    if exc.errno == errno.EPIPE:
        return OutputError(f"{where}: the reader closed the pipe", code="closed-pipe")
    hint = "free some space, or write elsewhere"
    if staged:
        hint += "; nothing was left half-written (an older file of that name is unchanged)"
    elif where == STDOUT:
        hint += " (-o FILE where the command has it)"
    return OutputError(f"{where}: cannot write: {exc.strerror or exc}", hint=hint)


class _Guarded:
    """A text or binary stream whose failed writes raise :class:`OutputError`."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self._buffer: _Guarded | None = None

    def _call(self, method: str, *args: Any) -> Any:
        try:
            return getattr(self._inner, method)(*args)
        except OSError as exc:
            raise write_error(exc, STDOUT) from exc

    def write(self, data: Any) -> Any:
        return self._call("write", data)

    def writelines(self, lines: Any) -> None:
        self._call("writelines", lines)

    def flush(self) -> None:
        self._call("flush")

    @property
    def buffer(self) -> _Guarded:
        if self._buffer is None:
            self._buffer = _Guarded(self._inner.buffer)
        return self._buffer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


@contextmanager
def guarded_stdout() -> Iterator[None]:
    """Wrap ``sys.stdout`` (see the module doc) until the block ends; it is flushed inside,
    so a write that fails at the very end is reported too."""
    inner = sys.stdout
    sys.stdout = cast(TextIO, _Guarded(inner))
    try:
        yield
        sys.stdout.flush()
    finally:
        sys.stdout = inner


def silence_stdout() -> None:
    """After a failed write: send what is still buffered for standard output nowhere, so
    that Python says nothing more about it when it exits (the file descriptor is pointed
    at ``os.devnull``; only for the process's own stdout, never a test's capture)."""
    stream = sys.stdout
    if stream is not sys.__stdout__ or stream is None:
        return
    with suppress(OSError, ValueError):
        stream.flush()
    with suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)


@contextmanager
def output_file(target: Path, *, binary: bool = False) -> Iterator[IO[Any]]:
    """A file open for writing that becomes ``target`` only when the block succeeds.

    Raises:
        UsageError: ``target`` is a folder, or its folder does not exist.
        OutputError: the file cannot be written (disk full, size limit, permissions).
    """
    check_output(target)
    real = Path(os.path.realpath(target))
    if real.exists() and not real.is_file():  # a device or a FIFO: no rename possible
        try:
            with real.open("wb" if binary else "w", **_text(binary)) as fh:
                yield fh
        except OSError as exc:
            raise write_error(exc, str(target)) from exc
        return
    fd, name = _temporary(real.parent, f".{real.name}.", ".part", target)
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb" if binary else "w", **_text(binary)) as fh:
            yield fh
        os.chmod(temp, _file_mode(real))
        os.replace(temp, real)
    except OSError as exc:
        raise write_error(exc, str(target), staged=True) from exc
    finally:
        with suppress(FileNotFoundError):
            temp.unlink()


@contextmanager
def output_folder(folder: Path) -> Iterator[Path]:
    """A hidden staging folder inside ``folder``: what the block writes there is moved into
    ``folder`` when it succeeds, and removed when it fails.

    Raises:
        OutputError: a file cannot be written.
    """
    try:
        stage = Path(tempfile.mkdtemp(dir=folder, prefix=".triplehelix-"))
    except OSError as exc:
        raise write_error(exc, str(folder)) from exc
    try:
        yield stage
        for path in sorted(stage.iterdir()):
            os.replace(path, folder / path.name)
    except OSError as exc:
        raise write_error(exc, str(folder), staged=True) from exc
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _text(binary: bool) -> dict[str, Any]:
    return {} if binary else {"encoding": "utf-8", "newline": ""}


def _temporary(folder: Path, prefix: str, suffix: str, target: Path) -> tuple[int, str]:
    try:
        return tempfile.mkstemp(dir=folder, prefix=prefix, suffix=suffix)
    except OSError as exc:
        raise write_error(exc, str(target)) from exc


def _file_mode(path: Path) -> int:
    """The mode of the file being replaced, else what ``open`` gives a new file."""
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
