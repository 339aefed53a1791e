// Building the page's elements. Text goes in as text (textContent): nothing a user or
// the model wrote is parsed as HTML here.

export const $ = (selector) => document.querySelector(selector);

// el("button", { class: "icon", onclick: f, "aria-label": "…" }, child, …): attributes
// that are null, undefined or false are left out; "on…" keys add event listeners.
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}
