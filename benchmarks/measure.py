"""What one benchmark stage reports, and how a stage runs in a process of its own.

Every stage runs in a fresh child process (``python -m benchmarks.child``) so its peak
resident memory is its own and no stage inherits another's warm caches. Two peaks are kept:
the largest single process (``ru_maxrss`` of the child and of the workers it waited for, and
the sampler's view) and the whole process tree (the child plus every descendant, summed as
proportional set sizes).
The tree needs sampling: extraction workers are forked by a ``forkserver``, so they are not
the child's own children and ``RUSAGE_CHILDREN`` never sees them.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
# Long stages say how far they got this often (seconds), on stderr.
PROGRESS_EVERY = 10.0
# Memory sampling period: short next to every stage, cheap (a few /proc reads per sample).
SAMPLE_EVERY = 0.1
MIB = 1024 * 1024


@dataclass
class Measurement:
    """Throughput of one stage at one size; ``bounded`` when its time budget cut it short.
    ``rates`` holds the items per second over ``seconds`` plus any a stage adds."""

    stage: str
    label: str
    size: int | None
    processes: int
    items: int
    unit: str
    seconds: float
    rates: dict[str, float] = field(default_factory=dict)
    figures: dict[str, float] = field(default_factory=dict)
    bounded: bool = False
    note: str = ""
    peak_rss_mib: float = 0.0
    tree_peak_mib: float = 0.0
    other_cpu_share: float = 0.0

    def __post_init__(self) -> None:
        # Every stage's headline rate is derived, so no stage can state it differently.
        self.rates = {f"{self.unit}/s": self.items / self.seconds, **self.rates}

    @classmethod
    def from_dict(cls, data: dict) -> Measurement:
        return cls(**data)

    def to_dict(self) -> dict:
        return asdict(self)


class Progress:
    """A deadline for a bounded stage, and a progress line on stderr every ``PROGRESS_EVERY``."""

    def __init__(self, label: str, total: int, budget: float | None) -> None:
        self.label = label
        self.total = total
        self.started = time.perf_counter()
        self.deadline = None if budget is None else self.started + budget
        self._next_report = self.started + PROGRESS_EVERY

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def expired(self) -> bool:
        return self.deadline is not None and time.perf_counter() >= self.deadline

    def tick(self, done: int) -> None:
        now = time.perf_counter()
        if now >= self._next_report:
            self._next_report = now + PROGRESS_EVERY
            say(f"{self.label}: {done:,}/{self.total:,} after {now - self.started:.0f} s")


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def peak_rss_mib() -> float:
    """The largest resident set of this process or any worker it has waited for (Linux KiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, workers) / 1024


class TreeSampler(threading.Thread):
    """Samples this process and all its descendants until stopped: memory and CPU time.

    ``largest_mib`` is the largest resident set of one process; ``tree_mib`` the largest sum
    of proportional set sizes (PSS counts a page shared by n processes as 1/n in each, so the
    model pages a forked worker shares with its parent are not counted twice).
    ``other_cpu_share`` is the share of the machine's CPU time that processes outside the tree
    used meanwhile: another job on the machine slows every figure, and the table says so.
    """

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.largest_mib = 0.0
        self.tree_mib = 0.0
        self.other_cpu_share = 0.0
        self._cpu_by_pid: dict[int, float] = {}
        self._halt = threading.Event()

    def run(self) -> None:
        import psutil

        me = psutil.Process()
        started, busy_before = time.perf_counter(), _busy_seconds()
        while not self._halt.wait(SAMPLE_EVERY):
            resident, proportional = [], []
            for process in [me, *me.children(recursive=True)]:
                try:
                    memory = process.memory_full_info()
                    cpu = process.cpu_times()
                except psutil.Error:
                    continue
                resident.append(memory.rss / MIB)
                proportional.append(memory.pss / MIB)
                self._cpu_by_pid[process.pid] = cpu.user + cpu.system
            self.largest_mib = max(self.largest_mib, *resident)
            self.tree_mib = max(self.tree_mib, sum(proportional))
        machine = (time.perf_counter() - started) * (os.cpu_count() or 1)
        other = _busy_seconds() - busy_before - sum(self._cpu_by_pid.values())
        self.other_cpu_share = max(0.0, other) / machine if machine else 0.0

    def stop(self) -> None:
        self._halt.set()
        self.join()


def _busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy since boot."""
    import psutil

    times = psutil.cpu_times()
    return sum(getattr(times, name, 0.0) for name in ("user", "nice", "system", "irq", "softirq"))


def run_child(
    stage: str, params: dict, env: dict[str, str] | None = None, log: Path | None = None
) -> Measurement:
    """Run ``stage`` with ``params`` in a fresh interpreter and return what it measured."""
    (measurement,) = run_child_rows(stage, params, env, log)
    return measurement


def run_child_rows(
    stage: str, params: dict, env: dict[str, str] | None = None, log: Path | None = None
) -> list[Measurement]:
    """Run ``stage`` in a fresh interpreter and return its rows (one, unless the stage times
    several things in one process, which then share its memory and CPU figures).

    The child's stdout goes to stderr (libraries log there, and the table owns stdout), or
    both go to ``log`` for chatty stages (an Airflow run logs every task).
    """
    with tempfile.TemporaryDirectory(prefix="eventwire-bench-") as folder:
        out = Path(folder) / "result.json"
        command = [sys.executable, "-m", "benchmarks.child", stage, json.dumps(params), str(out)]
        with contextlib.ExitStack() as stack:
            sink = stack.enter_context(log.open("a")) if log else sys.stderr
            completed = subprocess.run(
                command,
                cwd=REPO_ROOT,
                env={**os.environ, **(env or {})},
                stdout=sink,
                stderr=sink if log else None,
                check=False,
            )
        if completed.returncode != 0:
            where = f" (log: {log})" if log else ""
            raise RuntimeError(f"stage {stage} failed with status {completed.returncode}{where}")
        return [Measurement.from_dict(row) for row in json.loads(out.read_text())]
