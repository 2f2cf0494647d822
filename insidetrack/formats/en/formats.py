"""English (British usage): day month year."""

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
YEAR_MONTH_FORMAT = "M Y"
SHORT_DATETIME_FORMAT = "D j M, H:i"
# Read by the weekday_datetime template filter (not Django settings).
WEEKDAY_DATETIME_FORMAT = "l j F Y, H:i"
WEEKDAY_SHORT_DATETIME_FORMAT = "D j M Y, H:i"
WEEKDAY_DATE_FORMAT = "D j M Y"
