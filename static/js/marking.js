// The marking page: every change saves at once, in order. When the connection drops, changes
// wait in the browser (and survive a reload) and are sent when it returns; the page says how
// many are waiting. A save based on someone else's older version comes back with their values,
// and the assessor chooses which to keep. Keys: Y yes, N no, C comment; Y and N move on.
(function () {
  "use strict";

  const section = document.querySelector("[data-marking]");
  if (!section) return;
  const storeKey = "marking-queue-" + section.dataset.marking;
  const state = section.querySelector("[data-sync-state]");
  const signButton = document.querySelector("[data-sign-button]");
  const signWait = document.querySelector("[data-sign-wait]");
  const rows = Array.from(section.querySelectorAll("[data-mark-row]"));
  const csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  let queue = load();
  let sending = false;
  let retryTimer = null;

  function load() {
    try {
      return JSON.parse(window.localStorage.getItem(storeKey)) || [];
    } catch (error) {
      return [];
    }
  }

  function store() {
    window.localStorage.setItem(storeKey, JSON.stringify(queue));
  }

  function rowFor(id) {
    return document.getElementById(id);
  }

  function values(row) {
    const checked = row.querySelector("input[name=answer]:checked");
    return { answer: checked ? checked.value : "", comment: row.querySelector("textarea[name=comment]").value };
  }

  function show(row, text, kind) {
    const line = row.querySelector("[data-mark-state]");
    line.textContent = text;
    line.className = "small mb-0 mark-state" + (kind ? " mark-state-" + kind : "");
  }

  function report() {
    const waiting = queue.length;
    if (waiting) {
      state.textContent = waiting + (waiting === 1 ? " change" : " changes") + " waiting to sync";
      state.className = "small mb-0 sync-state sync-waiting";
    } else {
      state.textContent = "All changes saved";
      state.className = "small mb-0 sync-state sync-saved";
    }
    if (signButton) {
      signButton.disabled = waiting > 0;
      signWait.hidden = waiting === 0;
    }
  }

  function enqueue(row) {
    // One waiting change per criterion is enough: the latest values are what count. The change
    // being sent (the first, while sending) stays: its answer is still to come.
    queue = queue.filter(function (change, index) {
      return change.row !== row.id || (sending && index === 0);
    });
    queue.push(Object.assign({ row: row.id, url: row.dataset.url }, values(row)));
    store();
    show(row, "Saving…", "saving");
    report();
    send();
  }

  function send() {
    if (sending || !queue.length) return;
    sending = true;
    const change = queue[0];
    const row = rowFor(change.row);
    const body = new FormData();
    body.append("answer", change.answer);
    body.append("comment", change.comment);
    body.append("version", row.dataset.version);
    fetch(change.url, {
      method: "POST",
      body: body,
      headers: { "X-CSRFToken": csrf, Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().then(function (data) {
          return { status: response.status, data: data };
        });
      })
      .then(function (result) {
        sending = false;
        queue.shift();
        store();
        if (result.status === 200) {
          row.dataset.version = result.data.version;
          row.querySelector("input[name=version]").value = result.data.version;
          show(row, result.data.saved, "saved");
        } else if (result.status === 409) {
          // Changes of the same criterion made since were based on the refused one: the
          // assessor's latest values are what they choose to keep, or not.
          const later = queue.filter(function (waiting) {
            return waiting.row === change.row;
          });
          queue = queue.filter(function (waiting) {
            return waiting.row !== change.row;
          });
          store();
          conflict(row, later.length ? later[later.length - 1] : change, result.data);
        } else {
          show(row, result.data.error || "Not saved. Reload the page.", "error");
        }
        report();
        send();
      })
      .catch(function () {
        // No answer (the connection dropped): keep the change and try again later.
        sending = false;
        show(row, "Waiting for the connection…", "waiting");
        report();
        window.clearTimeout(retryTimer);
        retryTimer = window.setTimeout(send, 5000);
      });
  }

  function conflict(row, mine, theirs) {
    row.dataset.version = theirs.version;
    row.querySelector("input[name=version]").value = theirs.version;
    const line = row.querySelector("[data-mark-state]");
    line.textContent = theirs.error + " ";
    line.className = "small mb-0 mark-state mark-state-error";
    const keep = button("Keep mine", function () {
      setValues(row, mine);
      enqueue(row);
    });
    const take = button("Use theirs", function () {
      setValues(row, theirs);
      show(row, "Their change kept", "saved");
    });
    line.append(keep, " ", take);
    setValues(row, theirs);
  }

  function button(text, action) {
    const element = document.createElement("button");
    element.type = "button";
    element.className = "btn btn-sm btn-outline-secondary py-0";
    element.textContent = text;
    element.addEventListener("click", action);
    return element;
  }

  function setValues(row, chosen) {
    row.querySelectorAll("input[name=answer]").forEach(function (radio) {
      radio.checked = radio.value === chosen.answer;
    });
    row.querySelector("textarea[name=comment]").value = chosen.comment;
  }

  rows.forEach(function (row, index) {
    row.querySelector("[data-no-js-save]").hidden = true;
    row.querySelector("form").addEventListener("submit", function (event) {
      event.preventDefault();
      enqueue(row);
    });
    row.querySelectorAll("input[name=answer]").forEach(function (radio) {
      radio.addEventListener("change", function () {
        enqueue(row);
      });
    });
    const comment = row.querySelector("textarea[name=comment]");
    let typing = null;
    comment.addEventListener("input", function () {
      window.clearTimeout(typing);
      typing = window.setTimeout(function () {
        enqueue(row);
      }, 800);
    });
    comment.addEventListener("blur", function () {
      if (typing) {
        window.clearTimeout(typing);
        typing = null;
        enqueue(row);
      }
    });
    row.addEventListener("keydown", function (event) {
      if (event.target.tagName === "TEXTAREA" || event.ctrlKey || event.metaKey || event.altKey) return;
      const key = event.key.toLowerCase();
      if (key === "y" || key === "n") {
        event.preventDefault();
        const radio = row.querySelector("input[name=answer][value=" + key.toUpperCase() + "]");
        radio.checked = true;
        enqueue(row);
        const next = rows[index + 1];
        (next ? next.querySelector("input[name=answer]:checked, input[name=answer]") : signButton || radio).focus();
      } else if (key === "c") {
        event.preventDefault();
        comment.focus();
      }
    });
  });

  // Changes left waiting by an earlier visit (the page was closed while offline) come back.
  queue.forEach(function (change) {
    const row = rowFor(change.row);
    if (row) {
      setValues(row, change);
      show(row, "Waiting to sync", "waiting");
    }
  });
  window.addEventListener("online", send);
  report();
  send();
})();
