// After a refused form, move the keyboard focus to the error summary at the
// top of the page (templates/forms.html, error_summary), so the problems are
// read first and each links to its field. Following a link puts the focus in
// the field itself (a fragment link alone only scrolls) and shows its label
// or legend with it. Without JavaScript the summary is still at the top of
// the main content, under the page's heading, and its links still scroll.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) {
    return;
  }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) {
      return;
    }
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) {
      return;
    }
    // A group of choices links to its fieldset: focus its first input.
    var field = target.matches("input, select, textarea, button")
      ? target
      : target.querySelector("input, select, textarea, button");
    if (!field) {
      return;
    }
    event.preventDefault();
    var fieldset = field.closest("fieldset");
    var label =
      (fieldset && fieldset.querySelector("legend")) ||
      document.querySelector("label[for='" + field.id + "']") ||
      field;
    label.scrollIntoView();
    field.focus({ preventScroll: true });
  });
});
