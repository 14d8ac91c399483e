"""Atomic writes: a reader sees the old file or the complete new one, never a half-written file.

A result is written to a temporary file beside its target, flushed to disk (``fsync``), then renamed over the
target (``os.replace``, atomic on POSIX) and the folder's entry flushed too. The temporary file is named
``.<target name>.alliance-tmp-<pid>-<random>`` (the target's name shortened so the whole name stays within the
file system's limit, ``NAME_MAX``); its removal is armed before it is created, so an exception, Ctrl-C or (in the
command line, which turns SIGTERM into an exception) a kill signal leaves no temporary file behind. A process
killed outright (SIGKILL, power loss) can leave one: it is hidden (a dot file), never read, and swept by the next
write to the same target (when the process that made it is gone, or it is older than a day).

Targets that are not regular files (``/dev/null``, ``/dev/stdout``, a named pipe) are written in place: renaming
over a device would replace it. Every failure of the file system is one line, :class:`~alliance.errors.BadInput`,
naming the file and the reason (a missing folder, a folder given as the file, a full disk, no permission).

:func:`staged_writes` defers the renames of every atomic write made inside it to its end, so a command that writes
two files (``simulate --output rows.csv --plot fan.png``) writes both or neither.
"""

from __future__ import annotations

import contextlib
import contextvars
import errno
import os
import secrets
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from alliance.errors import BadInput

__all__ = ["TMP_MARK", "atomic_write", "check_output_path", "staged_writes", "sweep_temp_files", "temp_name"]

#: What every temporary file's name carries, after ``.<target name>``.
TMP_MARK = ".alliance-tmp-"
#: A leftover temporary file of a live process is swept only after this long (seconds).
STALE_AFTER = 24 * 3600.0

_staged: contextvars.ContextVar[list[tuple[str, Path]] | None] = contextvars.ContextVar("staged", default=None)


def _name_max(folder: Path) -> int:
    try:
        return int(os.pathconf(folder, "PC_NAME_MAX"))
    except (OSError, ValueError):
        return 255


def _prefix(target: Path, room: int) -> str:
    """``.<name>`` + :data:`TMP_MARK`, the name cut (on a UTF-8 character boundary) to fit ``room`` bytes."""
    name = target.name.encode("utf-8", "surrogateescape")
    keep = max(1, room - 1 - len(TMP_MARK))
    return "." + name[:keep].decode("utf-8", "ignore") + TMP_MARK


def temp_name(target: Path) -> Path:
    """A fresh temporary file name beside ``target``: ``.<name>.alliance-tmp-<pid>-<16 hex>`` within NAME_MAX."""
    folder = target.parent
    tail = f"{os.getpid()}-{secrets.token_hex(8)}"
    return folder / (_prefix(target, _name_max(folder) - len(tail)) + tail)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return True


def sweep_temp_files(target: str | os.PathLike[str]) -> list[Path]:
    """Remove the temporary files earlier writes to ``target`` left behind (their process gone, or older than a
    day); returns those removed. Never raises."""
    t = Path(target)
    folder = t.parent if str(t.parent) else Path(".")
    limit = _name_max(folder)
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    now = time.time()
    for entry in entries:
        stem, mark, tail = entry.name[1:].rpartition(TMP_MARK)
        if not (entry.name.startswith(".") and mark and stem):
            continue
        # the stem is the target's name, or its start when the name was cut to fit NAME_MAX
        cut = len(stem.encode("utf-8", "surrogateescape")) >= limit - 64
        if not (stem == t.name or (cut and t.name.startswith(stem))):
            continue
        pid_text = tail.split("-", 1)[0]
        try:
            stale = not pid_text.isdigit() or not _pid_alive(int(pid_text))
            stale = stale or now - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER
            if stale and entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "no space left on the device"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "permission denied" if exc.errno != errno.EROFS else "read-only file system"
    if exc.errno == errno.ENAMETOOLONG:
        return "the file name is too long"
    if exc.errno == errno.EISDIR:
        return "it is a folder"
    return exc.strerror or str(exc)


def check_output_path(path: str | os.PathLike[str], what: str = "output file") -> Path:
    """A file the command will write: its folder exists and is writable, it is not a folder, its name fits.

    Called before any work is done, so a bad target fails at once (``what`` names the argument, e.g. ``--output``).

    Raises:
        BadInput: naming the file and what is wrong with it.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    shown = str(target)
    if not folder.is_dir():
        raise BadInput(f"{what} {shown!r}: folder {str(folder)!r} does not exist")
    if len(target.name.encode("utf-8", "surrogateescape")) > _name_max(folder):
        raise BadInput(f"{what} {shown!r}: the file name is longer than {_name_max(folder)} bytes")
    if target.is_dir():
        raise BadInput(f"{what} {shown!r}: it is a folder; give a file name")
    special = target.exists() and not target.is_file()
    if not os.access(target if special else folder, os.W_OK):
        raise BadInput(f"{what} {shown!r}: permission denied (cannot write in {str(folder)!r})")
    return target


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_in_place(target: Path, content: bytes | str | Callable[[str], None]) -> None:
    """A device or pipe (``/dev/null``, ``/dev/stdout``): written directly, since renaming over it would replace it."""
    if callable(content):
        content(str(target))
        return
    with open(target, "wb") as fh:
        fh.write(content.encode("utf-8") if isinstance(content, str) else content)
        fh.flush()


def atomic_write(path: str | os.PathLike[str], content: bytes | str | Callable[[str], None]) -> Path:
    """Write ``content`` to ``path`` atomically (see the module's notes).

    Args:
        path: the target file; its folder must exist. A symbolic link is followed (the link stays).
        content: bytes, text (UTF-8), or a function that writes the file whose name it is given (for
            ``fig.savefig`` and the like).

    Returns:
        The target path as given.

    Raises:
        BadInput: the folder does not exist, the target is a folder, or the file system refuses the write (one
            line naming the file and the reason). Other exceptions of a ``content`` function propagate; the old file
            is kept either way.
    """
    given = Path(path)
    try:
        target = Path(os.path.realpath(given)) if given.is_symlink() else given
        folder = target.parent if str(target.parent) else Path(".")
        if not folder.is_dir():
            raise BadInput(f"cannot write {str(given)!r}: folder {str(folder)!r} does not exist")
        try:
            mode = os.stat(target).st_mode
        except FileNotFoundError:
            mode = 0
        if stat.S_ISDIR(mode):
            raise BadInput(f"cannot write {str(given)!r}: it is a folder; give a file name")
        if mode and not stat.S_ISREG(mode):
            _write_in_place(target, content)
            return given
        sweep_temp_files(target)
        _write_via_temp(target, content)
    except OSError as exc:
        raise BadInput(f"cannot write {str(given)!r}: {_reason(exc)}") from None
    return given


def _write_via_temp(target: Path, content: bytes | str | Callable[[str], None]) -> None:
    tmp = temp_name(target)
    pending = _staged.get()
    try:
        # The removal is armed (this try) before the file exists. Mode 0o666 so the umask applies as for any file.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(fd, "wb") as fh:
            if not callable(content):
                fh.write(content.encode("utf-8") if isinstance(content, str) else content)
                fh.flush()
                os.fsync(fh.fileno())
        if callable(content):
            content(str(tmp))
            fd = os.open(tmp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        if pending is not None:
            pending.append((str(tmp), target))
            return
        os.replace(tmp, target)
        _fsync_dir(target.parent if str(target.parent) else Path("."))
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def staged_writes() -> Iterator[None]:
    """Every :func:`atomic_write` inside the block writes its temporary file; the renames happen together at the end,
    and only if the block succeeds (otherwise every temporary file is removed and no target changes)."""
    if _staged.get() is not None:  # nested: the outer block commits
        yield
        return
    pending: list[tuple[str, Path]] = []
    token = _staged.set(pending)
    try:
        yield
    except BaseException:
        _staged.reset(token)
        _discard(pending)
        raise
    _staged.reset(token)
    try:
        for tmp, target in pending:
            try:
                os.replace(tmp, target)
            except OSError as exc:
                raise BadInput(f"cannot write {str(target)!r}: {_reason(exc)}") from None
    except BaseException:  # the temporary files not yet renamed go
        _discard(pending)
        raise
    for folder in {t.parent for _, t in pending}:
        _fsync_dir(folder if str(folder) else Path("."))


def _discard(pending: list[tuple[str, Path]]) -> None:
    for tmp, _ in pending:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
