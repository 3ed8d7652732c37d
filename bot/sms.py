"""SMS senders. A real provider plugs in by implementing ``domain.ports.SmsSender`` and naming the
class in ``SMS_SENDER`` (module:Class); see the README."""

import importlib
import logging
from dataclasses import dataclass, field
from datetime import datetime

from domain.clock import Clock
from domain.masking import mask_mobile
from domain.ports import SmsSender

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sms:
    mobile: str
    code: str
    purpose: str
    sent_at: datetime


@dataclass
class SmsInbox:
    """The sandbox's SMS inbox: codes land here and in the terminal chat instead of a phone."""

    clock: Clock
    log_codes: bool = False  # a trial on real Telegram without a provider: the operator reads the log
    messages: list[Sms] = field(default_factory=list)

    async def send_code(self, mobile: str, code: str, purpose: str) -> None:
        self.messages.append(Sms(mobile, code, purpose, self.clock.now()))
        if self.log_codes:
            logger.warning("SMS code for %s (%s): %s", mask_mobile(mobile), purpose, code)
        else:
            logger.info("sandbox SMS (%s) to %s", purpose, mask_mobile(mobile))

    def latest(self, mobile: str | None = None) -> Sms | None:
        for sms in reversed(self.messages):
            if mobile is None or sms.mobile == mobile:
                return sms
        return None


def load_sender(spec: str, clock: Clock, *, log_codes: bool = False) -> SmsSender:
    """``sandbox`` or ``module:Class`` (constructed without arguments, configured by its own env)."""
    if spec == "sandbox":
        return SmsInbox(clock, log_codes=log_codes)
    module_name, _, class_name = spec.partition(":")
    sender: SmsSender = getattr(importlib.import_module(module_name), class_name)()
    return sender
