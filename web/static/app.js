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

// The campaign list's upload: the chosen TOML file is read into the text box the form sends
// (the console's forms are plain urlencoded forms). Without script, the text is pasted there.
(function () {
  "use strict";
  var inputs = document.querySelectorAll("input[type=file][data-fills]");
  Array.prototype.forEach.call(inputs, function (input) {
    input.addEventListener("change", function () {
      var box = document.getElementById(input.dataset.fills);
      var file = input.files && input.files[0];
      if (!box || !file) { return; }
      var reader = new FileReader();
      reader.onload = function () { box.value = reader.result; };
      reader.readAsText(file, "utf-8");
    });
  });
}());
