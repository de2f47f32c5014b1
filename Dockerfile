# The azukari image: `azukari serve` by default; docker-compose.yml also runs `migrate` and `worker`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /srv/azukari

COPY pyproject.toml ./
COPY azukari ./azukari
RUN pip install . && useradd --system --uid 10001 --home-dir /srv/azukari azukari \
    && mkdir -p var && chown azukari var

USER azukari
EXPOSE 8000
CMD ["azukari", "serve", "--host", "0.0.0.0", "--port", "8000"]
