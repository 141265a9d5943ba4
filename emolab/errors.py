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
