// Evidence uploads with a progress bar per file, drag and drop, a signature pad and a
// submit button that cannot be pressed twice. Without JavaScript the plain forms still work.
(function () {
  "use strict";

  function csrfToken(form) {
    return form.querySelector("input[name=csrfmiddlewaretoken]").value;
  }

  function refreshPanel(url) {
    if (window.htmx) {
      // Swap the panel's content, never the panel: htmx queues a refresh asked for while another
      // is under way on the panel element, and drops it unsent if that element was replaced.
      window.htmx.ajax("GET", url, { target: "#attempt-panel", swap: "innerHTML", select: "#attempt-panel > *" });
    }
  }

  function setupUploads(form) {
    const input = form.querySelector("input[type=file]");
    const zone = form.querySelector("[data-drop-zone]");
    const list = form.parentElement.querySelector("[data-upload-progress]");
    const button = form.querySelector("[data-upload-button]");
    button.hidden = true; // files upload as soon as they are chosen or dropped

    function uploadOne(file) {
      const row = document.createElement("li");
      row.className = "upload-row";
      const name = document.createElement("span");
      name.className = "upload-name";
      name.textContent = file.name;
      const bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      bar.setAttribute("aria-label", "Uploading " + file.name);
      const status = document.createElement("span");
      status.className = "upload-status";
      status.textContent = "Uploading…";
      row.append(name, bar, status);
      list.append(row);

      const body = new FormData();
      body.append("files", file);
      const request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.setRequestHeader("X-CSRFToken", csrfToken(form));
      request.setRequestHeader("Accept", "application/json");
      request.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) {
          // Sending is not storing: the bar fills to 90% while sending, the rest on the answer.
          bar.value = Math.round((event.loaded / event.total) * 90);
        }
      });
      request.upload.addEventListener("load", function () {
        status.textContent = "Sent; checking the file…";
      });
      request.addEventListener("load", function () {
        let result = { ok: false, message: "The upload failed (" + request.status + "). Try again." };
        try {
          result = JSON.parse(request.responseText).results[0];
        } catch (error) {
          // keep the generic message
        }
        bar.value = 100;
        status.textContent = result.message;
        row.classList.add(result.ok ? "upload-ok" : "upload-error");
        if (result.ok) {
          refreshPanel(form.dataset.panelUrl);
        }
      });
      request.addEventListener("error", function () {
        status.textContent = "The connection failed while uploading. Try again.";
        row.classList.add("upload-error");
      });
      request.send(body);
    }

    function uploadAll(files) {
      Array.from(files).forEach(uploadOne);
      input.value = "";
    }

    input.addEventListener("change", function () {
      uploadAll(input.files);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      uploadAll(input.files);
    });
    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (event) {
        event.preventDefault();
        zone.classList.add("drop-zone-active");
      });
    });
    ["dragleave", "drop"].forEach(function (type) {
      zone.addEventListener(type, function () {
        zone.classList.remove("drop-zone-active");
      });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      uploadAll(event.dataTransfer.files);
    });
  }

  function setupSignature(form) {
    const canvas = form.querySelector("[data-signature-canvas]");
    const field = form.querySelector("input[name=signature]");
    const context = canvas.getContext("2d");
    let drawing = false;
    let drawn = false;
    context.lineWidth = 2.5;
    context.lineCap = "round";
    context.strokeStyle = "#111";

    function point(event) {
      const box = canvas.getBoundingClientRect();
      return [
        ((event.clientX - box.left) * canvas.width) / box.width,
        ((event.clientY - box.top) * canvas.height) / box.height,
      ];
    }
    canvas.addEventListener("pointerdown", function (event) {
      drawing = true;
      canvas.setPointerCapture(event.pointerId);
      context.beginPath();
      context.moveTo.apply(context, point(event));
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) return;
      context.lineTo.apply(context, point(event));
      context.stroke();
      drawn = true;
    });
    ["pointerup", "pointercancel"].forEach(function (type) {
      canvas.addEventListener(type, function () {
        drawing = false;
      });
    });
    form.querySelector("[data-signature-clear]").addEventListener("click", function () {
      context.clearRect(0, 0, canvas.width, canvas.height);
      drawn = false;
    });
    form.addEventListener("submit", function () {
      field.value = drawn ? canvas.toDataURL("image/png") : "";
    });
  }

  function setupSubmitOnce(button) {
    button.form.addEventListener("submit", function () {
      // A double click must not submit twice; the server refuses a second submission anyway.
      window.setTimeout(function () {
        button.disabled = true;
        button.textContent = "Submitting…";
      }, 0);
    });
  }

  document.querySelectorAll("form[data-evidence-upload]").forEach(setupUploads);
  document.querySelectorAll("form[data-signature-form]").forEach(setupSignature);
  document.querySelectorAll("[data-submit-once]").forEach(setupSubmitOnce);
})();
