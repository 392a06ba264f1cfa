import pytest
from pytest_django.fixtures import Settings

from django_task_queue.conf import get_settings, parse_settings
from django_task_queue.exceptions import ConfigurationError


def test_defaults_need_no_configuration() -> None:
    conf = parse_settings({})
    assert conf.LEASE_S == 15.0
    assert conf.KEY_PREFIX == "dtq"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"NOPE": 1}, "unknown keys: NOPE"),
        ({"LEASE_S": "fast"}, "'LEASE_S'] must be a number"),
        ({"LEASE_S": 0}, "'LEASE_S'] must be at least 1"),
        ({"MAX_LOST_ATTEMPTS": 2.5}, "must be a whole number"),
        ({"API_OPEN": "yes"}, "must be True or False"),
        ({"KEY_PREFIX": ""}, "must be a non-empty string"),
        ({"KEY_PREFIX": "a{b}"}, "may not contain braces"),
        ({"TASK_MODULES": "tasks"}, "must be a list of modules"),
        ({"LEASE_S": 4, "HEARTBEAT_INTERVAL_S": 3}, "at most half of LEASE_S"),
        ({"REDIS_CLUSTER": 1}, "'REDIS_CLUSTER'] must be True or False"),
        ({"REDIS_CLUSTER": True, "REDIS_SENTINELS": "h:1"}, "exclude each other"),
        ({"QUEUES": ["reports"]}, "'QUEUES'] must map queue names to dicts"),
        ({"QUEUES": {"reports": {"rate_limit": "fast"}}}, "'reports']: rate_limit: must be like"),
        ({"QUEUES": {"reports": {"concurrency_limit": 0}}}, "concurrency_limit: must be a whole"),
        ({"QUEUES": {"reports": {"limit": 2}}}, "limit: is not a queue setting"),
        ({"QUEUES": {"no spaces": {"concurrency_limit": 2}}}, "queue_name:"),
    ],
)
def test_a_bad_setting_is_a_clear_error_naming_it(raw: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_settings(raw)


def test_system_check_reports_a_bad_setting(settings: Settings) -> None:
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.TASK_QUEUE = {"LEASE_S": -1}
    with pytest.raises(SystemCheckError, match=r"django_task_queue\.E001"):
        call_command("check")


def test_settings_replaced_or_edited_in_place_are_read_again(settings: Settings) -> None:
    settings.TASK_QUEUE = {"LEASE_S": 20, "TASK_MODULES": ["a"]}
    assert get_settings().LEASE_S == 20

    settings.TASK_QUEUE["LEASE_S"] = 30
    settings.TASK_QUEUE["TASK_MODULES"].append("b")
    edited = get_settings()
    settings.TASK_QUEUE = {"LEASE_S": 40}

    assert (edited.LEASE_S, edited.TASK_MODULES) == (30, ("a", "b"))
    assert get_settings().LEASE_S == 40


def test_a_queue_may_have_limits_of_its_own() -> None:
    conf = parse_settings({"QUEUES": {"reports": {"concurrency_limit": 2, "rate_limit": "10/s"}}})

    assert dict(conf.QUEUES["reports"]) == {"concurrency_limit": 2, "rate_limit": "10/s"}
