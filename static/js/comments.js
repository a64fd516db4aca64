/* Lectern comments: progressive enhancement of pages that work without JavaScript.
   - Reply opens the comment form under the comment instead of on a page of its own.
   - Posting sends the form in the background and puts the new comment in its place.
   - What a reader types is kept in localStorage per essay and parent until it is posted,
     so signing in half-way through loses nothing. */
(function () {
  "use strict";

  var DRAFT_PREFIX = "lectern:draft:";

  function draftKey(form) {
    var parent = form.querySelector("input[name=parent]");
    return DRAFT_PREFIX + form.dataset.post + ":" + ((parent && parent.value) || "0");
  }

  function storage() {
    try {
      return window.localStorage;
    } catch (error) {
      return null; // private modes may refuse storage: drafts are then simply not kept
    }
  }

  function saveDraft(form) {
    var store = storage();
    var text = form.querySelector("textarea[name=body]").value;
    if (!store) return;
    if (text.trim()) store.setItem(draftKey(form), text);
    else store.removeItem(draftKey(form));
  }

  function restoreDraft(form) {
    var store = storage();
    var area = form.querySelector("textarea[name=body]");
    if (!store || area.value) return;
    var text = store.getItem(draftKey(form));
    if (text) area.value = text;
  }

  function clearDraft(form) {
    var store = storage();
    if (store) store.removeItem(draftKey(form));
  }

  function setStatus(form, text, isError) {
    var status = form.querySelector(".comment-form__status");
    status.textContent = text;
    status.classList.toggle("comment-form__status--error", Boolean(isError));
  }

  // Signing in from a reply form must come back to that reply form.
  function pointSignInAt(area, nextUrl) {
    area.querySelectorAll("input[name=next]").forEach(function (input) {
      input.value = nextUrl;
    });
    area.querySelectorAll("a[href*='next=']").forEach(function (link) {
      var url = new URL(link.href, window.location.href);
      url.searchParams.set("next", nextUrl);
      link.href = url.pathname + url.search + url.hash;
    });
  }

  function enhanceThread(section) {
    var respond = section.querySelector("#respond");
    var form = respond && respond.querySelector("form[data-comment-form]");
    if (!form) return;
    var home = document.createComment("respond");
    respond.parentNode.insertBefore(home, respond);
    var title = respond.querySelector("#reply-title");
    var originalTitle = title.textContent;
    var parentInput = form.querySelector("input[name=parent]");
    var cancel = form.querySelector("[data-cancel-reply]");
    var essayNext = window.location.pathname + "#respond";
    var replyLink = null; // the Reply link whose form is open: focus goes back to it on close

    // The card says which comment a Reply link answers (its item's id) and whose it is.
    function openReply(link) {
      saveDraft(form);
      replyLink = link;
      var item = link.closest("li.comment");
      var card = item.querySelector(".comment__card");
      card.after(respond);
      parentInput.value = item.id.slice("comment-".length);
      title.textContent = "Reply to " + card.querySelector(".comment__author").textContent;
      if (cancel) cancel.hidden = false;
      form.querySelector("textarea").value = "";
      restoreDraft(form);
      pointSignInAt(respond, link.getAttribute("href"));
      setStatus(form, "");
      form.querySelector("textarea").focus();
    }

    function closeReply() {
      saveDraft(form);
      home.parentNode.insertBefore(respond, home.nextSibling);
      parentInput.value = "";
      title.textContent = originalTitle;
      if (cancel) cancel.hidden = true;
      form.querySelector("textarea").value = "";
      restoreDraft(form);
      pointSignInAt(respond, essayNext);
    }

    // Cancel and Escape put the keyboard back where the reader was, on the Reply link.
    function cancelReply() {
      var link = replyLink;
      closeReply();
      replyLink = null;
      if (link && link.isConnected) link.focus();
    }

    section.addEventListener("click", function (event) {
      var link = event.target.closest("#comments a.comment__reply");
      if (!link) return;
      event.preventDefault();
      openReply(link);
    });
    if (cancel) cancel.addEventListener("click", cancelReply);
    respond.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || !parentInput.value) return; // the main form stays put
      event.preventDefault();
      cancelReply();
    });

    form.addEventListener("posted", function (event) {
      var data = event.detail;
      var wrapper = document.createElement("div");
      wrapper.innerHTML = data.html.trim();
      var item = wrapper.firstElementChild;
      var list = section.querySelector(".comment-list");
      if (data.parent) {
        var parentItem = document.getElementById("comment-" + data.parent);
        list = parentItem.querySelector(":scope > .comment__replies");
        if (!list) {
          list = document.createElement("ol");
          list.className = "comment__replies";
          parentItem.appendChild(list);
        }
      }
      list.appendChild(item);
      if (data.parent) {
        closeReply();
        replyLink = null;
      }
      var card = item.querySelector(".comment__card");
      var status = document.createElement("p");
      status.className = "comment-form__status";
      status.setAttribute("role", "status");
      status.textContent = data.message;
      card.appendChild(status);
      // The keyboard follows the new comment: its links (Reply, Edit) come next in tab order.
      card.setAttribute("tabindex", "-1");
      card.focus({ preventScroll: true });
      item.scrollIntoView({ block: "center" });
    });
  }

  function keepDraft(form) {
    restoreDraft(form);
    form.querySelector("textarea[name=body]").addEventListener("input", function () {
      saveDraft(form);
    });
  }

  function enhanceForm(form) {
    var area = form.querySelector("textarea[name=body]");
    form.addEventListener("submit", function (event) {
      if (!window.fetch) return;
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      if (button.disabled) return; // a second click while the first is on its way
      button.disabled = true;
      setStatus(form, "Posting…");
      fetch(form.action, {
        method: "POST",
        // Sent as a plain form sends it (the form has no file): Django reads that in a fraction
        // of the time it takes to read the same fields as multipart.
        body: new URLSearchParams(new FormData(form)),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
        .then(function (response) {
          return response.json().then(
            function (data) {
              return { ok: response.ok, data: data };
            },
            function () {
              // Not one of our answers (an expired session's CSRF page, a proxy error…).
              var message = "Your comment could not be posted (error " + response.status +
                "). Your text is kept: reload the page and try again.";
              return { ok: false, data: { message: message } };
            }
          );
        })
        .then(function (result) {
          if (!result.ok) {
            setStatus(form, result.data.message, true);
            return;
          }
          clearDraft(form);
          area.value = "";
          form.querySelector("input[name=token]").value = result.data.token;
          setStatus(form, "");
          if (form.closest("#comments")) {
            form.dispatchEvent(new CustomEvent("posted", { detail: result.data }));
          } else {
            window.location.assign(result.data.url);
          }
        })
        .catch(function () {
          setStatus(form, "The site could not be reached. Your text is kept; try again.", true);
        })
        .finally(function () {
          button.disabled = false;
        });
    });
  }

  // "Show more": the next page of threads is fetched and added in place; without JavaScript
  // the same link opens that page (?comments=N).
  function enhancePaging(section) {
    section.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-show-more]");
      if (!link) return;
      event.preventDefault();
      link.setAttribute("aria-busy", "true");
      fetch(link.href, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.text();
        })
        .then(function (html) {
          var next = new DOMParser().parseFromString(html, "text/html");
          var list = section.querySelector("[data-comment-list]");
          var more = next.querySelector("#comments [data-comment-list]");
          Array.prototype.slice.call(more.children).forEach(function (item) {
            list.appendChild(document.adoptNode(item));
          });
          var pages = section.querySelector("[data-comment-pages]");
          var nextLink = next.querySelector("#comments [data-show-more]");
          if (nextLink) {
            link.href = nextLink.href;
            link.removeAttribute("aria-busy");
          } else {
            pages.remove();
          }
        })
        .catch(function () {
          window.location.href = link.href; // the page itself still works
        });
    });
  }

  function enhanceQueue() {
    var all = document.querySelector("[data-select-all]");
    if (!all) return;
    all.addEventListener("change", function () {
      document.querySelectorAll(".queue__list input[name=comments]").forEach(function (box) {
        box.checked = all.checked;
      });
    });
  }

  document.querySelectorAll("form[data-comment-form]").forEach(function (form) {
    keepDraft(form);
    // Readers who are not signed in have no submit button: their draft is kept all the same.
    if (form.querySelector("button[type=submit]")) enhanceForm(form);
  });
  // An old link to an imported comment (#comment-345 on the old site, redirected here) names
  // the comment's old number: move to the comment that carries it. Only after a redirect, or when
  // no comment here has that id, so links to this site's own comments are never diverted.
  function followOldAnchor() {
    var hash = window.location.hash.slice(1);
    if (!/^comment-[0-9]+$/.test(hash)) return;
    var old = document.querySelector('[data-original-anchor="' + hash + '"]');
    if (!old) return;
    var nav = performance.getEntriesByType && performance.getEntriesByType("navigation")[0];
    var redirected = nav && nav.redirectCount > 0;
    if (!redirected && document.getElementById(hash)) return;
    // replace(): no extra history entry, and :target (the highlight) follows, unlike replaceState.
    window.location.replace("#" + old.id);
  }

  var section = document.getElementById("comments");
  if (section) {
    enhanceThread(section);
    enhancePaging(section);
  }
  followOldAnchor();
  enhanceQueue();
})();
