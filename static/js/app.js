// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("htmx:responseError", (event) => {
  const box = document.getElementById("htmx-error");
  if (box) {
    box.textContent = "Le serveur n'a pas pu traiter la demande (" + event.detail.xhr.status + "). Vos saisies sont conservées : réessayez.";
    box.classList.remove("d-none");
  }
});

// Formatting toolbar of the text areas: wraps the selection in one of the tags the
// documents can print (the server sanitises whatever arrives).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-wrap]");
  if (!button) return;
  const area = document.getElementById(button.dataset.target);
  if (!area) return;
  const start = area.selectionStart, end = area.selectionEnd;
  const selected = area.value.slice(start, end) || "texte";
  let html;
  if (button.dataset.wrap === "list") {
    html = "<ul>" + selected.split("\n").filter((l) => l.trim()).map((l) => "<li>" + l.trim() + "</li>").join("") + "</ul>";
  } else {
    html = "<" + button.dataset.wrap + ">" + selected + "</" + button.dataset.wrap + ">";
  }
  area.setRangeText(html, start, end, "end");
  area.dispatchEvent(new Event("input", {bubbles: true}));
  area.focus();
});
