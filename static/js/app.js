// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("htmx:responseError", (event) => {
  const box = document.getElementById("htmx-error");
  if (box) {
    box.textContent = "Le serveur n'a pas pu traiter la demande (" + event.detail.xhr.status + "). Vos saisies sont conservées : réessayez.";
    box.classList.remove("d-none");
  }
});
