"""French: day month year, months in lower case, abbreviated as French does ("nov.", "mars")."""

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j N Y"
DATETIME_FORMAT = "j N Y, H:i"
YEAR_MONTH_FORMAT = "N Y"
SHORT_DATETIME_FORMAT = "D j N, H:i"
# Read by the weekday_datetime template filter (not Django settings).
WEEKDAY_DATETIME_FORMAT = "l j F Y, H:i"
WEEKDAY_SHORT_DATETIME_FORMAT = "D j N Y, H:i"
WEEKDAY_DATE_FORMAT = "D j N Y"
