// The public pages' one script (a file: the pages' Content-Security-Policy allows no inline
// script). The period strip scrolls sideways on a narrow screen; bring the current period into
// view, or on a year of months it sits out of sight at the far right.
(function () {
  var here = document.querySelector(".chips .here");
  if (here && here.parentNode.scrollWidth > here.parentNode.clientWidth) {
    here.parentNode.scrollLeft = here.offsetLeft - (here.parentNode.clientWidth - here.offsetWidth) / 2;
  }
})();
