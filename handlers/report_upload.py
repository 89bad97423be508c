"""`/actie rapport`: the report drafted by the service is rendered as .docx and uploaded to the
channel with files_upload_v2 (files.getUploadURLExternal, the upload, then
files.completeUploadExternal) plus a two-line summary. Runs after the ack, outside any
database transaction; a refused upload is told to the user, never raised."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.services.report_results import ReportReady
from handlers.render.report_files import filename, render
from handlers.render.report_words import number, period_name, w

log = logging.getLogger("actiebot.report")


def summary(result: ReportReady, lang: str) -> str:
    """Two lines: what the file is, and the figures that matter."""
    report = result.report
    o, cover = report.overview, report.cover
    if lang == "en":
        first = (f"*Draft progress report* {cover.programme_name} — "
                 f"{period_name(cover.period, lang)}")
        second = (f"{o.updates_in_period} updates on {o.activities_updated} of {o.total} "
                  f"activities · {o.late} past their deadline · {o.moved} moved · "
                  f"{len(report.outlook)} deadlines in {period_name(cover.next_period, lang)}")
    else:
        first = (f"*Concept voortgangsrapportage* {cover.programme_name} — "
                 f"{period_name(cover.period, lang)}")
        second = (f"{o.updates_in_period} updates over {o.activities_updated} van de {o.total} "
                  f"activiteiten · {o.late} met verstreken deadline · {o.moved} verschoven · "
                  f"{len(report.outlook)} deadlines in {period_name(cover.next_period, lang)}")
    return first.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "\n" + second


def upload_report(client: Any, result: ReportReady, user: str, lang: str) -> bool:
    """Upload the .docx to the channel; True when Slack accepted it."""
    channel = result.channel
    if not channel:
        return False
    data = render(result.report, "docx", lang)
    title = f"{w(lang, 'title')} {result.report.cover.programme_name} " \
            f"({period_name(result.report.cover.period, lang)}, {w(lang, 'draft').lower()})"
    try:
        client.files_upload_v2(
            channel=channel, content=data, filename=filename(result.report, "docx", lang),
            title=title, initial_comment=summary(result, lang))
        return True
    except SlackApiError as error:
        code = str(error.response.get("error", "unknown")) if error.response else "unknown"
        log.warning("report upload refused: %s (%s bytes)", code, number(len(data), "en"))
        text = (f"Uploading the report failed ({code}). Invite Actiebot to this channel and try "
                "again." if lang == "en" else
                f"Het uploaden van de rapportage is mislukt ({code}). Nodig Actiebot uit in dit "
                "kanaal en probeer het opnieuw.")
        try:
            client.chat_postEphemeral(channel=channel, user=user, text=text)
        except SlackApiError:
            pass
        return False
