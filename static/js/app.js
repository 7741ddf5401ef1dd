// Small progressive enhancements; every page works without JavaScript. No page has a script
// of its own: the Content-Security-Policy runs only files from /static/ (settings.py).
document.addEventListener("htmx:responseError", (event) => {
  const box = document.getElementById("htmx-error");
  if (box) {
    box.textContent = "Le serveur n'a pas pu traiter la demande (" + event.detail.xhr.status + "). Vos saisies sont conservées : réessayez.";
    box.classList.remove("d-none");
  }
});

// Formatting toolbar of the rich text areas (RichTextarea): hidden until now, it wraps the
// selection in one of the tags the documents can print (the server normalises the rest).
document.querySelectorAll("[data-richtext-for]").forEach((toolbar) => { toolbar.hidden = false; });
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-richtext-for] button");
  if (!button) return;
  const area = document.getElementById(button.closest("[data-richtext-for]").dataset.richtextFor);
  if (!area) return;
  const start = area.selectionStart, end = area.selectionEnd;
  const selected = area.value.slice(start, end);
  let open, inner, close;
  if (button.dataset.list) {
    // One item per selected line.
    open = `<${button.dataset.list}>\n<li>`;
    inner = selected.split("\n").map((l) => l.trim()).filter(Boolean).join("</li>\n<li>");
    close = `</li>\n</${button.dataset.list}>`;
  } else {
    open = `<${button.dataset.wrap}>`;
    inner = selected;
    close = `</${button.dataset.wrap}>`;
  }
  area.setRangeText(open + inner + close, start, end, "end");
  if (!inner) area.setSelectionRange(start + open.length, start + open.length);  // type inside
  area.dispatchEvent(new Event("input", {bubbles: true}));  // the PV preview follows the text
  area.focus();
});

// The PV's editor: the preview beside it follows the text, a moment after typing stops.
(() => {
  const form = document.getElementById("pv-form");
  const frame = document.getElementById("pv-preview");
  if (!form || !frame) return;
  let timer = null, busy = false;
  const refresh = () => {
    fetch(form.dataset.previewUrl, {method: "POST", body: new FormData(form)})
      .then((r) => r.ok ? r.text() : Promise.reject(r.status))
      .then((html) => { frame.srcdoc = html; })
      .catch(() => {});
  };
  form.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(refresh, 600); });
})();

// The ordre du jour: after an htmx reorder, give the keyboard focus back to the moved item's button.
document.addEventListener("htmx:afterSwap", () => {
  const box = document.getElementById("ordre-du-jour");
  if (!box || !box.dataset.focusId) return;
  const [direction, pk] = box.dataset.focusId.split("-");
  let button = document.getElementById(box.dataset.focusId);
  if (!button || button.disabled) button = document.getElementById((direction === "up" ? "down-" : "up-") + pk);
  if (button && !button.disabled) button.focus();
});

// Live views (the room display, the élus' devices): ask for the state every half second with
// the entity tag of the one shown; the server answers 304 while nothing was recorded, and
// the new state (200) replaces the old one. Screen readers hear its one-line summary.
(() => {
  const box = document.querySelector("[data-live-poll]");
  if (!box) return;
  // The display's token came in the address: a cookie keeps it now, out of sight.
  if (new URLSearchParams(location.search).has("jeton")) history.replaceState(null, "", location.pathname);
  const url = box.dataset.livePoll;
  const announcer = document.getElementById("live-announce");
  const offline = document.querySelector("[data-live-offline]");
  let etag = box.dataset.liveEtag || "";
  // A hidden tab (a phone put away) asks less often, and at once when shown again.
  const PERIOD = 500, RETRY = 2000, HIDDEN = 5000;
  let timer = null, busy = false;
  const summary = () => {
    const line = box.querySelector("[data-live-announce]");
    return line ? line.textContent.trim() : "";
  };
  let said = summary();
  const poll = async () => {
    let wait = PERIOD;
    busy = true;
    try {
      const response = await fetch(url, {
        headers: etag ? {"If-None-Match": etag} : {},
        cache: "no-store",
        credentials: "same-origin",
        // An expired login answers with a redirect to the login form: not a state to show.
        redirect: "manual",
      });
      if (response.status === 200) {
        const html = await response.text();
        etag = response.headers.get("ETag") || "";
        box.innerHTML = html;
        const line = summary();
        if (announcer && line && line !== said) announcer.textContent = line;
        said = line;
      } else if (response.status !== 304) {
        wait = RETRY;
      }
      if (offline) {
        // 403 or a redirect to the login: no more access; anything else: the server is unreachable.
        const denied = response.status === 403 || response.type === "opaqueredirect";
        offline.textContent = denied ? offline.dataset.denied : offline.dataset.lost;
        offline.hidden = response.status === 200 || response.status === 304;
      }
    } catch (error) {
      wait = RETRY;
      if (offline) { offline.textContent = offline.dataset.lost; offline.hidden = false; }
    }
    busy = false;
    timer = setTimeout(poll, document.hidden ? Math.max(wait, HIDDEN) : wait);
  };
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && !busy) { clearTimeout(timer); timer = setTimeout(poll, 0); }
  });
  timer = setTimeout(poll, PERIOD);
})();
