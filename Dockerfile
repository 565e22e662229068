# syntax=docker/dockerfile:1
# The gate as a container image: the command `gate`, git (the gate lists files with it), and
# nothing else. Build from a clean checkout:   docker build -t ci-security-gate:0.1.0 .
# Run over the current directory:               docker run --rm -v "$PWD:/src" ci-security-gate:0.1.0 run --no-post
#
# Both stages use the same slim base, pinned by digest (bump it with the tag it was resolved
# from). Every Python package is hash-pinned: the build backend from requirements/build.txt,
# the runtime dependencies from requirements/lock.txt; pip refuses any file whose sha256
# differs and (--only-binary) never runs a package's build code.

# ---- build: the gate's wheel, from this source tree --------------------------------------
FROM python:3.14-slim@sha256:b877e50bd90de10af8d82c57a022fc2e0dc731c5320d762a27986facfc3355c1 AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
COPY requirements/build.txt requirements/build.txt
RUN python -I -m pip install --require-hashes --no-deps --only-binary :all: -r requirements/build.txt
COPY pyproject.toml README.md MANIFEST.in ./
COPY requirements/lock.txt requirements/lock.txt
COPY gate/ gate/
RUN python -I -m pip wheel --no-deps --no-build-isolation --wheel-dir /dist .

# ---- runtime ------------------------------------------------------------------------------
FROM python:3.14-slim@sha256:b877e50bd90de10af8d82c57a022fc2e0dc731c5320d762a27986facfc3355c1
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends git \
    && rm -rf /var/lib/apt/lists/* \
    && git config --system --add safe.directory '*'
COPY requirements/lock.txt /tmp/gate/lock.txt
COPY --from=build /dist/ /tmp/gate/dist/
RUN python -I -m pip install --require-hashes --no-deps --only-binary :all: -r /tmp/gate/lock.txt \
    && python -I -m pip install --no-deps /tmp/gate/dist/*.whl \
    && rm -rf /tmp/gate \
    && useradd --create-home --uid 10001 --user-group gate \
    && gate --version
USER 10001:10001
WORKDIR /src
ENTRYPOINT ["gate"]
CMD ["run", "--no-post", "."]
