"""Flow control: pausing a queue, unique tasks, concurrency limits (docs/flow-control.md)."""
