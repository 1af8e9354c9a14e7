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

/**
 * Clamp `node` to as many lines (at most `most`) as let everything in `box` end above its
 * bottom padding. `box` must be positioned, so that offsetTop is measured from it.
 */
export function fitLines(node, box, most) {
  const limit = box.clientHeight - parseFloat(getComputedStyle(box).paddingBottom);
  const fits = () => [...box.children].every((child) => child.hidden || child.offsetTop + child.offsetHeight <= limit);
  for (let lines = most; lines >= 1; lines -= 1) {
    node.style.setProperty("-webkit-line-clamp", String(lines));
    if (fits()) return;
  }
}
