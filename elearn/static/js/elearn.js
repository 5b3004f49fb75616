// elearn's only script: progressive enhancement, the pages work without it.
"use strict";

// A third-party video player loads only when the learner asks for it (privacy facade).
document.addEventListener("click", function (event) {
  var button = event.target.closest("button[data-embed-url]");
  if (!button) return;
  var frame = document.createElement("iframe");
  frame.src = button.getAttribute("data-embed-url");
  frame.title = button.getAttribute("data-title");
  frame.setAttribute("allow", "autoplay; fullscreen; picture-in-picture");
  frame.setAttribute("allowfullscreen", "");
  var box = document.createElement("div");
  box.className = "video-frame";
  box.appendChild(frame);
  button.closest(".facade").replaceWith(box);
  frame.focus();
});

// Print buttons.
document.addEventListener("click", function (event) {
  if (event.target.closest("button[data-print]")) window.print();
});

// The phone menu (a details element, which works without this): Escape closes it and
// returns to its button, and it closes when the focus moves on to the page below it.
(function () {
  var menu = document.querySelector("details.menu");
  if (!menu) return;
  var summary = menu.querySelector("summary");
  var folds = function () { return getComputedStyle(summary).display !== "none"; };
  menu.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && menu.open && folds()) {
      menu.open = false;
      summary.focus();
    }
  });
  menu.addEventListener("focusout", function (event) {
    if (menu.open && folds() && event.relatedTarget && !menu.contains(event.relatedTarget)) {
      menu.open = false;
    }
  });
})();
