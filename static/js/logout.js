/* Logging out forgets every review draft this browser kept (review-workspace.js keys them
 * "imr-review-draft:u<user id>:<case>:v<version>"), so the next person on this browser never sees or
 * saves another user's text. Drafts are keyed by user as well, for a session that ends without a logout.
 */
(function () {
  "use strict";
  var PREFIX = "imr-review-draft:";
  function forgetDrafts() {
    try {
      for (var i = localStorage.length - 1; i >= 0; i--) {
        var key = localStorage.key(i);
        if (key && key.indexOf(PREFIX) === 0) { localStorage.removeItem(key); }
      }
    } catch (e) { /* storage unavailable: nothing was kept */ }
  }
  document.querySelectorAll("form[data-clears-drafts]").forEach(function (form) {
    form.addEventListener("submit", forgetDrafts);
  });
})();
