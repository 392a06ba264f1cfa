"""Log set-up for worker runs: one line per event, `key=value` fields, the chosen level applied."""

import logging
import sys

_FORMAT = "%(asctime)s %(levelname)s %(name)s pid=%(process)d %(message)s"


def configure_logging(level: int) -> None:
    """Send this package's logs to stderr at `level`, replacing earlier handlers of ours."""
    logger = logging.getLogger("django_task_queue")
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(_FORMAT))
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False
