// The task panel: views (Pending, Today, Overdue, Upcoming, Completed) with their
// counts, a sort, adding, inline editing of every field, deleting with Undo.
//
// Changes are optimistic: the panel shows them at once, and if the server does not
// take one, the task is put back as it was, marked, with a notice saying why and a
// Retry. Nothing the user typed is lost.

import { ApiError, request } from "./api.js";
import { accountDates as dates } from "./dates.js";
import { $, el } from "./dom.js";
import { notify, withUndo } from "./toast.js";

const SORT_KEY = "todochat.taskSort";
const PRIORITIES = ["low", "medium", "high", "urgent"];
const PRIORITY_RANK = { urgent: 0, high: 1, medium: 2, low: 3 };
const STATUSES = { pending: "Pending", in_progress: "In progress", completed: "Completed", archived: "Archived" };
// The open tasks are fetched whole, a page at a time: views and counts are worked out
// here, in the account's time zone. A personal list this long is far beyond usual.
const PAGE = 1000;
const MAX_OPEN = 5000;
const COMPLETED_SHOWN = 200;

// Which open tasks each view shows, as of `now`, on the account's calendar.
const VIEWS = {
  open: { label: "Pending", empty: "Nothing pending.", matches: () => true },
  today: {
    label: "Today", empty: "Nothing due today.",
    matches: (task, now) => task.due_at && dates.dayKey(task.due_at) === dates.dayKey(now),
  },
  overdue: {
    label: "Overdue", empty: "Nothing overdue.",
    matches: (task, now) => task.due_at && new Date(task.due_at) < now,
  },
  upcoming: {
    label: "Upcoming", empty: "Nothing due after today.",
    matches: (task, now) => task.due_at && dates.dayKey(task.due_at) > dates.dayKey(now),
  },
  completed: { label: "Completed", empty: "Nothing completed yet." },
};

const SORTS = {
  due: (a, b) => dueOrder(a) - dueOrder(b) || a.id - b.id,
  priority: (a, b) => PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] ||
    dueOrder(a) - dueOrder(b) || a.id - b.id,
  newest: (a, b) => b.id - a.id,
  oldest: (a, b) => a.id - b.id,
};

function isOpen(task) {
  return task.status === "pending" || task.status === "in_progress";
}

function dueOrder(task) {
  return task.due_at ? new Date(task.due_at).getTime() : Number.MAX_SAFE_INTEGER;
}

const panel = {
  open: [],             // pending and in-progress tasks
  completed: [],        // the most recently completed ones
  moreCompleted: false, // more completed tasks exist than were fetched
  view: "open",
  label: "",            // only tasks with this label ("" for all)
  sort: localStorage.getItem(SORT_KEY) in SORTS ? localStorage.getItem(SORT_KEY) : "due",
  // Tasks changed here stay in the view they were changed in until the next load, so
  // a ticked task doesn't jump away under the pointer (and can be unticked).
  lingering: new Set(),
  editing: null,        // the number of the task whose editor is open
  loaded: false,
};

let onSignedOut = () => {};

// ---- Loading ---------------------------------------------------------------------

async function fetchOpenTasks() {
  const tasks = [];
  let cursor = null;
  do {
    const query = new URLSearchParams({ status: "open", limit: String(PAGE) });
    if (cursor) query.set("cursor", cursor);
    const page = await request("GET", `/api/me/tasks?${query}`);
    tasks.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && tasks.length < MAX_OPEN);
  return tasks;
}

/** Load the tasks again from the server and show them. */
export async function loadTasks() {
  const [open, completed] = await Promise.all([
    fetchOpenTasks(),
    request("GET", `/api/me/tasks?status=completed&sort=-created&limit=${COMPLETED_SHOWN}`),
  ]);
  panel.open = open;
  panel.completed = completed.items;
  panel.moreCompleted = Boolean(completed.next_cursor);
  panel.lingering.clear();
  panel.loaded = true;
  render();
}

/** Forget the signed-out user's tasks. */
export function clearTasks() {
  Object.assign(panel, { open: [], completed: [], moreCompleted: false, editing: null, loaded: false });
  panel.lingering.clear();
  $("#task-list").replaceChildren();
  renderViews();
}

// ---- Showing -----------------------------------------------------------------------

function allTasks() {
  return [...panel.open, ...panel.completed];
}

function findTask(number) {
  return allTasks().find((task) => task.id === number);
}

function hasLabel(task) {
  return !panel.label || (task.labels || []).some((name) => name.toLowerCase() === panel.label.toLowerCase());
}

function shownTasks(now = new Date()) {
  return viewTasks(now).filter(hasLabel);
}

function viewTasks(now) {
  if (panel.view === "completed") {
    const done = panel.completed.filter((task) => task.completed || panel.lingering.has(task.id));
    const lingeringOpen = panel.open.filter((task) => panel.lingering.has(task.id));
    return [...lingeringOpen, ...done].sort((a, b) =>
      (b.completed_at || "").localeCompare(a.completed_at || "") || b.id - a.id);
  }
  const { matches } = VIEWS[panel.view];
  return allTasks()
    .filter((task) => panel.lingering.has(task.id) || (isOpen(task) && matches(task, now)))
    .sort(SORTS[panel.sort]);
}

function countOf(view, now) {
  if (view === "completed") {
    const count = panel.completed.filter((task) => task.completed && hasLabel(task)).length;
    return panel.moreCompleted ? `${count}+` : String(count);
  }
  return String(panel.open.filter((task) =>
    isOpen(task) && hasLabel(task) && VIEWS[view].matches(task, now)).length);
}

function renderViews(now = new Date()) {
  for (const button of document.querySelectorAll("#task-views button")) {
    const { view } = button.dataset;
    const count = panel.loaded ? countOf(view, now) : "";
    button.setAttribute("aria-pressed", String(view === panel.view));
    button.querySelector(".count").textContent = count;
    button.setAttribute("aria-label", `${VIEWS[view].label}${count ? `, ${count} tasks` : ""}`);
  }
  $("#task-sort-field").hidden = panel.view === "completed";
  renderLabelChoice();
}

// The label filter lists the labels the loaded tasks carry.
function renderLabelChoice() {
  const names = new Map();
  for (const task of allTasks()) {
    for (const name of task.labels || []) names.set(name.toLowerCase(), name);
  }
  const choice = $("#task-label");
  const sorted = [...names.values()].sort((a, b) => a.localeCompare(b));
  choice.replaceChildren(el("option", { value: "" }, "All labels"),
    ...sorted.map((name) => el("option", { value: name }, `#${name}`)));
  choice.value = sorted.some((n) => n.toLowerCase() === panel.label.toLowerCase()) ? panel.label : "";
  $("#task-label-field").hidden = !sorted.length;
}

function render() {
  const now = new Date();
  renderViews(now);
  const list = $("#task-list");
  // An editor being typed in survives a reload of the list (a chat turn ending).
  const openEditor = list.querySelector(".task-editor");
  const tasks = shownTasks(now);
  if (!tasks.length) {
    list.replaceChildren(el("li", { class: "empty" }, VIEWS[panel.view].empty));
    return;
  }
  const focus = focusedPart();
  list.replaceChildren(...tasks.map((task) => taskRow(task, now,
    openEditor && Number(openEditor.dataset.taskId) === task.id ? openEditor : null)));
  restoreFocus(focus);
}

// The list is drawn anew on every change: keep the keyboard where it was (the same
// control of the same task, or the next task's when that one has left the view).
function focusedPart() {
  const active = document.activeElement;
  // A field of an open editor: the editor is kept across the redraw, the field too.
  if (active?.closest?.("#task-list .task-editor")) return { element: active };
  const row = active?.closest?.("#task-list .task");
  if (!row || !active.dataset.focus) return null;
  const rows = [...document.querySelectorAll("#task-list .task")];
  return { id: row.dataset.taskId, part: active.dataset.focus, index: rows.indexOf(row) };
}

function restoreFocus(focus) {
  if (!focus) return;
  if (focus.element) return focus.element.isConnected && focus.element.focus();
  const same = document.querySelector(
    `#task-list .task[data-task-id="${focus.id}"] [data-focus="${focus.part}"]`);
  if (same) return same.focus();
  const rows = document.querySelectorAll("#task-list .task");
  const next = rows[Math.min(focus.index, rows.length - 1)];
  (next?.querySelector(`[data-focus="${focus.part}"]`) || $("#new-task-title")).focus();
}

function taskRow(task, now, keptEditor = null) {
  const overdue = !task.completed && task.due_at && new Date(task.due_at) < now;
  const classes = ["task", task.completed ? "done" : "", overdue ? "overdue" : "",
    task.saving ? "saving" : ""].filter(Boolean).join(" ");
  const row = el("li", { class: classes, "data-task-id": task.id ?? "" });
  if (panel.editing === task.id && task.id !== null) {
    row.append(keptEditor || taskEditor(task));
    return row;
  }
  const name = `task ${task.id ?? "(saving)"}: ${task.title}`;
  row.append(
    // The label around the box is what a finger hits: 44 px on touch screens.
    el("label", { class: "check" }, el("input", {
      type: "checkbox", checked: task.completed ? "" : undefined, disabled: task.saving,
      "data-focus": "check",
      "aria-label": `${task.completed ? "Reopen" : "Complete"} ${name}`,
      onchange: () => toggleCompleted(task),
    })),
    el("span", { class: "number" }, task.id ? `#${task.id}` : "…"),
    el("div", { class: "task-body" },
      el("button", {
        type: "button", class: "title", disabled: task.saving, "data-focus": "edit",
        "aria-label": `Edit ${name}`, "aria-expanded": "false",
        onclick: () => openEditor(task.id),
      }, task.title),
      task.description ? el("p", { class: "notes" }, task.description) : null,
      el("span", { class: "meta" },
        task.priority !== "medium" ? el("span", { class: `badge ${task.priority}` }, task.priority) : null,
        task.due_at ? el("time", {
          class: `due${overdue ? " overdue" : ""}`, datetime: task.due_at,
          title: dates.localInput(task.due_at).replace("T", " "),
        }, overdue ? `overdue · ${dates.due(task.due_at, now)}` : dates.due(task.due_at, now)) : null,
        task.repeats ? el("span", { class: "repeats", title: task.recurrence || "" },
          `↻ ${task.repeats}`) : null,
        ...(task.labels || []).map((name) => el("button", {
          type: "button", class: "label", "aria-label": `Show tasks labelled ${name}`,
          onclick: () => chooseLabel(name),
        }, `#${name}`)),
        task.status === "in_progress" || task.status === "archived"
          ? el("span", { class: "status" }, STATUSES[task.status].toLowerCase()) : null,
        task.completed && task.completed_at
          ? el("span", { class: "status" }, `done ${dates.due(task.completed_at, now)}`) : null)),
    el("button", {
      type: "button", class: "icon danger", disabled: task.saving, "data-focus": "delete",
      "aria-label": `Delete task ${task.id}`, onclick: () => deleteTask(task),
    }, "✕"));
  return row;
}

// ---- Changing, optimistically --------------------------------------------------------

function failureText(error) {
  if (error instanceof ApiError) return error.message;
  return "Could not reach the server";
}

// Put `task` back into the lists as `before` was, mark its row, and say why.
function rollBack(before, error, retry) {
  replaceTask(before);
  render();
  const row = document.querySelector(`#task-list [data-task-id="${before.id}"]`);
  row?.classList.add("rolled-back");
  notify(`Not saved: ${failureText(error)}. Task #${before.id} is back as it was.`,
    { kind: "error", action: { label: "Retry", run: retry }, seconds: 12 });
}

// Keep the open and completed lists true to each task's state.
function replaceTask(task) {
  panel.open = panel.open.filter((t) => t.id !== task.id);
  panel.completed = panel.completed.filter((t) => t.id !== task.id);
  if (task.completed) panel.completed.unshift(task);
  else if (task.status !== "archived" || panel.lingering.has(task.id)) panel.open.push(task);
}

// Send a change of one task: show `optimistic` now, the server's answer when it comes,
// the task as it was if the change fails.
async function changeTask(before, optimistic, send) {
  panel.lingering.add(before.id);
  replaceTask(optimistic);
  render();
  try {
    replaceTask(await send());
    render();
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      onSignedOut();
      return false;
    }
    if (error instanceof ApiError && error.status === 404) {
      // Deleted elsewhere (the chat, another device): nothing to put back.
      await loadTasks().catch(() => {});
      notify(`Task #${before.id} no longer exists.`, { kind: "error" });
      return false;
    }
    rollBack(before, error, () => changeTask(before, optimistic, send));
    return false;
  }
}

function toggleCompleted(task) {
  const completed = !task.completed;
  const optimistic = {
    ...task, completed, status: completed ? "completed" : "pending",
    completed_at: completed ? new Date().toISOString() : null,
  };
  return changeTask(task, optimistic, async () => {
    const saved = await request("PATCH", `/api/me/tasks/${task.id}/complete`, { completed });
    if (completed && saved.recurrence && !saved.completed) {
      // A repeating task is done for this time and comes back at its next date.
      notify(`Task #${saved.id} repeats ${saved.repeats}: next ${dates.due(saved.due_at)}.`);
    }
    return saved;
  });
}

function deleteTask(task) {
  withUndo(`Task #${task.id} “${task.title}” deleted.`, {
    hide: () => {
      panel.open = panel.open.filter((t) => t.id !== task.id);
      panel.completed = panel.completed.filter((t) => t.id !== task.id);
      render();
    },
    restore: () => {
      replaceTask(task);
      render();
    },
    commit: async ({ leavingPage }) => {
      try {
        await request("DELETE", `/api/me/tasks/${task.id}`, undefined, { keepalive: leavingPage });
      } catch (error) {
        if (leavingPage || (error instanceof ApiError && error.status === 404)) return;
        if (error instanceof ApiError && error.status === 401) return onSignedOut();
        replaceTask(task);
        render();
        notify(`Not deleted: ${failureText(error)}. Task #${task.id} is back.`, {
          kind: "error", action: { label: "Retry", run: () => deleteTask(task) }, seconds: 12,
        });
      }
    },
  });
}

// ---- Adding --------------------------------------------------------------------------

// An Idempotency-Key, so a Retry after a lost answer can't add the task twice.
function idempotencyKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

async function addTask(event) {
  event.preventDefault();
  const input = $("#new-task-title");
  const title = input.value.trim();
  if (!title) {
    input.focus();
    return;
  }
  input.value = "";
  // "#home" in the title is a label, as in the chat; in a label's view, that label.
  const tags = [...title.matchAll(/(?:^|\s)#([^\s#@,]+)/gu)].map((match) => match[1]);
  const body = { title: title.replace(/(?:^|\s)#[^\s#@,]+/gu, " ").trim() || title };
  const labels = [...new Set([...tags, ...(panel.label ? [panel.label] : [])])];
  if (labels.length) body.labels = labels;
  // Added in the Today view, a task is due today (at the end of the day).
  if (panel.view === "today") body.due_at = dates.dayKey(new Date());
  await sendNewTask(body, idempotencyKey());
}

async function sendNewTask(body, key) {
  const placeholder = {
    id: null, title: body.title, description: null, status: "pending", completed: false,
    priority: "medium", due_at: null, completed_at: null, saving: true, labels: body.labels || [],
  };
  panel.open.push(placeholder);
  render();
  try {
    const made = await request("POST", "/api/me/tasks", body, { headers: { "Idempotency-Key": key } });
    panel.open = panel.open.filter((t) => t !== placeholder);
    panel.lingering.add(made.id);
    replaceTask(made);
    render();
  } catch (error) {
    panel.open = panel.open.filter((t) => t !== placeholder);
    render();
    if (error instanceof ApiError && error.status === 401) return onSignedOut();
    const input = $("#new-task-title");
    if (!input.value) input.value = body.title;  // what was typed is not lost
    notify(`Not added: ${failureText(error)}.`, {
      kind: "error", action: { label: "Retry", run: () => sendNewTask(body, key) }, seconds: 12,
    });
  }
}

// ---- Editing -------------------------------------------------------------------------

function openEditor(number) {
  panel.editing = number;
  render();
  document.querySelector(".task-editor input[name=title]")?.focus();
}

function closeEditor(number) {
  panel.editing = null;
  render();
  document.querySelector(`#task-list [data-task-id="${number}"] button.title`)?.focus();
}

function choice(name, options, selected) {
  return el("select", { name },
    ...Object.entries(options).map(([value, label]) =>
      el("option", { value, selected: value === selected ? "" : undefined }, label)));
}

function taskEditor(task) {
  const form = el("form", {
    class: "task-editor", "data-task-id": task.id, "aria-label": `Edit task ${task.id}`,
    onsubmit: (event) => { event.preventDefault(); saveEdits(task.id, form); },
    onkeydown: (event) => {
      if (event.key === "Escape") {
        event.stopPropagation();  // close the editor, not the phone's drawer
        closeEditor(task.id);
      }
    },
  },
    el("label", {}, "Title",
      el("input", { name: "title", required: "", maxlength: "1000", value: task.title })),
    el("label", {}, "Notes",
      el("textarea", { name: "description", rows: "3", maxlength: "10000" }, task.description || "")),
    el("div", { class: "editor-row" },
      // The account's zone, said: the field's value is read in it, not the browser's.
      el("label", { class: "due-field" }, `Due (${dates.timeZone} time)`,
        el("input", { type: "datetime-local", name: "due", value: dates.localInput(task.due_at) })),
      el("button", {
        type: "button", class: "link",
        onclick: () => { form.elements.due.value = ""; form.elements.due.focus(); },
      }, "No due date")),
    el("label", {}, "Labels",
      el("input", {
        name: "labels", maxlength: "1000", value: (task.labels || []).join(", "),
        autocomplete: "off", placeholder: "home, errands",
      })),
    el("label", {}, "Repeats",
      el("input", {
        name: "repeat", maxlength: "200", value: task.repeats || "", autocomplete: "off",
        placeholder: "every monday, every 2 weeks, on the 1st of each month…",
      })),
    el("div", { class: "editor-row" },
      el("label", {}, "Priority",
        choice("priority", Object.fromEntries(PRIORITIES.map((p) => [p, p[0].toUpperCase() + p.slice(1)])),
          task.priority)),
      el("label", {}, "Status", choice("status", STATUSES, task.status))),
    el("p", { class: "error editor-error", role: "alert", hidden: "" }),
    el("div", { class: "editor-actions" },
      el("button", { type: "submit", class: "primary" }, "Save"),
      el("button", { type: "button", onclick: () => closeEditor(task.id) }, "Cancel")));
  return form;
}

// What the editor changes, as a PATCH body, and the task as it will then be.
function editsOf(task, form) {
  const fields = form.elements;
  const changes = {};
  const title = fields.title.value.trim();
  if (title !== task.title) changes.title = title;
  const description = fields.description.value.trim() || null;
  if (description !== (task.description || null)) changes.description = description;
  if (fields.priority.value !== task.priority) changes.priority = fields.priority.value;
  if (fields.status.value !== task.status) changes.status = fields.status.value;
  const labels = splitLabels(fields.labels.value);
  if (labels.join("\n") !== (task.labels || []).join("\n")) changes.labels = labels;
  const repeat = fields.repeat.value.trim();
  if (repeat !== (task.repeats || "")) changes.recurrence = repeat || null;
  const due = fields.due.value;
  if (due !== dates.localInput(task.due_at)) changes.due_at = due || null;
  const optimistic = { ...task, ...changes };
  if ("recurrence" in changes) optimistic.repeats = repeat || null;
  if ("due_at" in changes) optimistic.due_at = due ? dates.fromLocalInput(due) : null;
  if ("status" in changes) {
    optimistic.completed = changes.status === "completed";
    optimistic.completed_at = optimistic.completed ? new Date().toISOString() : null;
  }
  return { changes, optimistic };
}

async function saveEdits(number, form) {
  const task = findTask(number);
  if (!task) return closeEditor(number);
  const problem = form.querySelector(".editor-error");
  if (!form.elements.title.value.trim()) {
    problem.textContent = "A task needs a title.";
    problem.hidden = false;
    form.elements.title.focus();
    return;
  }
  const { changes, optimistic } = editsOf(task, form);
  panel.editing = null;
  if (!Object.keys(changes).length) return closeEditor(number);
  // The change shows (and the keyboard is back on the task) before the server answers.
  const saving = changeTask(task, optimistic,
    () => request("PATCH", `/api/me/tasks/${number}`, changes));
  document.querySelector(`#task-list [data-task-id="${number}"] button.title`)?.focus();
  await saving;
}

// ---- Wiring --------------------------------------------------------------------------

function splitLabels(text) {
  const seen = new Map();
  for (const part of text.split(",")) {
    const name = part.trim().replace(/^[#@]+/u, "");
    if (name && !seen.has(name.toLowerCase())) seen.set(name.toLowerCase(), name);
  }
  return [...seen.values()];
}

function chooseLabel(name) {
  panel.label = name;
  panel.lingering.clear();
  render();
}

function chooseView(view) {
  panel.view = view;
  panel.lingering.clear();
  panel.editing = null;
  render();
}

/** Connect the panel's controls; `signedOut` is called when the session has ended. */
export function wireTaskPanel({ onSignedOut: signedOut }) {
  onSignedOut = signedOut;
  $("#task-views").replaceChildren(...Object.entries(VIEWS).map(([view, { label }]) =>
    el("button", { type: "button", "data-view": view, "aria-pressed": "false", onclick: () => chooseView(view) },
      label, " ", el("span", { class: "count" }))));
  const sort = $("#task-sort");
  sort.value = panel.sort;
  sort.addEventListener("change", () => {
    panel.sort = sort.value;
    localStorage.setItem(SORT_KEY, sort.value);
    render();
  });
  $("#task-add").addEventListener("submit", addTask);
  $("#task-label").addEventListener("change", (event) => chooseLabel(event.currentTarget.value));
  renderViews();
}
