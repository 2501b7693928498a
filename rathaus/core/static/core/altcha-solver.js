// ALTCHA proof of work without the npm widget: fetch the challenge from our own origin,
// find the number n with SHA-256(salt + n) == challenge via crypto.subtle, and put the
// base64 payload into the hidden field. Submitting waits until the work is done.
(() => {
  "use strict";
  const encoder = new TextEncoder();

  const hex = (buffer) =>
    Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");

  async function search(challenge) {
    const batch = 500;
    for (let start = 0; start <= challenge.maxNumber; start += batch) {
      const numbers = [];
      for (let n = start; n < start + batch && n <= challenge.maxNumber; n++) numbers.push(n);
      const hashes = await Promise.all(
        numbers.map((n) => crypto.subtle.digest("SHA-256", encoder.encode(challenge.salt + n)))
      );
      for (let i = 0; i < hashes.length; i++) {
        if (hex(hashes[i]) === challenge.challenge) return numbers[i];
      }
    }
    return null;
  }

  async function solve(box) {
    const field = document.getElementById(box.dataset.altchaField);
    const status = box.querySelector("[data-altcha-status]");
    if (!window.crypto || !crypto.subtle) {
      status.textContent =
        "Ihr Browser unterstützt die Sicherheitsprüfung nicht. Bitte verwenden Sie einen aktuellen Browser oder buchen Sie telefonisch.";
      return false;
    }
    status.textContent = "Sicherheitsprüfung läuft … (einige Sekunden)";
    try {
      const response = await fetch(box.dataset.altchaChallengeUrl, { credentials: "same-origin", cache: "no-store" });
      const challenge = await response.json();
      const number = await search(challenge);
      if (number === null) throw new Error("no solution");
      field.value = btoa(
        JSON.stringify({
          algorithm: challenge.algorithm,
          challenge: challenge.challenge,
          number: number,
          salt: challenge.salt,
          signature: challenge.signature,
        })
      );
      status.textContent = "Sicherheitsprüfung abgeschlossen.";
      box.dataset.altchaDone = "1";
      return true;
    } catch (error) {
      status.textContent = "Die Sicherheitsprüfung ist fehlgeschlagen. Bitte laden Sie die Seite neu.";
      return false;
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-altcha]").forEach((box) => {
      const form = box.closest("form");
      const work = solve(box);
      form.addEventListener("submit", (event) => {
        if (box.dataset.altchaDone === "1") return;
        event.preventDefault();
        work.then((ok) => {
          if (ok) form.submit();
        });
      });
    });
  });
})();
