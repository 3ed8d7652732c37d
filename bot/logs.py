"""Logging set-up with a last line of defence for personal data.

Our code logs masked values only; this filter also masks anything that still looks like a resident
ID number, a mainland mobile number or an e-mail address in any record (a library's message, an
exception text), because a full ID number in a log file is a PIPL incident.
"""

import logging
import re
from typing import TextIO

from domain.masking import mask_email, mask_id_number, mask_mobile

_ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
# With or without +86 / 0086, in one run or in groups (138 1234 5678, 138-1234-5678).
_MOBILE = re.compile(r"(?<!\d)((?:\+?86|0086)[ -]?)?(1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def mask_personal_data(text: str) -> str:
    # E-mail first: a mobile used as a mailbox name (13812345678@139.com) is masked once, as an address.
    text = _EMAIL.sub(lambda match: mask_email(match.group()), text)
    text = _ID_NUMBER.sub(lambda match: mask_id_number(match.group()), text)
    return _MOBILE.sub(lambda m: (m.group(1) or "") + mask_mobile(m.group(2) + m.group(3) + m.group(4)), text)


class PersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_personal_data(message)
        if masked != message or record.exc_info:
            if record.exc_info:
                formatter = logging.Formatter()
                masked += "\n" + mask_personal_data(formatter.formatException(record.exc_info))
                record.exc_info = None
                record.exc_text = None
            record.msg, record.args = masked, None
        return True


def setup_logging(level: str, stream: TextIO | None = None) -> None:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(PersonalDataFilter())
    logging.basicConfig(level=level, handlers=[handler], force=True)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # one line per plugin, each start
