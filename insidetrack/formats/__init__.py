"""Dates as each language writes them (``FORMAT_MODULE_PATH``).

Django's English formats are American ("Nov. 24, 2026"); the brand's English readers are British and Irish, so
English reads day month year. German puts a full stop after the day ("24. November 2026"), which an explicit
``date:"j F Y"`` in a template cannot do for one language only: templates name these formats instead.
"""
