/* The reviewer's workspace: autosave that never loses text.
 *
 * Every edit is written to this browser's localStorage at once, then saved to the server after a pause
 * in typing. Each save names the revision the page was based on; a newer save elsewhere comes back as a
 * conflict to merge (409), never a silent overwrite. A save that fails (network, server restart, expired
 * session) keeps the text here and retries with growing pauses; reopening the page restores it.
 */
(function () {
  "use strict";
  var form = document.getElementById("review-form");
  if (!form) { return; }
  var DEBOUNCE_MS = 1500, MAX_RETRY_MS = 30000, OFFLINE = "offline";
  var storageKey = form.dataset.storageKey;
  var url = form.dataset.autosaveUrl;
  var baseInput = document.getElementById("id_base_revision");
  var status = document.getElementById("save-status");
  var summary = document.getElementById("id_clinical_summary");
  var wordCount = document.getElementById("summary-word-count");
  var conflictArea = document.getElementById("conflict-area");
  var workspace = document.getElementById("review-workspace") || document.body;
  var dirty = {};          // field name -> true, edits not yet saved
  var timer = null, retryTimer = null, retryDelay = 2000, inFlight = false, again = false, paused = false;

  // Fields join the form through their ``form`` attribute (they sit outside it, beside the suggestions).
  function fields() {
    return Array.prototype.filter.call(form.elements, function (f) { return f.hasAttribute("data-autosave"); });
  }
  function field(name) { return form.elements.namedItem(name); }
  function csrfToken() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) { return decodeURIComponent(m[1]); }
    var input = form.querySelector("[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function say(text, cls) {
    status.textContent = text;
    status.className = "small ws-save-state " + (cls || "");
  }
  function countWords() {
    if (!summary || !wordCount) { return; }
    var words = summary.value.trim().split(/\s+/).filter(Boolean);
    wordCount.textContent = String(words.length);
  }
  function remember() {
    var stored = { revision: Number(baseInput.value), fields: {}, at: Date.now() };
    Object.keys(dirty).forEach(function (name) { stored.fields[name] = field(name).value; });
    try {
      if (Object.keys(stored.fields).length) { localStorage.setItem(storageKey, JSON.stringify(stored)); }
      else { localStorage.removeItem(storageKey); }
    } catch (e) { /* storage full or disabled: the server save still runs */ }
  }
  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(save, delay);
  }
  function retry(message) {
    var wait = Math.round(retryDelay / 1000);
    if (!navigator.onLine || message === OFFLINE) {
      say("offline: kept in this browser (retrying in " + wait + " s)", "text-danger");
    } else {
      say(message + " Your text is kept in this browser; retrying in " + wait + " s.", "text-danger");
    }
    clearTimeout(retryTimer);
    retryTimer = setTimeout(save, retryDelay);
    retryDelay = Math.min(retryDelay * 2, MAX_RETRY_MS);
  }

  function save(opts) {
    opts = opts || {};
    if (paused) { return; }
    var names = Object.keys(dirty);
    if (!names.length) { return; }
    if (inFlight) { again = true; return; }
    inFlight = true;
    var sent = {};
    var body = new FormData();
    body.append("base_revision", baseInput.value);
    names.forEach(function (name) { sent[name] = field(name).value; body.append(name, sent[name]); });
    say("saving…", "");
    fetch(url, {
      method: "POST", body: body, credentials: "same-origin", keepalive: !!opts.keepalive,
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() }
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (response.redirected || type.indexOf("application/json") === -1) {
        throw new Error(response.status === 403 || response.redirected
          ? "Not saved: your session has ended. Log in again (another tab is fine)."
          : "Not saved: the server did not answer (" + response.status + ").");
      }
      return response.json().then(function (data) { return { code: response.status, data: data }; });
    }).then(function (result) {
      inFlight = false;
      var data = result.data;
      if (result.code === 200 && data.status === "saved") {
        retryDelay = 2000;
        baseInput.value = data.revision;
        form.dataset.serverRevision = data.revision;
        Object.keys(sent).forEach(function (name) {
          if (field(name).value === sent[name]) { delete dirty[name]; }
        });
        remember();
        say(data.saved_at ? "saved at " + data.saved_at : "saved", "text-success");
        document.body.dispatchEvent(new CustomEvent("review-saved", { bubbles: true }));
      } else if (result.code === 409 && data.status === "conflict") {
        paused = true;
        conflictArea.innerHTML = data.html;
        // Merge happens in the conflict form; freeze the fields so nothing typed meanwhile is dropped.
        fields().forEach(function (f) { if (f.tagName === "SELECT") { f.disabled = true; } else { f.readOnly = true; } });
        say("Not saved: this review was saved elsewhere. Merge below; your text is kept in this browser.", "text-danger");
        conflictArea.scrollIntoView({ behavior: "smooth", block: "start" });
        var first = conflictArea.querySelector("textarea, select");
        if (first) { first.focus(); }
        return;
      } else {
        paused = true;
        say("Not saved: " + (data.message || "the server refused the change") + " Your text is kept in this browser.", "text-danger");
        return;
      }
      if (again || Object.keys(dirty).length) { again = false; schedule(DEBOUNCE_MS); }
    }).catch(function (error) {
      inFlight = false;
      retry(error && error.message && error.message.indexOf("Not saved") === 0 ? error.message : OFFLINE);
    });
  }

  function onEdit(event) {
    var target = event.target;
    if (!target.hasAttribute || !target.hasAttribute("data-autosave") || target.form !== form) { return; }
    dirty[target.name] = true;
    remember();
    if (target === summary) { countWords(); }
    if (!paused) { say("unsaved changes…", "text-body-secondary"); schedule(DEBOUNCE_MS); }
  }
  workspace.addEventListener("input", onEdit);
  workspace.addEventListener("change", onEdit);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    fields().forEach(function (f) { dirty[f.name] = true; });
    clearTimeout(timer);
    save();
  });
  // Ctrl+S / Cmd+S saves now instead of opening the browser's "save page" dialog.
  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && (event.key === "s" || event.key === "S")) {
      event.preventDefault();
      clearTimeout(timer);
      save();
    }
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && Object.keys(dirty).length) { save({ keepalive: true }); }
  });
  window.addEventListener("online", function () { if (Object.keys(dirty).length) { save(); } });
  window.addEventListener("offline", function () {
    if (Object.keys(dirty).length) { say("offline: kept in this browser", "text-danger"); }
  });

  // The conflict form (inserted above) posts normally; once merged, this browser's copy is obsolete.
  document.addEventListener("submit", function (event) {
    if (event.target.matches && event.target.matches("[data-merge]")) {
      try { localStorage.removeItem(storageKey); } catch (e) { /* ignore */ }
    }
  });
  document.addEventListener("click", function (event) {
    var b = event.target.closest && event.target.closest("[data-take-theirs]");
    if (b) {
      document.getElementById(b.dataset.takeTheirs).value = document.getElementById(b.dataset.from).value;
      return;
    }
    if (event.target.closest && event.target.closest("[data-discard-local]")) {
      try { localStorage.removeItem(storageKey); } catch (e) { /* ignore */ }
    }
  });

  // Restore edits this browser kept but the server never confirmed (tab closed, network down, session).
  (function restore() {
    var stored = null;
    try { stored = JSON.parse(localStorage.getItem(storageKey) || "null"); } catch (e) { stored = null; }
    if (!stored || !stored.fields) { return; }
    var restored = 0;
    Object.keys(stored.fields).forEach(function (name) {
      var f = field(name);
      if (f && f.value !== stored.fields[name]) { f.value = stored.fields[name]; dirty[name] = true; restored += 1; }
    });
    if (!restored) { localStorage.removeItem(storageKey); return; }
    // Those edits were typed on an older page: they are compared against what was saved since.
    baseInput.value = Math.min(Number(baseInput.value), Number(stored.revision));
    countWords();
    say("Restored " + restored + " unsaved change" + (restored > 1 ? "s" : "") + " from this browser; saving…", "text-body");
    schedule(300);
  })();
  countWords();
})();
