"""The one error hierarchy of django-task-queue; redis and psycopg errors are re-raised as these."""


class TaskQueueError(Exception):
    """Base class of every error this package raises."""


class ConfigurationError(TaskQueueError):
    """A TASK_QUEUE setting is invalid."""


class RegistryError(TaskQueueError):
    """A task function could not be registered or found."""


class UnknownTaskError(RegistryError):
    """No task function is registered under the name."""

    def __init__(self, name: str) -> None:
        super().__init__(f"No task function is registered as {name!r}.")
        self.name = name


class TaskValidationError(TaskQueueError):
    """A task's options or arguments are invalid; `field` names the offending input."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class InvalidTransitionError(TaskQueueError):
    """A status change is not allowed from the task's current status."""


class BrokerUnavailableError(TaskQueueError):
    """Redis could not be reached."""


class StoreUnavailableError(TaskQueueError):
    """PostgreSQL could not be reached."""
