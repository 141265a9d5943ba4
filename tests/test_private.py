"""What is computed from the camera is shown, never saved: in a real kernel (nbclient keeps every
output a front end would save), its cells leave only the NOT_SAVED line in the notebook."""

from __future__ import annotations

import json

import nbformat
import numpy as np
from nbclient import NotebookClient

from emolab import private, video
from emolab.core import EMOTIONS
from emolab.private import NOT_SAVED
from emolab.webcam.recorder import Recorder

SCORES = [0.05, 0.05, 0.6, 0.1, 0.1, 0.05, 0.05]  # "fear" on top; the digits are looked for below

FILL_RECORDER = f"""
from emolab.webcam.recorder import Recorder
recorder = Recorder(clock=lambda: 0.0)
for i in range(50):
    recorder.add({SCORES!r}, "fear", t=i * 0.04)
"""


def run_cells(*sources: str):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    NotebookClient(notebook, timeout=300, kernel_name="python3").execute()
    return notebook


def saved_text(cell) -> str:
    return json.dumps(cell.get("outputs", []))


def filled_recorder(**settings) -> Recorder:
    recorder = Recorder(clock=lambda: 0.0, **settings)
    for i in range(50):
        recorder.add(SCORES, "fear", t=i * 0.04)
    return recorder


def test_camera_results_in_a_kernel_leave_only_the_not_saved_line():
    notebook = run_cells(
        FILL_RECORDER,
        "recorder.summarise(10)",
        "recorder.plot()",
        "from emolab import video\nvideo.trace_plot(recorder)",
        "video.summary(recorder.trace())",
        "from emolab import private\nprivate.show('fear 0.6 from my face', video.trace_plot(recorder))",
    )
    for cell in notebook.cells[1:]:
        outputs = cell.outputs
        assert [o.output_type for o in outputs] == ["display_data"], cell.source
        assert outputs[0]["data"]["text/plain"] == NOT_SAVED
        assert "application/vnd.jupyter.widget-view+json" in outputs[0]["data"]
        text = saved_text(cell)
        for leak in ("fear", "0.6", "image/png", "frames"):
            assert leak not in text, (leak, cell.source)


def test_a_clip_trace_is_an_ordinary_output():
    notebook = run_cells(
        "from emolab import video\nimport numpy as np\n"
        f"trace = video.as_trace(np.array([{SCORES!r}] * 30))\nvideo.trace_plot(trace)"
    )
    assert "image/png" in saved_text(notebook.cells[0])


def test_camera_objects_are_marked_and_others_are_not():
    camera = filled_recorder()
    assert isinstance(camera.summarise(), private.PrivateText)
    assert isinstance(video.trace_plot(camera), private.PrivateFigure)
    assert isinstance(video.summary(camera), private.PrivateText)
    clip_like = filled_recorder(from_camera=False)
    assert not isinstance(clip_like.summarise(), private.PrivateText)
    assert not isinstance(video.trace_plot(clip_like), private.PrivateFigure)


def test_the_view_keeps_no_data_in_its_plain_text_form():
    view = private.private_view("<pre>fear 0.600</pre>")
    bundle = view._repr_mimebundle_()
    assert bundle["text/plain"] == NOT_SAVED and "fear" not in json.dumps(bundle)


def test_a_private_figure_offers_ipython_nothing_but_its_own_display():
    figure = video.trace_plot(filled_recorder())
    assert not hasattr(figure, "_repr_html_") and not hasattr(figure, "_repr_png_")
    assert figure.alt and "fear" in figure.alt  # the figure itself is all there


def test_without_a_notebook_front_end_the_text_is_printed(capsys):
    private.show("fear 0.6", "second line")
    assert capsys.readouterr().out == "fear 0.6\nsecond line\n"


def test_summarise_counts_labels_and_changes():
    recorder = Recorder(clock=lambda: 0.0, model_name="TestNet")
    for i, label in enumerate(["happy", "happy", "sad", "happy"]):
        scores = np.full(len(EMOTIONS), 0.0)
        scores[EMOTIONS.index(label)] = 1.0
        recorder.add(scores, label, t=i * 0.5)
    text = recorder.summarise(10)
    assert "4 frames with a face over 2.0 s (TestNet)" in text
    assert "happy 75%, sad 25%" in text and "changed 2 times" in text
    empty = Recorder().summarise(10)
    assert "Nothing recorded" in empty and not isinstance(empty, private.PrivateText)
    assert not isinstance(video.trace_plot(Recorder()), private.PrivateFigure)


def test_trace_caption_explains_gaps():
    times = np.array([0.0, 0.04, 0.08, 3.0, 3.04])
    scores = np.array([SCORES, SCORES, [np.nan] * 7, SCORES, SCORES])
    trace = video.Trace(times, scores, ["fear", "fear", "", "fear", "fear"])
    note = video.gap_note(trace)
    assert "1 of 5 frames had no face" in note and "1 pause(s) of more than 1 s" in note
    assert video.gap_note(video.as_trace(np.array([SCORES] * 5))) == ""


def test_saved_parts_are_ordinary_outputs_and_private_ones_are_not():
    notebook = run_cells(
        FILL_RECORDER,
        "from emolab import private, video\n"
        "private.show(video.trace_plot(recorder), 'a clip line', saved=True)",
        "private.show(video.trace_plot(recorder), 'fear 0.6 from my face')",
    )
    saved, hidden = notebook.cells[1].outputs, notebook.cells[2].outputs
    assert "image/png" in saved_text(notebook.cells[1]) or "<img" in saved_text(notebook.cells[1])
    assert any(o.output_type == "stream" and o.text == "a clip line\n" for o in saved)
    assert [o["data"]["text/plain"] for o in hidden] == [NOT_SAVED]


def test_a_learners_own_photo_is_shown_but_not_saved_and_a_course_photo_is_saved(tmp_path):
    from emolab import assets

    own = tmp_path / "me.jpg"
    own.write_bytes(assets.fetch("london/smiling/001_08.jpg").read_bytes() + b"\\0")  # not a course file
    notebook = run_cells(
        "from emolab import analyze, assets\nfrom emolab.display import show_result",
        f"show_result(analyze({str(own)!r}))",
        "show_result(analyze(assets.fetch('london/smiling/001_08.jpg')))",
    )
    own_outputs, course_outputs = saved_text(notebook.cells[1]), saved_text(notebook.cells[2])
    assert NOT_SAVED in own_outputs and "Faces found" not in own_outputs and "<img" not in own_outputs
    assert "Faces found" in course_outputs and "<img" in course_outputs
