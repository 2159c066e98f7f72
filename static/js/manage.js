// Management screens: row editors (weekly hours, date overrides, booking-page questions),
// confirmations and show/hide of dependent fields. Without JavaScript every button still works:
// "Add" and "Remove" submit the form and the server re-renders the rows, nothing saved.
document.addEventListener("DOMContentLoaded", () => {
  let counter = Date.now() % 1000000;

  document.querySelectorAll("[data-rows-form]").forEach((form) => {
    const placeholders = new Map();
    form.querySelectorAll("[data-rows]").forEach((rows) => {
      const empty = rows.querySelector("[data-empty]");
      if (empty) placeholders.set(rows, empty.cloneNode(true));
    });

    form.addEventListener("click", (event) => {
      const add = event.target.closest("[data-add-row]");
      const remove = event.target.closest("[data-remove-row]");
      if (add) {
        event.preventDefault();
        const rows = add.closest("[data-rows]");
        const template = rows.querySelector("template[data-row-template]");
        counter += 1;
        const holder = document.createElement("div");
        holder.innerHTML = template.innerHTML.replaceAll("__n__", String(counter));
        const row = holder.firstElementChild;
        const empty = rows.querySelector("[data-empty]");
        if (empty) empty.remove();
        rows.insertBefore(row, template);
        bindQuestion(row);
        const first = row.querySelector("input:not([type=hidden]), select, textarea");
        if (first) first.focus();
      } else if (remove) {
        event.preventDefault();
        const rows = remove.closest("[data-rows]");
        const row = remove.closest("[data-row]");
        const next = row.nextElementSibling;
        row.remove();
        if (!rows.querySelector("[data-row]") && placeholders.has(rows)) {
          rows.insertBefore(placeholders.get(rows).cloneNode(true), rows.firstChild);
        }
        const target = next && next.querySelector ? (next.querySelector("input:not([type=hidden]), button") || next) : null;
        if (target && target.focus) target.focus();
      }
    });
  });

  // Choice questions list their options; other types have none.
  function bindQuestion(scope) {
    scope.querySelectorAll("[data-question-type]").forEach(bindType);
  }
  function bindType(select) {
    if (select.dataset.bound) return;
    select.dataset.bound = "1";
    const sync = () => {
      const choices = select.closest("[data-question]").querySelector("[data-choices]");
      if (choices) choices.hidden = select.value !== "choice";
    };
    select.addEventListener("change", sync);
    sync();
  }
  bindQuestion(document);

  // A date override's hours only matter for "Other hours".
  document.querySelectorAll("[data-hours-for]").forEach((hours) => {
    const radios = hours.closest("form").querySelectorAll(`input[name="${hours.dataset.hoursFor}"]`);
    const sync = () => {
      const checked = [...radios].find((r) => r.checked);
      hours.hidden = !checked || checked.value !== "hours";
    };
    radios.forEach((r) => r.addEventListener("change", sync));
    sync();
  });

  // Irreversible actions ask first.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
});
