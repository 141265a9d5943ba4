"""emolab: the helper package of the course "Emotion-recognition AI and its limits".

Import it before anything imports deepface: it points DeepFace at the ONNX backend and at the
course's weights folder.

Map of the package (keep it up to date when you add a module). "Lessons" counts the lesson, its
exercises and its solution.

=====================  =========================================================  ==========
module                 what it holds                                              lessons
=====================  =========================================================  ==========
``setup``              environment for DeepFace (ONNX backend, weights folder),   all
                       run on ``import emolab``
``core``               ``analyze`` (also spelled ``analyse``), ``analyze_frame``,  1-5
                       ``analyze_many``, ``model_info``, ``detector_info``,
                       ``EMOTIONS``, ``PIPELINES``; ``Analysis`` and ``Face``:
                       DeepFace's pipeline step by step, with a choice of
                       detector (``opencv``, ``yunet``) and emotion model
                       (``fer2013``, ``raf-db``), each named by its sha256
``zoo``                the OpenCV Zoo's YuNet detector (boxes, 5 landmarks) and    4, 5
                       its RAF-DB emotion model: 5-landmark alignment, 112x112
                       colour input, scores in ``EMOTIONS`` order; licences
``analysis_cache``     results for course images, computed once and kept on disk  all
                       (never a learner's photo or frame); ``clear_cache``
``images``             ``load_image``: any photo input to RGB, EXIF turned         all; 3 directly
``errors``             ``EmolabError`` and friends: a plain message and advice     all
``assets``             the course's licensed images, clips and model files         1, 2, 3
                       (pinned sha256, offline mirror); ``analyze_assets``
``display``            ``Figure`` (picture + alt text + caption), ``PALETTE``,     1, 2, 3
                       credits; lesson 1's pipeline and gallery figures
``facts``              published numbers with their sources (FER2013 counts)      1
``video``              ``Trace`` (scores over time: clips, recordings, by hand),   2, 3
                       ``analyze_clip``, flip and firing measures,
                       ``trace_plot``, ``strip_plot``
``composite``          the same face pasted into scenes, composite licences,      3
                       ``composites_plot``, ``scores_plot``, ``inputs_plot``
``context``            how much of a photo the model is given (``pixel_share``),  3
                       ``scene_and_crop``
``alerts``             the CCTV alert rule (``AlertRule``), flag tables,          3
                       the threshold explorer
``audit``              who the classifier fails: people sets (``london_set``,     4, 5
                       self-reported; ``fairface_set``, annotators' guesses),
                       per-group rates with Wilson and people-bootstrap
                       intervals, ``run_audit``, ``audit_pipelines``,
                       ``compare_plot``, power simulation, the audit card
``degrade``            what a CCTV camera does to a face: small pure functions    5
                       (face height, blur, motion blur, JPEG, low light,
                       infrared, camera pitch, distance; mask and sunglasses
                       drawn as simulations) and ``DEGRADATIONS``, the registry
``robustness``         where labels flip: ``people`` (the stated subset),         5
                       ``sweep`` (degrade, then analyse; cached, threaded),
                       ``Sweep.curves`` with Wilson intervals, ``first_flips``,
                       ``curves_plot``, ``curves_table``, ``overview_plot``,
                       ``examples_plot`` (one photo, degraded each way);
                       agreement between two pipelines (``agreement``,
                       ``cohen_kappa``)
``station``            a station's day under the alert rule: ``StationInputs``    6
                       (every assumption, the two hypothetical ones flagged),
                       per-frame rates measured from clips, London neutral
                       photos and a lesson 5 sweep (Wilson + people bootstrap),
                       ``simulate`` (closed form: runs of k frames, independent
                       or correlated), ``monte_carlo``, ``flagged_by_group``,
                       ``camera_scenarios``, ``tree_plot``, ``group_split_plot``
``poll``               a drop-down poll for learners' own guesses (keyboard-safe   3
                       widget; answers in memory only)
``explorer``           ``ThresholdExplorer``: the threshold explorer's labelled   3
                       sliders (used by ``alerts.threshold_explorer``)
``station_explorer``   lesson 6's station explorer: labelled sliders for the      6
                       simulator's main inputs (threshold re-measured from a
                       ``Measurement``; the hypothetical ones flagged), a live
                       summary and frequency tree; ``explore`` prints a fixed
                       summary and tree first
``provisions``         the statements of law and reported facts lesson 7 rests     7, 8
                       on: citation, the course's words, the facts brief's flag
                       (VERIFIED-P/-S, UNVERIFIED), verbatim text where given
``law``                ``Facts`` (the law's questions), ``classify``: a           7, 8
                       deployment walked through the AI Act, the GDPR, the
                       CNIL's doctrine, China and the US, step by step, each
                       step with its provision; ``changed``, ``compare``
``deployments``        ``SCENARIOS``: deployments as records (who, where, what    7, 8
                       for, what is computed, who sees it, status) with the
                       course's answers; ``scenario_table``
``law_classifier``     the law classifier widget (a scenario, five questions,     7
                       where the learner's answers and the course's differ and
                       why); ``course_table``, its static form
``review``             lesson 8's deployment review: ``PROPOSAL``, the evidence   8
                       of lessons 4-7 (``gather``; ``save_evidence``/``keep``
                       write a small JSON only when asked), ``Review`` (the
                       learner's sections, the document with alt text and
                       credits), the worked ``example`` reviews
``rubric``             the capstone rubric as data (levels, criteria, the         8
                       instructor's marks for the worked examples)
``static``             the poll's, the explorers' JavaScript and CSS, and         2-7
                       ``common.js``, the helpers every widget shares
``widget_files``       ``widget_module``: a widget's ES module (``common.js``     2-7
                       followed by its own file)
``private``            ``show``, ``PrivateText``, ``PrivateFigure``: results      2, 3
                       computed from the camera or a learner's own photo, shown
                       live and never saved in the notebook file
``server_hooks``       the save hook ``course.py start`` installs: no widget      (server)
                       state in saved notebooks
``download``           ``python3 course.py download DIR``: every course file in    (instructors)
                       one folder for ``EMOLAB_OFFLINE_DIR`` (sha256-checked,
                       resumable, reports what it could not fetch)
``webcam.counting``    the counting-only camera: faces per window, released       7
                       only when at least k were seen at once (``WindowCounter``,
                       ``count_clip``, ``counting_camera``); no emotion model
``webcam.widget``      ``camera()``: the live camera (or sample clip) widget;    2, 3
                       ``simulated_camera()``: the same widget, simulated
``webcam.recorder``    ``Recorder``: bounded in-memory recording; ``.trace()``     2, 3
``webcam.clips``       ``record_clip``: a sample clip's Trace, without a browser  2
``webcam.simulated``   a simulated camera for classrooms without webcams: one     2
                       London Set photo with shot noise and sway, then dimming
                       light, then a 2-D turn (``SimulatedCamera``);
                       ``record_simulation``: its Trace, with each frame's phase
``webcam.frames``      JPEG and payload helpers of the widget (in memory only)    2, 3
``webcam.stats``       frame counts and timings of the widget's loop              2, 3
``webcam.server``      the Jupyter server setting for low-latency websockets      (server)
``webcam/static``      the widget's JavaScript and CSS                            2, 3
``checks``             ``Grader``, ``@check`` and the ``require_*`` helpers       1-8
``checks.lessonNN``    the exercise checks of lesson NN                           NN
=====================  =========================================================  ==========

No module is named after a lesson except ``checks/lessonNN.py``. Within a module, the
``*_plot`` functions return a complete ``display.Figure``; the ``*_figure`` functions draw the
matplotlib picture alone.
"""

from . import setup as _setup

_setup.configure_environment()

from .analysis_cache import clear as clear_cache  # noqa: E402
from .core import (  # noqa: E402  (the environment must be set before deepface loads)
    EMOTIONS,
    PIPELINES,
    Analysis,
    DetectorInfo,
    Face,
    ModelInfo,
    analyse,
    analyze,
    analyze_frame,
    analyze_many,
    detector_info,
    model_info,
)
from .errors import EmolabError, install_name_hints  # noqa: E402
from .images import LoadedImage, load_image  # noqa: E402

__all__ = [
    "EMOTIONS",
    "PIPELINES",
    "Analysis",
    "DetectorInfo",
    "Face",
    "ModelInfo",
    "EmolabError",
    "LoadedImage",
    "analyse",
    "analyze",
    "analyze_frame",
    "analyze_many",
    "clear_cache",
    "detector_info",
    "load_image",
    "model_info",
]

install_name_hints()
