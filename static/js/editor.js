// Progressive enhancements of the editors' pages; every page also works without JavaScript.
(function () {
  "use strict";

  // Bring the error summary into view and focus, so screen readers announce it first.
  var summary = document.getElementById("foutmeldingen");
  if (summary) { summary.focus(); }

  // Ask before destructive actions marked with data-confirm.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });

  // Level picker: offer only the levels of the chosen scheme.
  var scheme = document.getElementById("level_scheme");
  var pickers = [document.getElementById("level_from"), document.getElementById("level_to")];
  function filterLevels() {
    if (!scheme) { return; }
    pickers.forEach(function (select) {
      if (!select) { return; }
      Array.prototype.forEach.call(select.querySelectorAll("option[data-scheme]"), function (option) {
        var other = scheme.value && option.getAttribute("data-scheme") !== scheme.value;
        option.disabled = !!other;
        option.hidden = !!other;
        if (other && option.selected) { select.value = ""; }
      });
    });
  }
  if (scheme) {
    scheme.addEventListener("change", filterLevels);
    filterLevels();
    pickers.forEach(function (select) {
      if (!select) { return; }
      select.addEventListener("change", function () {
        var chosen = select.options[select.selectedIndex];
        if (chosen && chosen.getAttribute("data-scheme") && !scheme.value) {
          scheme.value = chosen.getAttribute("data-scheme");
          filterLevels();
        }
      });
    });
  }

  // Character counter for fields with data-counter (title, provider, summary). The field takes any length
  // (a pasted text is never cut mid-word); the server refuses one that is too long and says by how much.
  // Characters as Python counts them: code points, a line break as one.
  document.querySelectorAll("[data-counter]").forEach(function (field) {
    var max = parseInt(field.getAttribute("data-counter"), 10);
    var counter = document.createElement("p");
    counter.className = "counter";
    counter.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", counter);
    function update() {
      var length = Array.from(field.value.trim()).length;
      counter.textContent = length + " / " + max;
      counter.classList.toggle("over", length > max);
    }
    field.addEventListener("input", update);
    update();
  });

  // Markdown preview without leaving the page: the server renders it exactly as the public page will.
  var description = document.querySelector("textarea[data-preview-url]");
  var button = document.getElementById("preview-button");
  var preview = document.getElementById("voorbeeld");
  if (description && button && preview) {
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var data = new FormData();
      var token = document.querySelector("input[name=csrf_token]");
      data.append("description", description.value);
      if (token) { data.append("csrf_token", token.value); }
      fetch(description.getAttribute("data-preview-url"), { method: "POST", body: data, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
        .then(function (html) {
          preview.querySelector(".preview-body").innerHTML = html;
          preview.hidden = false;
        })
        .catch(function () { button.form.requestSubmit(button); });
    });
  }
})();
