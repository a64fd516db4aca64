/* The browser's own share sheet (Web Share API), offered only where the browser has one. */
(function () {
  "use strict";
  if (!navigator.share) {
    return;
  }
  document.querySelectorAll(".share__native").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.share({ title: button.dataset.shareTitle, url: button.dataset.shareUrl })
        .catch(function () {
          /* Closing the share sheet is not an error worth showing. */
        });
    });
  });
})();
