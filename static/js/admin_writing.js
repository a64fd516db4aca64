/* The essay form's writing tools: the body's live preview.
   The server renders (Post.render_body): the preview is what the page will show, never a
   second Markdown dialect in the browser. */
(function () {
  "use strict";

  var DELAY_MS = 300;

  function csrfToken(form) {
    var field = form.querySelector("[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function setUpPreview(box) {
    var textarea = box.querySelector("textarea");
    var output = box.querySelector("[data-preview-output]");
    var status = box.querySelector("[data-preview-status]");
    var timer = null;
    var pending = null;

    function refresh() {
      if (pending) {
        pending.abort();
      }
      pending = new AbortController();
      var data = new FormData();
      data.append("body", textarea.value);
      data.append("source_format", box.dataset.sourceFormat || "");
      fetch(box.dataset.previewUrl, {
        method: "POST",
        body: data,
        headers: { "X-CSRFToken": csrfToken(textarea.form) },
        credentials: "same-origin",
        signal: pending.signal,
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.text();
        })
        .then(function (html) {
          // Sanitised on the server by the same code that stores the essay's HTML.
          output.innerHTML = html;
          status.textContent = "";
          box.classList.remove("is-stale");
        })
        .catch(function (error) {
          if (error.name !== "AbortError") {
            status.textContent = "(not updated: the server did not answer)";
          }
        });
    }

    textarea.addEventListener("input", function () {
      box.classList.add("is-stale");
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, DELAY_MS);
    });
    box.lectern = { refresh: refresh, textarea: textarea };
  }

  // The admin loads form media in the page's head, before the form exists.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-preview-url]").forEach(setUpPreview);
  });
})();
