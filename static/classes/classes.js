// Schedule form: the series options only matter for a weekly class.
(function () {
  "use strict";
  function sync(form) {
    var options = form.querySelector("[data-repeat-options]");
    var weekly = form.querySelector('input[name="repeat"][value="weekly"]');
    if (!options || !weekly) return;
    options.hidden = !weekly.checked;
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form").forEach(function (form) {
      if (!form.querySelector("[data-repeat-options]")) return;
      sync(form);
      form.addEventListener("change", function (event) {
        if (event.target.name === "repeat") sync(form);
      });
    });
  });
})();
