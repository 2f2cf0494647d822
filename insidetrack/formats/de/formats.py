"""German: a full stop after the day; short months as German abbreviates them ("Nov.", "März")."""

DATE_FORMAT = "j. F Y"
SHORT_DATE_FORMAT = "j. N Y"
DATETIME_FORMAT = "j. N Y, H:i"
