// The progress of an import job: polls its status every half second and, once the job has
// moved on (previewed, done, failed), reloads the page, which then shows the preview or the result.
const box = document.querySelector("[data-import-job]");
const POLL_MS = 500;

const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_match, key) => String(values[key]));

async function poll() {
  try {
    const response = await fetch(box.dataset.importJob, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(String(response.status));
    const status = await response.json();
    if (status.state !== box.dataset.state) {
      window.location.reload();
      return;
    }
    const bar = box.querySelector("[data-job-progress]");
    const rows = box.querySelector("[data-job-rows]");
    if (status.total) {
      bar.max = status.total;
      bar.value = status.processed;
      rows.textContent = fill(rows.dataset.ofTemplate, { done: status.processed, total: status.total });
    } else {
      bar.removeAttribute("value");
      rows.textContent = fill(rows.dataset.readTemplate, { done: status.processed });
    }
  } catch (error) {
    // A missed poll (a restart, the network) is retried at the next tick.
  }
  setTimeout(poll, POLL_MS);
}

if (box) setTimeout(poll, POLL_MS);
