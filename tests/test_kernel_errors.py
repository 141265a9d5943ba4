"""In a real Jupyter kernel, a learner's bad input shows what to do, not a traceback."""

from __future__ import annotations

import nbformat
from nbclient import NotebookClient


def run_cells(*sources: str):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    NotebookClient(notebook, timeout=300, kernel_name="python3", allow_errors=True).execute()
    return notebook


def test_bad_input_shows_message_and_advice_and_the_kernel_lives_on(tmp_path):
    text_file = tmp_path / "not-a-photo.jpg"
    text_file.write_text("hello")
    notebook = run_cells(
        "import emolab",
        f"emolab.analyze({str(text_file)!r})",
        "emolab.analyze(b'')",
        "print('kernel still alive')",
    )
    for cell, expected in ((notebook.cells[1], "NotAnImageError"), (notebook.cells[2], "EmptyFileError")):
        error = cell.outputs[-1]
        assert error.output_type == "error" and error.ename == expected
        assert len(error.traceback) == 2, f"a traceback was shown: {error.traceback}"
        assert error.traceback[1].startswith("What to do:")
    assert notebook.cells[3].outputs[0].text.strip() == "kernel still alive"


def test_a_course_file_name_gets_the_fetch_call_and_a_typo_the_folder_advice():
    from emolab.errors import ImageLoadError
    from emolab.images import load_image

    for name, advice in (
        ("fairface/fairface_0164.jpg", 'analyze(assets.fetch("fairface/fairface_0164.jpg"))'),
        ("no_such_photo.jpg", "Check the spelling and the folder"),
    ):
        try:
            load_image(name)
        except ImageLoadError as error:
            assert advice in error.advice, error.advice
        else:
            raise AssertionError(f"{name} loaded")


def test_a_name_error_for_a_course_name_says_which_import_brings_it_in():
    notebook = run_cells(
        "from emolab import analyze",
        "analyse('x.jpg')",
        "assets.collection('london')",
        "my_own_typo",
    )
    hints = [cell.outputs[-1].traceback[-1] for cell in notebook.cells[1:]]
    assert "from emolab import analyse" in hints[0] and "also spelled analyze" in hints[0]
    assert "from emolab import assets" in hints[1]
    assert "emolab" not in hints[2]  # an ordinary NameError keeps its ordinary traceback
    assert all(cell.outputs[-1].ename == "NameError" for cell in notebook.cells[1:])
