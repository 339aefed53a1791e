// The chat page: sign in, conversations, the chat pane (streamed answers with tool
// chips) and the task panel, all through the public REST and SSE API.

import { ApiError, request, session, streamChat } from "./api.js";
import { accountDates as dates, knownTimeZones, useTimeZone } from "./dates.js";
import { clearData, wireDataSection } from "./data.js";
import { $, el } from "./dom.js";
import { notify, withUndo } from "./toast.js";
import { renderMarkdown } from "./markdown.js";
import { clearTasks, loadTasks, wireTaskPanel } from "./tasks.js";

const state = {
  user: null,
  conversations: [],
  conversationId: null,
  sending: false,
};

// ---- Authentication --------------------------------------------------------

let authMode = "signin";

function setAuthMode(mode) {
  authMode = mode;
  $("#tab-signin").setAttribute("aria-selected", String(mode === "signin"));
  $("#tab-signup").setAttribute("aria-selected", String(mode === "signup"));
  $("#name-field").hidden = mode !== "signup";
  $("#auth-submit").textContent = mode === "signup" ? "Create account" : "Sign in";
  $("#auth-form").password.autocomplete = mode === "signup" ? "new-password" : "current-password";
  showAuthError("");
}

function showAuthError(message) {
  const box = $("#auth-error");
  box.textContent = message;
  box.hidden = !message;
}

async function submitAuth(event) {
  event.preventDefault();
  const form = event.target;
  const email = form.email.value.trim();
  const password = form.password.value;
  if (!email || !password) {
    showAuthError("Enter your email and password.");
    return;
  }
  $("#auth-submit").disabled = true;
  try {
    const body = { email, password };
    let result;
    if (authMode === "signup") {
      body.name = form.name.value.trim();
      body.timezone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
      result = await request("POST", "/api/auth/register", body);
    } else {
      result = await request("POST", "/api/auth/login", body);
    }
    session.token = result.access_token;
    form.reset();
    await start();
  } catch (error) {
    showAuthError(error instanceof ApiError ? error.message : "Could not reach the server.");
  } finally {
    $("#auth-submit").disabled = false;
  }
}

function showAuth() {
  $("#app").hidden = true;
  $("#auth").hidden = false;
  setAuthMode(authMode);
  $("#auth-form").email.focus();
}

function signOut() {
  session.token = null;
  authMode = "signin";
  state.user = null;
  state.conversationId = null;
  $("#messages").replaceChildren();
  clearTasks();
  clearData();
  $("#token-list").replaceChildren();
  hideNewToken();
  $("#access-tokens").open = false;
  $("#connection-list").replaceChildren();
  $("#connections").open = false;
  showAuth();
}

// ---- Conversations ---------------------------------------------------------

// Conversations deleted but still in their Undo time: the server has them until then,
// so a reload of the list (after each answer) must not bring their rows back.
const deleting = new Set();

// The title being edited in its row ({id, input, moving}), or null.
let renaming = null;

async function loadConversations() {
  const page = await request("GET", "/api/me/conversations?limit=100");
  state.conversations = page.items.filter((conversation) => !deleting.has(conversation.id));
  renderConversations();
}

function renderConversations() {
  const list = $("#conversation-list");
  const wanted = $("#conversation-search").value.trim().toLowerCase();
  const shown = state.conversations.filter((conversation) =>
    !wanted || (conversation.title || "").toLowerCase().includes(wanted));
  if (wanted && !shown.length) {
    list.replaceChildren(el("li", { class: "empty" }, "No conversation matches."));
    return;
  }
  // A title being edited survives the redraw (an answer arriving reloads the list):
  // the same field moves to the new row, keeping what was typed and the keyboard.
  const editing = renaming;
  const typing = editing && document.activeElement === editing.input;
  if (editing) editing.moving = true;
  list.replaceChildren(...shown.map(conversationRow));
  if (editing) editing.moving = false;
  if (typing && editing.input.isConnected) editing.input.focus();
}

function conversationRow(conversation) {
  const title = conversation.title || "New conversation";
  const active = conversation.id === state.conversationId;
  const row = (...children) => el("li",
    { class: active ? "active" : "", "data-conversation-id": conversation.id }, ...children);
  if (renaming?.id === conversation.id) return row(renaming.input);
  return row(
    el("button", {
      class: "conversation-title",
      title,  // the whole title, however long, on hover
      "aria-current": active ? "true" : undefined,
      onclick: () => openConversation(conversation.id),
    }, title),
    el("button", {
      class: "icon", "aria-label": `Rename conversation ${title}`,
      onclick: (event) => renameInPlace(conversation, event.currentTarget.closest("li")),
    }, "✎"),
    el("button", {
      class: "icon danger", "aria-label": `Delete conversation ${title}`,
      onclick: () => deleteConversation(conversation),
    }, "✕"));
}

async function openConversation(id) {
  state.conversationId = id;
  renderConversations();
  document.body.classList.remove("show-conversations");
  const page = await request("GET", `/api/me/conversations/${id}/messages?limit=200`);
  const messages = $("#messages");
  messages.replaceChildren(...page.items.filter((m) => m.role !== "system").map(renderMessage));
  messages.scrollTop = messages.scrollHeight;
  $("#message-input").focus();
}

function newConversation() {
  state.conversationId = null;
  $("#messages").replaceChildren(welcome());
  renderConversations();
  document.body.classList.remove("show-conversations");
  $("#message-input").focus();
}

// The title becomes a field in its row: Enter or leaving it saves, Escape keeps the
// old title; a title the server refuses comes back as it was, with a notice.
function renameInPlace(conversation, row) {
  const old = conversation.title || "";
  const input = el("input", {
    class: "conversation-rename", value: old, maxlength: "200",
    "aria-label": "New title for the conversation",
  });
  let settled = false;
  const editing = { id: conversation.id, input, moving: false };
  // The list may have been reloaded meanwhile: change the conversation it holds now.
  const current = () => state.conversations.find((c) => c.id === conversation.id) || conversation;
  const finish = async (save) => {
    if (settled || editing.moving) return;
    const title = input.value.trim();
    if (save && !title && document.activeElement === input) {
      // Enter on an empty field: refused, and the field stays for a real title.
      input.setAttribute("aria-invalid", "true");
      notify("A conversation needs a title: type one, or press Escape to keep the old one.",
        { kind: "error" });
      return;
    }
    settled = true;
    if (renaming === editing) renaming = null;
    if (!save || !title || title === old) {
      renderConversations();
      focusConversation(conversation);
      return;
    }
    current().title = title;  // shown at once
    renderConversations();
    try {
      await request("PATCH", `/api/me/conversations/${conversation.id}`, { title });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return signOut();
      current().title = old;
      renderConversations();
      notify(`Not renamed: ${error instanceof ApiError ? error.message : "could not reach the server"}.`,
        { kind: "error" });
    }
    focusConversation(conversation);
  };
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") { event.preventDefault(); finish(true); }
    if (event.key === "Escape") { event.preventDefault(); event.stopPropagation(); finish(false); }
  });
  input.addEventListener("blur", () => finish(true));
  renaming = editing;
  row.replaceChildren(input);
  input.focus();
  input.select();
}

function focusConversation(conversation) {
  $(`#conversation-list [data-conversation-id="${conversation.id}"] .conversation-title`)?.focus();
}

// Deleting waits out an Undo before anything is sent (toast.js).
function deleteConversation(conversation) {
  const title = conversation.title || "New conversation";
  const wasOpen = conversation.id === state.conversationId;
  const index = state.conversations.indexOf(conversation);
  const putBack = () => {
    deleting.delete(conversation.id);
    state.conversations.splice(Math.max(0, index), 0, conversation);
    renderConversations();
  };
  withUndo(`Conversation “${title}” deleted.`, {
    hide: () => {
      deleting.add(conversation.id);
      state.conversations = state.conversations.filter((c) => c !== conversation);
      if (wasOpen) newConversation();
      renderConversations();
    },
    restore: () => {
      putBack();
      if (wasOpen) openConversation(conversation.id);
    },
    commit: async ({ leavingPage }) => {
      try {
        await request("DELETE", `/api/me/conversations/${conversation.id}`, undefined,
          { keepalive: leavingPage });
        deleting.delete(conversation.id);
      } catch (error) {
        if (leavingPage || (error instanceof ApiError && error.status === 404)) return;
        if (error instanceof ApiError && error.status === 401) return signOut();
        putBack();
        notify(`Not deleted: ${error instanceof ApiError ? error.message : "could not reach the server"}. “${title}” is back.`,
          { kind: "error" });
      }
    },
  });
}

// ---- Messages ----------------------------------------------------------------

function welcome() {
  return el("li", { class: "message assistant welcome" },
    el("div", { class: "bubble" },
      "Hi! Tell me what to do: “add a task to buy milk tomorrow”, “what's pending?”, " +
      "“mark task 1 as done”."));
}

// A listing is stored as what was listed: {count, task_ids}.
function listedCount(result) {
  if (Array.isArray(result)) return result.length;
  return result && typeof result.count === "number" ? result.count : null;
}

// A message's chips are one Tab stop: arrow keys move between them (a toolbar), so
// a long history is not dozens of stops on the way to the message box.
function chipBar(chips) {
  const bar = el("div", { class: "chips", role: "toolbar", "aria-label": "Actions taken" }, ...chips);
  rove(bar);
  bar.addEventListener("keydown", (event) => {
    const summaries = [...bar.querySelectorAll("summary")];
    const at = summaries.indexOf(document.activeElement);
    if (at < 0) return;
    const to = { ArrowRight: at + 1, ArrowDown: at + 1, ArrowLeft: at - 1, ArrowUp: at - 1,
      Home: 0, End: summaries.length - 1 }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    const next = summaries[(to + summaries.length) % summaries.length];
    rove(bar, next);
    next.focus();
  });
  return bar;
}

function rove(bar, current = null) {
  const summaries = [...bar.querySelectorAll("summary")];
  const chosen = current || summaries[0];
  for (const summary of summaries) summary.tabIndex = summary === chosen ? 0 : -1;
}

// When a message was sent, in the account's zone: "14:05", "yesterday 14:05".
function sentAt(iso) {
  const moment = iso || new Date().toISOString();
  return el("time", { class: "sent", datetime: moment, title: dates.full(moment) },
    dates.sent(moment));
}

function toolChip(call) {
  const found = listedCount(call.result);
  const outcome = call.error ? "failed" : (call.result && call.result.status) ||
    (found !== null ? `${found} found` : "ok");
  const taskId = call.arguments && call.arguments.task_id ||
    (call.result && call.result.task_id);
  const label = [call.name, taskId ? `#${taskId}` : null, outcome].filter(Boolean).join(" · ");
  return el("details", { class: `chip${call.error ? " failed" : ""}` },
    el("summary", {}, label),
    el("pre", {}, JSON.stringify(call.error ? { arguments: call.arguments, error: call.error }
      : { arguments: call.arguments, result: call.result }, null, 2)));
}

function renderMessage(message) {
  const chips = (message.tool_calls || []).map(toolChip);
  const bubble = el("div", { class: "bubble" }, message.content);
  if (message.role === "assistant") renderMarkdown(bubble, message.content);
  return el("li", { class: `message ${message.role}` },
    chips.length ? chipBar(chips) : null, bubble, sentAt(message.created_at));
}

// A failure, said where the conversation is, with Retry when there is something to
// send again.
function errorMessage(text, retry = null) {
  const item = el("li", { class: "message error", role: "alert" },
    el("div", { class: "bubble" }, el("span", { class: "error-text" }, text),
      retry ? el("button", {
        type: "button", class: "retry",
        onclick: () => { item.remove(); retry(); },
      }, "Retry") : null));
  return item;
}

function showSending(sending) {
  state.sending = sending;
  const button = $("#send");
  button.textContent = sending ? "Stop" : "Send";
  button.setAttribute("aria-label", sending ? "Stop waiting for the answer" : "Send message");
  button.classList.toggle("stop", sending);
}

async function send(event) {
  event.preventDefault();
  if (state.sending) {
    state.stopping?.abort();  // the Send button is Stop while an answer comes
    return;
  }
  const input = $("#message-input");
  const text = input.value.trim();
  if (!text) return;
  input.value = "";
  await sendText(text);
}

async function sendText(text) {
  const input = $("#message-input");
  showSending(true);
  const stopping = new AbortController();
  state.stopping = stopping;
  const messages = $("#messages");
  messages.querySelector(".welcome")?.remove();
  messages.append(renderMessage({ role: "user", content: text }));
  const chips = chipBar([]);
  // Empty while the assistant thinks: the typing indicator shows (style.css).
  const bubble = el("div", { class: "bubble streaming", "aria-label": "The assistant is answering" });
  const reply = el("li", { class: "message assistant" }, chips, bubble);
  messages.append(reply);
  messages.scrollTop = messages.scrollHeight;
  let failed = false;
  try {
    await streamChat(text, state.conversationId, (name, data) => {
      if (name === "start") {
        state.conversationId = data.conversation_id;
      } else if (name === "tool_call") {
        chips.append(toolChip(data));
        rove(chips, chips.querySelector("summary[tabindex='0']"));
      } else if (name === "delta") {
        bubble.textContent += data.text;
      } else if (name === "done") {
        renderMarkdown(bubble, data.response);
        reply.append(sentAt());
      } else if (name === "error") {
        failed = true;
        reply.remove();
        messages.append(errorMessage(data.error.message, () => sendText(text)));
      }
      messages.scrollTop = messages.scrollHeight;
    }, stopping.signal);
  } catch (error) {
    if (stopping.signal.aborted) {
      bubble.append(el("span", { class: "stopped" },
        " (stopped: the answer will be in this conversation when it is ready)"));
    } else {
      failed = true;
      reply.remove();
      messages.append(errorMessage(
        error instanceof ApiError ? error.message : "Could not reach the server.",
        () => sendText(text)));
      if (error instanceof ApiError && error.status === 401) signOut();
    }
  } finally {
    bubble.classList.remove("streaming");
    bubble.removeAttribute("aria-label");
    state.stopping = null;
    showSending(false);
  }
  if (failed && !input.value) input.value = text;  // keep what the user typed
  await Promise.all([loadTasks(), loadConversations()]).catch(() => {});
  // Back to the message box, unless the user went on to something else while the
  // answer came (renaming a conversation, editing a task): taking the keyboard from
  // them would end what they were typing.
  const elsewhere = document.activeElement;
  if (!elsewhere || elsewhere === document.body || elsewhere.closest("#composer, #messages")) {
    input.focus();
  }
}

// ---- Access tokens -------------------------------------------------------------
// A new token's text lives only in the "copy it now" box until it is dismissed:
// it is never stored, and the list shows names and dates only.

function formatDay(iso) {
  return dates.day(iso);
}

function scopeLabel(scopes) {
  return scopes.includes("tasks:write") ? "read and write" : "read only";
}

async function loadTokens() {
  try {
    renderTokens(await request("GET", "/api/me/tokens"));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return signOut();
    showTokenError(error.message || "Could not load your access tokens.");
  }
}

function renderTokens(tokens) {
  const list = $("#token-list");
  if (!tokens.length) {
    list.replaceChildren(el("li", { class: "empty" }, "No access tokens yet."));
    return;
  }
  list.replaceChildren(...tokens.map((token) => el("li", { class: "token", "data-token-id": token.id },
    el("div", { class: "token-body" },
      el("span", { class: "name" }, token.name),
      el("span", { class: "meta" },
        el("span", { class: "badge scopes" }, scopeLabel(token.scopes)),
        el("span", { class: "created" }, `created ${formatDay(token.created_at)}`),
        el("span", { class: "last-used" },
          token.last_used_at ? `last used ${formatDay(token.last_used_at)}` : "never used"),
        token.expires_at ? el("span", { class: "expires" }, `expires ${formatDay(token.expires_at)}`) : null)),
    el("button", {
      class: "icon danger", "aria-label": `Revoke token ${token.name}`,
      onclick: () => revokeToken(token),
    }, "Revoke"))));
}

function showTokenError(message) {
  const box = $("#token-error");
  box.textContent = message;
  box.hidden = !message;
}

function hideNewToken() {
  $("#new-token-value").value = "";
  $("#new-token").hidden = true;
  $("#copy-token").textContent = "Copy";
}

async function createToken(event) {
  event.preventDefault();
  const form = event.target;
  const name = form.name.value.trim();
  if (!name) {
    showTokenError("Give the token a name, to know later where it is used.");
    form.name.focus();
    return;
  }
  showTokenError("");
  hideNewToken();
  $("#token-create").disabled = true;
  try {
    const scopes = form.access.value === "read" ? ["tasks:read"] : ["tasks:read", "tasks:write"];
    const made = await request("POST", "/api/me/tokens", { name, scopes });
    form.reset();
    $("#new-token-value").value = made.token;
    $("#new-token").hidden = false;
    $("#copy-token").focus();
    await loadTokens();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return signOut();
    showTokenError(error instanceof ApiError ? error.message : "Could not reach the server.");
  } finally {
    $("#token-create").disabled = false;
  }
}

async function copyToken() {
  const input = $("#new-token-value");
  try {
    await navigator.clipboard.writeText(input.value);
  } catch {
    // No clipboard API (a page not served over https, say): the old way.
    input.select();
    document.execCommand("copy");
  }
  $("#copy-token").textContent = "Copied";
}

async function revokeToken(token) {
  if (!confirm(`Revoke the token “${token.name}”? Anything using it stops working.`)) return;
  try {
    await request("DELETE", `/api/me/tokens/${token.id}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return signOut();
    showTokenError(error.message || "Could not revoke the token.");
  }
  await loadTokens();
}

// ---- Connected apps ------------------------------------------------------------
// Applications the user let in over OAuth; disconnecting revokes their tokens.

async function loadConnections() {
  const box = $("#connection-error");
  box.hidden = true;
  try {
    renderConnections(await request("GET", "/api/me/connections"));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return signOut();
    box.textContent = error instanceof ApiError ? error.message : "Could not reach the server.";
    box.hidden = false;
  }
}

function renderConnections(connections) {
  const list = $("#connection-list");
  if (!connections.length) {
    list.replaceChildren(el("li", { class: "empty" }, "No connected apps."));
    return;
  }
  list.replaceChildren(...connections.map((connection) => el("li", { class: "token", "data-connection-id": connection.id },
    el("div", { class: "token-body" },
      el("span", { class: "name" }, connection.client_name),
      el("span", { class: "meta" },
        el("span", { class: "badge scopes" }, scopeLabel(connection.scopes)),
        el("span", { class: "created" }, `renewed ${formatDay(connection.renewed_at)}`))),
    el("button", {
      class: "icon danger", "aria-label": `Disconnect ${connection.client_name}`,
      onclick: () => disconnect(connection),
    }, "✕"))));
}

async function disconnect(connection) {
  if (!confirm(`Disconnect “${connection.client_name}”? It loses access to your tasks.`)) return;
  try {
    await request("DELETE", `/api/me/connections/${connection.id}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return signOut();
  }
  await loadConnections();
}

// ---- Account settings ----------------------------------------------------------
// Name, time zone (it decides what "today" means, in the chat and here), password,
// and signing out everywhere.

function showAccount() {
  useTimeZone(state.user.timezone);
  $("#whoami").textContent = state.user.name || state.user.email || "";
  $("#account-zone").textContent = state.user.timezone;
}

function settingsMessage(text, isError = false) {
  const box = $("#settings-message");
  box.textContent = text;
  box.className = isError ? "error" : "note";
  box.hidden = !text;
}

function openSettings() {
  const form = $("#profile-form");
  form.elements.name.value = state.user.name || "";
  form.elements.timezone.value = state.user.timezone;
  $("#password-form").reset();
  settingsMessage("");
  $("#settings").showModal();
}

async function saveProfile(event) {
  event.preventDefault();
  const form = event.currentTarget;
  try {
    state.user = await request("PATCH", "/api/auth/me", {
      name: form.elements.name.value.trim(),
      timezone: form.elements.timezone.value.trim(),
    });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return signOut();
    return settingsMessage(error.message || "Could not save.", true);
  }
  showAccount();
  settingsMessage("Saved.");
  await loadTasks();
}

async function changePassword(event) {
  event.preventDefault();
  const form = event.currentTarget;
  try {
    const answer = await request("POST", "/api/auth/password", {
      current_password: form.elements.current.value,
      new_password: form.elements.new.value,
    });
    session.token = answer.access_token;  // every older token stopped working
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return signOut();
    return settingsMessage(error.message || "Could not change the password.", true);
  }
  form.reset();
  settingsMessage("Password changed. Other devices are signed out.");
}

async function signOutEverywhere() {
  if (!confirm("Sign out on every device, and disconnect every connected app?")) return;
  try {
    await request("POST", "/api/auth/logout");
  } catch {
    // Signed out here either way.
  }
  $("#settings").close();
  signOut();
}

// ---- Start -------------------------------------------------------------------

async function start() {
  if (!session.token) return showAuth();
  try {
    state.user = await request("GET", "/api/auth/me");
  } catch {
    return signOut();
  }
  $("#auth").hidden = true;
  $("#app").hidden = false;
  showAccount();
  await loadConversations();
  if (state.conversations.length) await openConversation(state.conversations[0].id);
  else newConversation();
  await loadTasks();
}

// The phone's two drawers (conversations, tasks): one open at a time; Escape or a
// tap outside closes it.
const DRAWERS = { "show-conversations": "#toggle-conversations", "show-tasks": "#toggle-tasks" };

function closeDrawers(except = null) {
  for (const [panelClass, button] of Object.entries(DRAWERS)) {
    if (panelClass === except) continue;
    document.body.classList.remove(panelClass);
    $(button).setAttribute("aria-expanded", "false");
  }
}

function toggle(panelClass, button) {
  closeDrawers(panelClass);
  const open = document.body.classList.toggle(panelClass);
  button.setAttribute("aria-expanded", String(open));
}

function closeDrawersFromOutside(event) {
  if (!Object.keys(DRAWERS).some((panelClass) => document.body.classList.contains(panelClass))) return;
  // The path as it was when the tap happened: a control that redrew itself since (a
  // task's title opening its editor) is no longer inside the drawer, but was.
  const inside = event.composedPath().some((node) => node instanceof Element &&
    node.matches("#conversations, #tasks, #toggle-conversations, #toggle-tasks"));
  if (!inside) closeDrawers();
}

function wire() {
  $("#tab-signin").addEventListener("click", () => setAuthMode("signin"));
  $("#tab-signup").addEventListener("click", () => setAuthMode("signup"));
  $("#auth-form").addEventListener("submit", submitAuth);
  $("#sign-out").addEventListener("click", signOut);
  $("#new-conversation").addEventListener("click", newConversation);
  $("#composer").addEventListener("submit", send);
  $("#message-input").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $("#composer").requestSubmit();
    }
  });
  wireTaskPanel({ onSignedOut: signOut });
  wireDataSection({ onSignedOut: signOut, onImported: loadTasks });
  $("#conversation-search").addEventListener("input", renderConversations);
  $("#open-settings").addEventListener("click", openSettings);
  $("#close-settings").addEventListener("click", () => $("#settings").close());
  $("#profile-form").addEventListener("submit", saveProfile);
  $("#password-form").addEventListener("submit", changePassword);
  $("#sign-out-everywhere").addEventListener("click", signOutEverywhere);
  $("#sign-out-here").addEventListener("click", () => { $("#settings").close(); signOut(); });
  $("#zone-list").replaceChildren(...knownTimeZones().map((zone) => el("option", { value: zone })));
  $("#access-tokens").addEventListener("toggle", (e) => { if (e.currentTarget.open) loadTokens(); });
  $("#connections").addEventListener("toggle", (e) => { if (e.currentTarget.open) loadConnections(); });
  $("#token-form").addEventListener("submit", createToken);
  $("#copy-token").addEventListener("click", copyToken);
  $("#dismiss-token").addEventListener("click", hideNewToken);
  $("#toggle-conversations").addEventListener("click", (e) => toggle("show-conversations", e.currentTarget));
  $("#toggle-tasks").addEventListener("click", (e) => toggle("show-tasks", e.currentTarget));
  document.addEventListener("keydown", (event) => { if (event.key === "Escape") closeDrawers(); });
  document.addEventListener("click", closeDrawersFromOutside);
}

wire();
start();
