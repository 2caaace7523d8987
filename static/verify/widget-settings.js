/* The portal's widget page: the preview's colour follows the form (copy buttons: js/copy-buttons.js). */
(function () {
  "use strict";
  var color = document.querySelector("[data-widget-settings] input[type=color]");
  var preview = document.querySelector("[data-widget-preview]");
  if (color && preview) {
    color.addEventListener("input", function () {
      var card = preview.shadowRoot && preview.shadowRoot.querySelector(".card");
      if (card) card.style.setProperty("--brand", color.value);
    });
  }
})();
