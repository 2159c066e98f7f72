// The booking wizard's enhancements. Every step works without them (plain links and forms).
(() => {
  document.documentElement.classList.add("js");

  const browserZone = () => {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return ""; }
  };

  // Show times in the browser's zone: a step that was opened without ?tz= reloads once with it
  // (the server then keeps it in every link, and the visitor can still switch it).
  const shell = document.querySelector("[data-wizard]");
  if (shell && shell.hasAttribute("data-zone-default") && ["time", "details"].includes(shell.dataset.step)) {
    const zone = browserZone();
    const url = new URL(window.location.href);
    if (zone && zone !== shell.dataset.zone && !url.searchParams.has("tz")) {
      url.searchParams.set("tz", zone);
      window.location.replace(url.toString());
      return;
    }
  }

  const storageKey = shell ? `booking-details:${window.location.host}:${shell.dataset.page}` : "";
  const remembered = () => {
    try { return JSON.parse(window.sessionStorage.getItem(storageKey) || "{}"); } catch (e) { return {}; }
  };
  const remember = (data) => {
    try { window.sessionStorage.setItem(storageKey, JSON.stringify(data)); } catch (e) { /* private mode */ }
  };
  const SKIP = new Set(["csrfmiddlewaretoken", "attempt", "slot"]);

  const enhance = (root) => {
    // The zone select shows the new times as soon as it changes.
    root.querySelectorAll("select[data-zone-select]").forEach((select) => {
      select.addEventListener("change", () => {
        const form = select.form;
        if (form.requestSubmit) form.requestSubmit(); else form.submit();
      });
    });

    // What the visitor typed on the details step survives a reload or a trip back to the
    // calendar (this tab only: sessionStorage, cleared once the booking is made).
    root.querySelectorAll("form[data-remember-details]").forEach((form) => {
      const saved = remembered();
      form.querySelectorAll("input, textarea, select").forEach((el) => {
        if (!el.name || SKIP.has(el.name) || el.type === "hidden") return;
        if (el.name in saved) {
          if (el.type === "checkbox") { if (!el.checked && saved[el.name] === true) el.checked = true; }
          else if (el.type === "radio") { if (!form.querySelector(`[name="${el.name}"]:checked`) && saved[el.name] === el.value) el.checked = true; }
          else if (!el.value) el.value = saved[el.name];
        }
        const store = () => {
          const data = remembered();
          if (el.type === "checkbox") data[el.name] = el.checked;
          else if (el.type === "radio") { if (el.checked) data[el.name] = el.value; }
          else data[el.name] = el.value;
          remember(data);
        };
        el.addEventListener("input", store);
        el.addEventListener("change", store);
      });
      // One booking per click: the server also ignores a resent form (same attempt key).
      form.addEventListener("submit", () => {
        const button = form.querySelector("[data-book-button]");
        if (button) window.setTimeout(() => { button.disabled = true; button.textContent = "Booking…"; }, 0);
      });
    });

    if (root.querySelector("[data-clear-details]") && storageKey) {
      try { window.sessionStorage.removeItem(storageKey); } catch (e) { /* nothing stored */ }
    }
  };

  document.addEventListener("DOMContentLoaded", () => enhance(document));
  // htmx swaps the month panel in place: enhance what it brought.
  document.addEventListener("htmx:load", (event) => { if (event.target !== document.body) enhance(event.target); });
})();
