"""A refusal that says which rule failed and with what values, in no particular language."""

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Problem:
    """A broken rule.

    ``message`` is a gettext message id (marked with ``N_``) with ``{name}`` placeholders;
    ``params`` fills them after translation. ``example`` is a valid answer, shown after "Example:"
    (a message id when it holds words to translate, else the plain value).
    """

    message: str
    params: dict[str, str | int] = field(default_factory=dict)
    example: str | None = None
