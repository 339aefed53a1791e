// Assistant answers rendered as Markdown, safely: marked parses, DOMPurify keeps only
// harmless HTML (no scripts, no event handlers, no images — an image URL could carry
// a conversation out — no forms), and links open in a new tab without access to
// this page. Both are served by the app (static/vendor), never from a CDN.

import { marked } from "./vendor/marked.esm.js";
import DOMPurify from "./vendor/purify.es.js";

const FORBIDDEN = ["img", "picture", "video", "audio", "iframe", "form", "input", "button",
  "textarea", "select", "style"];

DOMPurify.addHook("afterSanitizeAttributes", (node) => {
  if (node.tagName === "A") {
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer nofollow");
  }
});

// One line break is a line break: the built-in agent lists one task per line.
marked.use({ gfm: true, breaks: true });

export function renderMarkdown(target, text) {
  const html = marked.parse(text, { async: false });
  target.innerHTML = DOMPurify.sanitize(html, { FORBID_TAGS: FORBIDDEN });
  target.classList.add("markdown");
}
