/* Behaviour every page shares. No inline script or handler exists anywhere: the Content-Security-Policy
 * allows scripts from this site only (imr_site/settings.py), so what templates once did in hx-on and
 * onsubmit attributes is declared with data- attributes and handled here.
 *
 *   data-swap-errors        htmx swaps 409/422 answers into this element (they carry the form's errors)
 *   data-reload-on-accept   reload the page after a successful accept posted from inside this element
 *   data-no-submit          a search form htmx answers; the browser never submits it itself
 *   data-take-theirs=ID     (conflict merge) copy the element named by data-from into the field ID
 *   data-idle-timeout=SEC   on <body>: warn before the session ends for inactivity, then go to login
 */
(function () {
  "use strict";

  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if ((status === 409 || status === 422) && event.detail.elt.closest("[data-swap-errors]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var area = event.detail.elt.closest && event.detail.elt.closest("[data-reload-on-accept]");
    if (area && event.detail.successful && /\/accept\/$/.test(event.detail.pathInfo.requestPath)) {
      window.location.reload();
    }
  });

  document.addEventListener("submit", function (event) {
    if (event.target.matches("[data-no-submit]")) { event.preventDefault(); }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-take-theirs]");
    if (!button) { return; }
    var target = document.getElementById(button.dataset.takeTheirs);
    var from = document.getElementById(button.dataset.from);
    if (target && from) { target.value = from.value; target.focus(); }
  });

  // Idle timeout (SESSION_COOKIE_AGE, renewed by every request): warn WARN_SECONDS before the end. The
  // workspace's drafts are in this browser's storage and autosaved, so nothing typed is lost when it ends.
  var body = document.body;
  var idle = parseInt(body.dataset.idleTimeout || "0", 10);
  if (idle > 0) {
    var WARN_SECONDS = Math.min(120, Math.floor(idle / 2));
    var warnTimer = null, endTimer = null;
    var banner = document.getElementById("idle-warning");
    var restart = function () {
      clearTimeout(warnTimer);
      clearTimeout(endTimer);
      if (banner) { banner.hidden = true; }
      warnTimer = setTimeout(function () { if (banner) { banner.hidden = false; } }, (idle - WARN_SECONDS) * 1000);
      endTimer = setTimeout(function () {
        window.location.href = body.dataset.loginUrl + "?next=" + encodeURIComponent(window.location.pathname);
      }, idle * 1000);
    };
    // Any request to the server (a page, an htmx partial, an autosave) renews the session.
    document.addEventListener("htmx:afterRequest", restart);
    document.addEventListener("review-saved", restart);
    var stay = document.getElementById("idle-stay");
    if (stay) {
      stay.addEventListener("click", function () {
        fetch(body.dataset.keepaliveUrl, { credentials: "same-origin" }).then(restart);
      });
    }
    restart();
  }
})();
