"""Flow control's rows: the paused queues (flow_control/pausing.py)."""

from __future__ import annotations

from django.db import models


class PausedQueue(models.Model):
    """A queue no worker starts tasks of until it is resumed (flow_control/pausing.py)."""

    queue_name = models.CharField(max_length=100, primary_key=True)
    paused_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.queue_name} (paused since {self.paused_at})"
