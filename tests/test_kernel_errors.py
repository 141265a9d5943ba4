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
