// Small DOM helpers for the display. Text is only ever set with textContent.

export function slots(root, name) {
  return root.querySelectorAll(`[data-slot="${name}"]`);
}

/** Set every `[data-slot=name]` under `root`; touching the DOM only when the text changes. */
export function setText(root, name, text) {
  const value = text == null ? "" : String(text);
  for (const element of slots(root, name)) {
    if (element.textContent !== value) element.textContent = value;
  }
}

export function show(element, visible) {
  if (element) element.hidden = !visible;
}

export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = String(text);
  return node;
}

/** Replace a list's children with `items` rendered by `build`. */
export function fillList(list, items, build) {
  list.replaceChildren(...items.map(build));
}

/** Play a CSS entrance again (a class whose keyframes run on transform and opacity). */
export function replay(node, className = "is-entering") {
  node.classList.remove(className);
  void node.offsetWidth; // restart the keyframes
  node.classList.add(className);
}

const FIT_STEPS = 8;

/** Whether `box` holds all it contains: nothing sticks out to the right or below. */
export function holds(box) {
  return box.scrollWidth <= box.clientWidth + 1 && box.scrollHeight <= box.clientHeight + 1;
}

function linesOf(node) {
  const lineHeight = parseFloat(getComputedStyle(node).lineHeight);
  return lineHeight > 0 ? Math.round(node.scrollHeight / lineHeight) : 1;
}

function shrink(box, fits) {
  const sizes = fits.map(({ node }) => parseFloat(getComputedStyle(node).fontSize));
  for (let step = 0; step <= FIT_STEPS; step += 1) {
    fits.forEach(({ node, smallest }, index) => {
      const size = Math.max(smallest, sizes[index] - ((sizes[index] - smallest) * step) / FIT_STEPS);
      node.style.setProperty("font-size", `${size}px`);
    });
    if (holds(box) && fits.every(({ node, lines }) => !lines || node.hidden || linesOf(node) <= lines)) return true;
  }
  return holds(box); // at the smallest size: more lines than wished for, as long as they fit
}

/**
 * Make the text in `box` fit it without ever cutting it. `fits` are `{node, smallest, lines}`:
 * each node starts at its stylesheet's size and all shrink together, step by step, until the
 * box holds everything and no node needs more than its `lines`; at the smallest readable
 * sizes the text wraps onto more lines instead. Text always wraps, never overflows sideways.
 * `optional` (a summary, say) is left out, whole, when even that does not fit. Returns whether
 * everything left in the box fits.
 */
export function fitText(box, fits, { optional = null } = {}) {
  if (!box) return true;
  const present = fits.filter(({ node }) => node);
  for (const { node } of present) node.style.removeProperty("font-size");
  if (optional) optional.hidden = false;
  if (shrink(box, present) || !optional) return holds(box);
  optional.hidden = true;
  for (const { node } of present) node.style.removeProperty("font-size");
  return shrink(box, present.filter(({ node }) => node !== optional));
}

/** `fitText`'s entries for every element matching `selector` inside `root`. */
export function fitsOf(root, selector, smallest, lines = 0) {
  return [...root.querySelectorAll(selector)].map((node) => ({ node, smallest, lines }));
}
