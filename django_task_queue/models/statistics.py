"""The statistics rollup that GET /api/stats/ reads (monitoring/rollup.py)."""

from __future__ import annotations

from django.db import models


class StatsRollup(models.Model):
    """The one row saying how far the statistics rollup reaches (see monitoring/rollup.py)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    folded_until = models.DateTimeField(
        help_text="every task completed and attempt finished before this minute is folded in"
    )
    source = models.BigIntegerField(
        help_text="the task table's relfilenode when the rollup began (TRUNCATE changes it)"
    )

    def __str__(self) -> str:
        return f"statistics rollup up to {self.folded_until}"


class InFlightAttempt(models.Model):
    """An attempt that was running at the last fold: its outcome may yet be written with a time
    before the watermark, and the next fold then adds it (see monitoring/rollup.py)."""

    attempt_id = models.BigIntegerField(primary_key=True)

    def __str__(self) -> str:
        return f"attempt {self.attempt_id} in flight"


class ThroughputMinute(models.Model):
    """Tasks that succeeded, and that failed for good, in one minute (by completed_at)."""

    minute = models.DateTimeField(primary_key=True)
    completed = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.minute}: {self.completed} completed, {self.failed} failed"


class DurationBucket(models.Model):
    """How many first-attempt waits (by start minute and band) or attempt run times (by finish
    minute) fell in one bucket of the log-scaled histogram (see monitoring/percentiles.py)."""

    minute = models.DateTimeField()
    figure = models.CharField(max_length=4, choices=[("wait", "wait"), ("run", "run")])
    band = models.CharField(max_length=10, blank=True, help_text="a wait's priority band")
    bucket = models.SmallIntegerField()
    count = models.PositiveIntegerField()

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["minute", "figure", "band", "bucket"], name="dtq_duration_bucket"
            ),
        )

    def __str__(self) -> str:
        return f"{self.minute} {self.figure} {self.band} bucket {self.bucket}: {self.count}"
