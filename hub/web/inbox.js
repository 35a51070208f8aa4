/*
 * ConnectHub caseworker inbox.
 *
 * Login (POST /api/inbox/login) keeps the token in sessionStorage; every API call sends it as a
 * Bearer token; /ws/inbox pushes thread summaries and new messages so the queue and the open
 * thread update without a reload (a claim by another caseworker shows at once). All strings come
 * from /i18n/<lang>.json (window.CHI18n). Canned replies come from the hub
 * (GET /api/inbox/canned), in the thread's language; supervisors manage them in a dialog.
 */
(function () {
  'use strict';
  const I = window.CHI18n;
  const t = (k, p) => I.t(k, p);
  const $ = (id) => document.getElementById(id);
  const TOKEN_KEY = 'connecthub.inbox.token';
  const SEEN_KEY = 'connecthub.inbox.seen';
  const LANG_KEY = 'connecthub.inbox.lang';

  const S = {
    token: ss('get', TOKEN_KEY),
    me: null,
    threads: new Map(), // id -> summary
    filter: 'waiting',
    search: null, // {query, ids} while search results replace the list
    openId: null,
    detail: null, // {thread, messages, cases, appointments}
    seen: JSON.parse(ss('get', SEEN_KEY) || '{}'),
    reports: false, // the report view replaces the thread pane (supervisors)
    report: null, // the last report shown: {from, to, days}
    ws: null,
    wsBackoff: 500,
    wsTimer: null,
    canned: {}, // lang -> the canned replies last loaded for the composer
    cannedEdit: null, // the canned reply the manager's form edits (null: it adds one)
    cannedDelete: null, // the canned reply whose deletion waits for confirmation
    accounts: null, // the accounts the manager lists (supervisors)
    accountDisable: null, // the account whose disabling waits for confirmation
    accountReset: null, // the account the password form is for
    accountsStatus: null, // {key, params}: the manager's status line, kept to follow the language
  };

  function ss(op, k, v) {
    try {
      if (op === 'get') return sessionStorage.getItem(k);
      if (op === 'set') sessionStorage.setItem(k, v);
      if (op === 'del') sessionStorage.removeItem(k);
    } catch (e) { /* storage disabled */ }
    return null;
  }
  function h(tag, attrs, children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = v;
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : v);
    }
    for (const c of [].concat(children || [])) if (c !== null && c !== undefined) el.append(c);
    return el;
  }

  // ---------- formatting ----------
  function fmtTime(iso) {
    const d = new Date(iso);
    if (isNaN(d)) return '';
    const today = d.toDateString() === new Date().toDateString();
    return new Intl.DateTimeFormat(I.locale(), today ? { hour: 'numeric', minute: '2-digit' }
      : { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' }).format(d);
  }
  function fmtDateTime(iso) {
    const d = new Date(iso);
    if (isNaN(d)) return iso || '';
    return new Intl.DateTimeFormat(I.locale(), { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric', hour: 'numeric', minute: '2-digit' }).format(d);
  }
  function fmtDate(s) {
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s || '');
    if (!m) return s || '';
    return new Intl.DateTimeFormat(I.locale(), { month: 'short', day: 'numeric', year: 'numeric' })
      .format(new Date(+m[1], +m[2] - 1, +m[3]));
  }
  function fmtMoney(s) {
    const n = Number(s);
    if (!isFinite(n)) return s || '';
    return new Intl.NumberFormat(I.locale(), { style: 'currency', currency: 'USD' }).format(n);
  }
  function fmtDuration(sinceIso) {
    const ms = Date.now() - new Date(sinceIso).getTime();
    if (!(ms >= 0)) return '';
    const min = Math.floor(ms / 60000);
    if (min < 1) return t('inbox.duration.lessThanMinute');
    if (min < 60) return t('inbox.duration.minutes', { minutes: min });
    return t('inbox.duration.hours', { hours: Math.floor(min / 60), minutes: min % 60 });
  }
  function fullName(p) {
    return [p && p.first_name, p && p.last_name].filter(Boolean).join(' ') || t('inbox.thread.unknownName');
  }
  function langName(l) { return t('inbox.lang.' + (l === 'es' ? 'es' : 'en')); }
  // "Vietnamese, interpreter needed" for a thread whose parent writes a language the bot does not
  // speak (interpreter_lang, ISO 639-1); the language's name comes from the browser's ICU.
  function interpreterText(th) {
    const code = th.interpreter_lang;
    if (!code) return null;
    let name = code.toUpperCase();
    try {
      name = new Intl.DisplayNames([uiLang === 'es' ? 'es' : 'en'], { type: 'language' }).of(code) || name;
    } catch (e) { /* an unknown code: shown as is */ }
    return t('inbox.interpreter', { language: name });
  }
  function channelName(c) { return t('inbox.channel.' + (c === 'sms' || c === 'voice' ? c : 'web')); }
  function stateText(th) {
    if (th.state === 'waiting') {
      return th.waiting_since ? t('inbox.state.waitingFor', { duration: fmtDuration(th.waiting_since) })
        : t('inbox.state.waiting');
    }
    if (th.state === 'assigned') {
      if (S.me && th.assigned_to === S.me.username) return t('inbox.state.assignedToMe');
      const name = t('inbox.state.assignedTo', { name: th.assigned_to || '?' });
      return th.assigned_disabled ? name + ' · ' + t('inbox.thread.holderDisabled') : name;
    }
    return t('inbox.state.' + (th.state === 'resolved' ? 'resolved' : 'bot'));
  }

  // ---------- API ----------
  class ApiError extends Error {
    constructor(status, msg, code) { super(msg); this.status = status; this.code = code; }
  }
  async function api(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (S.token) headers.Authorization = 'Bearer ' + S.token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res;
    try {
      res = await fetch(path, { method, headers, body: body !== undefined ? JSON.stringify(body) : undefined });
    } catch (e) {
      throw new ApiError(0, t('inbox.error.network'));
    }
    let data = null;
    try { data = await res.json(); } catch (e) { /* empty body */ }
    if (res.status === 401 && path !== '/api/inbox/login') {
      signOut('inbox.error.sessionExpired');
      throw new ApiError(401, t('inbox.error.sessionExpired'));
    }
    if (!res.ok) {
      throw new ApiError(res.status, (data && data.error) || String(res.status), data && data.code);
    }
    return data || {};
  }

  // ---------- login ----------
  async function onLogin(e) {
    e.preventDefault();
    const username = $('username').value.trim();
    const password = $('password').value;
    const code = $('code').value.replace(/\s+/g, '');
    const err = $('login-error');
    if (!username || !password) {
      showError(err, t('inbox.login.missing'));
      return;
    }
    $('login-submit').disabled = true;
    try {
      const r = await api('POST', '/api/inbox/login', { username, password, code });
      S.token = r.token;
      ss('set', TOKEN_KEY, r.token);
      $('password').value = '';
      $('code').value = '';
      showError(err, '');
      await enterApp();
    } catch (ex) {
      // The second factor's errors (hub/API.md): a missing, wrong or reused code, or an account
      // the operator has not enrolled yet.
      const mfa = { mfa_required: 'inbox.login.codeMissing', mfa_failed: 'inbox.login.codeFailed',
        mfa_not_enrolled: 'inbox.login.notEnrolled' }[ex.code];
      showError(err, mfa ? t(mfa)
        : ex.status === 401 || ex.status === 403 ? t('inbox.login.failed')
        : ex.status === 429 ? t('inbox.login.rateLimited') : t('inbox.error.network'));
      $('code').value = '';
      $(ex.code === 'mfa_required' || ex.code === 'mfa_failed' ? 'code' : 'password').focus();
    } finally {
      $('login-submit').disabled = false;
    }
  }
  function showError(el, text) {
    el.textContent = text;
    el.classList.toggle('ib-error-shown', !!text);
  }

  function signOut(reasonKey) {
    S.token = null;
    S.me = null;
    ss('del', TOKEN_KEY);
    if (S.ws) { const w = S.ws; S.ws = null; try { w.close(); } catch (e) { /* closed */ } }
    clearTimeout(S.wsTimer);
    S.threads.clear();
    S.search = null;
    $('search-q').value = '';
    renderSearchStatus();
    S.openId = null;
    S.detail = null;
    closeReports();
    S.report = null;
    reportStatus(null);
    $('report-rows').replaceChildren();
    $('report-from').value = '';
    $('report-to').value = '';
    $('reports-toggle').hidden = true;
    $('app-view').hidden = true;
    $('login-view').hidden = false;
    $('logout').hidden = true;
    $('notify-toggle').hidden = true;
    $('sound-toggle').hidden = true;
    $('who').hidden = true;
    $('canned-manage').hidden = true;
    if ($('canned-dialog').open) $('canned-dialog').close();
    $('accounts-manage').hidden = true;
    if ($('accounts-dialog').open) $('accounts-dialog').close();
    S.accounts = null;
    $('live-state').textContent = '';
    showError($('login-error'), reasonKey ? t(reasonKey) : '');
    $('username').focus();
  }

  async function enterApp() {
    S.me = await api('GET', '/api/inbox/me').catch((e) => {
      if (e.status === 401) throw e;
      return { username: '', county: '' };
    });
    $('login-view').hidden = true;
    $('app-view').hidden = false;
    $('logout').hidden = false;
    $('notify-toggle').hidden = false;
    $('sound-toggle').hidden = false;
    renderAlertButtons();
    renderWho();
    $('reports-toggle').hidden = !S.me.supervisor;
    $('canned-manage').hidden = !S.me.supervisor;
    $('accounts-manage').hidden = !S.me.supervisor;
    await refreshLists();
    connectWs();
    const first = document.querySelector('#thread-list button');
    (first || document.querySelector('.ib-filter[aria-pressed="true"]')).focus();
  }
  function renderWho() {
    if (!S.me) return;
    const who = $('who');
    who.hidden = false;
    who.textContent = S.me.supervisor
      ? t('inbox.who.supervisor', { name: S.me.username })
      : t('inbox.who', { name: S.me.username, county: S.me.county || '' });
  }

  // ---------- thread list ----------
  async function refreshLists() {
    const results = await Promise.allSettled(['all', 'waiting', 'mine']
      .map((s) => api('GET', '/api/inbox/threads?state=' + s)));
    for (const r of results) {
      if (r.status === 'fulfilled') for (const th of r.value.threads || []) S.threads.set(th.id, th);
    }
    renderList();
  }

  function isMine(th) { return th.state === 'assigned' && S.me && th.assigned_to === S.me.username; }
  function inFilter(th, f) {
    if (f === 'waiting') return th.state === 'waiting';
    if (f === 'mine') return isMine(th);
    return true;
  }
  function sortThreads(list, f) {
    const pr = (th) => (th.priority === 'high' ? 0 : isOverdue(th) ? 1 : 2);
    const time = (s) => (s ? new Date(s).getTime() : Infinity);
    if (f === 'waiting') {
      return list.sort((a, b) => pr(a) - pr(b) || time(a.waiting_since) - time(b.waiting_since) || a.id - b.id);
    }
    const rank = { waiting: 0, assigned: 1, bot: 2, resolved: 3 };
    return list.sort((a, b) => (f === 'all' ? (rank[a.state] ?? 4) - (rank[b.state] ?? 4) : 0)
      || pr(a) - pr(b)
      || (new Date(b.last_message_at || 0) - new Date(a.last_message_at || 0))
      || b.id - a.id);
  }
  function isUnread(th) {
    return (th.last_seq || 0) > (S.seen[th.id] || 0) && th.id !== S.openId;
  }

  // ---------- due times and search (issue 19) ----------
  // A waiting thread's reply target (the hub's due_at, in office time); overdue once it passed,
  // also between list refreshes.
  function isOverdue(th) {
    return !!th.due_at && (th.overdue || Date.now() >= new Date(th.due_at).getTime());
  }
  function fmtRelative(iso) {
    const diff = new Date(iso).getTime() - Date.now();
    const rtf = new Intl.RelativeTimeFormat(I.locale(), { numeric: 'auto' });
    const min = Math.round(diff / 60000);
    if (Math.abs(min) < 60) return rtf.format(min, 'minute');
    const hours = Math.round(min / 60);
    if (Math.abs(hours) < 48) return rtf.format(hours, 'hour');
    return rtf.format(Math.round(hours / 24), 'day');
  }
  function dueText(th) {
    const p = { time: fmtTime(th.due_at), relative: fmtRelative(th.due_at) };
    return isOverdue(th) ? t('inbox.due.overdue', p) : t('inbox.due.by', p);
  }
  // Search results replace the list until the search is cleared (S.search: query and ids, in
  // the hub's order; the summaries live in S.threads like the list's).
  function searchShown() {
    return S.search.ids.map((id) => S.threads.get(id)).filter(Boolean);
  }
  function renderSearchStatus() {
    const st = $('search-status');
    st.textContent = S.search
      ? t('inbox.search.results', { query: S.search.query, count: S.search.ids.length }) : '';
    $('search-clear').hidden = !S.search;
  }
  async function onSearch(e) {
    e.preventDefault();
    const q = $('search-q').value.trim();
    if (!q) return clearSearch();
    if (q.length < 2) {
      $('search-status').textContent = t('inbox.search.tooShort');
      return;
    }
    let r;
    try {
      r = await api('GET', '/api/inbox/search?q=' + encodeURIComponent(q));
    } catch (ex) {
      $('search-status').textContent = ex.status === 400 ? t('inbox.search.tooShort') : t('inbox.search.failed');
      return;
    }
    for (const th of r.threads || []) S.threads.set(th.id, th);
    S.search = { query: q, ids: (r.threads || []).map((th) => th.id) };
    renderSearchStatus();
    renderList();
  }
  function clearSearch() {
    S.search = null;
    $('search-q').value = '';
    renderSearchStatus();
    renderList();
    $('search-q').focus();
  }

  function renderList() {
    const list = $('thread-list');
    const focusedId = document.activeElement && document.activeElement.dataset
      ? document.activeElement.dataset.threadId : undefined;
    const all = Array.from(S.threads.values());
    for (const f of ['waiting', 'mine', 'all']) {
      document.querySelector('[data-count="' + f + '"]').textContent =
        '(' + all.filter((th) => inFilter(th, f)).length + ')';
    }
    const shown = S.search ? searchShown()
      : sortThreads(all.filter((th) => inFilter(th, S.filter)), S.filter);
    list.replaceChildren(...shown.map(threadItem));
    const empty = $('list-empty');
    empty.hidden = shown.length > 0;
    empty.textContent = S.search ? t('inbox.search.none', { query: S.search.query })
      : t('inbox.list.empty.' + S.filter);
    if (focusedId !== undefined) {
      const again = list.querySelector('[data-thread-id="' + focusedId + '"]');
      if (again) again.focus();
    }
    const waiting = all.filter((th) => th.state === 'waiting').length;
    document.title = (waiting ? '(' + waiting + ') ' : '') + t('inbox.title');
  }

  function threadItem(th) {
    const unread = isUnread(th);
    const badges = [];
    if (th.priority === 'high') badges.push(h('span', { class: 'ib-badge ib-badge-high', text: t('inbox.badge.high') }));
    if (unread) badges.push(h('span', { class: 'ib-badge ib-badge-unread', text: t('inbox.badge.unread') }));
    if (isOverdue(th)) badges.push(h('span', { class: 'ib-badge ib-badge-overdue', text: t('inbox.badge.overdue') }));
    const interpreter = interpreterText(th);
    if (interpreter) badges.push(h('span', { class: 'ib-badge ib-badge-interpreter', text: interpreter }));
    if (th.triage) badges.push(h('span', { class: 'ib-badge ib-badge-triage', text: t('inbox.badge.triage') }));
    const btn = h('button', {
      type: 'button', class: 'ib-item' + (unread ? ' ib-unread' : '') + (th.priority === 'high' ? ' ib-high' : ''),
      'data-thread-id': String(th.id), 'aria-current': th.id === S.openId ? 'true' : null,
      onclick: () => openThread(th.id, true),
    }, [
      h('span', { class: 'ib-item-top' }, [
        h('span', { class: 'ib-item-name', text: fullName(th.participant) }),
        h('span', { class: 'ib-badges' }, badges),
      ]),
      h('span', { class: 'ib-item-sub' }, [
        h('span', { class: 'ib-chan ib-chan-' + th.channel, text: channelName(th.channel) }),
        h('span', { text: ' · ' + langName(th.lang) + ' · ' }),
        h('span', { class: 'ib-item-state', text: stateText(th) }),
      ]),
      th.due_at ? h('span', { class: 'ib-item-due' + (isOverdue(th) ? ' ib-overdue' : ''), text: dueText(th) }) : null,
    ]);
    return h('li', {}, [btn]);
  }

  function setFilter(f) {
    S.filter = f;
    if (S.search) { S.search = null; $('search-q').value = ''; renderSearchStatus(); }
    for (const b of document.querySelectorAll('.ib-filter')) {
      b.setAttribute('aria-pressed', String(b.dataset.filter === f));
    }
    renderList();
  }

  // ---------- thread view ----------
  async function openThread(id, focusPane) {
    if (S.reports) closeReports();
    S.openId = id;
    let d;
    try {
      d = await api('GET', '/api/inbox/threads/' + id);
    } catch (e) {
      if (e.status === 404) {
        if (S.threads.has(id)) dropThread(id);
        else {
          S.openId = null;
          toast(t('inbox.error.notFound'));
        }
      } else if (e.status !== 401) toast(t('inbox.error.network'));
      return;
    }
    if (S.openId !== id || S.reports) return;
    S.detail = d;
    if (d.thread) S.threads.set(id, d.thread);
    markSeen(d.thread || { id, last_seq: maxSeq(d.messages) });
    $('thread-empty').hidden = true;
    $('thread-view').hidden = false;
    renderThreadHead();
    renderMessages();
    renderCase();
    if (S.me && S.me.supervisor) loadAudit({ thread_id: id });
    fillCanned();
    renderList();
    $('compose-error').textContent = '';
    if (focusPane) $('thread-title').focus();
  }
  function maxSeq(msgs) { return (msgs || []).reduce((m, x) => Math.max(m, x.seq || 0), 0); }
  function markSeen(th) {
    const seq = Math.max(th.last_seq || 0, S.detail ? maxSeq(S.detail.messages) : 0);
    if ((S.seen[th.id] || 0) < seq) {
      S.seen[th.id] = seq;
      ss('set', SEEN_KEY, JSON.stringify(S.seen));
    }
  }

  function renderThreadHead() {
    if (!S.detail) return;
    const th = S.threads.get(S.openId) || S.detail.thread;
    const title = $('thread-title');
    title.textContent = fullName(th.participant);
    title.setAttribute('tabindex', '-1');
    const pid = th.participant && th.participant.participant_id;
    $('thread-meta').textContent = [
      pid ? t('inbox.thread.participantId', { id: pid }) : null,
      channelName(th.channel),
      th.caller_number ? t('inbox.thread.callBack', { number: th.caller_number }) : null,
      langName(th.lang),
      interpreterText(th),
      th.counties && th.counties.length ? th.counties.join(', ') : null,
      th.queue_county ? t('inbox.thread.queue', { county: th.queue_county }) : null,
      th.triage ? t('inbox.thread.triage') : null,
    ].filter(Boolean).join(' · ');
    const st = $('thread-state');
    st.textContent = stateText(th) + (th.priority === 'high' ? ' · ' + t('inbox.badge.high') : '');
    st.className = 'ib-state ib-state-' + th.state;
    $('thread-optout').hidden = !th.opted_out;
    const due = $('thread-due');
    due.hidden = !th.due_at;
    due.textContent = th.due_at ? dueText(th) : '';
    due.className = 'ib-due' + (isOverdue(th) ? ' ib-overdue' : '');
    const mine = isMine(th);
    $('claim').hidden = !(th.state === 'waiting' || th.state === 'bot' || th.state === 'resolved');
    $('resolve').hidden = !mine;
    // Release and transfer: the holder, a supervisor, or anyone when the holder is disabled.
    const movable = (th.state === 'waiting' && !th.assigned_to) ||
      (th.state === 'assigned' && (mine || (S.me && S.me.supervisor) || th.assigned_disabled)) ||
      (th.state === 'waiting' && S.me && S.me.supervisor);
    $('release').hidden = !(th.state === 'assigned' && movable);
    $('transfer-open').hidden = !movable;
    if (!movable) closeTransfer();
    const replyRadio = $('mode-reply');
    replyRadio.disabled = !mine;
    if (!mine && replyRadio.checked) $('mode-note').checked = true;
    if (mine && !S.composeTouched) replyRadio.checked = true;
    renderComposeMode();
  }

  function renderComposeMode() {
    const th = S.threads.get(S.openId);
    if (!th) return;
    const note = $('mode-note').checked;
    $('compose-send').textContent = note ? t('inbox.compose.sendNote') : t('inbox.compose.sendReply');
    let hint;
    if (note) hint = t('inbox.compose.noteHint');
    else if (th.channel === 'sms' && th.opted_out) hint = t('inbox.compose.optedOutHint');
    else if (th.channel === 'voice') hint = t('inbox.compose.voiceHint', { lang: langName(th.lang) });
    else hint = t('inbox.compose.replyHint', { channel: channelName(th.channel), lang: langName(th.lang) });
    if (!isMine(th)) hint = t('inbox.compose.claimFirst') + ' ' + hint;
    $('compose-hint').textContent = hint;
    $('composer').classList.toggle('ib-note-mode', note);
  }

  function renderMessages() {
    const ol = $('messages');
    ol.replaceChildren();
    const msgs = (S.detail.messages || []).slice().sort((a, b) => a.seq - b.seq);
    for (const m of msgs) ol.append(messageItem(m));
    ol.scrollTop = ol.scrollHeight;
    $('load-older').hidden = !S.detail.older;
  }
  // A long thread opens at its newest messages; this prepends the page before the oldest shown
  // and keeps the reader where they were.
  async function loadOlder() {
    const id = S.openId;
    const d = S.detail;
    if (!d || !d.messages || !d.messages.length) return;
    const first = d.messages.reduce((m, x) => Math.min(m, x.seq), Infinity);
    const button = $('load-older');
    button.disabled = true;
    let page;
    try {
      page = await api('GET', '/api/inbox/threads/' + id + '?before_seq=' + first);
    } catch (e) {
      button.disabled = false;
      if (e.status !== 401) toast(t('inbox.error.network'));
      return;
    }
    button.disabled = false;
    if (S.openId !== id || S.detail !== d) return;
    const ol = $('messages');
    const fromBottom = ol.scrollHeight - ol.scrollTop;
    const older = (page.messages || []).filter((m) => m.seq < first).sort((a, b) => a.seq - b.seq);
    d.messages = older.concat(d.messages);
    d.older = page.older;
    // History the caseworker asked for is not news: keep the live region quiet while it goes in.
    ol.setAttribute('aria-live', 'off');
    ol.prepend(...older.map(messageItem));
    ol.scrollTop = ol.scrollHeight - fromBottom;
    setTimeout(() => ol.setAttribute('aria-live', 'polite'), 0);
    button.hidden = !d.older;
  }
  function messageItem(m) {
    let who;
    if (m.from === 'participant') who = fullName((S.threads.get(S.openId) || {}).participant);
    else if (m.from === 'bot') who = t('inbox.from.bot') + (m.intent ? ' · ' + m.intent : '');
    else if (m.from === 'caseworker') who = t('inbox.from.caseworker', { name: m.caseworker || '' });
    else if (m.from === 'note') who = t('inbox.from.note', { name: m.caseworker || '' });
    else who = t('inbox.from.system');
    const meta = [h('time', { datetime: m.at || '', text: fmtTime(m.at) })];
    if (m.delivery) {
      meta.push(h('span', { class: 'ib-delivery ib-delivery-' + m.delivery, text: t('inbox.delivery.' + m.delivery) }));
    }
    return h('div', { class: 'ib-msg ib-from-' + m.from, 'data-seq': String(m.seq) }, [
      h('div', { class: 'ib-bubble' }, [
        h('span', { class: 'ib-msg-who', text: who }),
        m.text ? h('p', { class: 'ib-msg-text', text: m.text }) : null,
        ...(m.media || []).map((x) => mediaItem(S.openId, m.seq, x)),
      ]),
      h('div', { class: 'ib-msg-meta' }, meta),
    ]);
  }
  // A picture or file the parent sent by MMS. The hub fetches it from the SMS provider on request
  // (an audited read); it is shown from memory and never kept by the browser.
  function mediaItem(threadId, seq, x) {
    const picture = /^image\//.test(x.content_type || '');
    const label = h('span', { class: 'ib-media-label',
      text: picture ? t('inbox.media.picture') : t('inbox.media.file') });
    const button = h('button', { type: 'button', class: 'ib-media-open',
      text: picture ? t('inbox.media.show') : t('inbox.media.download') });
    const box = h('div', { class: 'ib-media', 'data-media-index': String(x.index) }, [label, button]);
    button.addEventListener('click', async () => {
      button.disabled = true;
      let res;
      try {
        res = await fetch('/api/inbox/threads/' + threadId + '/messages/' + seq + '/media/' + x.index,
          { headers: { Authorization: 'Bearer ' + S.token } });
      } catch (e) {
        button.disabled = false;
        toast(t('inbox.error.network'));
        return;
      }
      if (res.status === 401) { signOut('inbox.error.sessionExpired'); return; }
      if (!res.ok) {
        button.disabled = false;
        toast(t(res.status === 404 ? 'inbox.media.gone' : res.status === 415 ? 'inbox.media.unsupported'
          : 'inbox.media.failed'));
        return;
      }
      const blob = await res.blob();
      const url = URL.createObjectURL(blob);
      // Opening it was an audited read: a supervisor's access log shows it at once.
      if (S.me && S.me.supervisor && S.openId === threadId) loadAudit({ thread_id: threadId });
      if (blob.type.startsWith('image/')) {
        const img = h('img', { class: 'ib-media-img', src: url, alt: t('inbox.media.alt') });
        button.replaceWith(img);
      } else {
        const a = h('a', { href: url, download: 'message-' + seq + '-' + (x.index + 1) + '.pdf' });
        document.body.append(a);
        a.click();
        a.remove();
        button.disabled = false;
        setTimeout(() => URL.revokeObjectURL(url), 60000);
      }
    });
    return box;
  }
  function addMessageToOpen(m) {
    if (!S.detail) return;
    const msgs = S.detail.messages || (S.detail.messages = []);
    const existing = msgs.findIndex((x) => x.seq === m.seq);
    const ol = $('messages');
    if (existing >= 0) {
      msgs[existing] = Object.assign(msgs[existing], m);
      const li = ol.querySelector('[data-seq="' + m.seq + '"]');
      if (li) li.replaceWith(messageItem(msgs[existing]));
      return;
    }
    msgs.push(m);
    const li = messageItem(m);
    const after = Array.from(ol.children).find((x) => Number(x.dataset.seq) > m.seq);
    const atBottom = ol.scrollHeight - ol.scrollTop - ol.clientHeight < 80;
    if (after) ol.insertBefore(li, after); else ol.append(li);
    if (atBottom || m.from === 'caseworker' || m.from === 'note') ol.scrollTop = ol.scrollHeight;
  }

  function renderCase() {
    const body = $('case-body');
    const d = S.detail;
    if (!d) return;
    const th = S.threads.get(S.openId) || d.thread || {};
    const out = [];
    const p = th.participant || {};
    out.push(h('dl', { class: 'ib-dl' }, [
      h('dt', { text: t('inbox.case.participant') }), h('dd', { text: fullName(p) }),
      h('dt', { text: t('inbox.case.participantId') }), h('dd', { text: p.participant_id || '—' }),
      h('dt', { text: t('inbox.case.channel') }), h('dd', { text: channelName(th.channel) + (th.opted_out ? ' · ' + t('inbox.case.optedOut') : '') }),
      h('dt', { text: t('inbox.case.language') }), h('dd', { text: langName(th.lang) }),
    ].concat(th.caller_number ? [
      h('dt', { text: t('inbox.case.callerNumber') }),
      h('dd', {}, [h('a', { href: 'tel:' + th.caller_number, text: th.caller_number })]),
    ] : [])));
    const cases = d.cases || [];
    if (!cases.length) out.push(h('p', { class: 'ib-empty', text: t('inbox.case.noCases') }));
    for (const c of cases) {
      const payments = (c.payments || []).slice().sort((a, b) => (a.date < b.date ? 1 : -1)).slice(0, 3);
      const sec = h('section', { class: 'ib-casecard' }, [
        h('h3', { text: t('inbox.case.case', { number: c.case_number }) }),
        h('dl', { class: 'ib-dl' }, [
          h('dt', { text: t('inbox.case.role') }), h('dd', { text: t('inbox.role.' + (c.role === 'RECEIVING' ? 'receiving' : 'paying')) }),
          h('dt', { text: t('inbox.case.status') }), h('dd', { text: [c.status, c.county].filter(Boolean).join(' · ') }),
          h('dt', { text: t('inbox.case.monthly') }), h('dd', { text: fmtMoney(c.monthly_support) }),
          h('dt', { text: t('inbox.case.pastDue') }), h('dd', { class: Number(c.past_due) > 0 ? 'ib-due' : '', text: fmtMoney(c.past_due) }),
          c.opened_date ? h('dt', { text: t('inbox.case.opened') }) : null,
          c.opened_date ? h('dd', { text: fmtDate(c.opened_date) }) : null,
        ]),
      ]);
      if ((c.orders || []).length) {
        sec.append(h('h4', { text: t('inbox.case.orders') }), h('ul', { class: 'ib-plain' },
          c.orders.map((o) => h('li', { text: [o.court_case_number, fmtDate(o.file_date), o.status].filter(Boolean).join(' · ') }))));
      }
      sec.append(h('h4', { text: t('inbox.case.lastPayments') }));
      sec.append(payments.length ? h('ul', { class: 'ib-plain' }, payments.map((x) =>
        h('li', {}, [h('strong', { text: fmtMoney(x.amount) }), ' · ' + fmtDate(x.date) + (x.type ? ' · ' + x.type : '')])))
        : h('p', { class: 'ib-empty', text: t('inbox.case.noPayments') }));
      out.push(sec);
    }
    // One history: the participant's conversations on every channel, this one marked.
    const together = d.participant_threads || [];
    if (together.length > 1) {
      out.push(h('h3', { text: t('inbox.case.conversations') }));
      out.push(h('ul', { class: 'ib-plain ib-together' }, together.map((o) => {
        const text = [channelName(o.channel), t('inbox.case.threadState.' + o.state),
          o.last_message_at ? fmtDateTime(o.last_message_at) : null].filter(Boolean).join(' · ');
        if (o.id === S.openId) return h('li', { 'aria-current': 'true' }, [h('strong', { text: text + ' · ' + t('inbox.case.thisConversation') })]);
        return h('li', {}, [h('button', { type: 'button', class: 'ib-link', 'data-thread-id': String(o.id),
          onclick: () => openThread(o.id, true), text })]);
      })));
    }
    const now = Date.now();
    const appts = (d.appointments || []).filter((a) => new Date(a.end || a.start).getTime() >= now)
      .sort((a, b) => new Date(a.start) - new Date(b.start));
    out.push(h('h3', { text: t('inbox.case.appointments') }));
    out.push(appts.length ? h('ul', { class: 'ib-plain' }, appts.slice(0, 3).map((a) => h('li', {}, [
      h('strong', { text: fmtDateTime(a.start) }), h('br'),
      [a.type, a.location, a.case_number ? t('inbox.case.case', { number: a.case_number }) : null].filter(Boolean).join(' · '),
    ]))) : h('p', { class: 'ib-empty', text: t('inbox.case.noAppointments') }));
    body.replaceChildren(...out);
  }

  // ---------- access log (supervisors): who listed, read or acted on a thread ----------
  async function loadAudit(filter) {
    const q = new URLSearchParams({ limit: '50' });
    if (filter.thread_id) q.set('thread_id', String(filter.thread_id));
    if (filter.caseworker_id) q.set('caseworker_id', String(filter.caseworker_id));
    let r;
    try {
      r = await api('GET', '/api/inbox/audit?' + q.toString());
    } catch (e) {
      $('audit-pane').hidden = true;
      return;
    }
    const pane = $('audit-pane');
    $('audit-title').textContent = filter.caseworker_id
      ? t('inbox.audit.byCaseworker', { name: filter.name || '' })
      : t('inbox.audit.title');
    const back = $('audit-thread');
    back.hidden = !filter.caseworker_id || !S.openId;
    back.textContent = t('inbox.audit.backToThread');
    back.onclick = () => { if (S.openId) loadAudit({ thread_id: S.openId }); };
    const entries = r.entries || [];
    $('audit-list').replaceChildren(...(entries.length ? entries.map((e) => h('li', { class: 'ib-audit' }, [
      h('button', { type: 'button', class: 'ib-link', text: e.caseworker || '#' + e.caseworker_id,
        onclick: () => loadAudit({ caseworker_id: e.caseworker_id, name: e.caseworker }) }),
      ' · ' + auditAction(e.action) + ' · ' + fmtDateTime(e.at) +
        (filter.caseworker_id ? ' · #' + e.thread_id : ''),
    ])) : [h('li', { class: 'ib-empty', text: t('inbox.audit.empty') })]));
    pane.hidden = false;
  }

  // The store's account rows are named with spaces ("caseworker disabled"): their keys use "_";
  // an action without a string is shown as the hub names it.
  function auditAction(action) {
    const key = 'inbox.audit.action.' + String(action).replace(/ /g, '_');
    return I.has(key) ? t(key) : action;
  }

  // ---------- canned replies (in the thread's language) ----------
  function threadLang(th) { return th.lang === 'es' ? 'es' : 'en'; }
  async function fillCanned() {
    const id = S.openId;
    const th = S.threads.get(id);
    if (!th) return;
    const tl = threadLang(th);
    let replies = [];
    try {
      [replies] = await Promise.all([
        api('GET', '/api/inbox/canned?lang=' + tl).then((r) => r.replies || []),
        I.fetch(tl).catch(() => {}), // the agency's phone number in that language
      ]);
    } catch (e) {
      if (e.status !== 401) toast(t('inbox.canned.error.load'));
    }
    if (S.openId !== id) return; // another thread was opened meanwhile
    S.canned[tl] = replies;
    const sel = $('canned');
    sel.replaceChildren(h('option', { value: '', text: t('inbox.compose.cannedChoose') }),
      ...replies.map((r) => h('option', { value: String(r.id), text: r.label + ' (' + tl.toUpperCase() + ')' })));
  }
  function insertCanned() {
    const th = S.threads.get(S.openId);
    if (!th) return;
    const tl = threadLang(th);
    const reply = (S.canned[tl] || []).find((r) => String(r.id) === $('canned').value);
    if (!reply) return;
    const text = I.format(reply.text, {
      name: (th.participant && th.participant.first_name) || '',
      me: S.me ? S.me.username : '',
      phone: I.t('widget.help.phone', null, tl),
    });
    const ta = $('compose-text');
    ta.value = ta.value ? ta.value.replace(/\s*$/, '\n') + text : text;
    ta.focus();
  }

  // ---------- canned replies manager (supervisors) ----------
  function openCannedManager() {
    const th = S.threads.get(S.openId);
    $('canned-lang').value = th ? threadLang(th) : uiLang === 'es' ? 'es' : 'en';
    $('canned-dialog').showModal();
    $('canned-lang').focus();
    loadCannedManager();
  }
  function cannedLang() { return $('canned-lang').value === 'es' ? 'es' : 'en'; }
  async function loadCannedManager(focusId) {
    const lang = cannedLang();
    cancelCannedDelete(false);
    resetCannedForm();
    showError($('canned-list-error'), '');
    let replies;
    try {
      replies = (await api('GET', '/api/inbox/canned?lang=' + lang)).replies || [];
    } catch (e) {
      if (e.status !== 401) showError($('canned-list-error'), t('inbox.canned.error.load'));
      return;
    }
    if (cannedLang() !== lang) return; // the language was changed meanwhile
    S.cannedList = replies;
    renderCannedList();
    if (focusId !== undefined) {
      const b = document.querySelector('#canned-list [data-edit="' + focusId + '"]');
      (b || $('canned-label')).focus();
    }
  }
  function renderCannedList() {
    const list = $('canned-list');
    const replies = S.cannedList || [];
    list.setAttribute('aria-label', t('inbox.canned.listLabel', { lang: langName(cannedLang()) }));
    list.replaceChildren(...(replies.length ? replies.map((r) => h('li', {}, [
      h('div', { class: 'ib-canned-item' }, [h('strong', { text: r.label }), h('p', { text: r.text })]),
      h('div', { class: 'ib-canned-buttons' }, [
        h('button', { type: 'button', class: 'ib-btn', 'data-edit': String(r.id), text: t('inbox.canned.edit'),
          'aria-label': t('inbox.canned.editNamed', { label: r.label }), onclick: () => editCanned(r) }),
        h('button', { type: 'button', class: 'ib-btn', 'data-delete': String(r.id), text: t('inbox.canned.delete'),
          'aria-label': t('inbox.canned.deleteNamed', { label: r.label }), onclick: () => askCannedDelete(r) }),
      ]),
    ])) : [h('li', { class: 'ib-empty', text: t('inbox.canned.empty') })]));
    renderCannedLegend();
  }
  function renderCannedLegend() {
    $('canned-form-legend').textContent = S.cannedEdit
      ? t('inbox.canned.editLegend', { label: S.cannedEdit.label })
      : t('inbox.canned.addLegend', { lang: langName(cannedLang()) });
    $('canned-cancel').hidden = !S.cannedEdit;
  }
  function resetCannedForm() {
    S.cannedEdit = null;
    $('canned-label').value = '';
    $('canned-text').value = '';
    showError($('canned-error'), '');
    renderCannedLegend();
  }
  function editCanned(r) {
    cancelCannedDelete(false);
    S.cannedEdit = r;
    $('canned-label').value = r.label;
    $('canned-text').value = r.text;
    showError($('canned-error'), '');
    renderCannedLegend();
    $('canned-label').focus();
  }
  function askCannedDelete(r) {
    S.cannedDelete = r;
    $('canned-confirm-text').textContent = t('inbox.canned.confirmDelete', { label: r.label });
    $('canned-confirm').hidden = false;
    $('canned-confirm-no').focus();
  }
  function cancelCannedDelete(refocus) {
    const r = S.cannedDelete;
    S.cannedDelete = null;
    $('canned-confirm').hidden = true;
    if (refocus && r) {
      const b = document.querySelector('#canned-list [data-delete="' + r.id + '"]');
      if (b) b.focus();
    }
  }
  // The composer shows the change at once when its thread is in that language.
  function cannedChanged(lang) {
    const th = S.threads.get(S.openId);
    if (th && threadLang(th) === lang) fillCanned();
  }
  async function confirmCannedDelete() {
    const r = S.cannedDelete;
    if (!r) return;
    try {
      await api('DELETE', '/api/inbox/canned/' + r.id);
      $('canned-status').textContent = t('inbox.canned.deleted');
    } catch (e) {
      if (e.status === 401) return;
      showError($('canned-list-error'), e.status === 404 ? t('inbox.canned.error.gone') : t('inbox.error.action'));
    }
    cannedChanged(r.lang);
    await loadCannedManager(null);
  }
  async function saveCanned(ev) {
    ev.preventDefault();
    const label = $('canned-label').value.trim();
    const text = $('canned-text').value.trim();
    const err = $('canned-error');
    if (!label || [...label].length > 80) {
      showError(err, t('inbox.canned.error.label'));
      $('canned-label').focus();
      return;
    }
    if (!text || new TextEncoder().encode(text).length > 1600) {
      showError(err, t('inbox.canned.error.text'));
      $('canned-text').focus();
      return;
    }
    const editing = S.cannedEdit;
    const lang = editing ? editing.lang : cannedLang();
    $('canned-save').disabled = true;
    try {
      const r = editing
        ? await api('PUT', '/api/inbox/canned/' + editing.id, { label, text })
        : await api('POST', '/api/inbox/canned', { lang, label, text });
      $('canned-status').textContent = t(editing ? 'inbox.canned.saved' : 'inbox.canned.added');
      cannedChanged(lang);
      await loadCannedManager(r.reply ? r.reply.id : null);
    } catch (e) {
      if (e.status === 401) return;
      if (e.status === 404) {
        showError(err, t('inbox.canned.error.gone'));
      } else {
        showError(err, e.status === 400 ? t('inbox.canned.error.refused', { reason: e.message }) : t('inbox.error.action'));
      }
      $('canned-label').focus();
    } finally {
      $('canned-save').disabled = false;
    }
  }

  // ---------- actions ----------
  async function claim() {
    const id = S.openId;
    const btn = $('claim');
    btn.disabled = true;
    try {
      const r = await api('POST', '/api/inbox/threads/' + id + '/claim');
      if (r.thread) upsertThread(r.thread);
      toast(t('inbox.toast.claimed'));
      $('mode-reply').checked = true;
      renderComposeMode();
      $('compose-text').focus();
    } catch (e) {
      if (e.status === 409) {
        toast(t('inbox.error.claimedByOther'));
        openThread(id, false);
      } else if (e.status !== 401) toast(t('inbox.error.action'));
    } finally {
      btn.disabled = false;
    }
  }
  async function release() {
    const id = S.openId;
    try {
      const r = await api('POST', '/api/inbox/threads/' + id + '/release');
      if (r.thread) upsertThread(r.thread);
      toast(t('inbox.toast.released'));
      $('thread-title').focus();
    } catch (e) {
      if (e.status === 409) toast(t('inbox.error.claimedByOther'));
      else if (e.status !== 401) toast(t('inbox.error.action'));
    }
  }
  // Transfer: to a caseworker who sees the thread, or into a county's queue.
  async function openTransfer() {
    const form = $('transfer-form');
    if (!form.hidden) { closeTransfer(); return; }
    showError($('transfer-error'), '');
    try {
      S.colleagues = (await api('GET', '/api/inbox/caseworkers')).caseworkers || [];
    } catch (e) {
      if (e.status !== 401) toast(t('inbox.error.action'));
      return;
    }
    form.hidden = false;
    $('transfer-open').setAttribute('aria-expanded', 'true');
    fillTransferTargets();
    $('transfer-target').focus();
  }
  function closeTransfer() {
    $('transfer-form').hidden = true;
    $('transfer-open').setAttribute('aria-expanded', 'false');
  }
  function fillTransferTargets() {
    const byCounty = $('transfer-to-county').checked;
    const th = S.threads.get(S.openId) || {};
    const others = (S.colleagues || []).filter((c) => !(S.me && c.username === S.me.username) &&
      c.username !== th.assigned_to);
    let options;
    if (byCounty) {
      const counties = Array.from(new Set(others.filter((c) => !c.supervisor && c.county).map((c) => c.county))).sort();
      options = counties.map((c) => h('option', { value: c, text: c }));
    } else {
      options = others.filter((c) => !c.supervisor).map((c) => h('option', { value: c.username,
        'data-name': c.display_name || c.username,
        text: (c.display_name ? c.display_name + ' (' + c.username + ')' : c.username) + (c.county ? ' · ' + c.county : '') }));
    }
    $('transfer-target').replaceChildren(...options);
    $('transfer-submit').disabled = options.length === 0;
  }
  async function submitTransfer(e) {
    e.preventDefault();
    const id = S.openId;
    const target = $('transfer-target').value;
    if (!target) return;
    const body = $('transfer-to-county').checked ? { county: target } : { username: target };
    const err = $('transfer-error');
    $('transfer-submit').disabled = true;
    try {
      const r = await api('POST', '/api/inbox/threads/' + id + '/transfer', body);
      closeTransfer();
      const sel = $('transfer-target');
      const label = sel.selectedOptions.length ? sel.selectedOptions[0].dataset.name || target : target;
      // The hub says whether this caseworker still sees the thread (a county's queue may not).
      if (r.thread && r.visible !== false) upsertThread(r.thread);
      else dropThread(id, true);
      toast(t('inbox.toast.transferred', { to: label }));
      $('thread-title').focus();
    } catch (ex) {
      if (ex.status === 401) return;
      const key = ex.status === 404 ? 'inbox.transfer.noTarget'
        : ex.status === 409 && /county does not see/.test(ex.message) ? 'inbox.transfer.notTheirCounty'
          : ex.status === 409 ? 'inbox.transfer.conflict' : 'inbox.error.action';
      showError(err, t(key));
    } finally {
      $('transfer-submit').disabled = false;
    }
  }
  async function resolve() {
    const id = S.openId;
    try {
      const r = await api('POST', '/api/inbox/threads/' + id + '/resolve');
      if (r.thread) upsertThread(r.thread);
      toast(t('inbox.toast.resolved'));
      $('thread-title').focus();
    } catch (e) {
      if (e.status !== 401) toast(t('inbox.error.action'));
    }
  }
  async function onCompose(e) {
    e.preventDefault();
    const id = S.openId;
    const ta = $('compose-text');
    const text = ta.value.trim();
    const err = $('compose-error');
    if (!text) { err.textContent = t('inbox.compose.empty'); ta.focus(); return; }
    const note = $('mode-note').checked;
    const btn = $('compose-send');
    btn.disabled = true;
    err.textContent = '';
    try {
      const r = await api('POST', '/api/inbox/threads/' + id + '/' + (note ? 'note' : 'reply'), { text });
      ta.value = '';
      $('canned').value = '';
      if (r && typeof r.seq === 'number' && S.openId === id) {
        addMessageToOpen({ seq: r.seq, from: note ? 'note' : 'caseworker', text, at: new Date().toISOString(),
          caseworker: S.me && S.me.username, delivery: !note && S.threads.get(id).channel === 'sms' ? 'queued' : undefined });
        markSeen({ id, last_seq: r.seq });
      }
      toast(note ? t('inbox.toast.noted') : t('inbox.toast.replied'));
    } catch (ex) {
      if (ex.status === 409) err.textContent = t('inbox.error.claimedByOther');
      else if (ex.status === 413) err.textContent = t('inbox.error.tooLong');
      else if (ex.status !== 401) err.textContent = t('inbox.error.action');
    } finally {
      btn.disabled = false;
      ta.focus();
    }
  }

  function dropThread(id, quiet) {
    if (!S.threads.has(id)) return;
    S.threads.delete(id);
    if (S.openId === id) {
      S.openId = null;
      S.detail = null;
      $('thread-view').hidden = true;
      $('thread-empty').hidden = false;
      if (!quiet) toast(t('inbox.error.notFound'));
    }
    renderList();
  }
  function upsertThread(th) {
    const prev = S.threads.get(th.id);
    if (th.state === 'waiting' && (!prev || prev.state !== 'waiting')) alertCaseworker('waiting', th.id);
    S.threads.set(th.id, Object.assign({}, prev || {}, th));
    if (th.id === S.openId) {
      markSeen(S.threads.get(th.id));
      renderThreadHead();
      if (S.detail) S.detail.thread = S.threads.get(th.id);
    }
    renderList();
  }

  // ---------- notifications ----------
  // A desktop notification and an optional sound when a thread starts waiting or a thread the
  // caseworker holds gets a parent's message, unless they are looking at that thread. Both are
  // off until the caseworker turns them on (kept in this browser). A notification names no parent
  // and quotes no text: a caseworker's screen can be seen by others.
  const NOTIFY_KEY = 'connecthub.inbox.notify';
  const SOUND_KEY = 'connecthub.inbox.sound';
  function pref(k) { try { return localStorage.getItem(k) === 'on'; } catch (e) { return false; } }
  function setPref(k, on) { try { localStorage.setItem(k, on ? 'on' : 'off'); } catch (e) { /* storage disabled */ } }
  function canNotify() { return typeof Notification === 'function' && Notification.permission === 'granted'; }
  function renderAlertButtons() {
    const on = pref(NOTIFY_KEY) && canNotify();
    const n = $('notify-toggle');
    n.setAttribute('aria-pressed', String(on));
    n.textContent = t(on ? 'inbox.notify.on' : 'inbox.notify.off');
    const sound = pref(SOUND_KEY);
    const b = $('sound-toggle');
    b.setAttribute('aria-pressed', String(sound));
    b.textContent = t(sound ? 'inbox.sound.on' : 'inbox.sound.off');
  }
  async function toggleNotify() {
    if (pref(NOTIFY_KEY) && canNotify()) { setPref(NOTIFY_KEY, false); renderAlertButtons(); return; }
    if (typeof Notification !== 'function') { toast(t('inbox.notify.unsupported')); return; }
    let permission = Notification.permission;
    if (permission === 'default') {
      try { permission = await Notification.requestPermission(); } catch (e) { permission = 'denied'; }
    }
    setPref(NOTIFY_KEY, permission === 'granted');
    if (permission !== 'granted') toast(t('inbox.notify.denied'));
    renderAlertButtons();
  }
  let audio = null;
  function beep() {
    try {
      const AC = window.AudioContext || window.webkitAudioContext;
      if (!AC) return;
      audio = audio || new AC();
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = 880;
      gain.gain.value = 0.08;
      osc.connect(gain);
      gain.connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + 0.18);
    } catch (e) { /* no audio output */ }
  }
  function toggleSound() {
    setPref(SOUND_KEY, !pref(SOUND_KEY));
    renderAlertButtons();
    if (pref(SOUND_KEY)) beep(); // what it sounds like (and audio unlocked by this click)
  }
  function alertCaseworker(kind, threadId) {
    const looking = document.visibilityState === 'visible' && document.hasFocus() && threadId === S.openId;
    if (looking) return;
    if (pref(SOUND_KEY)) beep();
    if (!pref(NOTIFY_KEY) || !canNotify()) return;
    try {
      const n = new Notification(t(kind === 'waiting' ? 'inbox.notify.waiting' : 'inbox.notify.message'),
        { body: t('inbox.notify.body'), tag: 'connecthub-' + kind + '-' + threadId, lang: uiLang });
      n.onclick = () => { window.focus(); openThread(threadId, true); n.close(); };
    } catch (e) { /* notifications unavailable */ }
  }

  let toastTimer = null;
  function toast(text) {
    const el = $('toast');
    el.textContent = text;
    el.classList.add('ib-toast-shown');
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { el.classList.remove('ib-toast-shown'); el.textContent = ''; }, 5000);
  }

  // ---------- live updates ----------
  function connectWs() {
    if (!S.token) return;
    clearTimeout(S.wsTimer);
    const url = location.origin.replace(/^http/, 'ws') + '/ws/inbox';
    let w;
    try { w = new WebSocket(url); } catch (e) { scheduleWs(); return; }
    S.ws = w;
    setLive('connecting');
    let reconnected = false;
    w.addEventListener('open', () => {
      if (S.ws !== w) return;
      w.send(JSON.stringify({ type: 'auth', token: S.token }));
      setLive('live');
      if (S.wsBackoff > 500) reconnected = true;
      S.wsBackoff = 500;
      if (reconnected) {
        // Updates may have been missed while disconnected.
        refreshLists();
        if (S.openId) openThread(S.openId, false);
      }
    });
    w.addEventListener('message', (ev) => {
      if (S.ws !== w) return;
      let f;
      try { f = JSON.parse(ev.data); } catch (e) { return; }
      if (f.type === 'thread' && f.thread) upsertThread(f.thread);
      else if (f.type === 'message' && f.message) {
        const th = S.threads.get(f.thread_id);
        if (th && isMine(th) && f.message.from === 'participant') alertCaseworker('message', f.thread_id);
        if (th && (f.message.seq || 0) > (th.last_seq || 0)) {
          th.last_seq = f.message.seq;
          th.last_message_at = f.message.at || th.last_message_at;
        }
        if (f.thread_id === S.openId) {
          addMessageToOpen(f.message);
          markSeen({ id: f.thread_id, last_seq: f.message.seq });
        }
        renderList();
      } else if (f.type === 'gone') {
        // Transferred to another county's queue: no longer this caseworker's to see.
        dropThread(f.thread_id);
      } else if (f.type === 'changed') {
        // Content whose read could not be audited: fetch it through the (audited) API.
        refreshLists();
        if (f.thread_id === S.openId) openThread(S.openId, false);
      } else if (f.type === 'error') {
        if (f.code === 'unauthenticated' || f.code === 'auth_failed' ||
            f.code === 'session_ended') signOut('inbox.error.sessionExpired');
      }
    });
    w.addEventListener('close', (ev) => {
      if (S.ws !== w) return;
      // 4401: the session ended (logout elsewhere, expiry, account changed): log in again.
      if (ev.code === 4401) { S.ws = null; signOut('inbox.error.sessionExpired'); return; }
      S.ws = null;
      setLive('offline');
      scheduleWs();
    });
  }
  function scheduleWs() {
    if (!S.token) return;
    const d = S.wsBackoff * (0.75 + Math.random() * 0.5);
    S.wsBackoff = Math.min(30000, S.wsBackoff * 2);
    S.wsTimer = setTimeout(connectWs, d);
  }
  let liveState = '';
  function setLive(s) {
    liveState = s;
    const el = $('live-state');
    el.textContent = s ? t('inbox.live.' + s) : '';
    el.className = 'ib-live ib-live-' + s;
  }

  // ---------- reports (supervisors, issue 19) ----------
  // Days as the agency counts them (the hub's office-hours zone): the first report is the hub's
  // default, the last 7 days, and fills in the range.
  function openReports() {
    S.reports = true;
    $('app-view').classList.add('ib-app-reports');
    $('thread-empty').hidden = true;
    $('thread-view').hidden = true;
    $('report-view').hidden = false;
    $('reports-toggle').setAttribute('aria-expanded', 'true');
    $('report-title').focus();
    loadReport();
  }
  function closeReports() {
    if (!S.reports) return;
    S.reports = false;
    $('app-view').classList.remove('ib-app-reports');
    $('report-view').hidden = true;
    $('reports-toggle').setAttribute('aria-expanded', 'false');
    $('thread-view').hidden = !S.detail;
    $('thread-empty').hidden = !!S.detail;
  }
  function reportQuery(format) {
    const q = new URLSearchParams();
    if ($('report-from').value) q.set('from', $('report-from').value);
    if ($('report-to').value) q.set('to', $('report-to').value);
    if (format) q.set('format', format);
    return '/api/inbox/reports?' + q.toString();
  }
  // The status line is kept as a string key so that it follows a change of language.
  function reportStatus(key, params) {
    S.reportStatus = key ? { key, params } : null;
    $('report-status').textContent = key ? t(key, params) : '';
  }
  async function loadReport(e) {
    if (e) e.preventDefault();
    reportStatus('inbox.reports.loading');
    try {
      S.report = await api('GET', reportQuery());
    } catch (ex) {
      if (ex.status !== 401) reportStatus('inbox.reports.failed');
      return;
    }
    $('report-from').value = S.report.from;
    $('report-to').value = S.report.to;
    renderReport();
    reportStatus('inbox.reports.shown', { count: S.report.days.length });
  }
  function fmtWait(seconds) {
    if (seconds === null || seconds === undefined) return '–';
    if (seconds < 60) return t('inbox.reports.seconds', { seconds });
    const min = Math.floor(seconds / 60);
    if (min < 60) return t('inbox.reports.minutes', { minutes: min, seconds: seconds % 60 });
    return t('inbox.duration.hours', { hours: Math.floor(min / 60), minutes: min % 60 });
  }
  function renderReport() {
    const r = S.report;
    if (!r) return;
    $('report-caption').textContent = t('inbox.reports.caption', { from: fmtDate(r.from), to: fmtDate(r.to) });
    const num = (n) => h('td', { class: 'ib-num', text: new Intl.NumberFormat(I.locale()).format(n) });
    const rows = r.days.map((d) => {
      const intents = Object.entries(d.intents || {}).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
      const wait = d.first_reply_seconds || {};
      return h('tr', {}, [
        h('th', { scope: 'row', text: fmtDate(d.date) }),
        d.county ? h('td', { text: d.county }) : h('td', { class: 'ib-report-muted', text: t('inbox.reports.noCounty') }),
        h('td', { text: langName(d.lang) }),
        h('td', { class: 'ib-report-intents', text: intents.map(([k, n]) => k + ' ' + n).join(' · ') || '–' }),
        num(d.escalations),
        num(wait.count || 0),
        h('td', { class: 'ib-num', text: fmtWait(wait.median) }),
        h('td', { class: 'ib-num', text: fmtWait(wait.p90) }),
        num(d.resolved),
      ]);
    });
    $('report-rows').replaceChildren(...(rows.length ? rows
      : [h('tr', {}, [h('td', { colspan: '9', class: 'ib-empty', text: t('inbox.reports.none') })])]));
  }
  // The CSV is fetched with the bearer token (a plain link could not send it) and saved from a
  // blob; the hub names the file.
  async function downloadReport() {
    let res;
    try {
      res = await fetch(reportQuery('csv'), { headers: { Accept: 'text/csv', Authorization: 'Bearer ' + S.token } });
    } catch (e) {
      reportStatus('inbox.error.network');
      return;
    }
    if (res.status === 401) { signOut('inbox.error.sessionExpired'); return; }
    if (!res.ok) { reportStatus('inbox.reports.failed'); return; }
    const blob = await res.blob();
    const m = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') || '');
    const url = URL.createObjectURL(blob);
    const a = h('a', { href: url, download: m ? m[1] : 'connecthub-report.csv', hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    reportStatus('inbox.reports.downloaded');
  }

  // ---------- accounts (supervisors, issue 19) ----------
  // The accounts in a table; Disable asks first (the person is signed out at once), Enable does
  // not; Reset password opens a form under the table. A password is only ever in its two fields,
  // emptied whatever happens.
  function openAccounts() {
    $('accounts-dialog').showModal();
    $('accounts-title').focus();
    loadAccounts();
  }
  function accountsStatus(key, params) {
    S.accountsStatus = key ? { key, params } : null;
    $('accounts-status').textContent = key ? t(key, params) : '';
  }
  async function loadAccounts(focus) {
    showError($('accounts-error'), '');
    if (!S.accounts) accountsStatus('inbox.accounts.loading');
    let list;
    try {
      list = (await api('GET', '/api/inbox/accounts')).accounts || [];
    } catch (e) {
      if (e.status !== 401) showError($('accounts-error'), t('inbox.accounts.error.load'));
      return;
    }
    S.accounts = list;
    renderAccounts();
    if (!focus) accountsStatus('inbox.accounts.shown', { count: list.length });
    else {
      const b = document.querySelector('#accounts-rows [data-' + focus.kind + '="' + CSS.escape(focus.username) + '"]');
      if (b) b.focus();
    }
  }
  function renderAccounts() {
    const muted = (key) => h('td', { class: 'ib-report-muted', text: t(key) });
    $('accounts-rows').replaceChildren(...(S.accounts || []).map((a) => {
      const self = S.me && a.username === S.me.username;
      const actions = self ? [h('span', { class: 'ib-report-muted', text: t('inbox.accounts.you') })] : [
        a.disabled
          ? h('button', { type: 'button', class: 'ib-btn', 'data-enable': a.username, text: t('inbox.accounts.enable'),
            'aria-label': t('inbox.accounts.enableNamed', { username: a.username }), onclick: () => setDisabled(a, false) })
          : h('button', { type: 'button', class: 'ib-btn', 'data-disable': a.username, text: t('inbox.accounts.disable'),
            'aria-label': t('inbox.accounts.disableNamed', { username: a.username }), onclick: () => askDisable(a) }),
        h('button', { type: 'button', class: 'ib-btn', 'data-reset': a.username, text: t('inbox.accounts.reset'),
          'aria-label': t('inbox.accounts.resetNamed', { username: a.username }), onclick: () => openPasswordForm(a) }),
      ];
      return h('tr', {}, [
        h('th', { scope: 'row', text: a.username }),
        a.display_name ? h('td', { text: a.display_name }) : muted('inbox.accounts.noName'),
        a.county ? h('td', { text: a.county }) : muted('inbox.accounts.noCounty'),
        h('td', { text: t(a.supervisor ? 'inbox.accounts.role.supervisor' : 'inbox.accounts.role.caseworker') }),
        h('td', { class: a.disabled ? 'ib-account-disabled' : null,
          text: t(a.disabled ? 'inbox.accounts.status.disabled' : 'inbox.accounts.status.active') }),
        h('td', {}, actions),
      ]);
    }));
    if (S.accountDisable) {
      $('accounts-confirm-text').textContent = t('inbox.accounts.confirmDisable', { username: S.accountDisable.username });
    }
    if (S.accountReset) {
      $('password-legend').textContent = t('inbox.accounts.passwordLegend', { username: S.accountReset.username });
    }
  }
  function askDisable(a) {
    closePasswordForm(false);
    S.accountDisable = a;
    $('accounts-confirm-text').textContent = t('inbox.accounts.confirmDisable', { username: a.username });
    $('accounts-confirm').hidden = false;
    $('accounts-confirm-no').focus();
  }
  function cancelDisable(refocus) {
    const a = S.accountDisable;
    S.accountDisable = null;
    $('accounts-confirm').hidden = true;
    if (refocus && a) {
      const b = document.querySelector('#accounts-rows [data-disable="' + CSS.escape(a.username) + '"]');
      if (b) b.focus();
    }
  }
  function accountError(e) {
    if (e.status === 401) return;
    showError($('accounts-error'), e.status === 404 ? t('inbox.accounts.error.gone')
      : e.status === 409 ? t('inbox.accounts.error.self') : t('inbox.error.action'));
  }
  async function setDisabled(a, disabled) {
    cancelDisable(false);
    showError($('accounts-error'), '');
    try {
      await api('POST', '/api/inbox/accounts/' + encodeURIComponent(a.username) + (disabled ? '/disable' : '/enable'));
    } catch (e) {
      accountError(e);
      return;
    }
    // Focus goes to the button that takes the change back (Enable after a disable).
    await loadAccounts({ kind: disabled ? 'enable' : 'disable', username: a.username });
    accountsStatus(disabled ? 'inbox.accounts.disabled' : 'inbox.accounts.enabled', { username: a.username });
  }
  function openPasswordForm(a) {
    cancelDisable(false);
    S.accountReset = a;
    $('password-new').value = '';
    $('password-again').value = '';
    showError($('password-error'), '');
    $('password-legend').textContent = t('inbox.accounts.passwordLegend', { username: a.username });
    $('password-form').hidden = false;
    $('password-new').focus();
  }
  function closePasswordForm(refocus) {
    const a = S.accountReset;
    S.accountReset = null;
    $('password-new').value = '';
    $('password-again').value = '';
    showError($('password-error'), '');
    $('password-form').hidden = true;
    if (refocus && a) {
      const b = document.querySelector('#accounts-rows [data-reset="' + CSS.escape(a.username) + '"]');
      if (b) b.focus();
    }
  }
  async function savePassword(ev) {
    ev.preventDefault();
    const a = S.accountReset;
    if (!a) return;
    const password = $('password-new').value;
    const err = $('password-error');
    if ([...password].length < 8) {
      showError(err, t('inbox.accounts.error.short'));
      $('password-new').focus();
      return;
    }
    if (password !== $('password-again').value) {
      showError(err, t('inbox.accounts.error.mismatch'));
      $('password-again').value = '';
      $('password-again').focus();
      return;
    }
    $('password-save').disabled = true;
    try {
      await api('POST', '/api/inbox/accounts/' + encodeURIComponent(a.username) + '/reset-password', { password });
    } catch (e) {
      if (e.status === 400) showError(err, t('inbox.accounts.error.short'));
      else if (e.status !== 401) showError(err, e.status === 404 ? t('inbox.accounts.error.gone') : t('inbox.error.action'));
      return;
    } finally {
      $('password-save').disabled = false;
    }
    closePasswordForm(true);
    accountsStatus('inbox.accounts.passwordReset', { username: a.username });
  }

  // ---------- language ----------
  let uiLang = I.pick(ss('get', LANG_KEY));
  async function setUiLang(l) {
    await I.load(l);
    uiLang = l;
    ss('set', LANG_KEY, l);
    I.apply();
    document.title = t('inbox.title');
    $('lang-toggle').setAttribute('lang', l === 'en' ? 'es' : 'en');
    if (S.me) renderWho();
    renderAlertButtons();
    if (liveState) setLive(liveState);
    if (S.token) { renderSearchStatus(); renderList(); }
    if (S.detail) { renderThreadHead(); renderMessages(); renderCase(); fillCanned(); }
    if (S.report) renderReport();
    if (S.reportStatus) reportStatus(S.reportStatus.key, S.reportStatus.params);
    if ($('canned-dialog').open) {
      if ($('canned-confirm').hidden === false && S.cannedDelete) {
        $('canned-confirm-text').textContent = t('inbox.canned.confirmDelete', { label: S.cannedDelete.label });
      }
      renderCannedList();
    }
    if ($('accounts-dialog').open) renderAccounts();
    if (S.accountsStatus) accountsStatus(S.accountsStatus.key, S.accountsStatus.params);
  }

  // ---------- start ----------
  async function start() {
    await setUiLang(uiLang).catch(() => {});
    $('login-form').addEventListener('submit', onLogin);
    $('logout').addEventListener('click', () => {
      // End the session on the hub too; the page signs out whatever the answer.
      if (S.token) api('POST', '/api/inbox/logout').catch(() => {});
      signOut(null);
    });
    $('lang-toggle').addEventListener('click', () => setUiLang(uiLang === 'en' ? 'es' : 'en'));
    $('notify-toggle').addEventListener('click', toggleNotify);
    $('sound-toggle').addEventListener('click', toggleSound);
    for (const b of document.querySelectorAll('.ib-filter')) b.addEventListener('click', () => setFilter(b.dataset.filter));
    $('search-form').addEventListener('submit', onSearch);
    $('search-clear').addEventListener('click', clearSearch);
    $('search-q').addEventListener('keydown', (e) => { if (e.key === 'Escape' && S.search) clearSearch(); });
    $('reports-toggle').addEventListener('click', () => (S.reports ? closeReports() : openReports()));
    $('reports-close').addEventListener('click', () => { closeReports(); $('thread-pane').focus(); });
    $('report-form').addEventListener('submit', loadReport);
    $('report-download').addEventListener('click', downloadReport);
    $('claim').addEventListener('click', claim);
    $('release').addEventListener('click', release);
    $('transfer-open').addEventListener('click', openTransfer);
    $('transfer-cancel').addEventListener('click', () => { closeTransfer(); $('transfer-open').focus(); });
    $('transfer-form').addEventListener('submit', submitTransfer);
    $('transfer-to-caseworker').addEventListener('change', fillTransferTargets);
    $('transfer-to-county').addEventListener('change', fillTransferTargets);
    $('resolve').addEventListener('click', resolve);
    $('load-older').addEventListener('click', loadOlder);
    $('composer').addEventListener('submit', onCompose);
    $('canned-insert').addEventListener('click', insertCanned);
    $('canned-manage').addEventListener('click', openCannedManager);
    $('canned-close').addEventListener('click', () => $('canned-dialog').close());
    $('canned-dialog').addEventListener('close', () => { cancelCannedDelete(false); $('canned-manage').focus(); });
    $('canned-lang').addEventListener('change', () => { $('canned-status').textContent = ''; loadCannedManager(); });
    $('canned-form').addEventListener('submit', saveCanned);
    $('canned-cancel').addEventListener('click', () => { resetCannedForm(); $('canned-label').focus(); });
    $('canned-confirm-yes').addEventListener('click', confirmCannedDelete);
    $('canned-confirm-no').addEventListener('click', () => cancelCannedDelete(true));
    $('accounts-manage').addEventListener('click', openAccounts);
    $('accounts-close').addEventListener('click', () => $('accounts-dialog').close());
    $('accounts-dialog').addEventListener('close', () => {
      cancelDisable(false);
      closePasswordForm(false);
      accountsStatus(null);
      $('accounts-manage').focus();
    });
    $('accounts-confirm-yes').addEventListener('click', () => { if (S.accountDisable) setDisabled(S.accountDisable, true); });
    $('accounts-confirm-no').addEventListener('click', () => cancelDisable(true));
    $('password-form').addEventListener('submit', savePassword);
    $('password-cancel').addEventListener('click', () => closePasswordForm(true));
    for (const r of document.querySelectorAll('input[name="mode"]')) {
      r.addEventListener('change', () => { S.composeTouched = true; renderComposeMode(); });
    }
    $('compose-text').addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); $('composer').requestSubmit(); }
    });
    setInterval(() => { if (S.token) { renderList(); if (S.detail) renderThreadHead(); } }, 30000);
    if (S.token) {
      try {
        await enterApp();
        return;
      } catch (e) { /* fall through to the login form */ }
    }
    signOut(null);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
