// emolab counting camera: front end (anywidget ESM).
//
// Counts faces, nothing else. The browser shows the camera picture itself (nothing is drawn on
// it) and sends downscaled JPEGs to the kernel as custom-message buffers (never as synced state);
// the kernel answers each frame with one number, the faces it found, and, when a window of time
// closes, the table of closed windows. Frames live in memory until they are sent, then are dropped.
//
// Flow control as in the camera widget: at most `max_in_flight` frames wait for an answer, at
// most `fps_cap` frames a second are sent, a frame unanswered after `watchdog_ms` is forgotten,
// and the camera is turned off when the kernel stays silent for `silence_stop_ms`.

const COUNT_ADVICE = {
  NotFoundError: "No camera was found. Plug one in and press \"Start camera\" again, or press \"Count the sample clip\".",
  NotAllowedError:
    "Camera permission was refused. Allow the camera for this page (the camera icon in the address bar) " +
    "and press \"Start camera\" again, or press \"Count the sample clip\".",
  NotReadableError:
    "The camera is busy or could not be opened: another program or tab may be using it. Close it and " +
    "press \"Start camera\" again, or press \"Count the sample clip\".",
  InsecureContext:
    "The camera only works on a secure page: https, or http://localhost. Use the hub's https address or " +
    "an ssh tunnel, or press \"Count the sample clip\".",
  NoMediaDevices:
    "This browser gives no access to cameras here. Use a current browser on a secure page, or press " +
    "\"Count the sample clip\".",
};

function countAdvice(errorName, detail) {
  return COUNT_ADVICE[errorName] ||
    `The camera could not start (${errorName}: ${detail}). Press "Count the sample clip" to count a recorded clip instead.`;
}

function countButton(label, ariaLabel, className) {
  return element("button", { type: "button", "aria-label": ariaLabel, class: className }, label);
}

function buildCountUi(el, model) {
  const root = element("div", { class: "emolab-count", role: "group", "aria-label": "Face-counting camera" });
  const notice = element("p", { class: "emolab-count-notice" }, model.get("notice"));
  const rule = element("p", { class: "emolab-count-rule" }, model.get("rule"));
  const controls = element("div", { class: "emolab-count-controls" });
  const start = countButton("Start camera", "Start counting faces with the camera", "emolab-count-start");
  const clip = countButton("Count the sample clip", "Count the faces in the licensed sample clip instead", "emolab-count-clip");
  const stop = countButton("Stop", "Stop counting and turn the camera off", "emolab-count-stop");
  controls.append(start, clip, stop);
  const badge = element("span", { class: "emolab-count-badge", "aria-hidden": "true" });
  const status = element("p", { class: "emolab-count-status", role: "status", "aria-live": "polite" });
  const live = element("p", { class: "emolab-count-live" }, "Faces in the current frame: ");
  const now = element("output", { class: "emolab-count-now" }, "–");
  live.append(now);
  const stage = element("div", { class: "emolab-count-stage" });
  const video = element("video", { class: "emolab-count-video", muted: "", playsinline: "", "aria-hidden": "true" });
  video.muted = true;
  const clipCanvas = element("canvas", { class: "emolab-count-clipframe", "aria-hidden": "true" });
  stage.append(video, clipCanvas);
  const credit = element("p", { class: "emolab-count-credit" });
  const windows = element("div", { class: "emolab-count-windows" });
  root.append(notice, rule, controls, badge, status, live, stage, credit, windows);
  keepKeysFromJupyterLab(root);
  el.append(root);
  return { root, notice, rule, start, clip, stop, badge, status, now, stage, video, clipCanvas, credit, windows };
}

function setCountStatus(ui, mode, text) {
  ui.root.dataset.mode = mode;
  ui.badge.textContent = { camera: "● CAMERA ON", clip: "▶ SAMPLE CLIP", error: "⚠" }[mode] || "";
  ui.status.textContent = text;
  ui.start.disabled = mode === "camera";
  ui.clip.disabled = mode === "clip";
  ui.stop.disabled = mode !== "camera" && mode !== "clip";
}

function facesText(number) {
  return `${number} face${number === 1 ? "" : "s"}`;
}

function windowRow(closed, k) {
  const row = element("tr", { "data-released": String(closed.released) });
  row.append(element("td", {}, `${closed.start_s.toFixed(1)} to ${closed.end_s.toFixed(1)}`));
  row.append(element("td", {}, String(closed.frames)));
  if (closed.released) {
    row.append(element("td", {}, closed.mean_faces.toFixed(2)), element("td", {}, String(closed.peak_faces)));
  } else {
    row.append(element("td", { colspan: "2" }, `suppressed: fewer than ${facesText(k)} at once`));
  }
  return row;
}

function drawWindows(ui, windows, model) {
  ui.windows.textContent = "";
  const released = windows.filter((closed) => closed.released).length;
  ui.root.dataset.released = String(released);
  if (!windows.length) {
    ui.windows.append(element("p", {}, `No window has closed yet. A window closes every ${model.get("window_seconds")} s.`));
    return;
  }
  const table = element("table", { class: "emolab-count-table" });
  table.append(element("caption", {}, `Closed windows: ${released} of ${windows.length} released`));
  const head = element("tr", {});
  for (const title of ["Window (s)", "Frames", "Mean faces per frame", "Most faces at once"]) {
    head.append(element("th", { scope: "col" }, title));
  }
  const thead = element("thead", {});
  thead.append(head);
  const tbody = element("tbody", {});
  for (const closed of windows) tbody.append(windowRow(closed, model.get("k")));
  table.append(thead, tbody);
  ui.windows.append(table);
}

class CountFlow {
  // Frames sent and not yet answered.
  constructor(model) {
    this.model = model;
    this.inFlight = new Map(); // seq -> time sent (ms)
    this.seq = 0;
    this.lastSend = -Infinity;
    this.lastAnswer = performance.now();
  }
  silentFor(now) {
    return this.inFlight.size ? now - this.lastAnswer : 0;
  }
  canSend(now) {
    for (const [seq, sent] of this.inFlight) {
      if (now - sent > this.model.get("watchdog_ms")) this.inFlight.delete(seq);
    }
    const gap = 1000 / Math.max(1, this.model.get("fps_cap"));
    return this.inFlight.size < this.model.get("max_in_flight") && now - this.lastSend >= gap;
  }
  sent(now) {
    this.seq += 1;
    this.lastSend = now;
    this.inFlight.set(this.seq, now);
    return this.seq;
  }
  answered(seq, now) {
    this.lastAnswer = now;
    return this.inFlight.delete(seq);
  }
  reset() {
    this.inFlight.clear();
    this.seq = 0;
    this.lastAnswer = performance.now();
  }
}

class CountSession {
  constructor(model, ui) {
    this.model = model;
    this.ui = ui;
    this.mode = "off";
    this.stream = null;
    this.timer = null;
    this.flow = new CountFlow(model);
    this.encoder = document.createElement("canvas");
    this.onMessage = this.onMessage.bind(this);
    this.tick = this.tick.bind(this);
    ui.start.addEventListener("click", () => this.startCamera());
    ui.clip.addEventListener("click", () => this.startClip());
    ui.stop.addEventListener("click", () => this.stop("Stopped. The camera is off."));
    setCountStatus(ui, "off", "Camera off. Nothing starts until you press \"Start camera\".");
  }

  report(state, extra = {}) {
    try {
      this.model.send({ type: "state", state, ...extra });
    } catch (error) {
      // the kernel is gone; nothing to tell
    }
  }

  fail(errorName, detail) {
    const message = countAdvice(errorName, detail);
    this.stop(null);
    setCountStatus(this.ui, "error", message);
    this.report("error", { error: errorName, message });
  }

  async startCamera() {
    this.stop(null);
    if (!window.isSecureContext) return this.fail("InsecureContext", "");
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return this.fail("NoMediaDevices", "");
    this.ui.credit.textContent = "";
    setCountStatus(this.ui, "off", "Asking the browser for the camera…");
    const size = this.model.get("capture_size");
    try {
      const stream = await navigator.mediaDevices.getUserMedia({
        audio: false,
        video: { width: { ideal: size[0] }, height: { ideal: size[1] } },
      });
      if (this.disposed) return stopCountTracks(stream);
      this.stream = stream;
      this.ui.video.srcObject = stream;
      await this.ui.video.play();
    } catch (error) {
      return this.fail(error && error.name ? error.name : "Error", error && error.message);
    }
    this.enter("camera", "Camera on: the kernel counts faces in each frame and keeps only the counts. " +
      "Press \"Stop\" to turn it off.");
  }

  startClip() {
    this.stop(null);
    this.ui.credit.textContent = this.model.get("clip_credit");
    this.enter("clip", "Counting the faces in the sample clip (decoded by the kernel). Press \"Stop\" to end it.");
  }

  enter(mode, text) {
    this.mode = mode;
    this.flow.reset();
    this.ui.now.textContent = "–";
    setCountStatus(this.ui, mode, text);
    this.report(mode === "camera" ? "camera_on" : "clip_on");
    this.timer = setInterval(this.tick, 10);
  }

  stop(text) {
    const wasOn = this.mode === "camera" || this.mode === "clip";
    clearInterval(this.timer);
    this.timer = null;
    if (this.stream) stopCountTracks(this.stream);
    this.stream = null;
    this.ui.video.srcObject = null;
    this.mode = "off";
    this.flow.reset();
    if (text !== null) setCountStatus(this.ui, "off", text);
    if (wasOn && !this.disposed) this.report("off");
  }

  tick() {
    const now = performance.now();
    if (this.flow.silentFor(now) > this.model.get("silence_stop_ms")) {
      return this.stop("The kernel has not answered for a while (busy, restarted or stopped), so the camera " +
        "was turned off. When the kernel is free, press \"Start camera\" again.");
    }
    if (!this.flow.canSend(now)) return;
    if (this.mode === "clip") {
      const seq = this.flow.sent(now);
      this.model.send({ type: "clip_next", seq, max_side: this.model.get("send_max_side") });
    } else if (this.mode === "camera" && this.ui.video.readyState >= 2) {
      this.sendFrame(now);
    }
  }

  sendFrame(now) {
    const video = this.ui.video;
    const scale = Math.min(1, this.model.get("send_max_side") / Math.max(video.videoWidth, video.videoHeight));
    this.encoder.width = Math.max(1, Math.round(video.videoWidth * scale));
    this.encoder.height = Math.max(1, Math.round(video.videoHeight * scale));
    this.encoder.getContext("2d").drawImage(video, 0, 0, this.encoder.width, this.encoder.height);
    const seq = this.flow.sent(now); // reserve the slot now: encoding is asynchronous
    this.encoder.toBlob(async (blob) => {
      if (!blob || this.mode !== "camera") return this.flow.inFlight.delete(seq);
      const data = await blob.arrayBuffer();
      this.flow.inFlight.set(seq, performance.now());
      this.model.send({ type: "frame", seq }, undefined, [data]);
    }, "image/jpeg", this.model.get("jpeg_quality"));
  }

  onMessage(msg, buffers) {
    if (!msg || typeof msg.type !== "string") return;
    if (msg.windows) drawWindows(this.ui, msg.windows, this.model);
    if (msg.error) this.ui.status.textContent = `The kernel could not count this frame: ${msg.error}`;
    if (msg.type === "count") return this.onCount(msg, "camera");
    if (msg.type === "clip_frame") return this.onClipFrame(msg, buffers);
    if (msg.type === "stop") return this.stop(msg.text || "Stopped from Python. The camera is off.");
    if (msg.type === "clip_error") this.fail("ClipError", msg.text);
  }

  onCount(msg, mode) {
    const fresh = this.flow.answered(msg.seq, performance.now());
    if (!fresh || this.mode !== mode || typeof msg.faces !== "number") return false;
    this.ui.now.textContent = String(msg.faces);
    this.ui.root.dataset.faces = String(msg.faces);
    return true;
  }

  async onClipFrame(msg, buffers) {
    if (!this.onCount(msg, "clip") || !buffers || !buffers.length) return;
    const bitmap = await createImageBitmap(new Blob([buffers[0]], { type: "image/jpeg" }));
    if (this.mode !== "clip") return bitmap.close();
    const canvas = this.ui.clipCanvas;
    canvas.width = bitmap.width;
    canvas.height = bitmap.height;
    canvas.getContext("2d").drawImage(bitmap, 0, 0);
    bitmap.close();
  }

  dispose() {
    this.stop(null);
    this.disposed = true;
  }
}

function stopCountTracks(stream) {
  for (const track of stream.getTracks()) track.stop();
}

function render({ model, el }) {
  const ui = buildCountUi(el, model);
  const session = new CountSession(model, ui);
  drawWindows(ui, [], model);
  model.on("msg:custom", session.onMessage);
  const stopRedraw = redrawOnChange(model, ["notice", "rule"], () => {
    ui.notice.textContent = model.get("notice");
    ui.rule.textContent = model.get("rule");
  });
  model.send({ type: "hello" });
  const stopOnDestroy = () => session.dispose();
  model.on("destroy", stopOnDestroy); // widget closed from Python
  const stopOnDisconnect = () => {
    session.stop("The kernel restarted or disconnected, so the camera was turned off. Run the cell again to start over.");
  };
  model.on("comm_live_update", stopOnDisconnect);
  return () => {
    // the view goes away: output cleared, cell re-run, notebook closed
    session.dispose();
    stopRedraw();
    model.off("msg:custom", session.onMessage);
    model.off("destroy", stopOnDestroy);
    model.off("comm_live_update", stopOnDisconnect);
  };
}

export default { render };
