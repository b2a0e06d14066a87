# The eagraph API (and `eagraph load`) for docker-compose.yml: python:3.11-slim, runs as a non-root user.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system --gid 10001 eagraph \
    && useradd --system --uid 10001 --gid eagraph --home-dir /home/eagraph --create-home \
       --shell /usr/sbin/nologin eagraph

WORKDIR /src
COPY pyproject.toml README.md requirements.lock ./
COPY app ./app
COPY graph ./graph
COPY loaders ./loaders
COPY seed ./seed
RUN pip install --no-cache-dir -c requirements.lock . \
    && rm -rf /src

WORKDIR /home/eagraph
USER 10001:10001

EXPOSE 8000
CMD ["eagraph", "serve", "--store", "neo4j", "--host", "0.0.0.0", "--port", "8000"]
