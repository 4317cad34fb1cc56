# syntax=docker/dockerfile:1
# eventwire on the official Airflow image. Every Python package comes from uv.lock with its
# sha256 hash (no resolver, no unpinned install); the project itself is built offline by uv's
# own build backend and installed without dependencies.
ARG AIRFLOW_IMAGE=apache/airflow:3.3.2-python3.11
ARG UV_IMAGE=ghcr.io/astral-sh/uv:0.13.8

FROM ${UV_IMAGE} AS uv

FROM ${AIRFLOW_IMAGE}
COPY --from=uv /uv /usr/local/bin/uv

# The project lives in /opt/eventwire: DAGs, plugin, feed registry and bundled samples are read
# from there, so every container (and every worker machine) runs the same code without mounts.
ENV EVENTWIRE_HOME=/opt/eventwire \
    AIRFLOW__CORE__DAGS_FOLDER=/opt/eventwire/dags \
    AIRFLOW__CORE__PLUGINS_FOLDER=/opt/eventwire/plugins \
    AIRFLOW__CORE__LOAD_EXAMPLES=False \
    EVENTWIRE_FEEDS_FILE=/opt/eventwire/include/feeds.yaml \
    EVENTWIRE_SAMPLES_ROOT=/opt/eventwire/include/samples \
    EVENTWIRE_DATA_ROOT=/opt/airflow/data \
    EVENTWIRE_CACHE_DIR=/opt/airflow/cache
WORKDIR /opt/eventwire

# Dependencies first (one cached layer until uv.lock changes): the locked runtime set, hashed.
# Packages the base image already has at the locked version are left as they are.
COPY --chown=airflow:0 pyproject.toml uv.lock ./
RUN uv export --frozen --no-dev --no-emit-project --no-header --output-file /tmp/requirements.txt \
    && pip install --no-cache-dir --require-hashes --no-deps --requirement /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# Mount points exist in the image, owned by airflow, so fresh named volumes inherit that owner.
COPY --chown=airflow:0 . .
RUN uv build --wheel --offline --out-dir /tmp/dist . \
    && pip install --no-cache-dir --no-deps /tmp/dist/eventwire-*.whl \
    && rm -rf /tmp/dist \
    && mkdir -p /opt/airflow/data /opt/airflow/cache /opt/airflow/config
