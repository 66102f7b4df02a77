"""The in-app timer: APScheduler calls each job of desktop_app.jobs every few seconds.

APScheduler is only the clock here. Its job store is in memory and holds no
work: what is due lives in the database, and every run looks at what is due
now. So a workstation that was off needs no record of missed runs (each job
runs once at start and finds everything that fell due meanwhile), and any
number of workstations may run their timers over one database (each item is
claimed there, see desktop_app.jobs).
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.exc import OperationalError

from desktop_app.kernel.clock import Clock
from desktop_app.kernel.errors import DatabaseUnavailable
from desktop_app.scheduling.jobs import JOBS, Job

if TYPE_CHECKING:
    from desktop_app.kernel.core import Core

log = logging.getLogger(__name__)

# Two threads: a slow mail server holds up the outbox, not the expiry of holds.
WORKER_THREADS = 2
# Spread out over this fraction of each interval, so that workstations started
# together do not all look at the same moment.
JITTER = 0.1


class Scheduler:
    def __init__(
        self,
        ctx: Core,
        *,
        clock: Clock | None = None,
        jobs: Iterable[Job] = JOBS,
        every_s: float | None = None,
    ) -> None:
        """`every_s` runs every job at that interval instead of its own (for tests)."""
        self.ctx = ctx
        self.clock = clock or ctx.clock
        self.jobs = tuple(jobs)
        self._every_s = every_s
        self._scheduler: BackgroundScheduler | None = None
        self._runs: Counter[str] = Counter()
        self._changed = threading.Condition()

    @property
    def running(self) -> bool:
        return self._scheduler is not None

    def start(self) -> None:
        if self._scheduler is not None:
            return
        scheduler = BackgroundScheduler(
            timezone=UTC,
            executors={"default": ThreadPoolExecutor(WORKER_THREADS)},
            job_defaults={
                # A run that was missed (the computer slept) is not made up
                # several times over: the next run finds everything due anyway.
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": None,
            },
        )
        start = datetime.now(UTC)
        for n, job in enumerate(self.jobs):
            every = self._every_s or job.every_s
            scheduler.add_job(
                self._run,
                IntervalTrigger(seconds=every, jitter=int(every * JITTER) or None),
                args=[job],
                id=job.name,
                name=job.name,
                # Every job runs once right away: the catch-up after being off.
                next_run_time=start + timedelta(milliseconds=50 * n),
            )
        scheduler.start()
        self._scheduler = scheduler
        log.info("scheduler started with %d jobs", len(self.jobs))

    def shutdown(self, *, wait: bool = True) -> None:
        """Stop the timer; `wait` lets a run in progress finish (a send in flight included)."""
        scheduler, self._scheduler = self._scheduler, None
        if scheduler is not None:
            scheduler.shutdown(wait=wait)

    def _run(self, job: Job) -> None:
        try:
            done = job.run_due(self.ctx, self.clock)
            if done:
                log.info("%s: %d done", job.name, done)
        except (DatabaseUnavailable, OperationalError) as exc:
            # The server is away; the next run catches up. No traceback every 30 s.
            log.warning("%s: the database is not reachable (%s)", job.name, exc)
        except Exception:
            log.exception("%s failed", job.name)
        finally:
            with self._changed:
                self._runs[job.name] += 1
                self._changed.notify_all()

    def runs(self, name: str) -> int:
        """How many times the job has run (finished, whatever the outcome)."""
        with self._changed:
            return self._runs[name]

    def wait_until(self, condition: Callable[[Scheduler], bool], timeout: float) -> bool:
        """Block until `condition(self)` holds after some run, or `timeout` seconds pass."""
        with self._changed:
            return self._changed.wait_for(lambda: condition(self), timeout)
