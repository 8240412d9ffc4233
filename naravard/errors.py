"""One bilingual error base for the whole package.

Every error that can reach a user carries two messages: ``str(err)`` is English (logs,
the CLI, an API) and ``err.message_sv`` is the Swedish sentence the UI shows. The UI
catches :class:`NaravardError` and shows ``message_sv``; anything else is a bug.

A leaf module: imports nothing from naravard.
"""

from __future__ import annotations


class NaravardError(Exception):
    """Base of every user-facing error: English ``str()``, Swedish ``message_sv``."""

    def __init__(self, message_en: str, message_sv: str):
        super().__init__(message_en)
        self._message_sv = message_sv

    @property
    def message_sv(self) -> str:
        return self._message_sv

    def __reduce__(self):
        # Errors travel inside cached values (st.cache_data pickles them); the
        # default exception pickling would call __init__ with the message only.
        return (self.__class__, (str(self), self._message_sv))


class DataError(NaravardError):
    """A table could not be loaded or failed validation.

    ``problem_en``/``problem_sv`` describe what is wrong with ``file``; ``message_sv``
    names the file for the UI.
    """

    def __init__(self, file: str, problem_en: str, problem_sv: str):
        self.file = file
        self.problem_en = problem_en
        self.problem_sv = problem_sv
        super().__init__(f"{file}: {problem_en}", f"Filen {file} kunde inte användas: {problem_sv}")

    def __reduce__(self):
        return (self.__class__, (self.file, self.problem_en, self.problem_sv))
