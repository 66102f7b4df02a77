"""What a partner import refuses."""

from __future__ import annotations

from desktop_app.kernel.errors import ValidationError

# How many of a file's problems the message names before "and N more".
SHOWN_PROBLEMS = 5


class ImportRefused(ValidationError):
    """Some rows are wrong, so none was imported; `problems` names each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = "; ".join(problems[:SHOWN_PROBLEMS])
        more = len(problems) - SHOWN_PROBLEMS
        tail = f"; and {more} more" if more > 0 else ""
        super().__init__(f"Nothing was imported. {shown}{tail}.")
