"""A project module that is broken: importing it raises."""

raise RuntimeError("this module raises on import")
