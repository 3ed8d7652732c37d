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
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def mask_personal_data(text: str) -> str:
    text = _ID_NUMBER.sub(lambda match: mask_id_number(match.group()), text)
    text = _MOBILE.sub(lambda match: mask_mobile(match.group()), text)
    return _EMAIL.sub(lambda match: mask_email(match.group()), text)


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
