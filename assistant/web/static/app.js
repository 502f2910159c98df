() => {
  // Policy assistant page script. Config is filled in by assistant.web.kiosk.page_js().
  const cfg = __PA_CONFIG__;

  // While an answer streams, follow it; when it is done, show the start of the newest exchange
  // (people read an answer from its top, especially on the tall kiosk screen).
  let seen = "";
  let shown = "";
  const follow = () => {
    const box = document.querySelector("#pa-chat-box");
    const chat = box && box.querySelector(".pa-chat");
    if (!chat) return;
    const busy = chat.querySelector('[aria-busy="true"]') !== null;
    const key = chat.dataset.exchanges + (busy ? "b" : "d");
    if (!busy) {
      shown = ""; // the next question, even after "new conversation" (exchange 1 again), is brought into view
    } else if (key !== shown) {
      // A question just went out (maybe from a starter button far below on a phone): bring the chat into view,
      // even while it is too short to scroll.
      shown = key;
      const r = box.getBoundingClientRect();
      if (r.top < 0 || r.top > window.innerHeight * 0.5) box.scrollIntoView({ block: "start" });
    }
    const scroller = [box, ...box.querySelectorAll("*")].find(
      (el) => el.scrollHeight > el.clientHeight + 4 && getComputedStyle(el).overflowY !== "visible"
    );
    if (!scroller) return;
    if (busy) {
      scroller.scrollTop = scroller.scrollHeight;
    } else if (key !== seen) {
      const users = chat.querySelectorAll(".pa-user");
      const lastUser = users[users.length - 1];
      scroller.scrollTop = lastUser
        ? lastUser.getBoundingClientRect().top - scroller.getBoundingClientRect().top + scroller.scrollTop - 8
        : 0;
    }
    seen = key;
  };

  // <html lang> is the UI language the visitor chose (screen readers pick their voice from it). Gradio sets it to
  // the browser's locale, now and whenever that changes, so it is set back from the header's own `lang`.
  const syncLang = () => {
    const head = document.querySelector("#pa-header .pa-head[lang]");
    const want = head && head.getAttribute("lang");
    if (want && document.documentElement.getAttribute("lang") !== want) document.documentElement.setAttribute("lang", want);
  };
  new MutationObserver(syncLang).observe(document.documentElement, { attributes: true, attributeFilter: ["lang"] });
  new MutationObserver(() => {
    follow();
    syncLang();
  }).observe(document.body, { childList: true, subtree: true, characterData: true });
  syncLang();

  // Enter sends the question, Shift+Enter starts a new line. Gradio's multi-line box does the opposite (it
  // sends on Shift+Enter, from its keypress handler), so both events are taken before it sees them. An Enter
  // that confirms an input-method candidate (pinyin → 汉字) is left to the input method.
  const onEnter = (e) => {
    if (e.key !== "Enter" || e.isComposing || e.keyCode === 229) return;
    if (!(e.target && e.target.closest && e.target.closest("#pa-question"))) return;
    e.stopPropagation();
    if (e.shiftKey) return; // the browser inserts the line break
    e.preventDefault();
    if (e.type !== "keydown") return;
    let btn = document.querySelector("#pa-ask");
    if (btn && btn.tagName !== "BUTTON") btn = btn.querySelector("button");
    if (btn && !btn.disabled) btn.click();
  };
  document.addEventListener("keydown", onEnter, { capture: true });
  document.addEventListener("keypress", onEnter, { capture: true });

  if (!cfg.kiosk) return;

  // Kiosk: wipe the conversation after cfg.idleSeconds without a touch or key press.
  let last = Date.now();
  let wiped = false;
  const warnSecs = Math.min(10, Math.max(1, Math.floor(cfg.idleSeconds / 3)));
  const banner = document.createElement("div");
  banner.className = "pa-idle-banner";
  banner.setAttribute("role", "status");
  banner.textContent = cfg.warning;
  banner.hidden = true;
  document.body.appendChild(banner);

  const activity = () => {
    last = Date.now();
    wiped = false;
    banner.hidden = true;
  };
  for (const ev of ["pointerdown", "touchstart", "keydown", "input", "wheel"]) {
    document.addEventListener(ev, activity, { capture: true, passive: true });
  }
  const hasContent = () => {
    const chat = document.querySelector(".pa-chat");
    const box = document.querySelector("#pa-question textarea, #pa-question input");
    return (chat && chat.dataset.exchanges !== "0") || (box && box.value.trim() !== "");
  };
  const pressReset = () => {
    let btn = document.querySelector("#pa-idle-reset");
    if (btn && btn.tagName !== "BUTTON") btn = btn.querySelector("button");
    if (btn) btn.click();
    window.scrollTo(0, 0);
  };
  setInterval(() => {
    const idle = (Date.now() - last) / 1000;
    if (wiped) return;
    if (idle >= cfg.idleSeconds) {
      banner.hidden = true;
      wiped = true;
      pressReset();
    } else if (idle >= cfg.idleSeconds - warnSecs && hasContent()) {
      banner.hidden = false;
    }
  }, 500);
}
