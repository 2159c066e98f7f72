// Small progressive enhancements shared by every page.
document.addEventListener("DOMContentLoaded", () => {
  // Toasts fade away on their own.
  document.querySelectorAll("[data-autohide]").forEach((el) => {
    setTimeout(() => { el.style.transition = "opacity .4s"; el.style.opacity = "0"; setTimeout(() => el.remove(), 450); }, 4500);
  });
  // Phone navigation toggle for the app and console shells.
  document.querySelectorAll("[data-nav-toggle]").forEach((button) => {
    button.addEventListener("click", () => {
      const shell = document.querySelector(".shell");
      const open = shell.classList.toggle("nav-open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  });
  // Preset a time-zone <select> from the browser.
  document.querySelectorAll("select[data-browser-timezone]").forEach((select) => {
    if (select.dataset.userChosen) return;
    try {
      const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (zone && [...select.options].some((o) => o.value === zone) && !select.dataset.bound) select.value = zone;
    } catch (e) { /* old browser: keep the server's default */ }
  });
});
