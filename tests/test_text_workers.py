"""Free text cleaned on worker processes: the same output as in one process, and safe
to call from a script without a ``__main__`` guard."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import partial
from pathlib import Path

import polars as pl
import pytest

from fauxdata.text import deidentify
from fauxdata.text.deid import Action
from fauxdata.text.workers import (
    PARALLEL_MIN,
    WorkerError,
    after_answer,
    reserved,
    run_in_workers,
)
from tests.support.deid_evalset import OUT


def _notes(n: int) -> list[str | None]:
    """The evaluation set's notes, made distinct by a suffix, repeated to ``n`` rows, a
    few repeated and NULL."""
    texts = [json.loads(line)["text"] for line in OUT.read_text(encoding="utf-8").splitlines()]
    out: list[str | None] = [f"{texts[i % len(texts)]} (#{i // len(texts)})" for i in range(n)]
    out[10] = out[3]
    out[20] = None
    return out


def test_workers_give_the_same_texts_and_counts_as_one_process() -> None:
    notes = pl.Series("notes", _notes(PARALLEL_MIN + 500))
    assert notes.n_unique() >= PARALLEL_MIN
    actions: tuple[Action, ...] = ("replace", "annotate")
    for action in actions:
        alone = deidentify(notes, key=b"k", locale="nl_NL", action=action, workers=1)
        spread = deidentify(notes, key=b"k", locale="nl_NL", action=action, workers=2)
        assert spread.texts.name == "notes"
        assert spread.texts.to_list() == alone.texts.to_list()
        assert spread.counts == alone.counts and alone.total > PARALLEL_MIN


def test_a_script_without_a_main_guard_runs_once(tmp_path: Path) -> None:
    """Workers start ``serve()`` themselves: the caller's script is not imported again
    (``multiprocessing``'s spawn would run this one in every worker, and fail)."""
    log = tmp_path / "ran.txt"
    script = tmp_path / "clean.py"
    script.write_text(
        "import sys\n"
        "from fauxdata.text import deidentify\n"
        f"open({str(log)!r}, 'a').write('ran\\n')\n"
        f"notes = [f'Call +31 6 1234 56{{i:02d}} or mail p{{i}}@example.com' for i in range({PARALLEL_MIN + 10})]\n"
        "done = deidentify(notes, key=b'k', workers=2)\n"
        "print(done.counts['email'], done.counts['phone'])\n"
    )
    ran = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=False, timeout=300
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.split() == [str(PARALLEL_MIN + 10)] * 2
    assert log.read_text() == "ran\n"
    assert "Traceback" not in ran.stderr


def halve(n: int) -> int:
    """A task for the workers: fails on odd numbers."""
    if n % 2:
        raise ValueError(f"{n} is odd")
    return n // 2


def test_a_task_error_reaches_the_caller_and_the_workers_go_on() -> None:
    for _ in range(3):  # more errors than workers: each worker answers one and is kept
        with pytest.raises(ValueError, match="odd"):
            run_in_workers(halve, [(1,), (3,), (5,), (7,)], 2)
    assert run_in_workers(halve, [(n,) for n in range(0, 40, 2)], 2) == list(range(20))


def die_on(n: int) -> int:
    """A task for the workers: the process ends on 3, as if killed."""
    if n == 3:
        os._exit(3)
    return n


def test_a_worker_that_dies_is_reported_and_replaced() -> None:
    with pytest.raises(WorkerError, match="ended with code 3"):
        run_in_workers(die_on, [(1,), (3,), (2,)], 2)
    assert run_in_workers(die_on, [(n,) for n in (1, 2, 4, 5)], 2) == [1, 2, 4, 5]


def test_every_worker_gets_an_equal_share_of_a_column() -> None:
    """Tasks of at most BATCH texts, in a multiple of the workers' count of equal
    size: 100k texts made five tasks for two workers, one of which then idled."""
    from fauxdata.text.deid import BATCH, _step

    for count, workers in ((100_000, 2), (200_000, 2), (PARALLEL_MIN, 2), (90_001, 3)):
        step = _step(count, workers)
        tasks = -(-count // step)
        assert step <= BATCH and tasks % workers == 0 and tasks >= 2 * workers
        assert count - (tasks - 1) * step > step - tasks  # the last is (nearly) full


def leave_a_note(path: str) -> bool:
    """A task for the workers: leaves a note to be written after its answer, and says
    whether the note is there when it answers."""
    after_answer(partial(Path(path).write_text, "after"))
    return Path(path).exists()


def test_work_left_for_after_the_answer_runs_then_in_the_worker(tmp_path: Path) -> None:
    """``after_answer`` work (a worker freeing a slice) runs once the answer is sent and
    before the worker's next call; outside a worker it runs at once."""
    note = tmp_path / "note.txt"
    with reserved(1) as crew:
        assert crew.each(leave_a_note, [(str(note),)]) == [False]
        crew.each(len, [((),)])  # the next call is read after the left work is done
        assert note.read_text() == "after"
    note.unlink()
    assert leave_a_note(str(note)) is True
