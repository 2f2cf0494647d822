"""CSV imports into the surveys app: live operational events (triggering surveys) and a previous programme's history.

Both share one discipline: a file that cannot be read as a whole (encoding, header, CSV syntax) raises
:class:`ImportFormatError` and writes nothing; a bad row is left out and named, with its reason, in a rejects file;
every accepted row is written whole.
"""

from .csvfiles import ImportFormatError, Rejects
from .events import EventsImportReport, events_import, schedule_invitations_hook
from .history import HistoryImportReport, history_import

__all__ = ["EventsImportReport", "HistoryImportReport", "ImportFormatError", "Rejects", "events_import",
           "history_import", "schedule_invitations_hook"]
