"""One module per figure of docs/benchmarks.md; each `run(ctx)` returns plain data."""
