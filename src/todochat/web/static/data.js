// The user's data: export as a file, import from one, and the calendar feed's secret
// address (shown once, like an access token; stopping it ends the address).

import { ApiError, download, request } from "./api.js";
import { accountDates as dates } from "./dates.js";
import { $, el } from "./dom.js";

let hooks = { onSignedOut: () => {}, onImported: () => {} };

function failure(error) {
  if (error instanceof ApiError && error.status === 401) hooks.onSignedOut();
  return error instanceof ApiError ? error.message : "Could not reach the server.";
}

function showReport(...lines) {
  const box = $("#import-report");
  box.replaceChildren(...lines);
  box.hidden = !lines.length;
}

async function exportAs(format) {
  try {
    const name = await download(`/api/me/export?format=${format}`);
    showReport(el("p", {}, `Saved ${name}.`));
  } catch (error) {
    showReport(el("p", { class: "error" }, `Not exported: ${failure(error)}`));
  }
}

async function importFile(event) {
  const input = event.currentTarget;
  const file = input.files[0];
  if (!file) return;
  showReport(el("p", {}, `Importing ${file.name}…`));
  try {
    const text = await file.text();
    const json = /\.json$/i.test(file.name) || text.trimStart().startsWith("{");
    const report = await request("POST", "/api/me/import", text,
      { contentType: json ? "application/json" : "text/csv" });
    showReport(
      el("p", {}, `${report.created.length} added, ${report.skipped.length} already there, ` +
        `${report.refused.length} refused.`),
      report.refused.length ? el("ul", {}, ...report.refused.map((row) =>
        el("li", {}, `Row ${row.row}${row.title ? ` (${row.title})` : ""}: ${row.reason}`))) : null);
    await hooks.onImported();
  } catch (error) {
    showReport(el("p", { class: "error" }, `Not imported: ${failure(error)}`));
  } finally {
    input.value = "";  // the same file can be chosen again
  }
}

function showFeed(feed) {
  $("#feed-state").textContent = feed
    ? `Your calendar address works since ${dates.day(feed.created_at)}.`
    : "No calendar address yet.";
  $("#revoke-feed").hidden = !feed;
  $("#make-feed").textContent = feed ? "Make a new address (ends the old one)" : "Make a calendar address";
}

async function loadFeed() {
  try {
    showFeed(await request("GET", "/api/me/calendar-feed"));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return showFeed(null);
    $("#feed-state").textContent = failure(error);
  }
}

async function makeFeed() {
  try {
    const feed = await request("POST", "/api/me/calendar-feed");
    $("#feed-url").value = feed.url;
    $("#feed").hidden = false;
    $("#copy-feed").textContent = "Copy";
    $("#copy-feed").focus();
    showFeed(feed);
  } catch (error) {
    $("#feed-state").textContent = failure(error);
  }
}

async function revokeFeed() {
  if (!confirm("Stop the calendar feed? Calendars subscribed to it stop updating.")) return;
  try {
    await request("DELETE", "/api/me/calendar-feed");
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) {
      $("#feed-state").textContent = failure(error);
      return;
    }
  }
  $("#feed").hidden = true;
  $("#feed-url").value = "";
  showFeed(null);
}

async function copyFeed() {
  const input = $("#feed-url");
  try {
    await navigator.clipboard.writeText(input.value);
  } catch {
    input.select();
    document.execCommand("copy");
  }
  $("#copy-feed").textContent = "Copied";
}

/** Forget what the signed-out user's section showed. */
export function clearData() {
  showReport();
  $("#feed").hidden = true;
  $("#feed-url").value = "";
  $("#your-data").open = false;
}

/** Connect the section: `onImported` reloads what an import changed. */
export function wireDataSection({ onSignedOut, onImported }) {
  hooks = { onSignedOut, onImported };
  $("#export-json").addEventListener("click", () => exportAs("json"));
  $("#export-csv").addEventListener("click", () => exportAs("csv"));
  $("#import-file").addEventListener("change", importFile);
  $("#make-feed").addEventListener("click", makeFeed);
  $("#revoke-feed").addEventListener("click", revokeFeed);
  $("#copy-feed").addEventListener("click", copyFeed);
  $("#your-data").addEventListener("toggle", (e) => { if (e.currentTarget.open) loadFeed(); });
}
