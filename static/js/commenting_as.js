// Keeps what a reader typed into the page's comment boxes across a sign-in round trip: saved in
// this tab's sessionStorage when a sign-in button is pressed, put back (once) when they return.
(function () {
  "use strict";
  if (window.lecternDrafts) return; // the fragment may appear at several forms on one page
  window.lecternDrafts = true;

  var storageKey = "lectern-drafts:" + window.location.pathname;

  function draftKey(textarea, index) {
    var formId = textarea.form && textarea.form.id ? textarea.form.id : "";
    return formId + "|" + (textarea.id || textarea.name || index);
  }

  document.addEventListener("submit", function (event) {
    if (!event.target.classList || !event.target.classList.contains("sign-in-form")) return;
    var drafts = {};
    document.querySelectorAll("textarea").forEach(function (textarea, index) {
      if (textarea.value.trim()) drafts[draftKey(textarea, index)] = textarea.value;
    });
    try {
      window.sessionStorage.setItem(storageKey, JSON.stringify(drafts));
    } catch (error) { /* storage disabled: nothing to keep */ }
  }, true);

  function restore() {
    var saved;
    try {
      saved = window.sessionStorage.getItem(storageKey);
      window.sessionStorage.removeItem(storageKey);
    } catch (error) { return; }
    if (!saved) return;
    var drafts = JSON.parse(saved);
    document.querySelectorAll("textarea").forEach(function (textarea, index) {
      var text = drafts[draftKey(textarea, index)];
      if (text && !textarea.value) {
        textarea.value = text;
        textarea.dispatchEvent(new Event("input", { bubbles: true }));
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", restore);
  } else {
    restore();
  }
})();
