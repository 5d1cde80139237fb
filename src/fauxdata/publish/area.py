"""Staging beside a target, and the one step that publishes it.

A run writes its whole new output into a fresh sibling of the target,
``.NAME.fauxdata-staging-<run>`` (a folder, or a file for DuckDB), announced by an owner
marker ``<staging>.owner`` that records the process id and host. Publishing is then:

* a file, or a folder that does not exist yet: one ``rename``;
* an existing folder: a journal ``.NAME.fauxdata-journal`` naming the run is written,
  then the two folders are exchanged in one atomic ``renameat2(RENAME_EXCHANGE)`` (Linux),
  or, where that is missing, renamed in two steps (old aside, new into place); the old
  output is removed and the journal last.

A reader therefore sees the complete previous output or the complete new one. (With the
two-step fallback there is a moment with no folder at all, never a mix.) A crash at any
step leaves the journal; the next run on the target reads which output the folder holds
(the manifest carries the run id) and finishes or rolls back the swap. Staging whose
marker names a process of this host that is no longer alive is removed by the next run;
staging without a marker is never touched.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import json
import os
import socket
from pathlib import Path
from typing import Any

from fauxdata.errors import TargetError
from fauxdata.publish.faults import crash_point
from fauxdata.publish.signals import held_signals
from fauxdata.publish.trust import MANIFEST, is_plain_name

OWNER = ".owner"
SPILL = ".spill"
JOURNAL_DRAFT = ".journal"
NO_EXCHANGE = "FAUXDATA_NO_EXCHANGE"
"""Set to use the two-rename swap even where the atomic exchange exists (for tests)."""


def target_path(path: Path) -> Path:
    """The absolute target path, refusing one with no name of its own (``/``, ``.``).

    Raises:
        TargetError: the path names no file or folder.
    """
    absolute = Path(os.path.normpath(path.absolute()))
    if not is_plain_name(absolute.name):
        raise TargetError(f"'{path}' names no folder or file to write", path="--to")
    return absolute


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


class StagingArea:
    """Where one run stages its output for ``final``, and how it gets published."""

    def __init__(self, final: Path, *, folder: bool, run_id: str, manifest: str = MANIFEST) -> None:
        self.final = target_path(final)
        self.folder = folder
        self.manifest = manifest
        self.run_id = run_id
        self.path = self.sibling(f"fauxdata-staging-{self.run_id}")
        self.marker = self.path.with_name(self.path.name + OWNER)
        self.spill = self.path.with_name(self.path.name + SPILL)
        """Where this run's DuckDB spills while it reads the staged output back: beside
        the output (on its filesystem, not a RAM-backed /tmp) and under the run's name,
        so a killed run's spill is removed with its staging by the next run."""
        self.journal = self.sibling("fauxdata-journal")

    def sibling(self, suffix: str) -> Path:
        return self.final.with_name(f".{self.final.name}.{suffix}")

    def create(self) -> None:
        """Finish an interrupted swap, remove dead runs' staging, then make a fresh area.

        Raises:
            TargetError: another run is publishing here, or the folder cannot be written.
        """
        parent = self.final.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise TargetError(
                f"cannot create directory {parent}: {exc.strerror}", path="--to"
            ) from None
        if self.journal.exists():
            self._recover()
        self._remove_dead_staging()
        try:
            self.marker.write_text(json.dumps(_owner()))
            if self.folder:
                self.path.mkdir()
        except OSError as exc:
            raise TargetError(f"cannot write to {parent}: {exc.strerror}", path="--to") from None

    def publish(self) -> None:
        """Make the staged output the target's, atomically; see the module docstring."""
        with held_signals():
            if not self.folder or not self.final.exists():
                crash_point("rename staging into place")
                os.replace(self.path, self.final)
                crash_point("renamed staging into place")
            else:
                self._swap()
            remove(self.marker)
            crash_point("removed owner marker")

    def discard(self) -> None:
        """Remove the staged output and its marker."""
        remove(self.path)
        remove(self.path.with_name(self.path.name + ".wal"))
        remove(self.spill)
        remove(self.marker)

    def keep_aside(self) -> Path:
        """Rename the staged output to ``.NAME.failed-<time>`` and return that path."""
        stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
        kept = self.sibling(f"failed-{stamp}")
        if kept.exists():
            kept = self.sibling(f"failed-{stamp}-{self.run_id}")
        os.replace(self.path, kept)
        remove(self.path.with_name(self.path.name + ".wal"))
        remove(self.spill)
        remove(self.marker)
        return kept

    def _swap(self) -> None:
        aside = self.sibling(f"fauxdata-old-{self.run_id}")
        # Written in full under a name of this run, then linked to the journal's name,
        # which fails if another run holds it: the journal is never seen half-written.
        draft = self.path.with_name(self.path.name + JOURNAL_DRAFT)
        with draft.open("w") as handle:
            json.dump(
                {**_owner(), "run_id": self.run_id, "staging": self.path.name, "aside": aside.name},
                handle,
            )
            handle.flush()
            os.fsync(handle.fileno())
        try:
            _create_from(draft, self.journal)
        except FileExistsError:
            raise _busy(self.final, _read_json(self.journal)) from None
        finally:
            draft.unlink()
        crash_point("wrote journal")
        if os.environ.get(NO_EXCHANGE) is None and exchange(self.path, self.final):
            crash_point("exchanged folders")
            remove(self.path)  # the previous output, now under the staging name
        else:
            os.replace(self.final, aside)
            crash_point("moved previous output aside")
            os.replace(self.path, self.final)
            crash_point("moved new output into place")
            remove(aside)
        crash_point("removed previous output")
        self.journal.unlink()

    def _recover(self) -> None:
        """Finish or roll back the swap a crashed run left in its journal."""
        journal = _read_json(self.journal)
        if not journal:
            raise TargetError(
                f"cannot read the journal {self.journal}",
                path="--to",
                hint="remove that file yourself after checking the folder",
            )
        pid = journal.get("pid")
        if journal.get("host") != socket.gethostname() or not isinstance(pid, int):
            raise _busy(self.final, journal)  # cannot tell whether that run is alive
        if process_alive(pid):
            raise _busy(self.final, journal)
        names = (journal.get("staging"), journal.get("aside"))
        prefixes = (self.sibling("fauxdata-staging-").name, self.sibling("fauxdata-old-").name)
        if not all(
            is_plain_name(n) and str(n).startswith(p) for n, p in zip(names, prefixes, strict=True)
        ):
            raise TargetError(
                f"cannot trust the journal {self.journal}: it names files outside its target",
                path="--to",
                hint="remove that journal file yourself after checking the folder",
            )
        staging, aside = (self.final.with_name(str(n)) for n in names)
        if self._published_run() == journal.get("run_id"):
            remove(staging)  # after an exchange it holds the previous output
            remove(aside)
        elif self.final.exists():
            remove(staging)  # the swap had not begun: the previous output stays
        elif aside.exists():
            os.replace(aside, self.final)  # crashed between the two renames: roll back
            remove(staging)
        remove(staging.with_name(staging.name + OWNER))
        self.journal.unlink()

    def _published_run(self) -> Any:
        try:
            return json.loads((self.final / self.manifest).read_text()).get("run_id")
        except (OSError, ValueError, AttributeError):
            return None

    def _remove_dead_staging(self) -> None:
        """Remove staging of this target left by a dead process of this host: only a
        staging whose owner marker says so, never anything else."""
        prefix = f".{self.final.name}.fauxdata-staging-"
        for marker in self.final.parent.glob(f"{_glob_escape(prefix)}*{OWNER}"):
            owner = _read_json(marker)
            pid = owner.get("pid")
            if owner.get("host") != socket.gethostname() or not isinstance(pid, int):
                continue
            if process_alive(pid):
                continue
            staging = marker.with_name(marker.name.removesuffix(OWNER))
            for path in (
                staging,
                *(staging.with_name(staging.name + s) for s in (".wal", SPILL, JOURNAL_DRAFT)),
            ):
                remove(path)
            remove(marker)


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with Linux ``renameat2(RENAME_EXCHANGE)``; False where
    the system or filesystem lacks it (nothing moved then)."""
    function = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if function is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    return function(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def remove(path: Path) -> None:
    """Remove a file, a link or a whole folder (links are removed, never followed)."""
    if path.is_symlink() or path.is_file():
        path.unlink()
        crash_point(f"unlinked {path.name}")
        return
    if not path.exists():
        return
    for top, dirs, files in os.walk(path, topdown=False):
        root = Path(top)
        for name in files:
            (root / name).unlink()
            crash_point(f"unlinked {name}")
        for name in dirs:
            inner = root / name
            if inner.is_symlink():
                inner.unlink()
            else:
                inner.rmdir()
    path.rmdir()


def _create_from(draft: Path, path: Path) -> None:
    """Give ``path`` the draft's content, failing with FileExistsError if it exists: a
    hard link where the filesystem has them, else an exclusive create and copy.

    Raises:
        FileExistsError: ``path`` exists.
    """
    try:
        os.link(draft, path)
    except FileExistsError:
        raise
    except OSError:
        with path.open("x") as handle:
            handle.write(draft.read_text())
            handle.flush()
            os.fsync(handle.fileno())


def _owner() -> dict[str, Any]:
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "tool": "fauxdata",
    }


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _busy(final: Path, journal: dict[str, Any]) -> TargetError:
    return TargetError(
        f"another fauxdata run (pid {journal.get('pid')} on {journal.get('host')}) is publishing to {final}",
        path="--to",
        hint="wait for it to finish; if it is gone, remove "
        f".{final.name}.fauxdata-journal after checking the folder",
        code="busy",
    )


def _glob_escape(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)
