/* The essay form's writing tools: the body's live preview, and pictures uploaded into it.
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
    setUpImages(box, textarea, refresh);
  }

  function setUpImages(box, textarea, refresh) {
    var panel = box.querySelector("[data-image-upload-url]");
    if (!panel) {
      return;
    }
    var file = panel.querySelector("[data-image-file]");
    var alt = panel.querySelector("[data-image-alt]");
    var status = panel.querySelector("[data-image-status]");
    var button = panel.querySelector("[data-image-insert]");
    // Where the cursor was when the editor left the body for the upload fields.
    var at = { start: textarea.value.length, end: textarea.value.length };
    textarea.addEventListener("blur", function () {
      at = { start: textarea.selectionStart, end: textarea.selectionEnd };
    });

    function insert(markdown) {
      var before = textarea.value.slice(0, at.start);
      var gap = before === "" || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
      textarea.setRangeText(gap + markdown + "\n\n", at.start, at.end, "end");
      textarea.focus();
      refresh();
    }

    function upload() {
      if (!file.files.length) {
        status.textContent = "Choose an image file first.";
        file.focus();
        return;
      }
      var data = new FormData();
      data.append("image", file.files[0]);
      data.append("alt", alt.value);
      button.disabled = true;
      status.textContent = "Uploading…";
      fetch(panel.dataset.imageUploadUrl, {
        method: "POST",
        body: data,
        headers: { "X-CSRFToken": csrfToken(textarea.form) },
        credentials: "same-origin",
      })
        .then(function (response) {
          return response.json().then(function (answer) {
            return { ok: response.ok, answer: answer };
          });
        })
        .then(function (result) {
          if (!result.ok) {
            var errors = result.answer.errors || {};
            status.textContent = [].concat(errors.image || [], errors.alt || []).join(" ");
            (errors.image ? file : alt).focus();
            return;
          }
          insert(result.answer.markdown);
          file.value = "";
          alt.value = "";
          status.textContent = "Image inserted into the body.";
        })
        .catch(function () {
          status.textContent = "The upload failed; try again.";
        })
        .finally(function () {
          button.disabled = false;
        });
    }

    button.addEventListener("click", upload);
    // Enter in the description uploads, instead of submitting the whole essay form.
    alt.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        upload();
      }
    });
    panel.hidden = false;
  }

  // The admin loads form media in the page's head, before the form exists.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-preview-url]").forEach(setUpPreview);
  });
})();
