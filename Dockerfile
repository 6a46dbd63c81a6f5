# syntax=docker/dockerfile:1
# fin-ingest as a container: `docker build -t fin-ingest .` (see "Running in a container" in the README).
#
# The wheel is built in a first stage and installed into a virtual environment in the second, so the
# image holds neither the source tree nor a build backend. tests/test_container.py runs the same
# wheel and install commands (its environment standing in for the build arguments) and lints this
# file with hadolint; keep the paths in variables so that it can.

# The Python the tests run on; bump the pin deliberately (a new patch release, a new Debian).
ARG PYTHON_IMAGE=python:3.11.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS wheel
# The build backend pyproject.toml asks for, pinned, so the wheel builds without build isolation.
RUN python -m pip install --no-cache-dir "setuptools==80.9.0"
WORKDIR /src
COPY pyproject.toml README.md ./
COPY ingest ./ingest
COPY connectors ./connectors
ARG WHEELS=/wheels
RUN python -m pip wheel --no-cache-dir --no-deps --no-build-isolation --wheel-dir "$WHEELS" .

FROM ${PYTHON_IMAGE}
# git for the git connector; tini as PID 1, so that a signal reaches `ingest` (Python as PID 1
# ignores a SIGTERM it has no handler for, as `ingest run` has none) and the git and conversion
# processes it leaves behind are reaped.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends git tini \
    && rm -rf /var/lib/apt/lists/*
# DL3008 (pin apt versions) is ignored on purpose: Debian drops a package's old version from its
# archive once a security update replaces it, so a pinned git would break the build within weeks.
# The base image's pin above fixes the Debian release.

# One user, no login, whose home is the state volume: git clones (XDG_CACHE_HOME) and the
# unpacked language model live beside the state file and survive a new container.
RUN groupadd --system --gid 10001 fin-ingest \
    && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/fin-ingest --create-home \
        --shell /usr/sbin/nologin fin-ingest \
    && mkdir -p /etc/fin-ingest \
    && chown fin-ingest:fin-ingest /var/lib/fin-ingest

# The wheel is mounted for this step only, so no layer of the image keeps it.
ENV VIRTUAL_ENV=/opt/fin-ingest
ARG WHEELS=/wheels
RUN --mount=type=bind,from=wheel,source=/wheels,target=/wheels \
    python -m venv "$VIRTUAL_ENV" \
    && "$VIRTUAL_ENV/bin/pip" install --no-cache-dir "$WHEELS"/*.whl

# The config is read from the working directory (./ingest.toml): mount it at
# /etc/fin-ingest/ingest.toml, read-only. The token comes from INTERCOM_ACCESS_TOKEN (an env
# file, a secret) or intercom.token_file, never from the image.
ENV PATH="$VIRTUAL_ENV/bin:$PATH" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/var/lib/fin-ingest \
    XDG_CACHE_HOME=/var/lib/fin-ingest/cache \
    INGEST_STATE__PATH=/var/lib/fin-ingest/ingest.db
WORKDIR /etc/fin-ingest
VOLUME ["/var/lib/fin-ingest"]
# Numeric, so that Kubernetes' runAsNonRoot can tell it is not root without reading /etc/passwd.
USER 10001:10001

# `ingest watch` stops cleanly on SIGTERM (or SIGINT): the running batch finishes within
# [watch] shutdown_grace_seconds (3 s by default, under `docker stop`'s 10 s) and what it had not
# sent stays pending in state. `ingest run` killed by it resumes where it stopped.
STOPSIGNAL SIGTERM

# One image, two uses. A daemon run with INGEST_WATCH__METRICS_PORT set (which is also its
# [watch] metrics_port) serves /healthz from its own event loop: the probe asks it (standard
# library only: no curl in a slim image), so a daemon stuck in its loop is unhealthy. Otherwise
# (the nightly run, a daemon without the port) `ingest status`: the configuration is valid and
# the state file on the volume opens and reads. Neither sends a request to Intercom nor needs the
# token; `|| exit 1` because Docker reserves exit code 2, which ingest uses for a config problem.
HEALTHCHECK --interval=60s --timeout=15s --start-period=30s --retries=3 \
    CMD ["sh", "-c", "if [ -n \"$INGEST_WATCH__METRICS_PORT\" ]; then python -m ingest.health_probe; else ingest status > /dev/null; fi || exit 1"]

# tini forwards a signal to `ingest` alone (no -g): the conversion workers and git must not be
# stopped under the batch that watch lets finish.
ENTRYPOINT ["tini", "--", "ingest"]
# The nightly sync, the image's usual job on a scheduler; `docker run IMAGE watch` is the daemon.
CMD ["run", "--all"]
