/*
 * The public filter forms (commitments, league table): a GET form leaves out the fields left
 * empty, so that the address a citizen shares reads `?department=ZJJ`, not
 * `?q=&department=ZJJ&episode=&status=…`. Without this module the form works just the same.
 */
for (const form of document.querySelectorAll("form[data-compact-query]")) {
  const defaults = JSON.parse(form.dataset.compactQuery || "{}");
  form.addEventListener("formdata", (event) => {
    for (const [name, value] of [...event.formData.entries()]) {
      if (value === "" || defaults[name] === value) event.formData.delete(name);
    }
  });
}

// Phones show the search alone and fold the other filters away; wider screens show them all.
if (window.matchMedia("(min-width: 721px)").matches) {
  for (const more of document.querySelectorAll("details.more-filters")) more.open = true;
}
