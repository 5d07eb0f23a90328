/*
 * The search page without full page loads. Everything works without this script: the filters are a GET form
 * and every value is a link. With it, ticking a filter, following a chip, sort or page link, or searching
 * fetches the same /zoeken URL with the X-Trefpunt-Fragment header, swaps the filters and results in place,
 * keeps the address bar in step (pushState/popstate) and tells screen readers the new count.
 */
(function () {
  "use strict";

  var form = document.getElementById("zoekformulier");
  var region = document.querySelector("[data-search-region]");
  var announcer = document.querySelector("[data-live-region]");
  if (!form || !region || !window.fetch || !window.history || !window.history.pushState) return;

  var searchPath = new URL(form.action, window.location.href).pathname;
  var pending = null;
  // On small screens the filters fold away behind a button; remembered across updates.
  var narrow = window.matchMedia("(max-width: 55.99em)");
  var filtersOpen = false;

  function foldFilters() {
    var toggle = region.querySelector("[data-filters-toggle]");
    var body = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
    if (!toggle || !body) return;
    var aside = toggle.closest(".tp-filters");
    var folding = narrow.matches;
    aside.classList.toggle("tp-filters--folding", folding);
    toggle.hidden = !folding;
    var open = !folding || filtersOpen;
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    body.hidden = !open;
    // The form's "Toon resultaten" is hidden with JavaScript (every tick already updates the list), but
    // on a phone that list is far below the unfolded filters: this button, its count kept live by every
    // update, takes the visitor there.
    var show = region.querySelector("[data-show-results]");
    if (show) show.hidden = !(folding && open);
  }

  function showResults() {
    filtersOpen = false;
    foldFilters();
    var heading = document.getElementById("resultaten-titel");
    if (heading) {
      heading.scrollIntoView({ block: "start" });
      heading.focus({ preventScroll: true });
    }
  }

  function hideNoJs(root) {
    root.querySelectorAll("[data-nojs]").forEach(function (element) {
      element.hidden = true;
    });
  }

  function formUrl() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string" && value.trim() !== "") params.append(name, value);
    });
    var query = params.toString();
    return searchPath + (query ? "?" + query : "");
  }

  function isSearchLink(link) {
    if (!link || !link.href || link.target || link.hasAttribute("download")) return false;
    var url = new URL(link.href, window.location.href);
    return url.origin === window.location.origin && url.pathname === searchPath;
  }

  // Which panels are open and what had focus, to put back after the swap.
  function snapshot() {
    var open = {};
    region.querySelectorAll("details[id]").forEach(function (details) {
      open[details.id] = details.open;
    });
    var active = document.activeElement;
    return { open: open, focusId: active && region.contains(active) && active.id ? active.id : null };
  }

  function restore(state, focus) {
    region.querySelectorAll("details[id]").forEach(function (details) {
      if (Object.prototype.hasOwnProperty.call(state.open, details.id)) details.open = state.open[details.id];
    });
    var target = null;
    if (focus === "heading") target = document.getElementById("resultaten-titel");
    else if (focus) target = document.getElementById(focus);
    else if (state.focusId) target = document.getElementById(state.focusId);
    if (target) {
      if (target.closest("details") && !target.closest("details").open) target.closest("details").open = true;
      target.focus({ preventScroll: focus !== "heading" });
    }
  }

  function announce(text) {
    if (!announcer) return;
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 60);
  }

  function load(url, options) {
    options = options || {};
    if (pending) pending.abort();
    var controller = new AbortController();
    pending = controller;
    var state = snapshot();
    region.setAttribute("aria-busy", "true");
    return fetch(url, {
      headers: { "X-Trefpunt-Fragment": "1" },
      credentials: "same-origin",
      signal: controller.signal,
    })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        if (pending !== controller) return;
        pending = null;
        region.innerHTML = html;
        region.removeAttribute("aria-busy");
        var root = region.querySelector("[data-results]");
        hideNoJs(region);
        foldFilters();
        restore(state, options.focus);
        region.dispatchEvent(new CustomEvent("trefpunt:updated", { bubbles: true }));
        if (root) {
          document.title = root.dataset.title;
          // Feed readers and browsers look for the search's feed in the head: keep it the shown search's.
          var feed = document.querySelector('link[rel="alternate"][type="application/atom+xml"]');
          if (feed && root.dataset.feed) feed.setAttribute("href", root.dataset.feed);
          // The shared address is under the public base URL, which need not be this page's origin (a
          // proxy, a test server): the history keeps this origin with the search's path and query.
          var address = new URL(root.dataset.url, window.location.href);
          var here = address.pathname + address.search;
          if (options.push !== false && here !== window.location.pathname + window.location.search) {
            window.history.pushState({ trefpunt: true }, "", here);
          }
          syncQuery(here);
          followLanguageSwitch(here);
          announce(root.dataset.announce);
        }
      })
      .catch(function (error) {
        if (error && error.name === "AbortError") return;
        // Whatever went wrong, the plain page load still works.
        window.location.assign(url);
      });
  }

  // The language switch lives outside the swapped region: point it at the search now shown.
  function followLanguageSwitch(url) {
    document.querySelectorAll(".tp-language__link[hreflang]").forEach(function (link) {
      var target = new URL(url, window.location.href);
      target.searchParams.set("lang", link.getAttribute("hreflang"));
      link.href = target.pathname + target.search;
    });
  }

  function syncQuery(url) {
    var field = form.elements.namedItem("q");
    if (field && document.activeElement !== field) {
      field.value = new URL(url, window.location.href).searchParams.get("q") || "";
    }
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input instanceof HTMLInputElement && input.type === "checkbox" && input.form === form) {
      load(formUrl(), { focus: input.id });
    }
  });

  document.addEventListener("click", function (event) {
    var toggle = event.target instanceof Element ? event.target.closest("[data-filters-toggle]") : null;
    if (toggle) {
      filtersOpen = toggle.getAttribute("aria-expanded") !== "true";
      foldFilters();
      return;
    }
    if (event.target instanceof Element && event.target.closest("[data-show-results]")) {
      event.preventDefault();
      showResults();
      return;
    }
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    var link = event.target instanceof Element ? event.target.closest("a") : null;
    if (!link || !region.contains(link)) return;
    if (link.dataset.toggle) {
      // A facet value's name is a link for browsers without JavaScript; here it ticks its checkbox.
      var box = document.getElementById(link.dataset.toggle);
      if (!box || box.disabled) return;
      event.preventDefault();
      box.checked = !box.checked;
      load(formUrl(), { focus: box.id });
      return;
    }
    if (isSearchLink(link)) {
      event.preventDefault();
      load(link.href, { focus: "heading" });
    }
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    load(formUrl(), { focus: null });
  });

  window.addEventListener("popstate", function () {
    load(window.location.href, { push: false, focus: null });
  });

  if (narrow.addEventListener) narrow.addEventListener("change", foldFilters);
  hideNoJs(region);
  foldFilters();
})();
