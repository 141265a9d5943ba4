// emolab camera widget: front end (anywidget ESM).
//
// The browser captures frames with getUserMedia, sends downscaled JPEGs to the kernel as
// custom-message buffers (never as synced state) and draws the kernel's answer (boxes, top
// label, probability bars) over the live video. Nothing is stored: each frame lives in memory
// until it is sent, then it is dropped.
//
// Flow control: at most `max_in_flight` frames wait for an answer, at most `fps_cap` frames a
// second are sent, and a watchdog forgets a frame whose answer is later than `watchdog_ms`, so a
// busy kernel slows the loop down but never stalls it.

const ERROR_ADVICE = {
  NotFoundError:
    "No camera was found. Plug one in (or enable it in your system settings) and press " +
    "\"Start camera\" again, or press \"Play sample clip\" to use a recorded clip instead.",
  NotAllowedError:
    "Camera permission was refused. Allow the camera for this page (the camera icon in the " +
    "address bar) and press \"Start camera\" again, or press \"Play sample clip\" instead.",
  NotReadableError:
    "The camera is busy or could not be opened: another program or browser tab may be using " +
    "it. Close it and press \"Start camera\" again, or press \"Play sample clip\" instead.",
  OverconstrainedError:
    "The camera cannot deliver the requested size. Try a smaller size, or press \"Play " +
    "sample clip\" instead.",
  AbortError:
    "The camera was opened but stopped at once. Press \"Start camera\" again, or press " +
    "\"Play sample clip\" instead.",
  SecurityError:
    "The browser blocked the camera on this page. Open JupyterLab over https, or through an " +
    "ssh tunnel to localhost, or press \"Play sample clip\" instead.",
  InsecureContext:
    "The camera only works on a secure page: https, or http://localhost. This page is plain " +
    "http to another machine. Use the hub's https address, or an ssh tunnel " +
    "(ssh -L 8888:localhost:8888 you@server, then open http://localhost:8888), or press " +
    "\"Play sample clip\" instead.",
  NoMediaDevices:
    "This browser gives no access to cameras here. Use a current Firefox, Chrome, Edge or " +
    "Safari on a secure page (https or localhost), or press \"Play sample clip\" instead.",
};

function adviceFor(errorName, detail) {
  const advice = ERROR_ADVICE[errorName];
  if (advice) return advice;
  return `The camera could not start (${errorName}: ${detail}). Press "Play sample clip" to use a recorded clip instead.`;
}

function button(label, ariaLabel, className) {
  const node = element("button", { type: "button", "aria-label": ariaLabel, class: className }, label);
  return node;
}

function buildUi(el, model) {
  // The buttons of the widget's sources only ("camera", "clip", "simulation"); Stop always.
  const sources = model.get("sources") || ["camera", "clip"];
  const cameraOn = sources.includes("camera");
  const root = element("div", { class: "emolab-cam", role: "group", "aria-label": cameraOn ? "Emotion classifier camera" : "Emotion classifier, simulated camera" });
  const controls = element("div", { class: "emolab-cam-controls" });
  const start = cameraOn ? button("Start camera", "Start camera", "emolab-cam-start") : null;
  const stop = cameraOn ? button("Stop", "Stop camera or clip", "emolab-cam-stop") : button("Stop", "Stop the simulation", "emolab-cam-stop");
  const snapshot = cameraOn ? button("Snapshot", "Take one snapshot into Python", "emolab-cam-snapshot") : null;
  const clip = sources.includes("clip") ? button("Play sample clip", "Play the licensed sample clip instead of the camera", "emolab-cam-clip") : null;
  const simulation = sources.includes("simulation") ? button("Play simulated camera", "Play a simulated camera: a still course photo, not you", "emolab-cam-simulation") : null;
  controls.append(...[start, stop, snapshot, clip, simulation].filter(Boolean));
  const badge = element("span", { class: "emolab-cam-badge", "aria-hidden": "true" }, "");
  const status = element("p", { class: "emolab-cam-status", role: "status", "aria-live": "polite" });
  const stage = element("div", { class: "emolab-cam-stage" });
  const video = element("video", { class: "emolab-cam-video", muted: "", playsinline: "", "aria-hidden": "true" });
  video.muted = true;
  const clipCanvas = element("canvas", { class: "emolab-cam-clipframe", "aria-hidden": "true" });
  const overlay = element("canvas", { class: "emolab-cam-overlay", "aria-hidden": "true" });
  stage.append(video, clipCanvas, overlay);
  const bars = element("div", { class: "emolab-cam-bars", role: "group", "aria-label": "Scores for the largest face" });
  const credit = element("p", { class: "emolab-cam-credit" });
  const note = element("p", { class: "emolab-cam-note" }, model.get("notice"));
  root.append(controls, badge, status, stage, bars, credit, note);
  keepKeysFromJupyterLab(root);
  el.append(root);
  return { root, start, stop, snapshot, clip, simulation, badge, status, stage, video, clipCanvas, overlay, bars, credit };
}

function setStatus(ui, mode, text) {
  ui.root.dataset.mode = mode;
  ui.badge.textContent = { camera: "● CAMERA ON", clip: "▶ SAMPLE CLIP", simulation: "▶ SIMULATION", error: "⚠", off: "" }[mode] || "";
  ui.status.textContent = text;
  if (ui.start) ui.start.disabled = mode === "camera";
  if (ui.snapshot) ui.snapshot.disabled = mode !== "camera";
  ui.stop.disabled = mode !== "camera" && mode !== "clip" && mode !== "simulation";
}

function scaledSize(width, height, maxSide) {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return [Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale))];
}

class FlowControl {
  // Bookkeeping of frames sent and not yet answered.
  constructor(model) {
    this.model = model;
    this.inFlight = new Map(); // seq -> time sent (ms)
    this.seq = 0;
    this.lastSend = -Infinity;
    this.lastRtt = null;
    this.timeouts = 0;
    this.lastAnswer = performance.now();
  }
  silentFor(now) {
    // How long frames have been waiting with no answer at all (0 when nothing is waiting).
    return this.inFlight.size || this.timeouts ? now - this.lastAnswer : 0;
  }
  canSend(now) {
    this.expire(now);
    const gap = 1000 / Math.max(1, this.model.get("fps_cap"));
    return this.inFlight.size < this.model.get("max_in_flight") && now - this.lastSend >= gap;
  }
  expire(now) {
    const limit = this.model.get("watchdog_ms");
    for (const [seq, sent] of this.inFlight) {
      if (now - sent > limit) {
        this.inFlight.delete(seq);
        this.timeouts += 1;
      }
    }
  }
  sent(now) {
    this.seq += 1;
    this.lastSend = now;
    this.inFlight.set(this.seq, now);
    return this.seq;
  }
  answered(seq, now) {
    const sent = this.inFlight.get(seq);
    if (sent === undefined) return null; // late answer after the watchdog gave up: ignore
    this.inFlight.delete(seq);
    this.lastAnswer = now;
    this.timeouts = 0;
    this.lastRtt = now - sent;
    return this.lastRtt;
  }
  reset() {
    this.inFlight.clear();
    this.timeouts = 0;
    this.lastAnswer = performance.now();
  }
}

class Session {
  constructor(model, ui) {
    this.model = model;
    this.ui = ui;
    this.mode = "off";
    this.stream = null;
    this.timer = null;
    this.flow = new FlowControl(model);
    this.encoder = document.createElement("canvas");
    this.lastFaces = [];
    this.lastFrameSize = [1, 1];
    this.onMessage = this.onMessage.bind(this);
    this.tick = this.tick.bind(this);
    if (ui.start) ui.start.addEventListener("click", () => this.startCamera());
    ui.stop.addEventListener("click", () => this.stop(ui.start ? "Stopped. The camera is off." : "Stopped."));
    if (ui.snapshot) ui.snapshot.addEventListener("click", () => this.sendSnapshot());
    if (ui.clip) ui.clip.addEventListener("click", () => this.startClip());
    if (ui.simulation) ui.simulation.addEventListener("click", () => this.startSimulation());
    setStatus(ui, "off", ui.start ? "Camera off. Nothing starts until you press \"Start camera\"." :
      "Nothing plays until you press \"Play simulated camera\". No camera is used.");
  }

  report(state, extra = {}) {
    try {
      this.model.send({ type: "state", state, ...extra });
    } catch (error) {
      // the kernel is gone; nothing to tell
    }
  }

  fail(errorName, detail) {
    const message = adviceFor(errorName, detail);
    this.stop(null);
    setStatus(this.ui, "error", message);
    this.report("error", { error: errorName, message });
  }

  async startCamera() {
    this.stop(null);
    if (!window.isSecureContext) return this.fail("InsecureContext", "");
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return this.fail("NoMediaDevices", "");
    setStatus(this.ui, "off", "Asking the browser for the camera…");
    const size = this.model.get("capture_size");
    try {
      const stream = await navigator.mediaDevices.getUserMedia({
        audio: false,
        video: { width: { ideal: size[0] }, height: { ideal: size[1] }, frameRate: { ideal: 30 } },
      });
      if (this.disposed) return stopTracks(stream);
      this.stream = stream;
      this.ui.video.srcObject = stream;
      await this.ui.video.play();
    } catch (error) {
      return this.fail(error && error.name ? error.name : "Error", error && error.message);
    }
    this.enter("camera", "Camera on: frames go to this notebook's kernel only and are not stored. Press \"Stop\" to turn it off.");
  }

  startClip() {
    this.stop(null);
    this.ui.credit.textContent = this.model.get("clip_credit");
    this.enter("clip", "Playing the sample clip (decoded by the kernel). Press \"Stop\" to end it.");
  }

  startSimulation() {
    this.stop(null);
    this.ui.credit.textContent = this.model.get("simulation_credit");
    this.enter("simulation", "Playing the simulated camera: a still course photo made into frames by the kernel, " +
      "not a camera and not you. Press \"Stop\" to end it.");
  }

  enter(mode, text) {
    this.mode = mode;
    this.flow.reset();
    this.ui.root.dataset.source = mode;
    setStatus(this.ui, mode, text);
    const track = this.stream && this.stream.getVideoTracks()[0];
    const settings = track ? track.getSettings() : {};
    this.report({ camera: "camera_on", simulation: "simulation_on" }[mode] || "clip_on", { width: settings.width || 0, height: settings.height || 0 });
    this.timer = setInterval(this.tick, 5);
  }

  stop(text) {
    const wasOn = this.mode === "camera" || this.mode === "clip" || this.mode === "simulation";
    clearInterval(this.timer);
    this.timer = null;
    if (this.stream) stopTracks(this.stream);
    this.stream = null;
    this.ui.video.srcObject = null;
    this.mode = "off";
    this.flow.reset();
    this.lastFaces = [];
    this.clearOverlay();
    if (text !== null) setStatus(this.ui, "off", text);
    if (wasOn && !this.disposed) this.report("off");
  }

  tick() {
    const now = performance.now();
    if (this.flow.silentFor(now) > this.model.get("silence_stop_ms")) {
      return this.stop("The kernel has not answered for a while (busy, restarted or stopped), so the camera was " +
        "turned off. When the kernel is free, press \"Start camera\" again (or re-run the cell after a restart).");
    }
    if (!this.flow.canSend(now)) return;
    if (this.mode === "clip" || this.mode === "simulation") return this.requestClipFrame(now);
    if (this.mode === "camera" && this.ui.video.readyState >= 2) this.sendFrame(now);
  }

  requestClipFrame(now) {
    const seq = this.flow.sent(now);
    this.model.send({ type: "clip_next", source: this.mode, seq, rtt_ms: this.flow.lastRtt, max_side: this.model.get("send_max_side") });
  }

  sendFrame(now) {
    const video = this.ui.video;
    const [width, height] = scaledSize(video.videoWidth, video.videoHeight, this.model.get("send_max_side"));
    this.encoder.width = width;
    this.encoder.height = height;
    this.encoder.getContext("2d").drawImage(video, 0, 0, width, height);
    const seq = this.flow.sent(now); // reserve the slot now: encoding is asynchronous
    const quality = this.model.get("jpeg_quality");
    const encodeStart = performance.now();
    this.encoder.toBlob(async (blob) => {
      if (!blob || this.mode !== "camera") return this.flow.inFlight.delete(seq);
      const data = await blob.arrayBuffer();
      this.flow.inFlight.set(seq, performance.now()); // round trip counts from the send
      const meta = { type: "frame", seq, width, height, rtt_ms: this.flow.lastRtt, encode_ms: performance.now() - encodeStart };
      this.model.send(meta, undefined, [data]);
    }, "image/jpeg", quality);
  }

  sendSnapshot() {
    const video = this.ui.video;
    if (this.mode !== "camera" || video.readyState < 2) return;
    const canvas = document.createElement("canvas");
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    const context = canvas.getContext("2d");
    context.drawImage(video, 0, 0);
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
    this.model.send({ type: "snapshot", width: canvas.width, height: canvas.height }, undefined, [pixels.buffer]);
    this.ui.status.textContent = "Snapshot sent to Python (in memory only: see the variable in the next cell). Camera still on.";
  }

  onMessage(msg, buffers) {
    if (!msg || typeof msg.type !== "string") return;
    if (msg.type === "result") return this.onResult(msg);
    if (msg.type === "clip_frame") return this.onClipFrame(msg, buffers);
    if (msg.type === "stop") return this.stop(msg.text || "Stopped from Python. The camera is off.");
    if (msg.type === "notice") this.ui.status.textContent = msg.text;
    if (msg.type === "clip_error") this.fail("ClipError", msg.text);
  }

  onResult(msg) {
    const rtt = this.flow.answered(msg.seq, performance.now());
    if (rtt === null || this.mode !== "camera") return;
    this.showFaces(msg.faces, [msg.width, msg.height], true);
  }

  async onClipFrame(msg, buffers) {
    const rtt = this.flow.answered(msg.seq, performance.now());
    const mode = msg.source === "simulation" ? "simulation" : "clip";
    if (rtt === null || this.mode !== mode || !buffers || !buffers.length) return;
    const bitmap = await createImageBitmap(new Blob([buffers[0]], { type: "image/jpeg" }));
    if (this.mode !== mode) return bitmap.close();
    if (mode === "simulation" && msg.phase) this.ui.badge.textContent = `▶ SIMULATION: ${msg.phase}`;
    const canvas = this.ui.clipCanvas;
    canvas.width = bitmap.width;
    canvas.height = bitmap.height;
    canvas.getContext("2d").drawImage(bitmap, 0, 0);
    bitmap.close();
    this.showFaces(msg.faces, [msg.width, msg.height], false);
  }

  showFaces(faces, frameSize, mirrored) {
    this.lastFaces = faces;
    this.ui.stage.style.aspectRatio = `${frameSize[0]} / ${frameSize[1]}`;
    drawOverlay(this.ui, faces, frameSize, mirrored, this.model.get("palette"));
    drawBars(this.ui.bars, faces, this.model.get("emotions"), this.model.get("palette"), this.model.get("model_name"));
    this.ui.root.dataset.faces = String(faces.length);
  }

  clearOverlay() {
    const canvas = this.ui.overlay;
    canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height);
    this.ui.bars.textContent = "";
  }

  dispose() {
    this.stop(null);
    this.disposed = true;
  }
}

function stopTracks(stream) {
  for (const track of stream.getTracks()) track.stop();
}

function drawOverlay(ui, faces, frameSize, mirrored, palette) {
  const canvas = ui.overlay;
  const rect = ui.stage.getBoundingClientRect();
  canvas.width = Math.max(1, Math.round(rect.width));
  canvas.height = Math.max(1, Math.round(rect.height));
  const context = canvas.getContext("2d");
  context.clearRect(0, 0, canvas.width, canvas.height);
  const sx = canvas.width / frameSize[0];
  const sy = canvas.height / frameSize[1];
  context.lineWidth = 3;
  context.font = "bold 16px sans-serif";
  for (const face of faces) {
    const [x, y, w, h] = face.box;
    const left = mirrored ? canvas.width - (x + w) * sx : x * sx;
    const colour = palette[face.top_label] || "#000000";
    context.strokeStyle = colour;
    context.setLineDash(face.top_label === "neutral" ? [8, 4] : []);
    context.strokeRect(left, y * sy, w * sx, h * sy);
    const text = `${face.top_label} ${(100 * face.top_probability).toFixed(0)}%`;
    const width = context.measureText(text).width + 8;
    context.fillStyle = "#000000";
    context.fillRect(left, Math.max(0, y * sy - 22), width, 22);
    context.fillStyle = "#ffffff";
    context.fillText(text, left + 4, Math.max(16, y * sy - 6));
  }
}

function drawBars(container, faces, emotions, palette, modelName) {
  container.textContent = "";
  if (!faces.length) {
    container.append(element("p", {}, "No face found in the last frame."));
    return;
  }
  const face = faces.reduce((a, b) => (a.box[2] * a.box[3] >= b.box[2] * b.box[3] ? a : b));
  container.append(element("p", { class: "emolab-cam-model" }, `Scores from ${modelName} (largest face):`));
  const list = element("ul", {});
  emotions.forEach((label, index) => {
    const value = face.probabilities[index];
    const row = element("li", {});
    row.append(element("span", { class: "emolab-cam-label" }, label));
    const bar = element("span", { class: "emolab-cam-bar", role: "meter", "aria-valuemin": "0", "aria-valuemax": "100", "aria-valuenow": (100 * value).toFixed(0), "aria-label": label });
    const fill = element("span", { class: "emolab-cam-fill" });
    fill.style.width = `${(100 * value).toFixed(1)}%`;
    fill.style.background = palette[label] || "#000000";
    bar.append(fill);
    row.append(bar, element("span", { class: "emolab-cam-value" }, `${(100 * value).toFixed(0)}%`));
    list.append(row);
  });
  container.append(list);
}

function render({ model, el }) {
  const ui = buildUi(el, model);
  const session = new Session(model, ui);
  model.on("msg:custom", session.onMessage);
  model.send({
    type: "hello",
    secure: Boolean(window.isSecureContext),
    media_devices: Boolean(navigator.mediaDevices && navigator.mediaDevices.getUserMedia),
  });
  const stopOnDestroy = () => session.dispose();
  model.on("destroy", stopOnDestroy); // widget closed from Python
  const stopOnDisconnect = () => {
    // JupyterLab's widget manager marks models disconnected when it restarts the kernel itself.
    // A restart it did not start (e.g. through the server's API) is caught by the silence check in tick().
    session.stop("The kernel restarted or disconnected, so the camera was turned off. Run the cell again to start over.");
  };
  model.on("comm_live_update", stopOnDisconnect);
  return () => {
    // the view goes away: output cleared, cell re-run, notebook closed
    session.dispose();
    model.off("msg:custom", session.onMessage);
    model.off("destroy", stopOnDestroy);
    model.off("comm_live_update", stopOnDisconnect);
  };
}

export default { render };
