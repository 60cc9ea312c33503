/* The records side of the workspace: open a record, page through it, zoom, and cite the page.
 *
 * PDFs are drawn page by page with PDF.js (static/vendor/pdfjs, loaded on first use, its worker a separate
 * file so the Content-Security-Policy needs no inline or eval'd script). The file comes only through the
 * permission-checked record view. Text records (and any record PDF.js cannot draw) are shown from their
 * stored page texts, with the same page navigation. "Cite this page" writes "(progress note, 02/14/2017,
 * p. 3)" at the cursor of the summary or the rationale last written in.
 */
(function () {
  "use strict";
  var reader = document.getElementById("reader");
  if (!reader) { return; }
  var viewer = document.getElementById("viewer");
  var list = function () { return document.getElementById("records-list"); };
  var hits = document.getElementById("search-hits");
  var canvas = document.getElementById("viewer-canvas");
  var textBox = document.getElementById("viewer-text");
  var pageInput = document.getElementById("viewer-page");
  var pagesOut = document.getElementById("viewer-pages");
  var zoomOut = document.getElementById("viewer-zoom");
  var title = document.getElementById("viewer-title");
  var status = document.getElementById("viewer-status");
  var ZOOMS = [0.5, 0.67, 0.8, 1, 1.25, 1.5, 2, 3];
  var pdfjs = null;          // the PDF.js module, imported once
  var current = null;        // {id, label, title, pages, pdf, texts, page, zoom}
  var renderTask = null;
  var lastField = null;      // the summary or rationale the reviewer last wrote in

  function citable(el) {
    return el && el.tagName === "TEXTAREA" && (el.id === "id_clinical_summary" || /-rationale$/.test(el.name || ""));
  }
  document.addEventListener("focusin", function (e) { if (citable(e.target)) { lastField = e.target; } });

  function loadPdfjs() {
    if (pdfjs) { return Promise.resolve(pdfjs); }
    return import(reader.dataset.pdfjsUrl).then(function (mod) {
      mod.GlobalWorkerOptions.workerSrc = reader.dataset.pdfjsWorkerUrl;
      pdfjs = mod;
      return mod;
    });
  }

  function say(text) { status.textContent = text || ""; }

  function show(page) {
    if (!current || current.loading) { return Promise.resolve(); }
    page = Math.max(1, Math.min(page, current.pages));
    current.page = page;
    pageInput.value = String(page);
    pagesOut.textContent = String(current.pages);
    zoomOut.textContent = Math.round(current.zoom * 100) + "%";
    if (current.pdf) { return drawPdfPage(page); }
    var sections = textBox.querySelectorAll(".record-page");
    Array.prototype.forEach.call(sections, function (s) { s.hidden = Number(s.dataset.page) !== page; });
    textBox.style.fontSize = current.zoom + "rem";
    viewer.dataset.page = String(page);
    return Promise.resolve();
  }

  function drawPdfPage(number) {
    return current.pdf.getPage(number).then(function (page) {
      var width = document.getElementById("viewer-body").clientWidth - 16;
      var base = page.getViewport({ scale: 1 });
      var fit = Math.max(width, 200) / base.width;
      var ratio = window.devicePixelRatio || 1;
      var viewport = page.getViewport({ scale: fit * current.zoom });
      canvas.width = Math.floor(viewport.width * ratio);
      canvas.height = Math.floor(viewport.height * ratio);
      canvas.style.width = Math.floor(viewport.width) + "px";
      canvas.style.height = Math.floor(viewport.height) + "px";
      if (renderTask) { renderTask.cancel(); }
      renderTask = page.render({
        canvasContext: canvas.getContext("2d"),
        viewport: viewport,
        transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : null
      });
      return renderTask.promise.then(function () {
        renderTask = null;
        canvas.setAttribute("aria-label", current.title + ", page " + number + " of " + current.pages);
        viewer.dataset.page = String(number);
        viewer.dataset.rendered = current.id + ":" + number;
      }, function () { /* cancelled by a newer page */ });
    });
  }

  function loadTexts(url) {
    return fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } }).then(function (r) {
      if (!r.ok) { throw new Error("The record could not be opened (" + r.status + ")."); }
      return r.text();
    });
  }

  function open(button, page) {
    var d = button.dataset;
    current = { id: d.recordId, label: d.label, title: d.title, pages: Number(d.pages) || 1, pdf: null, page: 1, zoom: 1, loading: true };
    var opened = current;
    viewer.hidden = false;
    list().hidden = true;
    title.textContent = d.title;
    viewer.dataset.recordId = d.recordId;
    delete viewer.dataset.rendered;
    say("Opening…");
    var opening;
    if (d.fileUrl) {
      canvas.hidden = false; textBox.hidden = true;
      opening = loadPdfjs().then(function (lib) {
        return lib.getDocument({
          url: d.fileUrl, withCredentials: true, isEvalSupported: false,
          standardFontDataUrl: reader.dataset.pdfjsFontsUrl
        }).promise;
      }).then(function (pdf) { opened.pdf = pdf; opened.pages = pdf.numPages; });
    } else {
      canvas.hidden = true; textBox.hidden = false;
      opening = loadTexts(d.textUrl).then(function (html) {
        textBox.innerHTML = html;  // server-rendered, escaped by the template
        opened.pages = textBox.querySelectorAll(".record-page").length || 1;
      });
    }
    return opening.then(function () {
      opened.loading = false;
      if (opened !== current) { return null; }  // another record was opened meanwhile
      say("");
      return show(page || 1);
    }).then(function () {
      document.getElementById("viewer-body").focus({ preventScroll: true });
    }).catch(function (err) { say((err && err.message) || "The record could not be opened."); });
  }

  function close() {
    viewer.hidden = true;
    list().hidden = false;
    current = null;
  }

  function cite() {
    if (!current) { return false; }
    var field = lastField || document.getElementById("id_clinical_summary");
    if (!field || field.readOnly || field.disabled) { return false; }
    var text = "(" + current.label + ", p. " + current.page + ")";
    var start = field.selectionStart, end = field.selectionEnd, value = field.value;
    var before = value.slice(0, start), after = value.slice(end);
    if (before && !/\s$/.test(before)) { text = " " + text; }
    if (after && !/^[\s.,;:)]/.test(after)) { text = text + " "; }
    field.value = before + text + after;
    var caret = before.length + text.length;
    // The rationale may sit on a hidden tab: show its tab first so the cursor lands where it can be seen.
    var pane = field.closest(".tab-pane");
    if (pane && !pane.classList.contains("active") && window.bootstrap) {
      var tab = document.getElementById(pane.getAttribute("aria-labelledby"));
      if (tab) { window.bootstrap.Tab.getOrCreateInstance(tab).show(); }
    }
    field.focus();
    field.setSelectionRange(caret, caret);
    field.dispatchEvent(new Event("input", { bubbles: true }));
    return true;
  }

  reader.addEventListener("click", function (e) {
    var opener = e.target.closest(".record-open");
    if (opener) { open(opener, Number(opener.dataset.page) || 1); return; }
    if (e.target.closest("[data-clear-search]")) {
      hits.innerHTML = "";
      document.getElementById("record-q").value = "";
    }
  });
  document.getElementById("viewer-prev").addEventListener("click", function () { if (current) { show(current.page - 1); } });
  document.getElementById("viewer-next").addEventListener("click", function () { if (current) { show(current.page + 1); } });
  pageInput.addEventListener("change", function () { if (current) { show(Number(pageInput.value) || 1); } });
  function zoom(step) {
    if (!current) { return; }
    var i = ZOOMS.indexOf(current.zoom);
    current.zoom = ZOOMS[Math.max(0, Math.min(ZOOMS.length - 1, (i < 0 ? 3 : i) + step))];
    show(current.page);
  }
  document.getElementById("viewer-zoom-in").addEventListener("click", function () { zoom(1); });
  document.getElementById("viewer-zoom-out").addEventListener("click", function () { zoom(-1); });
  document.getElementById("viewer-close").addEventListener("click", close);
  // mousedown keeps the focus (and so the cursor) in the text field being written.
  document.getElementById("viewer-cite").addEventListener("mousedown", function (e) { e.preventDefault(); });
  document.getElementById("viewer-cite").addEventListener("click", cite);

  window.IMRReader = {
    cite: cite,
    next: function () { if (current) { show(current.page + 1); } },
    previous: function () { if (current) { show(current.page - 1); } },
    isOpen: function () { return !!current; }
  };
})();
