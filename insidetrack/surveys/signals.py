"""Signals the surveys app sends to apps that come later and that it must not know (the closed loop, text analysis).

``response_completed`` is sent after the transaction that completed a survey commits, with ``response_pk`` and the
invitation's ``purpose``. Receivers must be idempotent: the closed loop's sweep also picks up anything a receiver
missed (a worker that died, a survey abandoned after the score).

``responses_imported`` is sent after an import of history commits, with ``since``: the earliest answer's time. The
answers were written in bulk, past any receiver, and are usually older than any sweep looks.
"""

from django.dispatch import Signal

response_completed = Signal()
responses_imported = Signal()
