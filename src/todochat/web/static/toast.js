// Short notices at the foot of the page ("Task #3 deleted · Undo", "Not saved: …"),
// read out by screen readers through one live region.

import { $, el } from "./dom.js";

const UNDO_SECONDS = 8;

// How long Undo is offered. Read at each use so a browser test can shorten it
// (window.todochatUndoSeconds) instead of waiting the full time.
function undoSeconds() {
  const override = Number(window.todochatUndoSeconds);
  return override > 0 ? override : UNDO_SECONDS;
}

// Show `message` for a while; with `action` ({label, run}), a button that runs it and
// closes the notice. `kind` "error" styles it as a failure. Returns a function that
// closes it early.
export function notify(message, { action = null, kind = "info", seconds = 6 } = {}) {
  const box = el("div", { class: `toast ${kind}` }, el("span", {}, message));
  let timer = null;
  const close = () => {
    clearTimeout(timer);
    box.remove();
  };
  if (action) {
    box.append(el("button", {
      type: "button", class: "toast-action",
      onclick: () => { close(); action.run(); },
    }, action.label));
  }
  box.append(el("button", {
    type: "button", class: "icon toast-close", "aria-label": "Dismiss", onclick: close,
  }, "✕"));
  $("#toasts").append(box);
  timer = setTimeout(close, seconds * 1000);
  return close;
}

// Actions waiting out their Undo time; run at once if the page goes away meanwhile.
const pending = new Set();

// An action that can be undone for a few seconds: `hide` takes it off the page now,
// `commit` does it for good once the time is up (or the page is left), `restore` puts
// it back when Undo is pressed. Nothing is sent to the server until then, so Undo
// needs no server round trip and can't fail.
export function withUndo(message, { hide, commit, restore }) {
  const entry = { done: false };
  const finish = (undone) => {
    if (entry.done) return;
    entry.done = true;
    pending.delete(entry);
    if (undone) restore();
    else commit({ leavingPage: false });
  };
  entry.flush = () => {
    if (entry.done) return;
    entry.done = true;
    pending.delete(entry);
    commit({ leavingPage: true });
  };
  pending.add(entry);
  hide();
  const seconds = undoSeconds();
  const close = notify(message, {
    action: { label: "Undo", run: () => finish(true) },
    seconds,
  });
  setTimeout(() => { close(); finish(false); }, seconds * 1000);
}

window.addEventListener("pagehide", () => {
  for (const entry of [...pending]) entry.flush();
});
