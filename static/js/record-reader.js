/* The records side of the workspace: open a record, page through it, zoom, and cite the page.
 *
 * PDFs are drawn page by page with PDF.js (static/vendor/pdfjs, loaded on first use, its worker a separate
 * file so the Content-Security-Policy needs no inline or eval'd script), with PDF.js's text layer over the
 * canvas so the text can be selected. The file comes only through the permission-checked record view, in
 * 64 KiB range requests as pages are shown (disableAutoFetch), so a 300-page record is not downloaded whole
 * to show its first page. Text records (and any record PDF.js cannot draw) are shown from their stored
 * page texts, with the same page navigation. A search hit, or the evidence quoted by a guideline
 * suggestion (its "data-open-record" link), opens its record at its page with the words found marked.
 * "Cite this page" writes "(progress note, 02/14/2017, p. 3)" at the cursor of the summary or the
 * rationale last written in.
 */
(function () {
  "use strict";
  var reader = document.getElementById("reader");
  if (!reader) { return; }
  var viewer = document.getElementById("viewer");
  var list = function () { return document.getElementById("records-list"); };
  var hits = document.getElementById("search-hits");
  var canvas = document.getElementById("viewer-canvas");
  var pdfBox = document.getElementById("viewer-pdf");
  var textLayerBox = document.getElementById("viewer-textlayer");
  var textBox = document.getElementById("viewer-text");
  var pageInput = document.getElementById("viewer-page");
  var pagesOut = document.getElementById("viewer-pages");
  var zoomOut = document.getElementById("viewer-zoom");
  var title = document.getElementById("viewer-title");
  var status = document.getElementById("viewer-status");
  var ZOOMS = [0.5, 0.67, 0.8, 1, 1.25, 1.5, 2, 3];
  var RANGE_CHUNK = 65536;   // bytes per range request for a PDF (imr_site/ranges.py answers them)
  var pdfjs = null;          // the PDF.js module, imported once
  var current = null;        // {id, label, title, pages, pdf, page, zoom, find}
  var renderTask = null;
  var textLayer = null;
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
    var shown = [];
    Array.prototype.forEach.call(sections, function (s) {
      s.hidden = Number(s.dataset.page) !== page;
      s.textContent = s.textContent;  // drop the marks of an earlier find
      if (!s.hidden) { shown.push(s); }
    });
    textBox.style.fontSize = current.zoom + "rem";
    mark(shown, current.find);
    viewer.dataset.page = String(page);
    return Promise.resolve();
  }

  /* Mark what is sought (a search's words, or a quoted sentence) in the page's text elements, each holding
   * plain text (PDF.js text-layer spans, or a text record's page). The elements' texts are joined, with
   * white space collapsed and compared without case, so a phrase split across spans (lines) is found
   * too. The whole phrase first; failing that, a search's words one by one, or a quote's first words. */
  function mark(elements, find) {
    viewer.dataset.marks = "0";
    if (!find || !elements.length) { return 0; }
    var flat = "", where = [];
    elements.forEach(function (el, i) {
      var text = el.textContent;
      if (flat && flat[flat.length - 1] !== " ") { flat += " "; where.push(null); }
      for (var k = 0; k < text.length; k++) {
        var c = text[k];
        if (/\s/.test(c)) {
          if (!flat || flat[flat.length - 1] === " ") { continue; }
          c = " ";
        }
        flat += c.toLowerCase();
        where.push([i, k]);
      }
    });
    function norm(text) { return text.toLowerCase().replace(/[\u201c\u201d"]/g, "").replace(/\s+/g, " ").trim(); }
    var phrase = norm(find.text);
    var words = phrase.split(" ").filter(function (w) { return w.length > 1; });
    var tries = [[phrase]];
    if (find.kind === "quote") { tries.push([words.slice(0, 6).join(" ")]); } else if (words.length > 1) { tries.push(words); }
    var marked = {}, count = 0;
    for (var t = 0; t < tries.length && !count; t++) {
      tries[t].forEach(function (needle) {
        if (!needle) { return; }
        for (var at = flat.indexOf(needle); at >= 0; at = flat.indexOf(needle, at + needle.length)) {
          count += 1;
          for (var q = at; q < at + needle.length; q++) {
            if (where[q]) { (marked[where[q][0]] = marked[where[q][0]] || {})[where[q][1]] = true; }
          }
        }
      });
    }
    Object.keys(marked).forEach(function (i) {
      var el = elements[i], text = el.textContent, parts = document.createDocumentFragment(), run = "", inMark = false;
      function flush() {
        if (!run) { return; }
        if (inMark) {
          var m = document.createElement("mark");
          m.className = "record-hit";
          m.textContent = run;
          parts.appendChild(m);
        } else { parts.appendChild(document.createTextNode(run)); }
        run = "";
      }
      for (var k = 0; k < text.length; k++) {
        var on = !!marked[i][k];
        if (on !== inMark) { flush(); inMark = on; }
        run += text[k];
      }
      flush();
      el.replaceChildren(parts);
    });
    viewer.dataset.marks = String(count);
    var first = viewer.querySelector("mark.record-hit");
    if (first) { first.scrollIntoView({ block: "nearest", inline: "nearest" }); }
    return count;
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
      pdfBox.style.setProperty("--scale-factor", String(viewport.scale));
      if (renderTask) { renderTask.cancel(); }
      if (textLayer) { textLayer.cancel(); }
      delete viewer.dataset.rendered;
      textLayerBox.replaceChildren();
      var task = page.render({
        canvasContext: canvas.getContext("2d"),
        viewport: viewport,
        transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : null
      });
      var layer = new pdfjs.TextLayer({
        textContentSource: page.streamTextContent(), container: textLayerBox, viewport: viewport
      });
      renderTask = task;
      textLayer = layer;
      return Promise.all([task.promise, layer.render()]).then(function () {
        if (renderTask !== task) { return; }
        renderTask = null;
        textLayer = null;
        canvas.setAttribute("aria-label", current.title + ", page " + number + " of " + current.pages);
        mark(layer.textDivs, current.find);
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

  function open(button, page, find) {
    var d = button.dataset;
    if (current && !current.loading && current.id === d.recordId) {  // already open: go to the page
      current.find = find || null;
      viewer.hidden = false;
      list().hidden = true;
      return show(page || 1);
    }
    current = { id: d.recordId, label: d.label, title: d.title, pages: Number(d.pages) || 1, pdf: null, page: 1, zoom: 1, loading: true, find: find || null };
    var opened = current;
    viewer.hidden = false;
    list().hidden = true;
    title.textContent = d.title;
    viewer.dataset.recordId = d.recordId;
    delete viewer.dataset.rendered;
    say("Opening…");
    var opening;
    if (d.fileUrl) {
      pdfBox.hidden = false; textBox.hidden = true;
      opening = loadPdfjs().then(function (lib) {
        // Range requests: PDF.js asks for the file, sees "Accept-Ranges: bytes" and stops that request,
        // then fetches only the chunks the pages shown need (disableAutoFetch), not the rest behind them.
        return lib.getDocument({
          url: d.fileUrl, withCredentials: true, isEvalSupported: false,
          standardFontDataUrl: reader.dataset.pdfjsFontsUrl,
          disableAutoFetch: true, disableStream: true, rangeChunkSize: RANGE_CHUNK
        }).promise;
      }).then(function (pdf) { opened.pdf = pdf; opened.pages = pdf.numPages; });
    } else {
      pdfBox.hidden = true; textBox.hidden = false;
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
    if (opener) {
      var sought = opener.dataset.find ? { text: opener.dataset.find, kind: "search" } : null;
      open(opener, Number(opener.dataset.page) || 1, sought);
      return;
    }
    if (e.target.closest("[data-clear-search]")) {
      hits.innerHTML = "";
      document.getElementById("record-q").value = "";
    }
  });
  // Evidence quoted by a guideline suggestion links to the record page it came from (guidelines/services.py
  // passes the engine one text per page): open that page in the viewer, the sentence marked.
  document.addEventListener("click", function (e) {
    var link = e.target.closest("[data-open-record]");
    if (!link) { return; }
    var record = document.getElementById("record-" + link.dataset.openRecord);
    if (!record) { return; }  // the list has not come yet: the link's own target, the record in the list
    e.preventDefault();
    open(record, Number(link.dataset.page) || 1, link.dataset.find ? { text: link.dataset.find, kind: "quote" } : null);
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
