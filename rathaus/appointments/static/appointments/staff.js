// Print button on the walk-in ticket page (CSP: no inline scripts). Without JavaScript the
// button stays hidden and the browser's own print command works as usual.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  });
});
