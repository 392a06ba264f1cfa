"""Flow control: pausing a queue, unique tasks (see docs/flow-control.md)."""
