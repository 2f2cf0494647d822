"""English (British usage): day month year."""

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
YEAR_MONTH_FORMAT = "M Y"
SHORT_DATETIME_FORMAT = "D j M, H:i"
WEEKDAY_DATETIME_FORMAT = "l j F Y, H:i"  # the weekday_datetime filter's (not a Django setting)
