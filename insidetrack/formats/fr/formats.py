"""French: day month year, months in lower case, abbreviated as French does ("nov.", "mars")."""

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j N Y"
DATETIME_FORMAT = "j N Y, H:i"
