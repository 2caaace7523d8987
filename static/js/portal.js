/* Behaviours every portal page may use, in place of inline handlers (the Content-Security-Policy
   runs no `onsubmit=`/`onclick=` attribute):
   - <form data-confirm="Question?">: asks before submitting; "Cancel" stops the submit (htmx's too);
   - <select data-autosubmit>: submits its form when changed;
   - <input data-select-on-click>: selects its whole value when clicked (a key to copy). */
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form instanceof HTMLFormElement ? form.getAttribute("data-confirm") : null;
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.hasAttribute && field.hasAttribute("data-autosubmit") && field.form) {
      field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
    }
  });

  document.addEventListener("click", function (event) {
    var field = event.target;
    if (field.hasAttribute && field.hasAttribute("data-select-on-click") && field.select) field.select();
  });
})();
