// The REST and streaming chat API, with the access token kept in localStorage.

const TOKEN_KEY = "todochat.token";

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export const session = {
  get token() { return localStorage.getItem(TOKEN_KEY); },
  set token(value) {
    if (value) localStorage.setItem(TOKEN_KEY, value);
    else localStorage.removeItem(TOKEN_KEY);
  },
};

async function errorOf(response) {
  try {
    const body = await response.json();
    if (body && body.error) return new ApiError(response.status, body.error.code, body.error.message);
  } catch { /* not JSON */ }
  return new ApiError(response.status, "error", `request failed (${response.status})`);
}

// `keepalive` lets the request finish after the page is closed (an Undo-able delete
// sent as the page goes away).
// `contentType` sends `body` as it is (a file's text) instead of as JSON.
export async function request(
  method, path, body, { keepalive = false, headers: extra = {}, contentType = null } = {},
) {
  const headers = { Accept: "application/json", ...extra };
  if (session.token) headers.Authorization = `Bearer ${session.token}`;
  if (body !== undefined) headers["Content-Type"] = contentType || "application/json";
  const sent = body === undefined || contentType ? body : JSON.stringify(body);
  const response = await fetch(path, { method, headers, keepalive, body: sent });
  if (!response.ok) throw await errorOf(response);
  return response.status === 204 ? null : response.json();
}

// POST a chat turn and call onEvent(name, data) for each Server-Sent Event.
// `signal` (an AbortController's) stops reading: the turn itself still ends on the
// server and is kept in the conversation.
export async function streamChat(message, conversationId, onEvent, signal = undefined) {
  const response = await fetch("/api/me/chat/stream", {
    signal,
    method: "POST",
    headers: {
      Authorization: `Bearer ${session.token}`,
      "Content-Type": "application/json",
      Accept: "text/event-stream",
    },
    body: JSON.stringify({ message, conversation_id: conversationId || undefined }),
  });
  if (!response.ok) throw await errorOf(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) name = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).trim());
      }
      if (data.length) onEvent(name, JSON.parse(data.join("\n")));
    }
  }
}

// GET a file the API serves (an export) and hand it to the browser as a download.
export async function download(path) {
  const response = await fetch(path, { headers: { Authorization: `Bearer ${session.token}` } });
  if (!response.ok) throw await errorOf(response);
  const disposition = response.headers.get("Content-Disposition") || "";
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] || "todochat-export";
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  return name;
}
