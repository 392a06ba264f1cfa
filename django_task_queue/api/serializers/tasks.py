"""Tasks on the wire: the task object, its attempts, and the bodies that create tasks."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.functional import cached_property
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.utils.serializer_helpers import BindingDict

from django_task_queue.api.fields import (
    PriorityField,
    StrictCharField,
    StrictFloatField,
    StrictIntegerField,
)
from django_task_queue.conf import get_settings
from django_task_queue.exceptions import TaskValidationError
from django_task_queue.flow_control.uniqueness import (
    ACTIVE_STATUSES,
    FINISHED_STATUSES,
    MAX_KEY_LENGTH,
    MAX_UNIQUE_FOR_S,
)
from django_task_queue.models import Attempt, Task
from django_task_queue.monitoring.tasks import waiting_reason
from django_task_queue.priorities import PRIORITY_BY_NAME
from django_task_queue.services import TaskSpec, ValidatedTask, validate_task
from django_task_queue.services.spec import KnownOptions
from django_task_queue.services.validation import (
    MAX_DELAY_S,
    MAX_RETRIES_LIMIT,
    MAX_TIMEOUT_S,
    QUEUE_NAME_PATTERN,
)

MAX_COUNTDOWN_S = 365 * MAX_DELAY_S

TASK_FIELDS = (
    "id", "task_name", "status", "args", "kwargs", "priority", "priority_name", "queue_name",
    "result", "error_message", "traceback", "retry_count", "max_retries", "retry_delay",
    "timeout", "attempt", "worker_id", "created_at", "updated_at", "run_after", "started_at",
    "completed_at", "next_retry_at", "schedule_name", "scheduled_for", "workflow_id",
)  # fmt: skip


class AttemptSerializer(serializers.ModelSerializer[Attempt]):
    class Meta:
        model = Attempt
        fields = (
            "number", "worker_id", "started_at", "finished_at", "outcome", "error_type",
            "error_message", "traceback", "duration_ms",
        )  # fmt: skip
        read_only_fields = fields


class TaskSerializer(serializers.ModelSerializer[Task]):
    priority_name = serializers.ChoiceField(choices=list(PRIORITY_BY_NAME), read_only=True)

    class Meta:
        model = Task
        fields: tuple[str, ...] = TASK_FIELDS
        read_only_fields: tuple[str, ...] = fields

    def to_representation(self, instance: Task) -> dict[str, Any]:
        # DRF builds all 23 fields again for every serializer instance: a third of the time of
        # POST /api/tasks/. The task object reuses one set of fields, built once; each of them
        # turns a value into output without looking at the request (a test compares the result
        # with DRF's own for tasks in every status). A subclass may add fields that need their
        # parent (the detail's attempts and waiting reason): it takes DRF's own path.
        if type(self) is not TaskSerializer:
            return super().to_representation(instance)
        times = self._time_outputs
        row: dict[str, Any] = {}
        for name, attribute, to_output, is_time in _task_outputs():
            value = getattr(instance, attribute)
            if value is None:
                row[name] = None
            elif is_time:
                # Turning a time into the current zone's ISO-8601 was half of this loop, and the
                # tasks of one bulk answer share their created_at and updated_at.
                output = times.get(value)
                if output is None:
                    output = times[value] = to_output(value)
                row[name] = output
            else:
                row[name] = to_output(value)
        return row

    @cached_property
    def _time_outputs(self) -> dict[datetime, str]:
        # Kept by one serializer (one response): the current time zone cannot change meanwhile.
        return {}


@cache
def _task_outputs() -> list[tuple[str, str, Callable[[Any], Any], bool]]:
    """(field name, the task's attribute, its output conversion, whether a time) for the task."""
    outputs: list[tuple[str, str, Callable[[Any], Any], bool]] = []
    for name, field in TaskSerializer().fields.items():
        if len(field.source_attrs) != 1:
            raise TypeError(f"task field {name!r}: only a plain attribute can be output this way")
        is_time = isinstance(field, serializers.DateTimeField)
        # Times share their outputs whatever their field: each must write them alike.
        if is_time and (hasattr(field, "format") or hasattr(field, "timezone")):
            raise TypeError(f"task field {name!r}: a time with its own format or time zone")
        outputs.append((name, field.source_attrs[0], field.to_representation, is_time))
    return outputs


class TaskDetailSerializer(TaskSerializer):
    attempts = AttemptSerializer(many=True, read_only=True)
    waiting_reason = serializers.SerializerMethodField(
        help_text="Why a waiting task is not running yet; null unless pending or retry."
    )

    class Meta(TaskSerializer.Meta):
        fields = (
            *TASK_FIELDS, "unique_key", "unique_while", "limit_group", "attempts", "waiting_reason"
        )  # fmt: skip
        read_only_fields = fields

    def get_waiting_reason(self, task: Task) -> str | None:
        return waiting_reason(task)


class StrictBodySerializer(serializers.Serializer[object]):
    """A body naming a field the serializer does not declare is rejected, naming the field."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            unknown = sorted(str(key) for key in data if key not in self.fields)
            if unknown:
                raise serializers.ValidationError({key: ["Unknown field."] for key in unknown})
        return super().to_internal_value(data)


class TaskCreateSerializer(StrictBodySerializer):
    """One task to enqueue; omitted options take the task function's defaults, then settings'."""

    task_name = StrictCharField(max_length=200, help_text="A registered task function.")
    args = serializers.ListField(child=serializers.JSONField(allow_null=True), required=False)
    kwargs = serializers.DictField(child=serializers.JSONField(allow_null=True), required=False)
    # One field per EnqueueOptions keyword, named alike (a test keeps them in step).
    priority = PriorityField(required=False, help_text="A name or an integer; default normal.")
    max_retries = StrictIntegerField(min_value=0, max_value=MAX_RETRIES_LIMIT, required=False)
    retry_delay = StrictFloatField(
        min_value=0, max_value=MAX_DELAY_S, required=False, help_text="seconds"
    )
    timeout = StrictFloatField(
        min_value=0.001, max_value=MAX_TIMEOUT_S, required=False, help_text="seconds"
    )
    queue_name = StrictCharField(
        max_length=100,
        required=False,
        validators=[
            RegexValidator(
                QUEUE_NAME_PATTERN, "Must be 1 to 100 letters, digits, '_', '-', '.' or ':'."
            )
        ],
    )
    run_after = serializers.DateTimeField(
        required=False, allow_null=True, help_text="Not before this time (ISO-8601)."
    )
    countdown = StrictFloatField(
        min_value=0,
        max_value=MAX_COUNTDOWN_S,
        required=False,
        allow_null=True,
        help_text="Not before this many seconds from now.",
    )
    unique_key = StrictCharField(
        max_length=MAX_KEY_LENGTH,
        required=False,
        allow_null=True,
        help_text="While a task of this name holds the key, enqueue it creates nothing (200).",
    )
    unique_for = StrictFloatField(
        min_value=0,
        max_value=MAX_UNIQUE_FOR_S,
        required=False,
        allow_null=True,
        help_text="Seconds the key stays held after its task finished.",
    )
    unique_while = serializers.ListField(
        # Checked by uniqueness.py, which names the field: a choice set here would be the
        # schema's second name for the statuses.
        child=StrictCharField(max_length=20),
        required=False,
        allow_null=True,
        help_text=f"Statuses in which the key is held: {', '.join(ACTIVE_STATUSES)}, and any of "
        f"{', '.join(FINISHED_STATUSES)}.",
    )

    @cached_property
    def fields(self) -> BindingDict:
        # DRF deep-copies the eleven declared fields for every serializer: a tenth of the time of
        # POST /api/tasks/. They keep nothing of a request while they validate, so every
        # serializer shares one set, bound once to a serializer that validates nothing.
        return _create_fields()

    def to_internal_value(self, data: Any) -> Any:
        # DRF's loop runs all eleven fields for every task, raising SkipField for each one left
        # out. A body naming only declared fields, the required ones among them, gets the same
        # values from running the fields it names (no field has a default to fill in). An error
        # takes DRF's own path, so that it reports every field in error, in its order.
        fields = self.fields
        if type(data) is dict and _REQUIRED <= data.keys() <= fields.keys():
            try:
                return {name: fields[name].run_validation(value) for name, value in data.items()}
            except (serializers.ValidationError, DjangoValidationError):
                pass
        return super().to_internal_value(data)

    def run_validators(self, value: Any) -> None:
        # DRF adds the read-only fields' defaults and runs the serializer's validators: this one
        # has neither (_create_fields checks), so nothing is run for each task.
        return

    @cached_property
    def _known_options(self) -> KnownOptions:
        # One serializer validates every task of a bulk body: those giving the same options share
        # one validation of them, as enqueue_many's do.
        return {}

    def validate(self, attrs: dict[str, Any]) -> ValidatedTask:
        # The task itself is validated here, once: the view enqueues what this returns.
        if attrs.get("run_after") is not None and attrs.get("countdown") is not None:
            raise serializers.ValidationError(
                {"run_after": ["Give run_after or countdown, not both."]}
            )
        task_name = attrs.pop("task_name")
        try:
            return validate_task(TaskSpec(task_name, **attrs), timezone.now(), self._known_options)
        except TaskValidationError as exc:
            raise serializers.ValidationError({exc.field: [exc.message]}) from exc


_REQUIRED = frozenset({"task_name"})


@cache
def _create_fields() -> BindingDict:
    """TaskCreateSerializer's fields, built and bound once."""
    owner = TaskCreateSerializer()
    fields = BindingDict(owner)
    for name, field in owner.get_fields().items():
        if field.default is not empty:
            raise TypeError(f"create field {name!r}: a default would be skipped by the fast path")
        fields[name] = field
    if owner.validators or any(field.read_only for field in fields.values()):
        raise TypeError("the create body has a validator or a read-only field: run_validators")
    if {name for name, field in fields.items() if field.required} != _REQUIRED:
        raise TypeError(f"the create body's required fields are no longer {sorted(_REQUIRED)}")
    return fields


class BulkTaskCreateSerializer(StrictBodySerializer):
    tasks = TaskCreateSerializer(many=True, allow_empty=False)

    def to_internal_value(self, data: Any) -> Any:
        limit = get_settings().API_MAX_BULK
        # Checked before the items are validated, so an oversized list costs nothing.
        tasks = data.get("tasks") if isinstance(data, Mapping) else None
        if isinstance(tasks, list) and len(tasks) > limit:
            raise serializers.ValidationError(
                {"tasks": [f"At most {limit} tasks per request; got {len(tasks)}."]}
            )
        return super().to_internal_value(data)
