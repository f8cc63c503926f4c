"""``kbassist slack``: the Slack app over Socket Mode (no public URL needed)."""

from __future__ import annotations

import click

from assistant.compose import Services


@click.command()
@click.pass_obj
def slack(services: Services) -> None:
    """Run the Slack app over Socket Mode until interrupted.

    Needs SLACK_APP_TOKEN (an app-level token, xapp-…, with connections:write) and
    SLACK_BOT_TOKEN; enable Socket Mode in the app's settings. To serve Slack over HTTP instead,
    set SLACK_SIGNING_SECRET and point the request URLs at /slack/events of the HTTP server.

    Example: SLACK_APP_TOKEN=xapp-… SLACK_BOT_TOKEN=xoxb-… kbassist slack
    """
    app_token = services.settings.slack.app_token
    if app_token is None or not app_token.get_secret_value():
        raise click.ClickException(
            "SLACK_APP_TOKEN is not set: create an app-level token with connections:write "
            "(Slack app settings > Basic Information) and enable Socket Mode"
        )
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from integrations.slack.app import build_app

    handler = SocketModeHandler(build_app(services), app_token.get_secret_value())
    click.echo("kbassist: connected to Slack over Socket Mode; Ctrl-C to stop", err=True)
    handler.start()


def register(group: click.Group) -> None:
    group.add_command(slack)
