# The image of the django and worker-default services (see docker-compose.yml).

# -- the dashboard: built once, only its static files are kept ----------------------------------
FROM node:20-slim AS dashboard
WORKDIR /client
COPY client/package.json client/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY client/ ./
RUN npm run build

# -- the application ----------------------------------------------------------------------------
FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH="/opt/venv/bin:$PATH"
# The same uv as the Makefile, installed with pip.
RUN pip install --no-cache-dir "uv==0.13.9"
WORKDIR /app
# Dependencies first, from the committed lock file only: code changes keep this layer cached.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
COPY --from=dashboard /client/dist ./client/dist
# The admin's CSS and JS, served by WhiteNoise with DEBUG off (no database needed for this).
RUN DJANGO_DEBUG=false DJANGO_SECRET_KEY=collectstatic-only python manage.py collectstatic --no-input -v 0
RUN useradd --system --create-home --uid 10001 app
USER app
EXPOSE 8000
CMD ["gunicorn", "--config", "python:config.gunicorn", "config.asgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
