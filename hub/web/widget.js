/*
 * ConnectHub parent chat widget.
 *
 * One <script src="https://<hub>/widget.js"></script> on a page of an allowed origin adds a chat
 * button and panel. Self-contained: no dependencies, no inline styles, no eval; the CSS comes from
 * <hub>/static/widget.css and every string from <hub>/i18n/<lang>.json. The UI lives in a Shadow
 * DOM so the host page's CSS cannot reach it (and ours cannot leak out).
 *
 * Reliability: the session token, the last seen seq and every unacknowledged message live in
 * sessionStorage. A message stays queued until the hub acks it; after a reconnect the widget
 * resumes with the token and re-sends the queue with the same client ids, which the hub
 * de-duplicates, so nothing is lost or doubled.
 *
 * A page whose origin the hub does not allow (serve --allowed-origin) gets no chat button: the
 * widget logs why to the console and dispatches 'connecthub:unavailable' on document with
 * detail {reason: 'origin_not_allowed' | 'hub_unreachable', origin}.
 *
 * The host page can switch the language with
 *   document.dispatchEvent(new CustomEvent('connecthub:setlang', {detail: 'es'}))
 * and hears the user's own switch as a 'connecthub:lang' event on document.
 */
(function () {
  'use strict';
  if (window.__connectHubWidget) return;
  window.__connectHubWidget = true;

  const script = document.currentScript;
  const HUB = new URL(script && script.src ? script.src : '/widget.js', location.href).origin;
  const WS_URL = HUB.replace(/^http/, 'ws') + '/ws/chat';
  const LANGS = ['en', 'es'];
  const STORE_KEY = 'connecthub.widget.v1';
  const MAX_TEXT = 1000;
  const BACKOFF_MIN_MS = 500;
  const BACKOFF_MAX_MS = 30000;
  const HISTORY_ON_RELOAD = 50;

  // ---------- persisted state (sessionStorage only: gone when the tab closes) ----------
  function loadStore() {
    try {
      const raw = sessionStorage.getItem(STORE_KEY);
      if (raw) return JSON.parse(raw);
    } catch (e) { /* storage disabled or corrupt: start fresh */ }
    return {};
  }
  const saved = loadStore();
  const store = {
    token: saved.token || null,
    lastSeq: saved.lastSeq || 0,
    firstName: saved.firstName || '',
    threadState: saved.threadState || 'bot',
    caseworker: saved.caseworker || '',
    queue: Array.isArray(saved.queue) ? saved.queue : [],
    prefix: saved.prefix || randomPrefix(),
    n: saved.n || 0,
    lang: saved.lang || null,
    open: !!saved.open,
  };
  function persist() {
    try {
      sessionStorage.setItem(STORE_KEY, JSON.stringify(store));
    } catch (e) { /* private mode: the widget still works for this page view */ }
  }
  function randomPrefix() {
    const a = new Uint8Array(6);
    crypto.getRandomValues(a);
    return Array.from(a, (b) => b.toString(36).padStart(2, '0')).join('').slice(0, 8);
  }
  function nextClientId() {
    store.n += 1;
    persist();
    return 'c-' + store.prefix + '-' + store.n;
  }

  // ---------- language and strings ----------
  function pickLang() {
    const candidates = [
      store.lang,
      script && script.getAttribute('data-lang'),
      document.documentElement.getAttribute('lang'),
    ].concat(navigator.languages || [navigator.language]);
    for (const c of candidates) {
      const l = (c || '').slice(0, 2).toLowerCase();
      if (LANGS.includes(l)) return l;
    }
    return 'en';
  }
  let lang = pickLang();
  const catalogs = {};
  async function loadCatalog(l) {
    if (catalogs[l]) return catalogs[l];
    const res = await fetch(HUB + '/i18n/' + l + '.json', { credentials: 'omit' });
    if (!res.ok) throw new Error('i18n ' + res.status);
    catalogs[l] = await res.json();
    return catalogs[l];
  }
  function t(key, params) {
    const cat = catalogs[lang] || catalogs.en || {};
    let s = cat['web.' + key];
    if (s === undefined) s = cat[key];
    if (s === undefined) return key;
    if (params) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));
    return s;
  }
  function locale() { return lang === 'es' ? 'es-US' : 'en-US'; }
  function formatTime(iso) {
    const d = new Date(iso);
    if (isNaN(d)) return '';
    const now = new Date();
    const sameDay = d.toDateString() === now.toDateString();
    const opts = sameDay ? { hour: 'numeric', minute: '2-digit' }
      : { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' };
    return new Intl.DateTimeFormat(locale(), opts).format(d);
  }
  function caseworkerName(name) {
    // The hub sends the caseworker's display name (never a login name); shown as given.
    return name ? String(name) : '';
  }

  // ---------- DOM helpers ----------
  function h(tag, attrs, children) {
    const el = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === null || v === undefined || v === false) continue;
        if (k === 'class') el.className = v;
        else if (k === 'text') el.textContent = v;
        else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
        else el.setAttribute(k, v === true ? '' : v);
      }
    }
    for (const c of [].concat(children || [])) {
      if (c !== null && c !== undefined) el.append(c);
    }
    return el;
  }
  // Elements whose text/attributes come from the catalog: re-applied on a language switch.
  const localized = [];
  function L(el, key, attr, params) {
    localized.push({ el, key, attr, params });
    applyOne({ el, key, attr, params });
    return el;
  }
  function applyOne(x) {
    const p = typeof x.params === 'function' ? x.params() : x.params;
    if (x.attr) x.el.setAttribute(x.attr, t(x.key, p));
    else x.el.textContent = t(x.key, p);
  }
  function svgIcon(path) {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    svg.setAttribute('class', 'ch-icon');
    const p = document.createElementNS(ns, 'path');
    p.setAttribute('d', path);
    svg.append(p);
    return svg;
  }
  const ICON_CHAT = 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z';
  const ICON_CLOSE = 'M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6z';

  // ---------- the UI ----------
  const host = h('div', { id: 'connecthub-widget' });
  const root = host.attachShadow({ mode: 'open' });
  const ui = {};

  function build() {
    const css = h('link', { rel: 'stylesheet', href: HUB + '/static/widget.css' });
    const uid = 'ch-' + store.prefix;

    ui.launcher = h('button', {
      type: 'button', class: 'ch-launcher', 'aria-expanded': 'false', 'aria-controls': uid + '-panel',
      onclick: () => setOpen(true),
    }, [svgIcon(ICON_CHAT), L(h('span'), 'widget.launcher')]);

    // Header
    ui.title = L(h('h2', { class: 'ch-title', id: uid + '-title' }), 'widget.title');
    ui.subtitleText = h('span');
    ui.subtitle = h('p', { class: 'ch-subtitle' }, [ui.subtitleText]);
    ui.langBtn = h('button', { type: 'button', class: 'ch-hbtn', onclick: () => switchLang() });
    L(ui.langBtn, 'widget.lang.switch');
    L(ui.langBtn, 'widget.lang.switchLabel', 'aria-label');
    ui.langBtn.setAttribute('lang', lang === 'en' ? 'es' : 'en');
    ui.logoutBtn = L(h('button', { type: 'button', class: 'ch-linkbtn', hidden: true, onclick: logout }),
      'widget.logout');
    ui.subtitle.append(ui.logoutBtn);
    ui.closeBtn = h('button', { type: 'button', class: 'ch-hbtn ch-close', onclick: () => setOpen(false) },
      [svgIcon(ICON_CLOSE)]);
    L(ui.closeBtn, 'widget.close', 'aria-label');
    const header = h('div', { class: 'ch-header' }, [
      h('div', { class: 'ch-headtext' }, [ui.title, ui.subtitle]),
      h('div', { class: 'ch-hactions' }, [ui.langBtn, ui.closeBtn]),
    ]);

    ui.conn = h('p', { class: 'ch-conn', role: 'status', hidden: true });

    // Login view
    ui.pidInput = h('input', {
      id: uid + '-pid', name: 'participant_id', type: 'text', inputmode: 'numeric',
      autocomplete: 'username', required: true, maxlength: '20', 'aria-describedby': uid + '-pidhint',
    });
    ui.pinInput = h('input', {
      id: uid + '-pin', name: 'pin', type: 'password', inputmode: 'numeric',
      autocomplete: 'current-password', required: true, maxlength: '12',
    });
    ui.loginError = h('div', { class: 'ch-error', role: 'alert', id: uid + '-err' });
    ui.loginBtn = L(h('button', { type: 'submit', class: 'ch-primary' }), 'widget.login.submit');
    ui.loginForm = h('form', { class: 'ch-login', novalidate: true, onsubmit: onLoginSubmit }, [
      L(h('p', { class: 'ch-intro' }), 'widget.login.intro'),
      ui.loginError,
      h('div', { class: 'ch-field' }, [
        L(h('label', { for: uid + '-pid' }), 'widget.login.participantId'),
        L(h('p', { class: 'ch-hint', id: uid + '-pidhint' }), 'widget.login.participantIdHint'),
        ui.pidInput,
      ]),
      h('div', { class: 'ch-field' }, [
        L(h('label', { for: uid + '-pin' }), 'widget.login.pin'),
        ui.pinInput,
      ]),
      ui.loginBtn,
      h('div', { class: 'ch-help' }, [
        L(h('h3'), 'widget.help.title'),
        L(h('p'), 'widget.help.noPin'),
        h('p', {}, [
          L(h('span'), 'widget.help.callLabel'), ' ',
          L(h('a', { class: 'ch-tel' }), 'widget.help.phone'),
        ]),
        h('p', {}, [
          L(h('span'), 'widget.help.ttyLabel'), ' ',
          L(h('a', { class: 'ch-tel' }), 'widget.help.tty'),
        ]),
        L(h('p'), 'widget.help.hours'),
      ]),
    ]);
    ui.loginView = h('div', { class: 'ch-view ch-loginview' }, [ui.loginForm]);

    // Chat view
    ui.banner = h('div', { class: 'ch-banner', role: 'status', hidden: true });
    ui.log = h('div', { class: 'ch-log', tabindex: '0', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions' });
    L(ui.log, 'widget.chat.logLabel', 'aria-label');
    ui.chips = h('div', { class: 'ch-chips', role: 'group' });
    L(ui.chips, 'widget.chips.label', 'aria-label');
    for (const c of ['balance', 'appointment', 'payment', 'agent']) {
      const b = h('button', {
        type: 'button', class: 'ch-chip', 'data-chip': c,
        onclick: () => sendText(t('widget.chips.' + c + '.text')),
      });
      L(b, 'widget.chips.' + c);
      ui.chips.append(b);
    }
    ui.textarea = h('textarea', {
      id: uid + '-msg', rows: '2', maxlength: String(MAX_TEXT), 'aria-describedby': uid + '-msghint',
      enterkeyhint: 'send', onkeydown: onComposerKey,
    });
    ui.sendBtn = L(h('button', { type: 'submit', class: 'ch-primary ch-send' }), 'widget.chat.send');
    ui.composer = h('form', { class: 'ch-composer', onsubmit: onComposerSubmit }, [
      L(h('label', { for: uid + '-msg', class: 'ch-sr' }), 'widget.chat.messageLabel'),
      ui.textarea,
      ui.sendBtn,
      L(h('p', { class: 'ch-sr', id: uid + '-msghint' }), 'widget.chat.messageHint'),
    ]);
    ui.chatView = h('div', { class: 'ch-view ch-chatview', hidden: true }, [
      ui.banner, ui.log, ui.chips, ui.composer,
    ]);

    ui.panel = h('section', {
      class: 'ch-panel', id: uid + '-panel', role: 'dialog', 'aria-labelledby': uid + '-title',
      hidden: true, onkeydown: onPanelKey,
    }, [header, ui.conn, ui.loginView, ui.chatView]);

    ui.root = h('div', { class: 'ch-root', lang }, [ui.launcher, ui.panel]);
    root.append(css, ui.root);
    return new Promise((resolve) => {
      css.addEventListener('load', resolve);
      css.addEventListener('error', resolve);
    });
  }

  function applyAll() {
    ui.root.setAttribute('lang', lang);
    ui.langBtn.setAttribute('lang', lang === 'en' ? 'es' : 'en');
    for (const x of localized) applyOne(x);
    for (const a of ui.root.querySelectorAll('a.ch-tel')) {
      a.setAttribute('href', 'tel:' + a.textContent.replace(/[^0-9+]/g, ''));
    }
    renderHeader();
    renderBanner();
    renderConn();
    for (const m of messages) renderMessageMeta(m);
    if (ui.loginError.dataset.code) showLoginError(ui.loginError.dataset.code, lastErrorFrame);
  }

  async function switchLang(to) {
    const next = to || (lang === 'en' ? 'es' : 'en');
    if (!LANGS.includes(next) || next === lang) return;
    try {
      await loadCatalog(next);
    } catch (e) {
      return;
    }
    lang = next;
    store.lang = next;
    persist();
    if (!ui.root) return; // not built yet: start() uses the new language
    applyAll();
    if (!to) document.dispatchEvent(new CustomEvent('connecthub:lang', { detail: lang }));
  }

  function setOpen(open) {
    store.open = open;
    persist();
    ui.panel.hidden = !open;
    ui.launcher.hidden = open;
    ui.launcher.setAttribute('aria-expanded', String(open));
    host.classList.toggle('ch-open', open);
    if (open) {
      ensureConnected();
      requestAnimationFrame(() => {
        if (!ui.chatView.hidden) {
          ui.textarea.focus();
          scrollToEnd();
        } else {
          (ui.pidInput.value ? ui.pinInput : ui.pidInput).focus();
        }
      });
    } else {
      ui.launcher.focus();
    }
  }

  function onPanelKey(e) {
    if (e.key === 'Escape') {
      e.preventDefault();
      setOpen(false);
      return;
    }
    // Full screen on a phone: keep Tab inside the panel (the page behind is covered).
    if (e.key === 'Tab' && window.matchMedia('(max-width: 480px)').matches) {
      const f = Array.from(ui.panel.querySelectorAll('button, input, textarea, a[href]'))
        .filter((el) => !el.disabled && el.offsetParent !== null);
      if (!f.length) return;
      const active = root.activeElement;
      if (e.shiftKey && active === f[0]) { e.preventDefault(); f[f.length - 1].focus(); }
      else if (!e.shiftKey && active === f[f.length - 1]) { e.preventDefault(); f[0].focus(); }
    }
  }

  function showView(which) {
    ui.loginView.hidden = which !== 'login';
    ui.chatView.hidden = which !== 'chat';
    ui.logoutBtn.hidden = which !== 'chat';
    renderHeader();
  }

  function renderHeader() {
    if (!ui.subtitle) return;
    ui.subtitleText.textContent = (!ui.chatView.hidden && store.firstName)
      ? t('widget.signedInAs', { name: store.firstName }) : t('widget.subtitle');
  }

  function renderBanner() {
    const s = store.threadState;
    ui.banner.hidden = !(s === 'waiting' || s === 'assigned');
    ui.banner.className = 'ch-banner ch-banner-' + s;
    if (s === 'waiting') ui.banner.textContent = t('widget.banner.waiting');
    else if (s === 'assigned') {
      ui.banner.textContent = t('widget.banner.assigned', { name: caseworkerName(store.caseworker) || t('widget.from.caseworkerGeneric') });
    } else ui.banner.textContent = '';
    ui.chips.hidden = s === 'waiting' || s === 'assigned';
  }

  // ---------- connection ----------
  let ws = null;
  let authed = false;
  let pendingLogin = null; // {participant_id, pin} until welcome or error
  let newFromSeq = 0; // welcome's new_from_seq: replies from here on came while we were away
  let replayEndSeq = 0; // welcome's last_seq: messages up to it are the replay
  let firstNewShown = false; // the first new reply is on screen; the replay no longer scrolls
  let resuming = false;
  let backoff = BACKOFF_MIN_MS;
  let reconnectTimer = null;
  let connState = 'idle'; // idle | connecting | online | offline | waiting
  let reconnectAt = 0;
  let lastErrorFrame = null;
  let replayFloor = 0;

  function wantConnection() {
    return !!(store.token || pendingLogin);
  }

  function ensureConnected() {
    if (!wantConnection()) return;
    if (ws && (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING)) {
      if (ws.readyState === WebSocket.OPEN && !authed) authenticate();
      return;
    }
    if (!navigator.onLine) {
      setConn('offline');
      return;
    }
    clearTimeout(reconnectTimer);
    reconnectTimer = null;
    setConn('connecting');
    let sock;
    try {
      sock = new WebSocket(WS_URL);
    } catch (e) {
      scheduleReconnect();
      return;
    }
    ws = sock;
    authed = false;
    sock.addEventListener('open', () => { if (ws === sock) authenticate(); });
    sock.addEventListener('message', (ev) => { if (ws === sock) onFrame(ev.data); });
    sock.addEventListener('close', () => {
      if (ws !== sock) return;
      ws = null;
      authed = false;
      for (const m of messages) if (m.status === 'sending') { m.status = 'queued'; renderMessageMeta(m); }
      if (wantConnection()) scheduleReconnect();
      else setConn('idle');
    });
  }

  function authenticate() {
    if (pendingLogin) {
      wsSend({ type: 'login', participant_id: pendingLogin.participant_id, pin: pendingLogin.pin, lang });
    } else if (store.token) {
      resuming = true;
      wsSend({ type: 'resume', token: store.token, after_seq: Math.max(replayFloor, store.lastSeq) });
    }
  }

  function scheduleReconnect() {
    clearTimeout(reconnectTimer);
    if (!navigator.onLine) {
      setConn('offline');
      return;
    }
    const delay = Math.min(BACKOFF_MAX_MS, backoff) * (0.75 + Math.random() * 0.5);
    backoff = Math.min(BACKOFF_MAX_MS, backoff * 2);
    reconnectAt = Date.now() + delay;
    setConn('waiting');
    reconnectTimer = setTimeout(() => { reconnectTimer = null; ensureConnected(); }, delay);
  }

  function setConn(s) {
    connState = s;
    renderConn();
  }
  function renderConn() {
    if (!ui.conn) return;
    let key = null;
    if (connState === 'offline') key = 'widget.conn.offline';
    else if (connState === 'waiting') key = 'widget.conn.reconnecting';
    else if (connState === 'connecting' && (store.token || messages.length)) key = 'widget.conn.connecting';
    ui.conn.hidden = !key;
    ui.conn.textContent = key ? t(key) : '';
    ui.conn.className = 'ch-conn' + (connState === 'offline' ? ' ch-conn-offline' : '');
  }

  window.addEventListener('offline', () => {
    // Do not wait for the socket to time out: queue from now on and reconnect when back.
    if (ws) { try { ws.close(); } catch (e) { /* already closing */ } }
    setConn('offline');
  });
  window.addEventListener('online', () => {
    backoff = BACKOFF_MIN_MS;
    ensureConnected();
  });

  function wsSend(obj) {
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    try {
      ws.send(JSON.stringify(obj));
      return true;
    } catch (e) {
      return false;
    }
  }

  function onFrame(data) {
    let f;
    try { f = JSON.parse(data); } catch (e) { return; }
    if (!f || typeof f.type !== 'string') return;
    switch (f.type) {
      case 'welcome': onWelcome(f); break;
      case 'message': onMessage(f); break;
      case 'ack': onAck(f); break;
      case 'state': onState(f); break;
      case 'error': onError(f); break;
      default: break;
    }
  }

  function onWelcome(f) {
    const wasLogin = !!pendingLogin;
    authed = true;
    resuming = false;
    backoff = BACKOFF_MIN_MS;
    setConn('online');
    if (wasLogin) {
      pendingLogin = null;
      ui.pinInput.value = '';
      ui.loginBtn.disabled = false;
      clearLoginError();
      clearMessages();
      store.lastSeq = 0;
    }
    store.token = f.token || store.token;
    // A caseworker answered while the parent was away: that reply is shown first, marked new.
    newFromSeq = typeof f.new_from_seq === 'number' ? f.new_from_seq : 0;
    replayEndSeq = typeof f.last_seq === 'number' ? f.last_seq : 0;
    firstNewShown = false;
    if (f.first_name) store.firstName = f.first_name;
    if (f.state) store.threadState = f.state;
    if (f.caseworker) store.caseworker = f.caseworker;
    persist();
    showView('chat');
    renderBanner();
    if (wasLogin && !ui.panel.hidden) ui.textarea.focus();
    flushQueue();
  }

  function onState(f) {
    store.threadState = f.state || store.threadState;
    if (f.state === 'assigned' && f.caseworker) store.caseworker = f.caseworker;
    if (f.state === 'bot' || f.state === 'resolved') store.caseworker = '';
    persist();
    renderBanner();
  }

  function onError(f) {
    lastErrorFrame = f;
    const code = f.code || 'bad_request';
    if (pendingLogin && !f.id) {
      pendingLogin = null;
      ui.loginBtn.disabled = false;
      showLoginError(code, f);
      ui.pinInput.value = '';
      ui.pinInput.focus();
      if (ws) ws.close();
      return;
    }
    if (code === 'unauthenticated' || (resuming && code === 'auth_failed')) {
      // The session expired (15 minutes idle) or was logged out elsewhere. The queue is kept and
      // sent after the next login.
      resuming = false;
      store.token = null;
      authed = false;
      persist();
      clearMessages();
      showView('login');
      showLoginError('session_expired', f);
      if (ws) ws.close();
      if (!ui.panel.hidden) ui.pidInput.focus();
      return;
    }
    if (f.id) {
      const m = messages.find((x) => x.id === f.id);
      if (code === 'rate_limited') {
        const wait = Math.max(1000, Number(f.retry_after_ms) || 2000);
        if (m) { m.status = 'queued'; renderMessageMeta(m); }
        setTimeout(flushQueue, wait);
        systemNotice(t('widget.error.rate_limited', { seconds: Math.ceil(wait / 1000) }));
        return;
      }
      if (code !== 'too_large' && code !== 'bad_request') {
        // A passing failure on the hub's side: keep the message queued and try again shortly.
        if (m) { m.status = 'queued'; renderMessageMeta(m); }
        setTimeout(flushQueue, 3000);
        return;
      }
      // too_large / bad_request for one message: it will never be accepted; stop retrying it.
      store.queue = store.queue.filter((q) => q.id !== f.id);
      persist();
      if (m) { m.status = 'failed'; m.errorCode = code; renderMessageMeta(m); }
      return;
    }
    systemNotice(errorText(code));
  }

  // The catalog has a message for every error code of the protocol; anything else is generic.
  function errorText(code, params) {
    const key = 'widget.error.' + code;
    const s = t(key, params);
    return s === key ? t('widget.error.generic') : s;
  }

  // ---------- login / logout ----------
  function onLoginSubmit(e) {
    e.preventDefault();
    const pid = ui.pidInput.value.replace(/\s+/g, '');
    const pin = ui.pinInput.value.replace(/\s+/g, '');
    if (!/^\d{5,20}$/.test(pid)) { showLoginError('invalid_id'); ui.pidInput.focus(); return; }
    if (!/^\d{4,12}$/.test(pin)) { showLoginError('invalid_pin'); ui.pinInput.focus(); return; }
    clearLoginError();
    pendingLogin = { participant_id: pid, pin };
    ui.loginBtn.disabled = true;
    if (ws && ws.readyState === WebSocket.OPEN) authenticate();
    else {
      if (!navigator.onLine) {
        pendingLogin = null;
        ui.loginBtn.disabled = false;
        showLoginError('offline');
        return;
      }
      backoff = BACKOFF_MIN_MS;
      ensureConnected();
    }
  }

  function showLoginError(code, f) {
    let text;
    if (code === 'locked_out') {
      const at = f && f.retry_at ? formatTime(f.retry_at) : '';
      text = at ? t('widget.error.locked_out', { time: at }) : t('widget.error.locked_out_notime');
    } else if (code === 'rate_limited') {
      const s = f && f.retry_after_ms ? Math.ceil(f.retry_after_ms / 1000) : 30;
      text = t('widget.error.rate_limited', { seconds: s });
    } else {
      text = errorText(code);
    }
    ui.loginError.dataset.code = code;
    ui.loginError.textContent = text;
    ui.loginError.classList.add('ch-error-shown');
    ui.pinInput.setAttribute('aria-invalid', code === 'auth_failed' || code === 'invalid_pin' ? 'true' : 'false');
    ui.pidInput.setAttribute('aria-invalid', code === 'invalid_id' ? 'true' : 'false');
  }
  function clearLoginError() {
    delete ui.loginError.dataset.code;
    ui.loginError.textContent = '';
    ui.loginError.classList.remove('ch-error-shown');
    ui.pinInput.removeAttribute('aria-invalid');
    ui.pidInput.removeAttribute('aria-invalid');
  }

  function logout() {
    wsSend({ type: 'logout' });
    const sock = ws;
    ws = null;
    if (sock) setTimeout(() => { try { sock.close(); } catch (e) { /* closed */ } }, 100);
    authed = false;
    store.token = null;
    store.lastSeq = 0;
    store.firstName = '';
    store.threadState = 'bot';
    store.caseworker = '';
    store.queue = [];
    persist();
    clearMessages();
    setConn('idle');
    showView('login');
    clearLoginError();
    ui.pidInput.value = '';
    ui.pidInput.focus();
  }

  // ---------- messages ----------
  const messages = []; // {key, seq, id, from, text, at, status, caseworker, el, meta}
  function clearMessages() {
    messages.length = 0;
    ui.log.replaceChildren();
  }

  function onMessage(f) {
    if (typeof f.seq !== 'number') return;
    if (f.seq > store.lastSeq) { store.lastSeq = f.seq; persist(); }
    if (messages.some((m) => m.seq === f.seq)) return;
    if (f.from === 'participant') {
      // Our own message echoed or replayed: merge with the local copy if we have it.
      const local = f.id ? messages.find((m) => m.seq === undefined && m.id === f.id) : null;
      if (local) {
        local.seq = f.seq;
        local.status = 'sent';
        removeFromQueue(local.id);
        placeMessage(local);
        renderMessageMeta(local);
        return;
      }
    }
    if (f.from === 'caseworker' && f.caseworker && store.threadState !== 'bot') {
      store.caseworker = f.caseworker;
      persist();
      renderBanner(); // a fresh login learns the name from the replay
    }
    addMessage({ seq: f.seq, from: f.from, text: f.text, at: f.at, caseworker: f.caseworker, intent: f.intent });
  }

  function onAck(f) {
    const m = messages.find((x) => x.id === f.id);
    removeFromQueue(f.id);
    if (typeof f.seq === 'number' && f.seq > store.lastSeq) { store.lastSeq = f.seq; persist(); }
    if (!m) return;
    if (typeof f.seq === 'number' && messages.some((x) => x !== m && x.seq === f.seq)) {
      // Already shown from a replay: drop the local duplicate.
      messages.splice(messages.indexOf(m), 1);
      m.el.remove();
      return;
    }
    m.seq = f.seq;
    m.status = 'sent';
    placeMessage(m);
    renderMessageMeta(m);
  }

  function removeFromQueue(id) {
    const before = store.queue.length;
    store.queue = store.queue.filter((q) => q.id !== id);
    if (store.queue.length !== before) persist();
  }

  function sendText(text) {
    text = (text || '').trim();
    if (!text) return;
    if (text.length > MAX_TEXT) text = text.slice(0, MAX_TEXT);
    const item = { id: nextClientId(), text, at: new Date().toISOString() };
    store.queue.push(item);
    persist();
    addMessage({ id: item.id, from: 'participant', text, at: item.at, status: 'queued' });
    flushQueue();
    if (!ws) ensureConnected();
  }

  function flushQueue() {
    if (!authed) return;
    for (const q of store.queue) {
      let m = messages.find((x) => x.id === q.id);
      if (!m) m = addMessage({ id: q.id, from: 'participant', text: q.text, at: q.at, status: 'queued' });
      if (m.seq !== undefined) continue;
      if (wsSend({ type: 'send', id: q.id, text: q.text })) {
        m.status = 'sending';
        renderMessageMeta(m);
      }
    }
  }

  function onComposerKey(e) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      onComposerSubmit(e);
    }
  }
  function onComposerSubmit(e) {
    e.preventDefault();
    const text = ui.textarea.value;
    if (!text.trim()) return;
    ui.textarea.value = '';
    sendText(text);
    ui.textarea.focus();
  }

  function systemNotice(text) {
    const li = h('div', { class: 'ch-msg ch-from-notice' }, [h('p', { class: 'ch-text', text })]);
    ui.log.append(li);
    scrollToEnd();
  }

  function addMessage(m) {
    m.key = m.seq !== undefined ? 's' + m.seq : m.id;
    m.el = h('div', { class: 'ch-msg ch-from-' + m.from, 'data-seq': m.seq, 'data-id': m.id });
    m.who = h('span', { class: 'ch-who' });
    m.textEl = h('p', { class: 'ch-text' });
    m.textEl.textContent = m.text || '';
    m.timeEl = h('time', { class: 'ch-time', datetime: m.at || '' });
    m.statusEl = h('span', { class: 'ch-status' });
    m.el.append(h('div', { class: 'ch-bubble' }, [m.who, m.textEl]),
      h('div', { class: 'ch-meta' }, [m.timeEl, m.statusEl]));
    const isNew = newFromSeq > 0 && m.seq !== undefined && m.seq >= newFromSeq &&
      m.from === 'caseworker';
    if (isNew) {
      m.el.classList.add('ch-new');
      // Its text is set with the rest of the meta, so it follows a language switch.
      m.newKey = firstNewShown ? 'widget.newReply' : 'widget.newReplyFirst';
      m.newEl = h('p', { class: 'ch-new-label' });
      m.el.prepend(m.newEl);
    }
    renderMessageMeta(m);
    messages.push(m);
    placeMessage(m);
    if (isNew && !firstNewShown) {
      firstNewShown = true;
      requestAnimationFrame(() => m.el.scrollIntoView({ block: 'start' }));
    } else if (!firstNewShown || m.seq === undefined || m.seq > replayEndSeq) {
      scrollToEnd();
    }
    return m;
  }

  // Keep the log ordered by seq, local unacked messages last.
  function placeMessage(m) {
    const idx = messages.indexOf(m);
    if (idx >= 0) messages.splice(idx, 1);
    let pos = messages.length;
    for (let i = 0; i < messages.length; i++) {
      const o = messages[i];
      if (m.seq !== undefined && (o.seq === undefined || o.seq > m.seq)) { pos = i; break; }
    }
    messages.splice(pos, 0, m);
    m.el.setAttribute('data-seq', m.seq === undefined ? '' : String(m.seq));
    const next = messages[pos + 1];
    if (next && next.el.parentNode === ui.log) {
      if (m.el.nextSibling !== next.el) ui.log.insertBefore(m.el, next.el);
    } else if (m.el.parentNode !== ui.log || m.el !== ui.log.lastElementChild) {
      // Notices may sit after the messages; messages still go to the end.
      ui.log.append(m.el);
    }
  }

  function renderMessageMeta(m) {
    let who;
    if (m.from === 'participant') who = t('widget.from.you');
    else if (m.from === 'bot') who = t('widget.from.bot');
    else if (m.from === 'caseworker') {
      const n = caseworkerName(m.caseworker);
      who = n ? t('widget.from.caseworker', { name: n }) : t('widget.from.caseworkerGeneric');
    } else who = t('widget.from.system');
    m.who.textContent = who;
    if (m.newEl) m.newEl.textContent = t(m.newKey);
    m.timeEl.textContent = m.at ? formatTime(m.at) : '';
    let st = '';
    if (m.from === 'participant') {
      if (m.status === 'failed') st = t('widget.status.failed_' + (m.errorCode === 'too_large' ? 'too_large' : 'other'));
      else if (m.status === 'sent' || m.seq !== undefined) st = t('widget.status.sent');
      else if (m.status === 'sending' && authed) st = t('widget.status.sending');
      else st = t('widget.status.queued');
    }
    m.statusEl.textContent = st;
    m.el.classList.toggle('ch-pending', m.from === 'participant' && m.seq === undefined && m.status !== 'failed');
    m.el.classList.toggle('ch-failed', m.status === 'failed');
    m.el.setAttribute('data-status', m.from === 'participant' ? (m.seq !== undefined ? 'sent' : m.status || '') : '');
  }

  // Instant, not smooth: a burst of replayed messages must end at the bottom, and it respects
  // prefers-reduced-motion for free.
  function scrollToEnd() {
    requestAnimationFrame(() => { ui.log.scrollTop = ui.log.scrollHeight; });
  }

  // ---------- start ----------
  document.addEventListener('connecthub:setlang', (e) => switchLang(String(e.detail || '')));

  // The catalog's CORS request failed at the network level: either the hub refused this page's
  // origin (it answers 403 without Access-Control-Allow-Origin) or it cannot be reached. A no-cors
  // request for widget.js, which any page may load, tells the two apart.
  async function whyUnavailable() {
    try {
      await fetch(HUB + '/widget.js', { mode: 'no-cors', credentials: 'omit', cache: 'no-store' });
      return 'origin_not_allowed';
    } catch (e) {
      return 'hub_unreachable';
    }
  }
  // No chat at all rather than a half-working one; the site's developer is told why.
  function unavailable(reason) {
    if (reason === 'origin_not_allowed') {
      console.error('ConnectHub: this page\'s origin ' + location.origin + ' is not allowed by the hub at ' +
        HUB + ' (start it with --allowed-origin ' + location.origin + '); the chat is not shown.');
    } else {
      console.warn('ConnectHub: the hub at ' + HUB + ' cannot be reached; the chat is not shown.');
    }
    document.dispatchEvent(new CustomEvent('connecthub:unavailable', {
      detail: { reason, origin: location.origin },
    }));
  }

  async function start() {
    try {
      await loadCatalog(lang);
    } catch (e) {
      if (e instanceof TypeError) return unavailable(await whyUnavailable());
      try { lang = 'en'; await loadCatalog('en'); } catch (e2) { return unavailable('hub_unreachable'); }
    }
    const cssLoaded = build();
    (document.body || document.documentElement).append(host);
    await cssLoaded;
    ui.root.classList.add('ch-ready');
    applyAll();
    if (store.token) {
      // A new page view: ask for the recent history again (it is not kept in storage).
      replayFloor = Math.max(0, store.lastSeq - HISTORY_ON_RELOAD);
      store.lastSeq = replayFloor;
      showView('chat');
      for (const q of store.queue) {
        addMessage({ id: q.id, from: 'participant', text: q.text, at: q.at, status: 'queued' });
      }
      ensureConnected();
    } else {
      showView('login');
    }
    replayFloor = 0;
    if (store.open) setOpen(true);
    else { ui.panel.hidden = true; ui.launcher.hidden = false; }
    // Other loaded languages are fetched lazily on switch; prefetch the other one when idle.
    setTimeout(() => loadCatalog(lang === 'en' ? 'es' : 'en').catch(() => {}), 2000);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
