/* Names for the admin widgets that have none of their own (axe: aria-input-field-name, label):
   select2's combobox boxes get the label of the <select> they stand for, and a byline row's
   delete checkbox says what it removes. */
(function () {
  "use strict";

  function labelOf(select) {
    if (select.getAttribute("aria-label")) {
      return select.getAttribute("aria-label");
    }
    var label = select.id && document.querySelector("label[for='" + select.id + "']");
    return label ? label.textContent.replace(/:\s*$/, "").trim() : "";
  }

  function nameComboboxes(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var name = labelOf(select);
      var container = select.nextElementSibling;
      if (!name || !container || !container.classList.contains("select2")) {
        return;
      }
      var boxes = "[role=combobox], [role=textbox], .select2-search__field";
      container.querySelectorAll(boxes).forEach(function (box) {
        // select2 names its box by the rendered choice, which is empty until one is made.
        box.removeAttribute("aria-labelledby");
        box.setAttribute("aria-label", name);
      });
    });
    root.querySelectorAll("input[type=checkbox][name$='-DELETE']").forEach(function (box) {
      if (!box.getAttribute("aria-label")) {
        box.setAttribute("aria-label", "Remove this row when saving");
      }
    });
  }

  // select2 builds its boxes in jQuery's ready handler, after DOMContentLoaded, and again for
  // each added inline row: name them whenever they appear, however late.
  document.addEventListener("DOMContentLoaded", function () {
    nameComboboxes(document);
    new MutationObserver(function (changes) {
      var added = changes.some(function (change) {
        return change.addedNodes.length > 0;
      });
      if (added) {
        nameComboboxes(document);
      }
    }).observe(document.body, { childList: true, subtree: true });
  });
})();
