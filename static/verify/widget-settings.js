/* The portal's widget page: copy buttons and the preview's colour following the form. */
(function () {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var source = document.querySelector('[data-copy-source="' + button.dataset.copy + '"]');
      if (!source) return;
      var text = source.textContent.trim();
      var done = function () {
        var label = button.textContent;
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = label; }, 1500);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done);
      } else {
        var area = document.createElement("textarea");
        area.value = text;
        document.body.appendChild(area);
        area.select();
        document.execCommand("copy");
        area.remove();
        done();
      }
    });
  });
  var color = document.querySelector("[data-widget-settings] input[type=color]");
  var preview = document.querySelector("[data-widget-preview]");
  if (color && preview) {
    color.addEventListener("input", function () {
      var card = preview.shadowRoot && preview.shadowRoot.querySelector(".card");
      if (card) card.style.setProperty("--brand", color.value);
    });
  }
})();
