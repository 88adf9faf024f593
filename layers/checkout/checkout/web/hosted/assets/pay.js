// The hosted checkout page's behaviour. The server renders every state; this script links an order
// through the public API, copies, counts down, and follows the session: when its state changes the
// page reloads (so each state has one rendering, the server's), and at `complete` it goes to the
// merchant's success_url. Same-origin requests only; no inline code (the CSP forbids it).
(function () {
  "use strict";

  var main = document.getElementById("checkout");
  if (!main || !main.dataset.state) {
    return; // the 404 and error pages have nothing to follow
  }
  var page = main.dataset;
  var POLL_MS = 2000;
  var finished = false;

  // The API is beside the page: /pay/<id> -> /checkout-sessions/<id>, /orders.
  function api(path) {
    return new URL("../" + path, window.location.href).href;
  }

  function webUrl(value) {
    try {
      var url = new URL(value, window.location.href);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (error) {
      return null;
    }
  }

  function leaveFor(value, replace) {
    var url = value && webUrl(value);
    if (!url) {
      return false;
    }
    finished = true;
    if (replace) {
      window.location.replace(url);
    } else {
      window.location.assign(url);
    }
    return true;
  }

  function reload() {
    finished = true;
    window.location.reload();
  }

  function stateOf(session) {
    if (session.status !== "open") {
      return session.status;
    }
    if (!session.order) {
      return "choose";
    }
    return session.order.order.onrampMetadata ? "card" : "crypto";
  }

  // --- following the session ------------------------------------------------------------------
  var failures = 0;

  function follow(session) {
    var next = stateOf(session);
    if (next === "complete" && leaveFor(session.success_url, true)) {
      return;
    }
    if (next !== page.state) {
      reload();
    }
  }

  function poll() {
    var url = api("checkout-sessions/" + encodeURIComponent(page.session) + "?include=order");
    fetch(url, { cache: "no-store", credentials: "omit", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (body) {
        failures = 0;
        follow(body.data);
      })
      .catch(function () {
        failures += 1;
      })
      .then(function () {
        if (!finished) {
          window.setTimeout(poll, POLL_MS * Math.min(1 + failures, 5));
        }
      });
  }

  // --- linking an order -------------------------------------------------------------------------
  var keys = {};

  function randomKey() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // One Idempotency-Key per distinct request: a retry after a lost answer gets the same order.
  function keyFor(body) {
    var text = JSON.stringify(body);
    keys[text] = keys[text] || randomKey();
    return keys[text];
  }

  function orderBody(onramp) {
    var chain = Number(page.chain);
    var body = {
      checkoutSessionId: page.session,
      recipientAddress: page.recipient,
      srcChain: chain,
      dstChain: chain,
      srcTokenAddress: page.token,
      dstTokenAddress: page.token,
      srcAmount: page.amount,
      type: "custom"
    };
    if (onramp) {
      body.onramp = onramp;
    }
    return body;
  }

  var errorBox = document.getElementById("error");

  function busy(on) {
    Array.prototype.forEach.call(document.querySelectorAll(".choices button"), function (button) {
      button.disabled = on;
    });
    main.setAttribute("aria-busy", on ? "true" : "false");
  }

  function fail(message) {
    busy(false);
    if (errorBox) {
      errorBox.textContent = message;
      errorBox.hidden = false;
    }
  }

  function link(onramp) {
    var body = orderBody(onramp);
    busy(true);
    if (errorBox) {
      errorBox.hidden = true;
    }
    fetch(api("orders"), {
      method: "POST",
      credentials: "omit",
      headers: { "Content-Type": "application/json", Accept: "application/json", "Idempotency-Key": keyFor(body) },
      body: JSON.stringify(body)
    })
      .then(function (response) {
        return response.json().then(function (answer) {
          return { status: response.status, answer: answer };
        });
      })
      .then(function (result) {
        var answer = result.answer || {};
        if (result.status === 200) {
          if (!(onramp && leaveFor(answer.data && answer.data.oneClickBuyUrl, false))) {
            reload();
          }
          return;
        }
        var code = answer.error && answer.error.code;
        if (code === "session_has_order" || code === "session_not_open") {
          reload(); // another tab linked an order, or the session ended: the page shows which
          return;
        }
        fail(answer.message || "The payment could not be started. Please try again.");
      })
      .catch(function () {
        fail("The connection failed. Check it and try again.");
      });
  }

  var choices = document.querySelector(".choices");
  if (choices) {
    choices.hidden = false;
    document.getElementById("pay-crypto").addEventListener("click", function () {
      link(null);
    });
    var card = document.getElementById("pay-card");
    if (card) {
      card.addEventListener("click", function () {
        var country = document.getElementById("country").value;
        link({ vendor: "coinbase", payment_method: "card", country: country });
      });
    }
  }

  // --- copy buttons -----------------------------------------------------------------------------
  var copied = document.getElementById("copied");
  if (navigator.clipboard && window.isSecureContext) {
    Array.prototype.forEach.call(document.querySelectorAll("button.copy"), function (button) {
      var label = button.textContent;
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(button.dataset.copy).then(function () {
          button.textContent = "Copied";
          if (copied) {
            copied.textContent = button.dataset.done;
          }
          window.setTimeout(function () {
            button.textContent = label;
          }, 2000);
        });
      });
    });
  }

  // --- the deadline, in the buyer's own time zone -----------------------------------------------
  var time = document.querySelector("time[data-deadline]");
  if (time) {
    var deadline = Number(time.dataset.deadline);
    var countdown = time.parentNode.querySelector(".countdown");
    time.textContent = new Date(deadline).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
    var tick = function () {
      var left = Math.max(0, Math.floor((deadline - Date.now()) / 1000));
      var minutes = Math.floor(left / 60);
      var seconds = ("0" + (left % 60)).slice(-2);
      countdown.textContent = " (" + minutes + ":" + seconds + " left)";
    };
    tick();
    window.setInterval(tick, 1000);
  }

  // --- where the page goes from here ------------------------------------------------------------
  if (page.state === "complete") {
    var note = document.querySelector(".redirecting");
    if (note && page.successUrl) {
      note.hidden = false;
    }
    leaveFor(page.successUrl, true);
  } else if (page.state !== "expired") {
    window.setTimeout(poll, POLL_MS);
  }
})();
