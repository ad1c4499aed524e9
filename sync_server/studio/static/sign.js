// KB Studio: sign a release's manifest in this browser with the publisher's Ed25519 key.
// The key file is read here and never leaves the browser: the form sends only the signature.
// Key files: an unencrypted `kb_snapshots keygen` key (base64 seed), or a browser copy
// (`kb_snapshots browser-key`: PBKDF2-SHA256 600,000 iterations, AES-256-GCM).
"use strict";

const BROWSER_PREFIX = "helpdesk-ed25519-browser-v1:";
const ARGON_PREFIX = "helpdesk-ed25519-encrypted-v1:";
const PKCS8_ED25519 = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];

function fromBase64(text) {
  const raw = atob(text);
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

function toBase64(bytes) {
  return btoa(String.fromCharCode(...bytes));
}

async function seedOf(text, passphrase) {
  if (text.startsWith(ARGON_PREFIX)) {
    throw new Error("This key file is protected in a way browsers cannot open. Make a browser copy once: " +
                    "python -m kb_snapshots browser-key YOUR.key --output YOUR.browser-key --passphrase-stdin");
  }
  if (!text.startsWith(BROWSER_PREFIX)) {
    let seed;
    try { seed = fromBase64(text); } catch (e) { seed = new Uint8Array(); }
    if (seed.length !== 32) throw new Error("This file is not a signing key (choose the .key or .browser-key file).");
    return seed;
  }
  if (!passphrase) throw new Error("This key is protected: type its passphrase.");
  const blob = fromBase64(text.slice(BROWSER_PREFIX.length));
  const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(passphrase), "PBKDF2", false,
                                                 ["deriveKey"]);
  const aes = await crypto.subtle.deriveKey({name: "PBKDF2", hash: "SHA-256", salt: blob.slice(0, 16),
                                             iterations: 600000}, material, {name: "AES-GCM", length: 256},
                                            false, ["decrypt"]);
  try {
    return new Uint8Array(await crypto.subtle.decrypt({name: "AES-GCM", iv: blob.slice(16, 28)}, aes,
                                                      blob.slice(28)));
  } catch (e) {
    throw new Error("Wrong passphrase.");
  }
}

async function sign(form) {
  const file = form.querySelector("#keyfile").files[0];
  if (!file) throw new Error("Choose your signing key file.");
  const seed = await seedOf((await file.text()).trim(), form.querySelector("#passphrase").value);
  const key = await crypto.subtle.importKey("pkcs8", new Uint8Array([...PKCS8_ED25519, ...seed]),
                                            {name: "Ed25519"}, false, ["sign"]);
  const signature = await crypto.subtle.sign({name: "Ed25519"}, key, fromBase64(form.dataset.message));
  return toBase64(new Uint8Array(signature));
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("sign");
  if (!form) return;
  const status = document.getElementById("sign-status");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.textContent = "Signing…";
    try {
      if (!window.crypto || !crypto.subtle) throw new Error("This page must be opened over https to sign.");
      form.elements.signature.value = await sign(form);
      status.textContent = "Signed. Publishing…";
      form.submit();
    } catch (error) {
      status.textContent = error.message;
    }
  });
});
