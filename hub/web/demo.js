/* The synthetic agency page: bilingual text from the catalog, and the language toggle, which
   also switches the chat widget (and follows the widget's own switch). */
(function () {
  'use strict';
  const I = window.CHI18n;
  const KEY = 'connecthub.demo.lang';
  let stored = null;
  try { stored = sessionStorage.getItem(KEY); } catch (e) { /* no storage */ }

  async function setLang(lang, fromWidget) {
    await I.load(lang);
    I.apply();
    document.title = I.t('demo.title');
    try { sessionStorage.setItem(KEY, lang); } catch (e) { /* no storage */ }
    const toggle = document.getElementById('lang-toggle');
    toggle.setAttribute('lang', lang === 'en' ? 'es' : 'en');
    if (!fromWidget) document.dispatchEvent(new CustomEvent('connecthub:setlang', { detail: lang }));
  }

  document.addEventListener('DOMContentLoaded', () => {
    document.getElementById('lang-toggle').addEventListener('click', () => {
      setLang(I.lang === 'en' ? 'es' : 'en');
    });
  });
  document.addEventListener('connecthub:lang', (e) => setLang(e.detail, true));
  setLang(I.pick(stored)).catch(() => {});
})();
