"""The Jupyter server's side of the course's privacy promise (``course.py start`` installs it).

``strip_widget_state`` runs before every save (``ContentsManager.pre_save_hook``) and removes
widget state from the notebook. Results computed from the camera are shown in widgets (see
``emolab.private``); JupyterLab does not save widget state unless a learner turns that setting
on, and ``course.py start`` pins it off. This hook is the second line: even with the setting on,
no widget state reaches a notebook file. Hub admins can set the same hook in the single-user
server's config: ``c.ContentsManager.pre_save_hook = "emolab.server_hooks.strip_widget_state"``.
"""

from __future__ import annotations


def strip_widget_state(model: dict, **_context) -> None:
    """Drop ``metadata.widgets`` from a notebook about to be saved (other files are untouched)."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    model["content"].get("metadata", {}).pop("widgets", None)
