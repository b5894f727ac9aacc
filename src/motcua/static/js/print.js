/* Printable forms: the "In" button prints the page (no inline onclick: CSP script-src 'self'). */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target;
    var button = target && target.closest ? target.closest("[data-print-page]") : null;
    if (button) {
      event.preventDefault();
      window.print();
    }
  });
})();
