"""`python manage.py test` runs the same pytest suite as `make test`."""

from typing import Any

import pytest


class PytestRunner:
    """A Django test runner that hands its labels to pytest."""

    def __init__(self, verbosity: int = 1, failfast: bool = False, **kwargs: Any) -> None:
        self.verbosity = verbosity
        self.failfast = failfast

    @classmethod
    def add_arguments(cls, parser: Any) -> None:
        """No extra options: pytest's own come from pyproject.toml."""

    def run_tests(self, test_labels: list[str], **kwargs: Any) -> int:
        args = [
            label.replace(".", "/") + ("" if label.endswith(".py") else ".py")
            if "." in label and not label.startswith("tests/")
            else label
            for label in test_labels
        ]
        if self.verbosity == 0:
            args.append("-q")
        elif self.verbosity > 1:
            args.append("-v")
        if self.failfast:
            args.append("-x")
        return int(pytest.main(args))
