// Print buttons only: everything else in the console works without script (CSP allows only this file).
document.addEventListener("click", (event) => {
  if (event.target instanceof Element && event.target.closest("[data-print]")) {
    window.print();
  }
});
