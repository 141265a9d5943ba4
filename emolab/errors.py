"""Errors a learner can meet, each with a plain message and advice on what to do.

In IPython and Jupyter they show as two short lines (what happened, what to do) instead of a
traceback, through IPython's ``_render_traceback_`` hook; anywhere else they are ordinary
exceptions.
"""

from __future__ import annotations


class EmolabError(Exception):
    """Base class: ``str(err)`` says what went wrong, ``err.advice`` what to do about it."""

    advice = "Check the input and try again."

    def __init__(self, message: str, advice: str | None = None):
        super().__init__(message)
        if advice is not None:
            self.advice = advice

    def friendly(self) -> str:
        return f"{self}\nWhat to do: {self.advice}"

    def _render_traceback_(self) -> list[str]:
        return [f"{type(self).__name__}: {self}", f"What to do: {self.advice}"]


class ImageLoadError(EmolabError):
    """The input could not be turned into a picture."""

    advice = "Use a JPEG or PNG photo (a path, bytes, a PIL image or a NumPy array)."


class NotAnImageError(ImageLoadError):
    advice = "Pick a photo file (JPEG or PNG). Text, PDFs and videos are not images."


class EmptyFileError(ImageLoadError):
    advice = "The file has no bytes: the download or copy probably failed. Save the photo again."


class CorruptImageError(ImageLoadError):
    advice = "The file is damaged or cut short. Open it in an image viewer, save it again and retry."


class ImageTooLargeError(ImageLoadError):
    advice = "Shrink the photo (for example to 4000 pixels on the long side) and try again."


class ImageTooSmallError(ImageLoadError):
    advice = "Use a photo at least 48x48 pixels, with the face filling a good part of it."


class BadArrayError(ImageLoadError):
    advice = (
        "Pass an array of shape (height, width) or (height, width, 3) with values 0-255 and say "
        "its channel order, e.g. analyze(array, color='rgb')."
    )


class AssetError(EmolabError):
    advice = "Check the file name against emolab.assets.catalog()."


class ChecksumError(AssetError):
    advice = (
        "The file differs from the one the course pinned, so it was not used. Delete it from the "
        "cache (emolab.assets.cache_dir()) and run the cell again; if it persists, report it."
    )


class OfflineError(AssetError):
    advice = (
        "This machine cannot reach the internet. Ask your instructor for the course's asset folder "
        "and set EMOLAB_OFFLINE_DIR to it, or run the set-up once while online."
    )


# ---------------------------------------------------------------------------------------------
# A NameError for one of the course's own names says which import brings it in.

OTHER_SPELLING = {"analyse": "analyze", "analyze": "analyse"}


def missing_name_hint(name: str | None) -> str | None:
    """'from emolab import analyse (also spelled analyze)' when ``name`` is in the course package."""
    import importlib.util

    import emolab

    if not name or name.startswith("_"):
        return None
    if name not in emolab.__all__ and importlib.util.find_spec(f"emolab.{name}") is None:
        return None
    other = OTHER_SPELLING.get(name)
    also = f" (the same function is also spelled {other})" if other else ""
    return f"What to do: '{name}' comes from the course package. Run  from emolab import {name}{also}"


def _name_error_with_hint(shell, etype, value, tb, tb_offset=None):
    stb = shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
    hint = missing_name_hint(getattr(value, "name", None))
    if hint:
        stb = [*stb, hint]
    shell._showtraceback(etype, value, stb)
    return stb


def install_name_hints() -> None:
    """In IPython or Jupyter, add the import to use under a NameError for a course name."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and not shell.custom_exceptions:  # never replace someone else's handler
        shell.set_custom_exc((NameError,), _name_error_with_hint)
