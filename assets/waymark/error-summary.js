// After a refused form, move the keyboard focus to the error summary at the
// top of the page (templates/forms.html, error_summary), so the problems are
// read first and each links to its field. Without JavaScript the summary is
// still at the top of the main content, under the page's heading.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});
