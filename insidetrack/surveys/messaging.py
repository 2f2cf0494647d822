"""Text messages out, through a pluggable backend chosen by ``INSIDETRACK_SMS_BACKEND``.

Shaped like Django's e-mail backends so a real provider (Twilio, MessageBird, ...) is one small class away. The
embedded default writes each message to a file under ``DATA_DIR / "sms"``; tests use the in-memory backend.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

DEFAULT_BACKEND = "insidetrack.surveys.messaging.FileSmsBackend"


@dataclass(frozen=True, slots=True)
class SmsMessage:
    """One text message to one phone number."""

    to: str
    body: str


class BaseSmsBackend:
    """Sends messages; returns how many were accepted. Raising makes the caller roll back and retry later."""

    def send_messages(self, messages: list[SmsMessage]) -> int:
        raise NotImplementedError


class FileSmsBackend(BaseSmsBackend):
    """Writes one file per message, so the embedded default shows what would have been sent."""

    _lock = threading.Lock()
    _counter = 0

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = Path(directory or getattr(settings, "INSIDETRACK_SMS_FILE_PATH", settings.DATA_DIR / "sms"))

    def send_messages(self, messages: list[SmsMessage]) -> int:
        self.directory.mkdir(parents=True, exist_ok=True)
        for message in messages:
            with self._lock:
                FileSmsBackend._counter += 1
                name = f"{timezone.now():%Y%m%d-%H%M%S-%f}-{FileSmsBackend._counter}.txt"
            (self.directory / name).write_text(f"To: {message.to}\n\n{message.body}\n", encoding="utf-8")
        return len(messages)


outbox: list[SmsMessage] = []


class LocmemSmsBackend(BaseSmsBackend):
    """Keeps messages in ``insidetrack.surveys.messaging.outbox`` for tests to read."""

    def send_messages(self, messages: list[SmsMessage]) -> int:
        outbox.extend(messages)
        return len(messages)


def get_sms_backend() -> BaseSmsBackend:
    """The configured backend, instantiated per use (backends may hold a connection)."""
    return import_string(getattr(settings, "INSIDETRACK_SMS_BACKEND", DEFAULT_BACKEND))()


def send_sms(*, to: str, body: str) -> int:
    """Send one text message through the configured backend."""
    return get_sms_backend().send_messages([SmsMessage(to=to, body=body)])
