// Rahnuma agent console: staff work the handoff queue.
// Talks to (all with "Authorization: Bearer <token>"): GET /v1/handoffs, GET /v1/handoffs/{id},
// POST /v1/handoffs/{id}/claim | reply | resolve, GET /v1/search?q=. The token lives in
// sessionStorage (this tab only); any 401 signs the agent out with a message.
import {
  ApiError,
  apiJson,
  applyLangDir,
  el,
  externalLink,
  followScript,
  formatDate,
  langAttrs,
  renderCitation,
  renderRichText,
} from './common.js';

const TOKEN_KEY = 'rahnuma.staffToken';
const REFRESH_MS = 5000;
const TICK_MS = 1000;
const STATUSES = new Set(['open', 'claimed', 'resolved']);
const LANGUAGE_NAMES = {
  ur: 'Urdu',
  en: 'English',
  'ur-Latn': 'Roman Urdu',
  sd: 'Sindhi',
  ps: 'Pashto',
  pa: 'Punjabi',
};
const REASON_NAMES = {
  low_confidence: 'Low confidence',
  out_of_scope: 'Out of scope',
  personal_case: 'Personal case',
  user_requested: 'Asked for a person',
  unsupported_language: 'Unsupported language',
  sensitive: 'Sensitive',
  emergency: 'Emergency',
};
const ROLE_NAMES = { citizen: 'Citizen', bot: 'Bot', agent: 'Agent' };
const CITATION_LABELS = { lastVerified: 'last verified', locale: 'en-GB', uiLang: 'en', uiDir: 'ltr' };

const state = {
  token: null,
  handoffs: new Map(),
  fetchedAt: 0,
  queueRequest: 0,
  selectedId: null,
  detail: null,
  detailFetchedAt: 0,
  detailSignature: '',
  refreshing: false,
  timers: { refresh: null, tick: null },
};

const dom = {};

// ---------- small helpers ----------

function languageName(code) {
  return LANGUAGE_NAMES[code] || code || 'Unknown';
}

function reasonName(reason) {
  return REASON_NAMES[reason] || reason || 'Unknown';
}

function formatDuration(totalSeconds) {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

function waitingText(handoff, fetchedAt) {
  const base = Number(handoff.waiting_seconds) || 0;
  if (handoff.status === 'resolved') return `Waited ${formatDuration(base)}`;
  return `Waiting ${formatDuration(base + (Date.now() - fetchedAt) / 1000)}`;
}

function describe(error) {
  if (!(error instanceof ApiError)) return String(error);
  if (error.status === 0) return 'the server could not be reached';
  if (error.status === 403) return `your account is not allowed to do this (${error.detail})`;
  return `${error.detail} (HTTP ${error.status})`;
}

function setLine(node, text, isError = false) {
  node.textContent = text;
  node.classList.toggle('is-error', isError);
}

function isUnauthorized(error) {
  return error instanceof ApiError && error.status === 401;
}

function timeOfDay() {
  return new Date().toLocaleTimeString('en-GB');
}

// ---------- API with the staff token ----------

async function api(path, options = {}) {
  try {
    return await apiJson(path, { ...options, token: state.token });
  } catch (error) {
    if (isUnauthorized(error)) {
      signOut('Your token was not accepted or has expired. Please sign in again.');
    }
    throw error;
  }
}

// ---------- sign in / out ----------

function showNotice(text) {
  dom.loginNotice.textContent = text;
  dom.loginNotice.hidden = !text;
}

function showConsole() {
  dom.loginView.hidden = true;
  dom.consoleView.hidden = false;
  dom.logout.hidden = false;
  showNotice('');
  startTimers();
}

function signOut(message) {
  stopTimers();
  state.token = null;
  state.selectedId = null;
  state.detail = null;
  state.detailSignature = '';
  state.handoffs.clear();
  try {
    window.sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Nothing stored, nothing to remove.
  }
  dom.queue.replaceChildren();
  clearDetail();
  dom.consoleView.hidden = true;
  dom.logout.hidden = true;
  dom.loginView.hidden = false;
  showNotice(message || '');
  dom.tokenInput.focus();
}

async function signIn(token) {
  state.token = token;
  await loadQueue();
  try {
    window.sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // Without sessionStorage the agent signs in again after a reload.
  }
  showConsole();
}

async function onLogin(event) {
  event.preventDefault();
  const token = dom.tokenInput.value.trim();
  if (!token) {
    showNotice('Paste your staff token first.');
    dom.tokenInput.focus();
    return;
  }
  dom.loginButton.disabled = true;
  try {
    await signIn(token);
    dom.tokenInput.value = '';
  } catch (error) {
    if (!isUnauthorized(error)) {
      state.token = null;
      showNotice(`Could not sign in: ${describe(error)}.`);
    }
  } finally {
    dom.loginButton.disabled = false;
  }
}

// ---------- queue ----------

function queueUrl() {
  const params = new URLSearchParams();
  if (dom.statusFilter.value) params.set('status', dom.statusFilter.value);
  if (dom.languageFilter.value) params.set('language', dom.languageFilter.value);
  const query = params.toString();
  return query ? `/v1/handoffs?${query}` : '/v1/handoffs';
}

async function loadQueue() {
  const request = ++state.queueRequest;
  const handoffs = await api(queueUrl());
  if (request !== state.queueRequest) return;
  state.handoffs = new Map((Array.isArray(handoffs) ? handoffs : []).map((h) => [h.handoff_id, h]));
  state.fetchedAt = Date.now();
  renderQueue();
  const count = state.handoffs.size;
  setLine(dom.queueStatus, `${count} handoff${count === 1 ? '' : 's'} · updated ${timeOfDay()}`);
}

function badge(status) {
  const known = STATUSES.has(status) ? status : 'resolved';
  return el('span', { class: `badge badge--${known}`, text: status || 'unknown' });
}

function queueRow(handoff) {
  const last = handoff.last_message || '';
  const button = el('button', {
    type: 'button',
    class: 'queue-item',
    'data-handoff-id': handoff.handoff_id,
    'data-session-id': handoff.session_id,
    'aria-current': handoff.handoff_id === state.selectedId ? 'true' : 'false',
    onclick: () => selectHandoff(handoff.handoff_id),
  }, [
    el('span', { class: 'qi-top' }, [el('span', { text: reasonName(handoff.reason) }), badge(handoff.status)]),
    el('span', { class: 'qi-meta', text: `${languageName(handoff.language)} · ${handoff.channel || 'web'}` }),
    el('span', { class: 'qi-wait', text: waitingText(handoff, state.fetchedAt) }),
    last ? el('span', { class: 'qi-last', ...langAttrs(handoff.language, last) }, [last]) : null,
  ]);
  return el('li', {}, [button]);
}

function renderQueue() {
  const focusedId = document.activeElement?.closest?.('.queue-item')?.dataset.handoffId ?? null;
  const rows = [...state.handoffs.values()].map(queueRow);
  dom.queue.replaceChildren(...rows);
  if (!rows.length) dom.queue.append(el('li', { class: 'empty', text: 'No handoffs match these filters.' }));
  if (focusedId) {
    dom.queue.querySelector(`[data-handoff-id="${CSS.escape(focusedId)}"]`)?.focus();
  }
}

function tick() {
  for (const row of dom.queue.querySelectorAll('.queue-item')) {
    const handoff = state.handoffs.get(row.dataset.handoffId);
    const wait = row.querySelector('.qi-wait');
    if (handoff && wait) wait.textContent = waitingText(handoff, state.fetchedAt);
  }
  const waitCell = dom.detailMeta.querySelector('[data-field="waiting"]');
  if (waitCell && state.detail) waitCell.textContent = waitingText(state.detail, state.detailFetchedAt);
}

// ---------- selected handoff ----------

function clearDetail() {
  dom.detail.hidden = true;
  dom.detailEmpty.hidden = false;
  dom.detailMeta.replaceChildren();
  dom.transcript.replaceChildren();
  dom.replyInput.value = '';
  setLine(dom.actionStatus, '');
  renderAssist(null);
}

function selectHandoff(handoffId) {
  if (handoffId !== state.selectedId) {
    state.selectedId = handoffId;
    state.detailSignature = '';
    dom.replyInput.value = '';
    setLine(dom.actionStatus, '');
  }
  for (const row of dom.queue.querySelectorAll('.queue-item')) {
    row.setAttribute('aria-current', row.dataset.handoffId === handoffId ? 'true' : 'false');
  }
  loadDetail().catch((error) => {
    if (!isUnauthorized(error)) setLine(dom.actionStatus, `Could not load the handoff: ${describe(error)}.`, true);
  });
}

function detailSignature(detail) {
  const transcript = detail.transcript || [];
  return JSON.stringify([
    detail.handoff_id,
    detail.status,
    detail.claimed_by,
    transcript.length,
    transcript.at(-1)?.message_id ?? null,
    detail.suggested_answer,
  ]);
}

async function loadDetail() {
  const handoffId = state.selectedId;
  if (!handoffId) return;
  const detail = await api(`/v1/handoffs/${encodeURIComponent(handoffId)}`);
  if (handoffId !== state.selectedId) return;
  state.detail = detail;
  state.detailFetchedAt = Date.now();
  const signature = detailSignature(detail);
  if (signature === state.detailSignature) return;
  state.detailSignature = signature;
  renderDetail(detail);
}

function metaRow(term, value, field = null) {
  return [el('dt', { text: term }), el('dd', { 'data-field': field, text: value })];
}

function renderDetail(detail) {
  dom.detailEmpty.hidden = true;
  dom.detail.hidden = false;
  dom.detailMeta.replaceChildren(
    ...metaRow('Status', detail.status),
    ...metaRow('Reason', reasonName(detail.reason)),
    ...metaRow('Language', languageName(detail.language)),
    ...metaRow('Channel', detail.channel || 'web'),
    ...metaRow('Waiting', waitingText(detail, state.detailFetchedAt), 'waiting'),
    ...metaRow('Claimed by', detail.claimed_by || '—'),
    ...metaRow('Session', detail.session_id),
  );
  const resolved = detail.status === 'resolved';
  dom.claimButton.disabled = detail.status !== 'open';
  dom.resolveButton.disabled = resolved;
  dom.replyButton.disabled = resolved;
  renderTranscript(detail.transcript || []);
  renderAssist(detail);
}

function transcriptMessage(message) {
  const role = ROLE_NAMES[message.role] ? message.role : 'bot';
  const when = message.created_at ? formatDate(message.created_at, 'en-GB') : '';
  const time = message.created_at ? new Date(message.created_at) : null;
  const clock = time && !Number.isNaN(time.getTime()) ? time.toLocaleTimeString('en-GB') : '';
  const label = [ROLE_NAMES[role], clock || when].filter(Boolean).join(' · ');
  const children = [
    el('span', { class: 'msg-label', lang: 'en', dir: 'ltr', text: label }),
    el('div', { class: 'msg-text rich' }, [renderRichText(message.text)]),
  ];
  if (message.citations?.length) {
    children.push(el('div', { class: 'citations', lang: 'en', dir: 'ltr' }, [
      el('ul', {}, message.citations.map((c) => renderCitation(c, CITATION_LABELS))),
    ]));
  }
  return el('div', {
    class: `msg msg--${role}`,
    'data-role': role,
    'data-message-id': message.message_id,
    ...langAttrs(message.language, message.text),
  }, children);
}

function renderTranscript(messages) {
  dom.transcript.replaceChildren(...messages.map(transcriptMessage));
  dom.transcript.scrollTop = dom.transcript.scrollHeight;
}

function renderAssist(detail) {
  const suggested = detail?.suggested_answer || '';
  const sources = detail?.sources || [];
  dom.assistEmpty.hidden = Boolean(suggested);
  dom.suggested.hidden = !suggested;
  dom.useSuggested.hidden = !suggested;
  dom.suggested.replaceChildren(renderRichText(suggested));
  if (suggested) applyLangDir(dom.suggested, langAttrs(detail.language, suggested));
  dom.sources.hidden = !sources.length;
  dom.sourceList.replaceChildren(...sources.map((c) => renderCitation(c, CITATION_LABELS)));
}

// ---------- actions ----------

function setReplyText(text) {
  dom.replyInput.value = text;
  dom.refreshReplyScript();
  dom.replyInput.focus();
}

function useSuggested() {
  if (state.detail?.suggested_answer) setReplyText(state.detail.suggested_answer);
}

function insertSnippet(snippet) {
  if (!state.selectedId) {
    setLine(dom.searchStatus, 'Select a handoff first, then insert the snippet into your reply.', true);
    return;
  }
  const current = dom.replyInput.value.trimEnd();
  setReplyText(current ? `${current}\n\n${snippet}` : snippet);
}

async function reloadAfterAction() {
  state.detailSignature = '';
  await Promise.all([loadDetail(), loadQueue()]);
}

async function runAction(action, doneText) {
  const handoffId = state.selectedId;
  if (!handoffId) return;
  const button = action === 'claim' ? dom.claimButton : dom.resolveButton;
  button.disabled = true;
  setLine(dom.actionStatus, `${action === 'claim' ? 'Claiming' : 'Resolving'}…`);
  try {
    await api(`/v1/handoffs/${encodeURIComponent(handoffId)}/${action}`, { method: 'POST' });
    setLine(dom.actionStatus, doneText);
    await reloadAfterAction();
  } catch (error) {
    if (isUnauthorized(error)) return;
    button.disabled = false;
    setLine(dom.actionStatus, `Could not ${action}: ${describe(error)}.`, true);
  }
}

async function onReply(event) {
  event.preventDefault();
  const handoffId = state.selectedId;
  const text = dom.replyInput.value.trim();
  if (!handoffId) return;
  if (!text) {
    setLine(dom.actionStatus, 'Write a reply first.', true);
    dom.replyInput.focus();
    return;
  }
  dom.replyButton.disabled = true;
  try {
    const result = await api(`/v1/handoffs/${encodeURIComponent(handoffId)}/reply`, {
      method: 'POST',
      body: { text },
    });
    dom.replyInput.value = '';
    dom.refreshReplyScript();
    const undelivered = result && result.delivered === false;
    setLine(
      dom.actionStatus,
      undelivered ? `Reply saved but not delivered (${result.delivery || 'unknown'}).` : 'Reply sent.',
      undelivered,
    );
    await reloadAfterAction();
  } catch (error) {
    if (!isUnauthorized(error)) setLine(dom.actionStatus, `Could not send the reply: ${describe(error)}.`, true);
  } finally {
    dom.replyButton.disabled = state.detail?.status === 'resolved';
  }
}

// ---------- corpus search ----------

function resultItem(hit) {
  const title = hit.title || hit.doc_id || hit.url || '';
  const snippet = hit.snippet || '';
  return el('li', { class: 'result' }, [
    el('div', { class: 'result-title' }, [externalLink(hit.url, title, langAttrs(hit.lang, title))]),
    hit.section ? el('div', { class: 'result-section', ...langAttrs(hit.lang, hit.section) }, [hit.section]) : null,
    el('p', { class: 'result-snippet', ...langAttrs(hit.lang, snippet) }, [snippet]),
    el('button', {
      type: 'button',
      class: 'btn btn--small btn--secondary',
      'aria-label': `Insert the snippet from “${title}” into the reply`,
      onclick: () => insertSnippet(snippet),
    }, ['Insert']),
  ]);
}

async function onSearch(event) {
  event.preventDefault();
  const query = dom.searchInput.value.trim();
  if (!query) {
    setLine(dom.searchStatus, 'Type something to search for.', true);
    dom.searchInput.focus();
    return;
  }
  setLine(dom.searchStatus, 'Searching…');
  try {
    const hits = await api(`/v1/search?q=${encodeURIComponent(query)}`);
    const list = Array.isArray(hits) ? hits : [];
    dom.searchResults.replaceChildren(...list.map(resultItem));
    setLine(dom.searchStatus, list.length ? `${list.length} result${list.length === 1 ? '' : 's'}` : 'No results.');
  } catch (error) {
    if (!isUnauthorized(error)) setLine(dom.searchStatus, `Search failed: ${describe(error)}.`, true);
  }
}

// ---------- refresh loop ----------

async function refresh() {
  if (!state.token || state.refreshing) return;
  state.refreshing = true;
  try {
    await loadQueue();
    if (state.selectedId) await loadDetail();
  } catch (error) {
    if (!isUnauthorized(error)) setLine(dom.queueStatus, `Refresh failed: ${describe(error)}.`, true);
  } finally {
    state.refreshing = false;
  }
}

function startTimers() {
  stopTimers();
  state.timers.refresh = window.setInterval(refresh, REFRESH_MS);
  state.timers.tick = window.setInterval(tick, TICK_MS);
}

function stopTimers() {
  window.clearInterval(state.timers.refresh);
  window.clearInterval(state.timers.tick);
  state.timers.refresh = null;
  state.timers.tick = null;
}

function onFilterChange() {
  loadQueue().catch((error) => {
    if (!isUnauthorized(error)) setLine(dom.queueStatus, `Could not load the queue: ${describe(error)}.`, true);
  });
}

// ---------- start ----------

function bindDom() {
  const byId = (id) => document.getElementById(id);
  Object.assign(dom, {
    loginView: byId('login-view'),
    loginForm: byId('login-form'),
    loginNotice: byId('login-notice'),
    loginButton: byId('login-button'),
    tokenInput: byId('token-input'),
    logout: byId('logout-button'),
    consoleView: byId('console-view'),
    statusFilter: byId('status-filter'),
    languageFilter: byId('language-filter'),
    queue: byId('queue'),
    queueStatus: byId('queue-status'),
    detail: byId('detail'),
    detailEmpty: byId('detail-empty'),
    detailMeta: byId('detail-meta'),
    claimButton: byId('claim-button'),
    resolveButton: byId('resolve-button'),
    actionStatus: byId('action-status'),
    transcript: byId('transcript'),
    replyForm: byId('reply-form'),
    replyInput: byId('reply-input'),
    replyButton: byId('reply-button'),
    assistEmpty: byId('assist-empty'),
    suggested: byId('suggested'),
    sources: byId('suggested-sources'),
    sourceList: byId('suggested-source-list'),
    useSuggested: byId('use-suggested-button'),
    searchForm: byId('search-form'),
    searchInput: byId('search-input'),
    searchStatus: byId('search-status'),
    searchResults: byId('search-results'),
  });
}

function bindEvents() {
  dom.loginForm.addEventListener('submit', onLogin);
  dom.logout.addEventListener('click', () => signOut('You have signed out.'));
  dom.statusFilter.addEventListener('change', onFilterChange);
  dom.languageFilter.addEventListener('change', onFilterChange);
  dom.claimButton.addEventListener('click', () => runAction('claim', 'Claimed. You can reply now.'));
  dom.resolveButton.addEventListener('click', () => runAction('resolve', 'Resolved.'));
  dom.replyForm.addEventListener('submit', onReply);
  dom.replyInput.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      dom.replyForm.requestSubmit();
    }
  });
  dom.useSuggested.addEventListener('click', useSuggested);
  dom.searchForm.addEventListener('submit', onSearch);
}

function storedToken() {
  try {
    return window.sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function init() {
  bindDom();
  bindEvents();
  dom.refreshReplyScript = followScript(dom.replyInput);
  const token = storedToken();
  if (!token) {
    dom.tokenInput.focus();
    return;
  }
  signIn(token).catch((error) => {
    if (!isUnauthorized(error)) showNotice(`Could not load the queue: ${describe(error)}.`);
  });
}

init();
