"""``kbassist serve``: the HTTP API, the sidebar and (when configured) the Slack endpoint."""

from __future__ import annotations

import os

import click

from assistant.compose import Services


@click.command()
@click.option(
    "--host", default="127.0.0.1", show_default=True, envvar="KBASSIST_HOST", help="Bind address."
)
@click.option(
    "--port",
    default=8000,
    show_default=True,
    envvar="KBASSIST_PORT",
    type=click.IntRange(1, 65535),
    help="Port to listen on.",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    envvar="KBASSIST_WORKERS",
    type=click.IntRange(1, 64),
    help="Worker processes (each loads the model; they share the stores).",
)
@click.pass_obj
def serve(services: Services, host: str, port: int, workers: int) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs), the help-desk sidebar and Slack events.

    API keys come from KBASSIST_API_KEYS ('{"key": ["team", ...]}'); without them, no key is
    asked for (local use). Examples:

      kbassist serve

      kbassist serve --host 0.0.0.0 --port 8080 --workers 2
    """
    import uvicorn

    from assistant.errors import KbassistError
    from integrations.http.app import create_app

    if not services.settings.embed_threads:
        # One torch thread per request: concurrent requests then share the cores instead of
        # each oversubscribing them (batch ingest keeps torch's default of all cores).
        services.settings = services.settings.model_copy(update={"embed_threads": 1})
    app = create_app(services)
    base = f"http://{'localhost' if host in ('0.0.0.0', '::') else host}:{port}"
    click.echo(f"API docs:  {base}/docs  (OpenAPI: {base}/openapi.json)")
    click.echo(f"sidebar:   {base}/sidebar")
    if app.state.slack_events:
        click.echo(f"Slack:     {base}{app.state.slack_events}")
    if not services.settings.http.api_keys:
        click.echo("no API keys configured: every caller is trusted (local use)")
    try:  # load the embedding model and the indexes now rather than on the first request
        services.service.warm_up(model=workers == 1)  # workers load their own model
    except KbassistError as exc:
        click.echo(f"warning: {exc.detail}", err=True)
    if workers == 1:
        uvicorn.run(app, host=host, port=port, log_level="info", server_header=False)
        return
    # Each worker process builds its own Services from the environment (see app_from_environment)
    os.environ["KBASSIST_DATA_DIR"] = str(services.settings.data_dir)
    os.environ["KBASSIST_EMBED_THREADS"] = str(services.settings.embed_threads)
    click.echo(f"workers:   {workers}")
    uvicorn.run(
        "integrations.http.app:app_from_environment",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="info",
        server_header=False,
    )


def register(group: click.Group) -> None:
    group.add_command(serve)
