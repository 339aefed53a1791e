// The task panel: the signed-in user's tasks, through the REST API.

import { ApiError, request } from "./api.js";
import { accountDates as dates } from "./dates.js";
import { $, el } from "./dom.js";
import { notify } from "./toast.js";

let onSignedOut = () => {};

async function guarded(action) {
  try {
    return await action();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return onSignedOut();
    notify(error instanceof ApiError ? error.message : "Could not reach the server.", { kind: "error" });
    return null;
  }
}

export async function loadTasks() {
  const status = $("#task-filter").value;
  const page = await request("GET", `/api/me/tasks?status=${status}&limit=200`);
  renderTasks(page.items);
}

function renderTasks(tasks) {
  const list = $("#task-list");
  if (!tasks.length) {
    list.replaceChildren(el("li", { class: "empty" }, "No tasks here yet."));
    return;
  }
  list.replaceChildren(...tasks.map((task) => el("li", {
    class: `task${task.completed ? " done" : ""}`, "data-task-id": String(task.id),
  },
    el("input", {
      type: "checkbox", checked: task.completed ? "" : undefined,
      "aria-label": `${task.completed ? "Reopen" : "Complete"} task ${task.id}: ${task.title}`,
      onchange: () => guarded(() => request("PATCH", `/api/me/tasks/${task.id}/complete`,
        { completed: !task.completed })).then(loadTasks),
    }),
    el("span", { class: "number" }, `#${task.id}`),
    el("div", { class: "task-body" },
      el("span", { class: "title" }, task.title),
      el("span", { class: "meta" },
        task.priority !== "medium" ? el("span", { class: `badge ${task.priority}` }, task.priority) : null,
        task.due_at ? el("span", { class: "due" }, dates.due(task.due_at)) : null,
        el("span", { class: "status" }, task.status.replace("_", " ")))),
    el("button", {
      class: "icon", "aria-label": `Rename task ${task.id}`,
      onclick: () => renameTask(task),
    }, "✎"),
    el("button", {
      class: "icon danger", "aria-label": `Delete task ${task.id}`,
      onclick: () => deleteTask(task),
    }, "✕"))));
}

async function renameTask(task) {
  const title = prompt(`Rename task #${task.id}`, task.title);
  if (title === null || !title.trim()) return;
  await guarded(() => request("PATCH", `/api/me/tasks/${task.id}`, { title }));
  await loadTasks();
}

async function deleteTask(task) {
  if (!confirm(`Delete task #${task.id} “${task.title}”?`)) return;
  await guarded(() => request("DELETE", `/api/me/tasks/${task.id}`));
  await loadTasks();
}

export function clearTasks() {
  $("#task-list").replaceChildren();
}

export function wireTaskPanel({ onSignedOut: signedOut }) {
  onSignedOut = signedOut;
  $("#task-filter").addEventListener("change", () => loadTasks());
}
