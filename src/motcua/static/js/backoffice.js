/* Một Cửa back office: keyboard shortcuts for the counter. No dependencies.
 *   /        focus the procedure search (or the first search field of the page)
 *   Alt+N    new counter intake
 *   Alt+1/2/3  submit: receive (Mẫu 01) / request supplement (Mẫu 02) / refuse (Mẫu 03)
 *   Alt+K    open the intake's e-form (tờ khai) and focus its first field
 *   Alt+P    open the form to print (dossier page) or print the current page (print pages)
 */
(function () {
  "use strict";

  function typing(target) {
    if (!target) return false;
    var tag = target.tagName;
    return target.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey) return;
    var key = (event.key || "").toLowerCase();

    if (!event.altKey && key === "/" && !typing(event.target)) {
      var search = document.getElementById("procedure-search") ||
        document.querySelector("input[type=search]");
      if (search) {
        event.preventDefault();
        search.focus();
        search.select();
      }
      return;
    }
    if (!event.altKey) return;

    // Alt+digit: event.code is layout-independent ("Digit1").
    var digit = /^Digit([1-9])$/.exec(event.code || "");
    if (digit) {
      var button = document.querySelector('button[data-key="' + digit[1] + '"]');
      if (button) {
        event.preventDefault();
        button.click();
      }
      return;
    }
    if (event.code === "KeyN" || key === "n") {
      var url = document.body.getAttribute("data-intake-url");
      if (url) {
        event.preventDefault();
        window.location.assign(url);
      }
      return;
    }
    if (event.code === "KeyK" || key === "k") {
      var eform = document.querySelector("#intake-eform details");
      if (eform) {
        event.preventDefault();
        eform.open = true;
        var first = eform.querySelector("input, select, textarea");
        if (first) first.focus();
      }
      return;
    }
    if (event.code === "KeyP" || key === "p") {
      event.preventDefault();
      var link = document.querySelector("a[data-print]");
      if (link) {
        window.open(link.href, "_blank", "noopener");
      } else {
        window.print();
      }
    }
  });

  // After a successful intake the dossier page is opened with ?in=<form>: offer the print
  // link straight away (focus, so Enter prints).
  // A refused intake comes back with messages: focus the first field in error (the applicant's
  // fields, then the tờ khai), not the procedure search, so the officer corrects it at once.
  document.addEventListener("DOMContentLoaded", function () {
    if (/[?&]in=/.test(window.location.search)) {
      var link = document.querySelector("a[data-print]");
      if (link) link.focus();
    }
    var bad = document.querySelector(
      "#intake-form .has-error input, #intake-form .has-error select, " +
      "#intake-form .has-error textarea, #intake-eform .bad input, #intake-eform .bad select"
    );
    if (bad) {
      var details = bad.closest("details");
      if (details) details.open = true;
      bad.focus();
    }
  });
})();

/* Filters that apply on change (no inline onchange: CSP script-src 'self'). */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.hasAttribute && target.hasAttribute("data-autosubmit") && target.form) {
      target.form.submit();
    }
  });
})();
