"""Sphinx configuration of the course website. Built by tools/build_site.py (``python3 course.py
site``), which stages the pages and sets EMOLAB_SITE_MODEL; see that file for why Sphinx with
MyST-NB and sphinx-book-theme rather than Jupyter Book 2 / MyST."""

import os

project = "Emotion-recognition AI and its limits"
author = "The course's authors"
copyright = "the course's authors; MIT licence (code). Images: credits and licences beside each one"

extensions = ["myst_nb"]
root_doc = "index"
exclude_patterns = ["_build", "**.ipynb_checkpoints"]

# The build script executed the lessons already (offline, against the asset mirror): Sphinx only
# renders. Exercises are shown as they are, without answers.
nb_execution_mode = "off"
# No widget manager from a CDN: the site works offline, and widgets are replaced by a note.
nb_ipywidgets_js = {}
nb_merge_streams = True
myst_enable_extensions = ["colon_fence", "dollarmath"]
myst_heading_anchors = 3
suppress_warnings = []

MODEL = os.environ.get("EMOLAB_SITE_MODEL", "(unknown: build with python3 course.py site)")
EXECUTED = bool(os.environ.get("EMOLAB_SITE_EXECUTED"))

html_theme = "sphinx_book_theme"
html_title = project
html_static_path = []
# One theme component overridden, for accessibility (see the file).
templates_path = ["_templates"]
html_theme_options = {
    "announcement": (
        f"Every result on this site was produced with the emotion model: {MODEL}. "
        "Outputs were executed offline, against the course's asset mirror."
        if EXECUTED
        else f"Model used by the course: {MODEL}. This build shows the lessons without their outputs."
    ),
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "use_repository_button": False,
}
html_show_sourcelink = False
html_copy_source = False
html_last_updated_fmt = None
