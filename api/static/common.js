// Shared helpers for the Rahnuma web chat (chat.js) and agent console (agent.js).
// Every piece of text from the API goes into the page through textContent / Text nodes, never
// through innerHTML, so answers, transcripts and snippets cannot inject markup.

const ARABIC_SCRIPT = /[\u0600-\u06FF\u0750-\u077F\u0870-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/;
const RTL_LANGUAGES = new Set(['ur', 'sd', 'ps', 'pa', 'ar', 'fa', 'skr', 'bal']);
const SVG_NS = 'http://www.w3.org/2000/svg';
const THUMB_PATH =
  'M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L14.17 1 ' +
  '7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z';

/** True when the text contains Arabic-script letters (Urdu, Sindhi, Pashto, Shahmukhi...). */
export function hasArabicScript(text) {
  return ARABIC_SCRIPT.test(String(text ?? ''));
}

/** 'rtl' for right-to-left language tags ('ur', 'sd', ...), 'ltr' otherwise ('en', 'ur-Latn'). */
export function dirForLanguage(language) {
  return RTL_LANGUAGES.has(String(language ?? '').toLowerCase()) ? 'rtl' : 'ltr';
}

/**
 * lang/dir attributes for a piece of text whose language may be known (hint). The hint is used
 * when its direction agrees with the text's script; otherwise the script decides
 * (Arabic letters: lang "ur", rtl; anything else: lang "und", ltr).
 */
export function langAttrs(hint, text = '') {
  const arabic = hasArabicScript(text);
  if (hint && (!text || (dirForLanguage(hint) === 'rtl') === arabic)) {
    return { lang: hint, dir: dirForLanguage(hint) };
  }
  return arabic ? { lang: 'ur', dir: 'rtl' } : { lang: 'und', dir: 'ltr' };
}

/** Set lang and dir on an element. */
export function applyLangDir(node, { lang, dir }) {
  node.setAttribute('lang', lang);
  node.setAttribute('dir', dir);
  return node;
}

/**
 * Build an element. attrs: 'text' sets textContent, 'class' the class list, 'on<event>' adds a
 * listener, false/null/undefined are skipped, true sets an empty attribute. Children may be nodes
 * or strings (strings become Text nodes).
 */
export function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') node.textContent = String(value);
    else if (key === 'class') node.className = value;
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of [].concat(children)) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

/** A thumbs-up icon (inline SVG, decorative); pass down=true for thumbs-down. */
export function thumbIcon(down = false) {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('class', down ? 'icon icon--down' : 'icon');
  const path = document.createElementNS(SVG_NS, 'path');
  path.setAttribute('d', THUMB_PATH);
  svg.append(path);
  return svg;
}

const ORDERED_ITEM = /^\s*([0-9]{1,3}|[\u06F0-\u06F9]{1,3}|[\u0660-\u0669]{1,3})\s*[.)\u06D4-]\s*(\S.*)$/;
const BULLET_ITEM = /^\s*[-*\u2022\u25CF]\s+(\S.*)$/;

function digitsToInt(digits) {
  const western = digits.replace(/[\u06F0-\u06F9]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660));
  const value = Number.parseInt(western, 10);
  return Number.isFinite(value) ? value : 1;
}

function listItemFor(line) {
  const ordered = line.match(ORDERED_ITEM);
  if (ordered) return { kind: 'ol', marker: ordered[1], text: ordered[2] };
  const bullet = line.match(BULLET_ITEM);
  if (bullet) return { kind: 'ul', marker: '', text: bullet[1] };
  return null;
}

function newList(item) {
  const list = el(item.kind);
  if (item.kind === 'ol') {
    list.start = digitsToInt(item.marker);
    if (/[\u06F0-\u06F9]/.test(item.marker)) list.classList.add('digits-urdu');
  }
  return list;
}

/**
 * Plain text to a fragment of <p>, <ol> and <ul>: blank lines separate paragraphs, single line
 * breaks become <br>, lines starting "1." / "۱۔" / "-" become list items.
 */
export function renderRichText(text) {
  const fragment = document.createDocumentFragment();
  let paragraph = null;
  let list = null;
  for (const rawLine of String(text ?? '').split(/\r\n|\r|\n/)) {
    const line = rawLine.trim();
    if (!line) {
      paragraph = null;
      list = null;
      continue;
    }
    const item = listItemFor(line);
    if (item) {
      if (!list || list.tagName.toLowerCase() !== item.kind) {
        list = newList(item);
        fragment.append(list);
      }
      list.append(el('li', {}, [item.text]));
      paragraph = null;
      continue;
    }
    list = null;
    if (paragraph) {
      paragraph.append(el('br'), line);
    } else {
      paragraph = el('p', {}, [line]);
      fragment.append(paragraph);
    }
  }
  return fragment;
}

/** The URL if it is an absolute or relative http(s) URL, else null (drops javascript:, data:...). */
export function safeHttpUrl(url) {
  if (!url) return null;
  try {
    const parsed = new URL(String(url), window.location.href);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/** A date such as "2025-01-15" or an ISO timestamp, formatted for the locale; the input on failure. */
export function formatDate(value, locale) {
  if (!value) return '';
  const text = String(value);
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) return text;
  const options = { dateStyle: 'medium' };
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) options.timeZone = 'UTC';
  try {
    return new Intl.DateTimeFormat(locale, options).format(date);
  } catch {
    return text;
  }
}

/** A link that opens in a new tab, or a plain span when the URL is not http(s). */
export function externalLink(url, text, attrs = {}) {
  const href = safeHttpUrl(url);
  if (!href) return el('span', attrs, [text]);
  return el('a', { ...attrs, href, target: '_blank', rel: 'noopener' }, [text]);
}

/**
 * One citation as an <li>: title link · department · "last verified" date.
 * labels: { lastVerified, locale, uiLang, uiDir }.
 */
export function renderCitation(citation, labels) {
  const title = citation.title || citation.doc_id || citation.url || '';
  const titleAttrs = langAttrs(citation.lang, title);
  const link = externalLink(citation.url, title, { class: 'citation-link', ...titleAttrs });
  const meta = el('span', { class: 'citation-meta', 'data-ui': true, lang: labels.uiLang, dir: labels.uiDir });
  if (citation.department) meta.append(' · ', el('bdi', {}, [citation.department]));
  if (citation.last_verified) {
    meta.append(
      ' · ',
      el('span', { 'data-i18n': 'lastVerified', text: labels.lastVerified }),
      ' ',
      el('bdi', { class: 'citation-date', 'data-date': citation.last_verified }, [
        formatDate(citation.last_verified, labels.locale),
      ]),
    );
  }
  return el('li', { class: 'citation' }, [link, meta]);
}

/** An error from the API: status 0 means the request never got an answer. */
export class ApiError extends Error {
  constructor(status, detail) {
    super(detail || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.detail = detail;
  }
}

function detailFrom(payload, response) {
  const detail = payload && typeof payload === 'object' ? payload.detail : null;
  if (typeof detail === 'string' && detail) return detail;
  if (Array.isArray(detail)) {
    return detail.map((item) => (item && item.msg ? item.msg : JSON.stringify(item))).join('; ');
  }
  return `${response.status} ${response.statusText || ''}`.trim();
}

async function readJson(response) {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * fetch() a JSON API. body (an object) is sent as JSON; token adds "Authorization: Bearer".
 * Resolves to the parsed JSON; rejects with ApiError carrying the API's "detail" message.
 */
export async function apiJson(url, { method = 'GET', body, token } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, null);
  }
  const payload = await readJson(response);
  if (!response.ok) throw new ApiError(response.status, detailFrom(payload, response));
  return payload;
}

/** Switch a textarea between the Nastaliq and Latin faces according to what has been typed. */
export function followScript(textarea) {
  const update = () => {
    const arabic = hasArabicScript(textarea.value);
    const empty = !textarea.value.trim();
    textarea.classList.toggle('is-urdu', arabic);
    textarea.classList.toggle('is-latin', !arabic && !empty);
  };
  textarea.addEventListener('input', update);
  update();
  return update;
}

/** Enter submits the form, Shift+Enter inserts a newline (IME composition is left alone). */
export function submitOnEnter(textarea) {
  textarea.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    textarea.form?.requestSubmit();
  });
}
