/*
 * Share and print buttons. The HTML ships them hidden: without JavaScript the read-only field with the link
 * is the way to share. This script shows the buttons and makes "Kopieer link" copy that link, with a visible
 * confirmation that screen readers hear too (role="status").
 */
(function () {
  "use strict";

  function reveal(root) {
    root.querySelectorAll("[data-copy-link], [data-print]").forEach(function (button) {
      button.hidden = false;
    });
  }

  function copyText(text, field) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(
        function () { return true; },
        function () { return legacyCopy(field); }
      );
    }
    return Promise.resolve(legacyCopy(field));
  }

  // Older browsers and plain-HTTP intranets: select the field and use the copy command.
  function legacyCopy(field) {
    if (!field) return false;
    field.focus();
    field.select();
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  function say(status, message) {
    if (!status) return;
    status.textContent = "";
    window.setTimeout(function () { status.textContent = message; }, 30);
  }

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    var copyButton = target.closest("[data-copy-link]");
    if (copyButton) {
      var panel = copyButton.closest(".tp-share");
      var field = panel.querySelector("[data-share-url]");
      var status = panel.querySelector("[data-copy-status]");
      var url = field ? field.value : window.location.href;
      copyText(url, field).then(function (copied) {
        if (copied) copyButton.focus();
        say(status, copied ? status.dataset.copied : status.dataset.failed);
        if (!copied && field) field.select();
      });
      return;
    }
    if (target.closest("[data-print]")) {
      window.print();
    }
  });

  // The field selects itself when clicked, ready to copy by hand.
  document.addEventListener("focusin", function (event) {
    var target = event.target;
    if (target instanceof HTMLInputElement && target.hasAttribute("data-share-url")) {
      target.select();
    }
  });

  reveal(document);
  document.addEventListener("trefpunt:updated", function (event) {
    reveal(event.target);
  });
})();
