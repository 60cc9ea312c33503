/* The workspace's layout and keyboard: the movable divider between records and determination (its place
 * remembered per user in this browser), the disputed items' tabs with their state (decided, citation,
 * rationale) and the "2 of 3 decided" progress, text areas that grow with their content, and the
 * keyboard shortcuts listed under "?".
 */
(function () {
  "use strict";
  var split = document.getElementById("ws-split");
  if (!split) { return; }

  // -- the divider -------------------------------------------------------------------------------------
  var divider = document.getElementById("ws-divider");
  var key = split.dataset.splitKey;
  function setSplit(percent, persist) {
    percent = Math.max(20, Math.min(80, Math.round(percent)));
    split.style.setProperty("--records-width", percent + "%");
    divider.setAttribute("aria-valuenow", String(percent));
    if (persist) { try { localStorage.setItem(key, String(percent)); } catch (e) { /* private mode */ } }
  }
  var saved = null;
  try { saved = Number(localStorage.getItem(key)); } catch (e) { saved = null; }
  setSplit(saved || 45, false);
  divider.addEventListener("pointerdown", function (e) {
    e.preventDefault();
    divider.setPointerCapture(e.pointerId);
    split.classList.add("ws-dragging");
    function move(ev) {
      var box = split.getBoundingClientRect();
      setSplit(((ev.clientX - box.left) / box.width) * 100, false);
    }
    function up(ev) {
      divider.releasePointerCapture(ev.pointerId);
      divider.removeEventListener("pointermove", move);
      divider.removeEventListener("pointerup", up);
      split.classList.remove("ws-dragging");
      setSplit(Number(divider.getAttribute("aria-valuenow")), true);
    }
    divider.addEventListener("pointermove", move);
    divider.addEventListener("pointerup", up);
  });
  divider.addEventListener("keydown", function (e) {
    var now = Number(divider.getAttribute("aria-valuenow"));
    var step = e.shiftKey ? 10 : 2;
    if (e.key === "ArrowLeft") { setSplit(now - step, true); e.preventDefault(); }
    else if (e.key === "ArrowRight") { setSplit(now + step, true); e.preventDefault(); }
    else if (e.key === "Home") { setSplit(20, true); e.preventDefault(); }
    else if (e.key === "End") { setSplit(80, true); e.preventDefault(); }
  });

  // -- text areas that grow --------------------------------------------------------------------------
  function grow(area) {
    if (area.tagName !== "TEXTAREA" || !area.offsetParent) { return; }
    area.style.height = "auto";
    area.style.height = (area.scrollHeight + 2) + "px";
  }
  // The rows the server sets are a minimum for pages without this script; here the content decides.
  Array.prototype.forEach.call(document.querySelectorAll("#determination-pane textarea"), function (a) { a.rows = 2; });
  function growAll(root) { Array.prototype.forEach.call((root || document).querySelectorAll("#determination-pane textarea"), grow); }
  document.addEventListener("input", function (e) { if (e.target.closest && e.target.closest("#determination-pane")) { grow(e.target); } });
  document.addEventListener("shown.bs.tab", function (e) {
    growAll(document.querySelector(e.target.dataset.bsTarget));
  });
  // Suggestions fill the fields by script: grow them when their content changes that way too.
  document.addEventListener("change", function (e) { if (e.target.tagName === "TEXTAREA") { grow(e.target); } });
  document.body.addEventListener("htmx:afterSettle", function () { growAll(); });
  window.addEventListener("resize", function () { growAll(); });
  growAll();

  // -- items: state and progress ----------------------------------------------------------------------
  var tabs = Array.prototype.slice.call(document.querySelectorAll(".item-tabs [role=tab]"));
  function fieldOf(item, name) { return document.getElementById("id_item-" + item + "-" + name); }
  function refreshState(item) {
    var box = document.querySelector('[data-state-for="' + item + '"]');
    if (!box) { return; }
    var decision = fieldOf(item, "decision"), citation = fieldOf(item, "guideline_citations"), rationale = fieldOf(item, "rationale");
    box.querySelector('[data-state="decision"]').textContent = (decision && decision.value) || "undecided";
    box.querySelector('[data-state="citation"]').textContent = "cite " + (citation && citation.value.trim() ? "✓" : "–");
    box.querySelector('[data-state="rationale"]').textContent = "rationale " + (rationale && rationale.value.trim() ? "✓" : "–");
    var decided = tabs.filter(function (t) { var f = fieldOf(t.dataset.item, "decision"); return f && f.value; }).length;
    var out = document.getElementById("ws-decided");
    if (out) { out.textContent = String(decided); }
  }
  ["input", "change"].forEach(function (type) {
    document.addEventListener(type, function (e) {
      var m = /^item-(\d+)-/.exec(e.target.name || "");
      if (m) { refreshState(m[1]); }
    });
  });

  function currentIndex() {
    for (var i = 0; i < tabs.length; i++) { if (tabs[i].classList.contains("active")) { return i; } }
    return 0;
  }
  function showItem(index) {
    if (!tabs.length || !window.bootstrap) { return; }
    index = (index + tabs.length) % tabs.length;
    window.bootstrap.Tab.getOrCreateInstance(tabs[index]).show();
    tabs[index].focus();
  }
  function decide(value) {
    if (!tabs.length) { return; }
    var item = tabs[currentIndex()].dataset.item;
    var select = fieldOf(item, "decision");
    if (!select || select.disabled) { return; }
    select.value = value;
    select.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // Printing shows the case file too (a closed <details> prints closed).
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll(".ws-case-file"), function (d) { d.open = true; });
    growAll();
  });

  // -- keyboard --------------------------------------------------------------------------------------
  var help = document.getElementById("shortcuts-help");
  var helpButton = document.getElementById("shortcuts-open");
  if (helpButton && help) { helpButton.addEventListener("click", function () { help.showModal(); }); }
  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }
    var target = e.target;
    if (e.key === "Escape" && typing(target) && target.closest("#ws-split")) {
      // Leave the field for the item's panel, so the single-key shortcuts work again.
      var pane = target.closest(".tab-pane") || document.getElementById("determination-pane");
      pane.setAttribute("tabindex", pane.getAttribute("tabindex") || "-1");
      pane.focus();
      return;
    }
    if (typing(target) || (help && help.open)) { return; }
    var reader = window.IMRReader;
    var handled = true;
    switch (e.key) {
      case "n": showItem(currentIndex() + 1); break;
      case "p": showItem(currentIndex() - 1); break;
      case "u": decide("Upheld"); break;
      case "o": decide("Overturned"); break;
      case "r": { var r = tabs.length && fieldOf(tabs[currentIndex()].dataset.item, "rationale"); if (r) { r.focus(); } break; }
      case "/": { var q = document.getElementById("record-q"); if (q) { q.focus(); q.select(); } break; }
      case "c": if (reader) { reader.cite(); } break;
      case "]": if (reader) { reader.next(); } break;
      case "[": if (reader) { reader.previous(); } break;
      case "?": if (help) { help.showModal(); } break;
      default: handled = false;
    }
    if (handled) { e.preventDefault(); }
  });
})();
