/* The essay form: byline order by "Move up" / "Move down" (kept in the hidden order fields), and
   "Close comments after" shown only when comments close automatically. */
(function () {
  "use strict";

  function bylineRows(group) {
    return Array.prototype.filter.call(
      group.querySelectorAll("tbody tr.form-row"),
      function (row) {
        return !row.classList.contains("empty-form");
      }
    );
  }

  function renumber(group) {
    bylineRows(group).forEach(function (row, index) {
      var position = row.querySelector("input[name$='-position']");
      if (position) {
        position.value = String(index);
      }
    });
  }

  function moveButton(label, direction, group) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "byline-move";
    button.textContent = label;
    button.addEventListener("click", function () {
      var row = button.closest("tr");
      var rows = bylineRows(group);
      var index = rows.indexOf(row);
      var target = rows[index + direction];
      if (!target) {
        return;
      }
      if (direction < 0) {
        target.before(row);
      } else {
        target.after(row);
      }
      renumber(group);
      button.focus();
      var name = row.querySelector("select option:checked");
      var status = group.querySelector("[data-byline-status]");
      status.textContent = (name && name.textContent ? name.textContent : "Author") +
        " is now number " + (rows.indexOf(row) + direction + 1) + " in the byline.";
    });
    return button;
  }

  function addMoveButtons(group, row) {
    var cell = row.querySelector("td.field-author");
    if (!cell || cell.querySelector(".byline-move")) {
      return;
    }
    var tools = document.createElement("span");
    tools.className = "byline-moves";
    tools.append(moveButton("Move up", -1, group), moveButton("Move down", 1, group));
    cell.append(tools);
  }

  function setUpByline(group) {
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.dataset.bylineStatus = "";
    group.append(status);
    bylineRows(group).forEach(function (row) {
      addMoveButtons(group, row);
    });
    renumber(group);
    document.addEventListener("formset:added", function (event) {
      if (group.contains(event.target)) {
        addMoveButtons(group, event.target);
        renumber(group);
      }
    });
    document.addEventListener("formset:removed", function () {
      renumber(group);
    });
  }

  function setUpCommentSettings() {
    var mode = document.getElementById("id_comment_mode");
    var row = document.querySelector(".form-row.field-comments_close_after_days");
    if (!mode || !row) {
      return;
    }
    function toggle() {
      row.hidden = mode.value !== "auto_close";
    }
    mode.addEventListener("change", toggle);
    toggle();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var group = document.getElementById("bylines-group");
    if (group) {
      setUpByline(group);
    }
    setUpCommentSettings();
  });
})();
