"""Logging set-up with a last line of defence for personal data.

Our code logs masked values only; this filter also masks anything that still looks like a resident
ID number, a mainland mobile number or an e-mail address in any record (a library's message, an
exception text), because a full ID number in a log file is a PIPL incident.
"""

import logging
from typing import TextIO

from domain.masking import mask_personal_data


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
