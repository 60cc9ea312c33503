/* Rows added and removed on the New case form (Django formsets; no inline script: the CSP forbids it).
 *
 *   data-formset=NAME           a formset: its management form, rows and row template
 *   data-formset-rows           where the rows are
 *   data-formset-template       a <template> holding the formset's empty form (index __prefix__)
 *   data-formset-add            adds a row from the template, numbered TOTAL_FORMS, and counts it
 *   data-formset-remove         empties its row and hides it: empty rows are left out on the server,
 *                               so the other rows keep their numbers and what was typed in them
 */
(function () {
  "use strict";

  function field(set, suffix) {
    return set.querySelector('input[name$="-' + suffix + '"]');
  }

  function add(set) {
    var total = field(set, "TOTAL_FORMS");
    var max = parseInt(field(set, "MAX_NUM_FORMS").value, 10);
    var index = parseInt(total.value, 10);
    if (index >= max) { return; }
    var html = set.querySelector("template[data-formset-template]").innerHTML.replace(/__prefix__/g, index);
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var row = holder.firstElementChild;
    set.querySelector("[data-formset-rows]").appendChild(row);
    total.value = index + 1;
    var first = row.querySelector("input:not([type=hidden]), textarea, select");
    if (first) { first.focus(); }
  }

  function remove(row) {
    row.querySelectorAll("input, textarea, select").forEach(function (input) {
      if (input.type === "checkbox" || input.type === "radio") { input.checked = false; }
      else if (input.tagName === "SELECT") { input.selectedIndex = 0; }
      else if (input.type !== "hidden") { input.value = ""; }
    });
    row.hidden = true;
    var set = row.closest("[data-formset]");
    var next = set.querySelector(".formset-row:not([hidden]) input:not([type=hidden])") ||
      set.querySelector("[data-formset-add]");
    if (next) { next.focus(); }
  }

  document.addEventListener("click", function (event) {
    var adder = event.target.closest("[data-formset-add]");
    if (adder) { add(adder.closest("[data-formset]")); return; }
    var remover = event.target.closest("[data-formset-remove]");
    if (remover) { remove(remover.closest(".formset-row")); }
  });
})();
