/* Sign-in buttons on cached public pages. The page is the same for every reader and carries no
   CSRF token; without JavaScript its sign-in forms open the provider's confirmation page. Here,
   when a button is pressed, a token is fetched (starting the reader's session, bound to it)
   and the form goes as the POST that leads straight to the provider. */
(function () {
  "use strict";

  var script = document.currentScript;
  var tokenUrl = script && script.dataset.tokenUrl;
  if (!tokenUrl) return;

  function send(form) {
    fetch(tokenUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error("token " + response.status);
        return response.json();
      })
      .then(function (data) {
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = "csrfmiddlewaretoken";
        input.value = data.token;
        form.appendChild(input);
        form.method = "post";
        form.submit(); // submit() fires no submit event: this handler does not run again
      })
      .catch(function () {
        form.submit(); // the confirmation page, as without JavaScript
      });
  }

  document.querySelectorAll("form[data-sign-in]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      send(form);
    });
  });
})();
