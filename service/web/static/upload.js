// Upload with a progress bar. Without JavaScript the form posts normally and the server redirects.
(function () {
  var form = document.getElementById("upload-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) { return; }
  var bar = document.getElementById("upload-progress");
  var status = document.getElementById("upload-status");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("X-Requested-With", "fetch");
    request.setRequestHeader("X-CSRF-Token", form.elements.csrf.value);
    request.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) { bar.hidden = false; bar.value = Math.round(100 * e.loaded / e.total); }
    });
    request.onload = function () {
      var answer = {};
      try { answer = JSON.parse(request.responseText); } catch (err) { answer = {error: request.statusText}; }
      if (answer.location) { window.location = answer.location; }
      else { status.textContent = answer.error || request.statusText; status.className = "error"; bar.hidden = true; }
    };
    request.onerror = function () { status.textContent = form.dataset.failed; status.className = "error"; };
    status.textContent = form.dataset.sending; status.className = "muted";
    request.send(new FormData(form));
  });
})();
