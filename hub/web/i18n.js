/* Shared by the demo page and the inbox: loads /i18n/<lang>.json and fills elements marked
   data-i18n="key" (text) and data-i18n-<attr>="key" (attribute). Keys are given without the
   "web." prefix. Exposes window.CHI18n. */
(function () {
  'use strict';
  const cache = {};
  const I = {
    lang: 'en',
    cat: {},
    // Fetches a catalog without switching to it.
    async fetch(lang) {
      if (!cache[lang]) {
        const res = await fetch('/i18n/' + lang + '.json');
        if (!res.ok) throw new Error('i18n ' + res.status);
        cache[lang] = await res.json();
      }
      return cache[lang];
    },
    // Fetches a catalog and makes it the current language.
    async load(lang) {
      await I.fetch(lang);
      I.lang = lang;
      I.cat = cache[lang];
      return I.cat;
    },
    // Looks a key up in the current language (or `lang` if given and loaded).
    t(key, params, lang) {
      const cat = (lang && cache[lang]) || I.cat;
      let s = cat['web.' + key];
      if (s === undefined) s = cat[key];
      if (s === undefined) return key;
      return params ? I.format(s, params) : s;
    },
    // Fills the {placeholders} of `text` given in `params`; others stay as written.
    format(text, params) {
      return text.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));
    },
    has(key, lang) {
      const cat = (lang && cache[lang]) || I.cat;
      return ('web.' + key) in cat;
    },
    apply(root) {
      const scope = root || document;
      for (const el of scope.querySelectorAll('[data-i18n]')) el.textContent = I.t(el.dataset.i18n);
      for (const el of scope.querySelectorAll('*')) {
        for (const a of el.getAttributeNames()) {
          if (a.startsWith('data-i18n-')) el.setAttribute(a.slice(10), I.t(el.getAttribute(a)));
        }
      }
      document.documentElement.lang = I.lang;
    },
    locale() { return I.lang === 'es' ? 'es-US' : 'en-US'; },
    pick(stored) {
      for (const c of [stored].concat(navigator.languages || [navigator.language])) {
        const l = (c || '').slice(0, 2).toLowerCase();
        if (l === 'en' || l === 'es') return l;
      }
      return 'en';
    },
  };
  window.CHI18n = I;
})();
