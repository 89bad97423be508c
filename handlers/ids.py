"""Every Slack id the app registers, in one place."""

ACTION_DONE = "actie_done"
ACTION_SNOOZE = "actie_snooze"
