"""Every Slack id the app registers, in one place."""

ACTION_DONE = "actie_done"
ACTION_SNOOZE = "actie_snooze"

# the update modal, new activities, the App Home tab, the message shortcut
ACTION_OPEN_UPDATE = "actie_open_update"  # "Bijwerken": reminders and App Home items
ACTION_OPEN_NEW = "actie_open_new"  # "Nieuwe activiteit" on App Home
ACTION_PICK_ACTIVITY = "actie_pick_activity"  # external_select, options from block_suggestion
VIEW_UPDATE = "actie_update_modal"
VIEW_NEW = "actie_new_activity"
SHORTCUT_LOG_PROGRESS = "actie_log_progress"  # message shortcut "Voortgang loggen"
