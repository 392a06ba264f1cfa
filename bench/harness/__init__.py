"""Shared machinery of the benchmark: paths, processes, stores, results and statistics."""
