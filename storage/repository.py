"""SqlRepository: the one repository a unit of work hands out (ports.Repository), composed of
one repository per aggregate (storage/aggregates/), each behind its narrow port in
bot/domain/ports.py, the occurrences of recurring activities (storage/occurrences.py) and the calendar
links (storage/calendar_links.py).
select() queries that return domain dataclasses, never ORM objects.
"""

from __future__ import annotations

from storage.aggregates.activities import SqlActivities
from storage.aggregates.bookkeeping import SqlBookkeeping
from storage.aggregates.deliveries import SqlDeliveries
from storage.aggregates.groups import SqlGroups
from storage.aggregates.personal_data import SqlPersonalData
from storage.aggregates.programmes import SqlProgrammes
from storage.aggregates.updates import SqlUpdateLog
from storage.calendar_links import CalendarLinkQueries
from storage.occurrences import OccurrenceQueries
from storage.report_queries import ReportQueries


class SqlRepository(SqlProgrammes, SqlGroups, SqlActivities, SqlUpdateLog, ReportQueries,
                    OccurrenceQueries, CalendarLinkQueries, SqlDeliveries, SqlBookkeeping,
                    SqlPersonalData):
    """Every aggregate's repository on one session (each takes only the session)."""
