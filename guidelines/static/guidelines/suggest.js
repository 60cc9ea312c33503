// Fill the reviewer's form fields from a guideline suggestion and record what the reviewer did.
// Loaded with each suggestions partial; binds once (event delegation), no external dependencies.
(function () {
  if (window.imrGuidelineSuggestions) { return; }
  window.imrGuidelineSuggestions = true;

  function panelOf(el) { return el.closest(".guideline-suggestions"); }

  function csrfToken(panel) {
    var input = panel && panel.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function sendFeedback(panel, action, detail) {
    if (!panel || !window.fetch) { return; }
    var body = new URLSearchParams();
    body.set("suggestion_key", panel.dataset.suggestionKey || "");
    body.set("action", action);
    body.set("detail", detail || "");
    fetch(panel.dataset.feedbackUrl, {
      method: "POST",
      headers: {"X-CSRFToken": csrfToken(panel), "HX-Request": "true"},
      body: body,
      credentials: "same-origin"
    }).then(function () {
      var status = panel.querySelector("[data-guidelines-status]");
      if (status) { status.textContent = "Recorded: " + action; }
    });
  }

  function fill(field, value) {
    if (field.tagName === "SELECT") {
      for (var i = 0; i < field.options.length; i++) {
        var opt = field.options[i];
        if (opt.value === value || opt.text === value) { field.selectedIndex = i; break; }
      }
    } else if (field.type === "radio" || field.type === "checkbox") {
      var group = document.querySelectorAll("input[name='" + field.name + "']");
      group.forEach(function (r) { r.checked = (r.value === value); });
    } else {
      field.value = value;
    }
    field.dispatchEvent(new Event("input", {bubbles: true}));
    field.dispatchEvent(new Event("change", {bubbles: true}));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-guidelines-fill], [data-guidelines-reject]");
    if (!button) { return; }
    var panel = panelOf(button) || document.querySelector(".guideline-suggestions");
    if (button.hasAttribute("data-guidelines-reject")) {
      sendFeedback(panel, "rejected", "not helpful");
      return;
    }
    var field = document.getElementById(button.dataset.guidelinesFill);
    if (!field) { return; }
    var before = field.value;
    fill(field, button.dataset.value || "");
    var action = button.dataset.feedback || "accepted";
    if (action === "accepted" && before && field.tagName === "TEXTAREA" && before !== button.dataset.value) {
      action = "edited";
    }
    sendFeedback(panel, action, button.dataset.detail || "");
  });
})();
