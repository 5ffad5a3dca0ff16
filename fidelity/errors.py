"""Errors caused by the user's input: the CLI prints them as one line, never a traceback."""


class FidelityError(Exception):
    """Base class for problems the user can fix (bad path, bad encoding, unsupported language)."""


class InputError(FidelityError):
    """An input file or text that cannot be read as a document."""


class UnsupportedLanguageError(FidelityError):
    """A language that no configured encoder covers."""


class ModelUnavailableError(FidelityError):
    """A model that is neither on disk nor downloadable now (offline, no network, unknown name)."""


class TranslationError(FidelityError):
    """A translation model that cannot translate the requested language pair."""
