/*
 * "Zet op lijst" without leaving the page. The forms work without this script (a POST and back, or a
 * confirmation page when the cached page had no CSRF token); this script fetches a token when the form has
 * none, posts the form in the background, and puts the new count in the header, said aloud (role="status").
 * Any failure falls back to the ordinary form post.
 */
(function () {
  "use strict";

  var tokenRequest = null;

  function token(form) {
    var field = form.querySelector("[data-list-csrf]");
    if (field && field.value) return Promise.resolve(field.value);
    if (!tokenRequest) {
      tokenRequest = fetch("/lijst/sleutel", { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error("no token");
          return response.json();
        })
        .then(function (data) {
          document.querySelectorAll("[data-list-csrf]").forEach(function (each) { each.value = data.csrf_token; });
          return data.csrf_token;
        });
      tokenRequest.catch(function () { tokenRequest = null; });
    }
    return tokenRequest;
  }

  function showIndicator(html, message) {
    var current = document.querySelector("[data-list-indicator]");
    if (!current) return;
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var fresh = holder.firstElementChild;
    if (!fresh) return;
    current.replaceWith(fresh);
    var status = fresh.querySelector("[data-list-message]");
    if (status) {
      status.textContent = "";
      window.setTimeout(function () { status.textContent = message; }, 30);
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-add-to-list")) return;
    if (form.dataset.sending === "yes") {
      event.preventDefault();
      return;
    }
    event.preventDefault();
    form.dataset.sending = "yes";
    var button = form.querySelector("button[type=submit]");
    token(form)
      .then(function (value) {
        var data = new FormData(form);
        data.set("csrf_token", value);
        return fetch(form.action, {
          method: "POST",
          body: data,
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        });
      })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (answer) {
        form.dataset.sending = "";
        if (answer.body.indicator) showIndicator(answer.body.indicator, answer.body.message);
        if (answer.ok && button) {
          button.classList.add("tp-add-to-list__button--done");
          button.dataset.done = "yes";
        } else if (!answer.ok) {
          form.submit();
        }
      })
      .catch(function () {
        form.dataset.sending = "";
        form.submit();
      });
  });
})();
