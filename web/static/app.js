// The console's only script: the countdown to the deadline keeps counting while the page is open.
// Everything works without it (the page shows the time left when it was made).
(function () {
  "use strict";
  var box = document.getElementById("countdown");
  if (!box || !box.dataset.left) { return; }
  var deadline = Date.now() + 1000 * parseInt(box.dataset.left, 10);  // the server's clock counts
  var b = box.querySelector("b");
  function tick() {
    var left = Math.floor((deadline - Date.now()) / 1000);
    if (left <= 0) { b.textContent = "Đã hết hạn"; return; }
    var days = Math.floor(left / 86400), hours = Math.floor(left % 86400 / 3600);
    b.textContent = days + " ngày " + hours + " giờ";
  }
  setInterval(tick, 60000);
}());
