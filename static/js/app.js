// Small progressive enhancements shared by every page. Everything works without them.
document.addEventListener("DOMContentLoaded", () => {
  // Toasts fade away on their own.
  document.querySelectorAll("[data-autohide]").forEach((el) => {
    setTimeout(() => { el.style.transition = "opacity .4s"; el.style.opacity = "0"; setTimeout(() => el.remove(), 450); }, 4500);
  });

  // Phone navigation for the app and console shells: every [data-nav-toggle] (menu button,
  // close button, backdrop) opens or closes the sidebar; Escape closes it.
  const shell = document.querySelector(".shell");
  const toggles = document.querySelectorAll("[data-nav-toggle]");
  const setNav = (open) => {
    if (!shell) return;
    shell.classList.toggle("nav-open", open);
    toggles.forEach((el) => { if (el.hasAttribute("aria-expanded")) el.setAttribute("aria-expanded", open ? "true" : "false"); });
    if (open) { const first = shell.querySelector(".sidebar a, .sidebar button"); if (first) first.focus(); }
  };
  toggles.forEach((el) => el.addEventListener("click", () => setNav(!shell.classList.contains("nav-open"))));

  // Dropdown menus built on <details>: one open at a time, closed by a click outside or Escape.
  const dropdowns = [...document.querySelectorAll("details.dropdown")];
  dropdowns.forEach((d) => d.addEventListener("toggle", () => {
    if (d.open) dropdowns.forEach((other) => { if (other !== d) other.open = false; });
  }));
  document.addEventListener("click", (event) => {
    dropdowns.forEach((d) => { if (d.open && !d.contains(event.target)) d.open = false; });
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    dropdowns.forEach((d) => { if (d.open) { d.open = false; d.querySelector("summary").focus(); } });
    if (shell && shell.classList.contains("nav-open")) setNav(false);
  });

  // Preset a time-zone <select> from the browser.
  document.querySelectorAll("select[data-browser-timezone]").forEach((select) => {
    if (select.dataset.userChosen) return;
    try {
      const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (zone && [...select.options].some((o) => o.value === zone) && !select.dataset.bound) select.value = zone;
    } catch (e) { /* old browser: keep the server's default */ }
  });

  // Show a chosen logo before it is uploaded.
  document.querySelectorAll("input[type=file][accept^='image/']").forEach((input) => {
    input.addEventListener("change", () => {
      const file = input.files && input.files[0];
      const preview = input.closest(".logo-row") && input.closest(".logo-row").querySelector(".logo-preview");
      if (!file || !preview || !file.type.startsWith("image/")) return;
      const img = document.createElement("img");
      img.className = "logo-preview";
      img.alt = "New logo preview";
      img.src = URL.createObjectURL(file);
      preview.replaceWith(img);
    });
  });
});
