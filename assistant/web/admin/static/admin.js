// Upload with a progress bar, then the result of each file. Everything shown is set as text, never as HTML.
(function () {
  const form = document.getElementById("upload");
  if (!form) return;
  const bar = document.getElementById("upload-progress");
  const state = document.getElementById("upload-state");
  const table = document.getElementById("upload-results");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Accept", "application/json");
    bar.hidden = false;
    bar.value = 0;
    state.textContent = "上传中 Uploading…";
    const started = Date.now();
    let ticker = null;
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) bar.value = Math.round((100 * e.loaded) / e.total);
    };
    xhr.upload.onload = function () {
      bar.removeAttribute("value");  // indeterminate while the files are indexed
      ticker = setInterval(function () {
        state.textContent = "索引中 Indexing… " + Math.round((Date.now() - started) / 1000) + " s";
      }, 500);
    };
    xhr.onloadend = function () {
      if (ticker) clearInterval(ticker);
      bar.hidden = true;
      const body = table.querySelector("tbody");
      body.textContent = "";
      let results = [];
      try { results = JSON.parse(xhr.responseText).results || []; } catch (e) {
        let message = "upload failed (HTTP " + xhr.status + ")";
        try { message = JSON.parse(xhr.responseText).error || message; } catch (e2) { /* not JSON */ }
        results = [{ name: "", ok: false, message: message }];
      }
      results.forEach(function (r) {
        const row = body.insertRow();
        row.className = r.ok ? "ok" : "bad";
        row.insertCell().textContent = r.name || "—";
        row.insertCell().textContent = r.message + (r.ok ? " — " + r.documents + " documents, " + r.units + " units" : "");
      });
      table.hidden = false;
      state.textContent = results.every(function (r) { return r.ok; }) ? "完成 Done — reload to see the list" : "完成，有文件未能索引 Done, with problems";
    };
    xhr.send(new FormData(form));
  });
})();
