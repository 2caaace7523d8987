/* Copy buttons: a [data-copy="x"] button copies the text (or value) of [data-copy-source="x"].
   Used beside DNS records, tracking URLs and the widget snippet. */
(function () {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var source = document.querySelector('[data-copy-source="' + button.dataset.copy + '"]');
      if (!source) return;
      var text = (source.value !== undefined ? source.value : source.textContent).trim();
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
})();
