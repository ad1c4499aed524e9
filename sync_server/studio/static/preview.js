// KB Studio: the article editor's live preview. The server renders the body as the tray
// app shows it (sample values in the variables, Markdown, no raw HTML) and this script
// puts that HTML in the preview pane as you type.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const body = document.getElementById("body");
  const pane = document.getElementById("preview");
  if (!body || !pane) return;
  let timer = null;
  let asked = 0;
  const refresh = async () => {
    const mine = ++asked;
    const form = new URLSearchParams({body: body.value, lang: pane.dataset.lang || "en"});
    try {
      const reply = await fetch("/studio/preview", {method: "POST", body: form, credentials: "same-origin"});
      if (mine === asked) pane.innerHTML = await reply.text();
    } catch (error) {
      pane.textContent = "The preview is not available right now; your text is not affected.";
    }
  };
  body.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  });
});
