# The image docker-compose.yml builds for web, worker and beat. There is no Docker engine on the
# development machines, so tests/test_deployment.py checks this file by reading it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Pango and fonts for WeasyPrint (PDF reports).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# The locked dependencies (exact versions, hash-checked) in a layer of their own, before the code:
# a change to the code does not reinstall them.
COPY requirements/base.txt requirements/base.txt
RUN pip install --no-cache-dir --require-hashes -r requirements/base.txt

COPY . .
RUN pip install --no-cache-dir --no-deps . \
    && SECRET_KEY=build-only-not-secret DEBUG=false STATIC_MANIFEST=true python manage.py collectstatic --noinput \
    && useradd --create-home --uid 1000 app \
    && mkdir -p /srv/media && chown app /srv/media

USER app
EXPOSE 8000
CMD ["gunicorn", "ligepraksis.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
