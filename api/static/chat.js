// Rahnuma web chat: Urdu-first citizen interface for POST /v1/chat.
// Talks to: POST /v1/chat, GET /v1/sessions/{id} (polled every 3 s while a handoff is open),
// POST /v1/feedback. Interface language (ur/en) and the session id live in localStorage.
import {
  ApiError,
  apiJson,
  applyLangDir,
  dirForLanguage,
  el,
  followScript,
  formatDate,
  langAttrs,
  renderCitation,
  renderRichText,
  submitOnEnter,
  thumbIcon,
} from './common.js';

const STRINGS = {
  ur: {
    pageTitle: 'رہنما: سرکاری خدمات کا مددگار',
    title: 'رہنما',
    subtitle: 'سرکاری خدمات کے بارے میں اردو یا انگریزی میں پوچھیں',
    intro:
      'السلام علیکم! میں رہنما ہوں۔ شناختی کارڈ، پاسپورٹ، ڈرائیونگ لائسنس اور دیگر سرکاری خدمات کے بارے میں پوچھیں۔',
    toggle: 'English',
    toggleLang: 'en',
    toggleAria: 'Show the interface in English',
    messagesLabel: 'گفتگو',
    inputLabel: 'اپنا سوال لکھیں',
    placeholder: 'مثلاً: شناختی کارڈ کی تجدید کیسے کروں؟',
    hint: 'بھیجنے کے لیے Enter، نئی سطر کے لیے Shift+Enter دبائیں۔',
    send: 'بھیجیں',
    human: 'کسی نمائندے سے بات کریں',
    humanMessage: 'insaan se baat karni hai',
    newChat: 'نئی گفتگو',
    'role.citizen': 'آپ',
    'role.bot': 'رہنما',
    'role.agent': 'نمائندہ',
    emergency: 'ہنگامی',
    sources: 'ذرائع',
    lastVerified: 'آخری تصدیق',
    options: 'ان میں سے ایک منتخب کریں',
    feedbackGroup: 'کیا یہ جواب مفید تھا؟',
    helpful: 'مفید',
    notHelpful: 'مفید نہیں',
    feedbackThanks: 'شکریہ! آپ کی رائے محفوظ ہو گئی۔',
    commentLabel: 'مزید کچھ بتانا چاہیں؟ (اختیاری)',
    commentSend: 'تبصرہ بھیجیں',
    commentThanks: 'تبصرہ بھی محفوظ ہو گیا۔ شکریہ!',
    feedbackFailed: 'رائے محفوظ نہیں ہو سکی:',
    handoffBanner: 'آپ کو ایک نمائندے سے ملایا جا رہا ہے',
    reasonPrefix: 'وجہ:',
    'reason.low_confidence': 'رہنما کو اس سوال کا پکا جواب نہیں ملا',
    'reason.out_of_scope': 'یہ سوال رہنما کے دائرے سے باہر ہے',
    'reason.personal_case': 'یہ آپ کا ذاتی معاملہ ہے',
    'reason.user_requested': 'آپ نے نمائندے سے بات کرنے کا کہا',
    'reason.unsupported_language': 'رہنما ابھی یہ زبان نہیں سمجھتا',
    'reason.sensitive': 'یہ ایک حساس معاملہ ہے',
    'reason.emergency': 'ہنگامی صورتحال',
    thinking: 'رہنما جواب لکھ رہا ہے…',
    sendFailed: 'پیغام نہیں بھیجا جا سکا:',
    networkError: 'سرور سے رابطہ نہیں ہو سکا۔ کنکشن دیکھ کر دوبارہ کوشش کریں۔',
    emptyMessage: 'پہلے اپنا سوال لکھیں۔',
  },
  en: {
    pageTitle: 'Rahnuma: public services assistant',
    title: 'Rahnuma',
    subtitle: 'Ask about public services in Urdu or English',
    intro: 'Assalam-o-Alaikum! I am Rahnuma. Ask about CNICs, passports, driving licences and other public services.',
    toggle: 'اردو',
    toggleLang: 'ur',
    toggleAria: 'انٹرفیس اردو میں دکھائیں',
    messagesLabel: 'Conversation',
    inputLabel: 'Type your question',
    placeholder: 'e.g. How do I renew my CNIC?',
    hint: 'Press Enter to send, Shift+Enter for a new line.',
    send: 'Send',
    human: 'Talk to a person',
    humanMessage: 'I want to talk to a person',
    newChat: 'New conversation',
    'role.citizen': 'You',
    'role.bot': 'Rahnuma',
    'role.agent': 'Agent',
    emergency: 'Emergency',
    sources: 'Sources',
    lastVerified: 'last verified',
    options: 'Choose one of these',
    feedbackGroup: 'Was this answer helpful?',
    helpful: 'Helpful',
    notHelpful: 'Not helpful',
    feedbackThanks: 'Thank you! Your feedback was recorded.',
    commentLabel: 'Anything else to tell us? (optional)',
    commentSend: 'Send comment',
    commentThanks: 'Your comment was recorded too. Thank you!',
    feedbackFailed: 'Feedback could not be saved:',
    handoffBanner: 'Connecting you to a person',
    reasonPrefix: 'Reason:',
    'reason.low_confidence': 'Rahnuma is not sure of the answer',
    'reason.out_of_scope': 'This question is outside what Rahnuma covers',
    'reason.personal_case': 'This is about your own case',
    'reason.user_requested': 'You asked to talk to a person',
    'reason.unsupported_language': 'Rahnuma does not understand this language yet',
    'reason.sensitive': 'This is a sensitive matter',
    'reason.emergency': 'Emergency',
    thinking: 'Rahnuma is writing a reply…',
    sendFailed: 'Your message could not be sent:',
    networkError: 'Could not reach the server. Check your connection and try again.',
    emptyMessage: 'Please type your question first.',
  },
};

const UI_KEY = 'rahnuma.uiLang';
const SESSION_KEY = 'rahnuma.sessionId';
const POLL_MS = 3000;

const state = {
  ui: 'ur',
  sessionId: null,
  busy: false,
  seen: new Set(),
  handoffReason: null,
  polling: { generation: 0, timer: null, sawHandoff: false },
  nextId: 1,
};

const dom = {};

// ---------- storage and strings ----------

function load(key) {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

function save(key, value) {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // Storage may be unavailable (private mode); the chat still works for this page view.
  }
}

function t(key) {
  return STRINGS[state.ui][key] ?? STRINGS.en[key] ?? key;
}

function hasString(key) {
  return Object.hasOwn(STRINGS.en, key);
}

function uiAttrs() {
  return { lang: state.ui, dir: state.ui === 'ur' ? 'rtl' : 'ltr' };
}

function locale() {
  return state.ui === 'ur' ? 'ur-PK' : 'en-GB';
}

/** An element of interface chrome: carries the interface language and follows the toggle. */
function uiEl(tag, key, attrs = {}) {
  return el(tag, { ...attrs, 'data-ui': true, 'data-i18n': key, ...uiAttrs(), text: t(key) });
}

// ---------- interface language ----------

function translatePage() {
  const attrs = uiAttrs();
  applyLangDir(document.documentElement, attrs);
  document.title = t('pageTitle');
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll('[data-i18n-aria]')) {
    node.setAttribute('aria-label', t(node.dataset.i18nAria));
  }
  for (const node of document.querySelectorAll('[data-i18n-placeholder]')) {
    node.setAttribute('placeholder', t(node.dataset.i18nPlaceholder));
  }
  for (const node of document.querySelectorAll('[data-ui]')) applyLangDir(node, attrs);
  for (const node of document.querySelectorAll('[data-date]')) {
    node.textContent = formatDate(node.dataset.date, locale());
  }
  updateToggle();
}

function updateToggle() {
  const target = t('toggleLang');
  dom.toggle.textContent = t('toggle');
  dom.toggle.setAttribute('aria-label', t('toggleAria'));
  applyLangDir(dom.toggle, { lang: target, dir: dirForLanguage(target) });
}

function toggleLanguage() {
  state.ui = state.ui === 'ur' ? 'en' : 'ur';
  save(UI_KEY, state.ui);
  translatePage();
}

// ---------- session ----------

function rememberSession(sessionId) {
  if (!sessionId || sessionId === state.sessionId) return;
  state.sessionId = sessionId;
  save(SESSION_KEY, sessionId);
}

function forgetSession() {
  state.sessionId = null;
  save(SESSION_KEY, null);
}

function sessionUrl(sessionId) {
  return `/v1/sessions/${encodeURIComponent(sessionId)}`;
}

// ---------- message rendering ----------

function appendToLog(node) {
  dom.log.append(node);
  dom.log.scrollTop = dom.log.scrollHeight;
  return node;
}

function messageShell(role, attrs, children, { extraClass = '', messageId = null } = {}) {
  const label = el('span', { class: 'msg-label' }, [uiEl('span', `role.${role}`)]);
  const node = el('div', {
    class: `msg msg--${role}${extraClass ? ` ${extraClass}` : ''}`,
    'data-role': role,
    'data-message-id': messageId,
    ...attrs,
  }, [label, ...children]);
  return node;
}

function richText(text) {
  return el('div', { class: 'msg-text rich' }, [renderRichText(text)]);
}

function renderCitizen(text, language = null) {
  return messageShell('citizen', langAttrs(language, text), [richText(text)]);
}

function replyAttrs(language, text) {
  return language ? { lang: language, dir: dirForLanguage(language) } : langAttrs(null, text);
}

function renderBot(reply) {
  const emergency = reply.handoff_reason === 'emergency';
  const attrs = replyAttrs(reply.language, reply.answer);
  const children = [richText(reply.answer)];
  if (reply.citations?.length) children.push(renderCitations(reply.citations));
  if (reply.outcome === 'clarify' && reply.options?.length) children.push(renderOptions(reply.options, attrs));
  if (reply.message_id) children.push(renderFeedback(reply.message_id));
  const node = messageShell('bot', attrs, children, {
    extraClass: emergency ? 'msg--emergency' : '',
    messageId: reply.message_id,
  });
  if (emergency) node.querySelector('.msg-label').append(' · ', uiEl('span', 'emergency'));
  return node;
}

function renderAgent(message) {
  return messageShell('agent', langAttrs(message.language, message.text), [richText(message.text)], {
    messageId: message.message_id,
  });
}

function renderCitations(citations) {
  const labels = { lastVerified: t('lastVerified'), locale: locale(), uiLang: state.ui, uiDir: uiAttrs().dir };
  const list = el('ul', {}, citations.map((citation) => renderCitation(citation, labels)));
  return el('div', { class: 'citations', 'data-ui': true, ...uiAttrs() }, [
    el('p', { class: 'citations-title' }, [el('strong', { 'data-i18n': 'sources', text: t('sources') })]),
    list,
  ]);
}

function renderOptions(options, attrs) {
  const group = el('div', { class: 'options', role: 'group', 'aria-label': t('options'), 'data-i18n-aria': 'options' });
  for (const option of options) {
    group.append(el('button', {
      type: 'button',
      class: 'btn btn--secondary btn--small option',
      ...langAttrs(attrs.lang, option),
      onclick: () => chooseOption(group, option),
    }, [option]));
  }
  return group;
}

async function chooseOption(group, option) {
  const sent = await sendMessage(option);
  if (!sent) return;
  for (const button of group.querySelectorAll('button')) button.disabled = true;
}

function showPending() {
  const node = el('div', { class: 'msg msg--bot msg--pending', 'data-ui': true, ...uiAttrs() }, [
    el('span', { 'data-i18n': 'thinking', text: t('thinking') }),
  ]);
  return appendToLog(node);
}

// ---------- feedback ----------

function setStatus(node, key, text = null, isError = false) {
  node.hidden = false;
  node.classList.toggle('is-error', isError);
  if (key) {
    node.dataset.i18n = key;
    node.textContent = t(key);
  } else {
    delete node.dataset.i18n;
    node.textContent = text;
  }
}

function thumbButton(helpful) {
  const key = helpful ? 'helpful' : 'notHelpful';
  return el('button', {
    type: 'button',
    class: 'btn btn--secondary btn--small thumb',
    'aria-pressed': 'false',
    'data-helpful': String(helpful),
  }, [thumbIcon(!helpful), el('span', { 'data-i18n': key, text: t(key) })]);
}

function renderFeedback(messageId) {
  const up = thumbButton(true);
  const down = thumbButton(false);
  const status = el('p', { class: 'feedback-status', role: 'status', hidden: true });
  const box = el('div', {
    class: 'feedback',
    role: 'group',
    'aria-label': t('feedbackGroup'),
    'data-i18n-aria': 'feedbackGroup',
    'data-ui': true,
    ...uiAttrs(),
  }, [up, down, status]);
  const vote = (helpful) => sendVote({ box, messageId, helpful, up, down, status });
  up.addEventListener('click', () => vote(true));
  down.addEventListener('click', () => vote(false));
  return box;
}

async function sendVote({ box, messageId, helpful, up, down, status }) {
  up.disabled = true;
  down.disabled = true;
  try {
    await apiJson('/v1/feedback', { method: 'POST', body: { message_id: messageId, helpful } });
    (helpful ? up : down).setAttribute('aria-pressed', 'true');
    setStatus(status, 'feedbackThanks');
    box.append(renderCommentForm(messageId, helpful, status));
  } catch (error) {
    up.disabled = false;
    down.disabled = false;
    setStatus(status, null, `${t('feedbackFailed')} ${errorDetail(error)}`, true);
  }
}

function renderCommentForm(messageId, helpful, status) {
  const id = `feedback-comment-${state.nextId++}`;
  const textarea = el('textarea', { id, rows: 2, maxlength: 2000, dir: 'auto' });
  const submit = el('button', { type: 'submit', class: 'btn btn--small', 'data-i18n': 'commentSend', text: t('commentSend') });
  const form = el('form', { class: 'feedback-comment' }, [
    el('label', { for: id, 'data-i18n': 'commentLabel', text: t('commentLabel') }),
    textarea,
    submit,
  ]);
  followScript(textarea);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const comment = textarea.value.trim();
    if (!comment) {
      textarea.focus();
      return;
    }
    submit.disabled = true;
    try {
      await apiJson('/v1/feedback', { method: 'POST', body: { message_id: messageId, helpful, comment } });
      form.remove();
      setStatus(status, 'commentThanks');
    } catch (error) {
      submit.disabled = false;
      setStatus(status, null, `${t('feedbackFailed')} ${errorDetail(error)}`, true);
    }
  });
  return form;
}

// ---------- handoff banner and polling for agent replies ----------

function showHandoff(reason) {
  state.handoffReason = reason || null;
  dom.banner.hidden = false;
  dom.banner.classList.toggle('banner--emergency', reason === 'emergency');
  dom.bannerReason.replaceChildren();
  if (reason) {
    const key = `reason.${reason}`;
    dom.bannerReason.append(
      el('span', { 'data-i18n': 'reasonPrefix', text: t('reasonPrefix') }),
      ' ',
      hasString(key) ? el('span', { 'data-i18n': key, text: t(key) }) : el('bdi', {}, [reason]),
    );
  }
}

function hideHandoff() {
  state.handoffReason = null;
  dom.banner.hidden = true;
  dom.bannerReason.replaceChildren();
}

function startPolling() {
  const polling = state.polling;
  if (polling.timer !== null) return;
  polling.generation += 1;
  schedulePoll(polling.generation);
}

function stopPolling() {
  const polling = state.polling;
  polling.generation += 1;
  window.clearTimeout(polling.timer);
  polling.timer = null;
  polling.sawHandoff = false;
}

function schedulePoll(generation) {
  state.polling.timer = window.setTimeout(() => pollSession(generation), POLL_MS);
}

async function pollSession(generation) {
  const polling = state.polling;
  if (generation !== polling.generation || !state.sessionId) return;
  try {
    const session = await apiJson(sessionUrl(state.sessionId));
    if (generation !== polling.generation) return;
    appendAgentMessages(session.messages || []);
    if (session.status === 'handoff') {
      polling.sawHandoff = true;
    } else if (session.status) {
      // The handoff was resolved (or never recorded): stop asking.
      if (polling.sawHandoff) hideHandoff();
      polling.timer = null;
      stopPolling();
      return;
    }
  } catch (error) {
    if (generation !== polling.generation) return;
    if (error instanceof ApiError && error.status === 404) {
      forgetSession();
      hideHandoff();
      polling.timer = null;
      stopPolling();
      return;
    }
    // Anything else is treated as transient: try again on the next tick.
  }
  schedulePoll(generation);
}

function appendAgentMessages(messages) {
  for (const message of messages) {
    if (message.role !== 'agent' || state.seen.has(message.message_id)) continue;
    state.seen.add(message.message_id);
    appendToLog(renderAgent(message));
  }
}

// ---------- sending ----------

function errorDetail(error) {
  if (error instanceof ApiError && error.status === 0) return t('networkError');
  return error instanceof ApiError ? error.detail : String(error);
}

function showError(prefixKey, error) {
  dom.error.replaceChildren();
  if (error instanceof ApiError && error.status === 0) {
    dom.error.append(t('networkError'));
  } else if (error) {
    const detail = errorDetail(error);
    dom.error.append(t(prefixKey), ' ', el('bdi', langAttrs(null, detail), [detail]));
  } else {
    dom.error.append(t(prefixKey));
  }
  dom.error.hidden = false;
}

function hideError() {
  dom.error.hidden = true;
  dom.error.replaceChildren();
}

function setBusy(busy) {
  state.busy = busy;
  dom.send.disabled = busy;
  dom.human.disabled = busy;
  dom.log.setAttribute('aria-busy', String(busy));
}

function handleReply(reply, citizenNode, message) {
  rememberSession(reply.session_id);
  applyLangDir(citizenNode, langAttrs(reply.detected_language, message));
  state.seen.add(reply.message_id);
  appendToLog(renderBot(reply));
  if (reply.outcome === 'handoff') {
    showHandoff(reply.handoff_reason);
    startPolling();
  }
}

/** Send a citizen message; resolves to true when the API answered. */
async function sendMessage(text, { fromComposer = false } = {}) {
  const message = text.trim();
  if (!message) {
    showError('emptyMessage');
    dom.input.focus();
    return false;
  }
  if (state.busy) return false;
  setBusy(true);
  hideError();
  const citizenNode = appendToLog(renderCitizen(message));
  if (fromComposer) dom.input.value = '';
  const pending = showPending();
  try {
    const reply = await apiJson('/v1/chat', {
      method: 'POST',
      body: { message, session_id: state.sessionId, channel: 'web' },
    });
    pending.remove();
    handleReply(reply, citizenNode, message);
    return true;
  } catch (error) {
    pending.remove();
    citizenNode.remove();
    if (fromComposer && !dom.input.value) dom.input.value = text;
    showError('sendFailed', error);
    return false;
  } finally {
    setBusy(false);
    dom.refreshInputScript();
  }
}

function onSubmit(event) {
  event.preventDefault();
  sendMessage(dom.input.value, { fromComposer: true });
}

// ---------- history ----------

function renderHistoryMessage(message) {
  if (message.role === 'citizen') return renderCitizen(message.text, message.language);
  if (message.role === 'agent') return renderAgent(message);
  return renderBot({
    message_id: message.message_id,
    answer: message.text,
    language: message.language,
    outcome: message.outcome,
    handoff_reason: message.handoff_reason,
    citations: message.citations || [],
    options: [],
  });
}

async function restoreSession() {
  if (!state.sessionId) return;
  let session;
  setBusy(true);
  try {
    session = await apiJson(sessionUrl(state.sessionId));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) forgetSession();
    return;
  } finally {
    setBusy(false);
  }
  const messages = session.messages || [];
  for (const message of messages) {
    if (state.seen.has(message.message_id)) continue;
    state.seen.add(message.message_id);
    appendToLog(renderHistoryMessage(message));
  }
  if (session.status === 'handoff') {
    const lastHandoff = [...messages].reverse().find((m) => m.role === 'bot' && m.outcome === 'handoff');
    showHandoff(lastHandoff?.handoff_reason);
    state.polling.sawHandoff = true;
    startPolling();
  }
}

function newConversation() {
  stopPolling();
  forgetSession();
  hideHandoff();
  hideError();
  state.seen.clear();
  for (const node of dom.log.querySelectorAll('.msg')) node.remove();
  dom.input.focus();
}

// ---------- start ----------

function bindDom() {
  const byId = (id) => document.getElementById(id);
  Object.assign(dom, {
    toggle: byId('lang-toggle'),
    banner: byId('handoff-banner'),
    bannerReason: byId('handoff-reason'),
    log: byId('messages'),
    form: byId('composer'),
    input: byId('message-input'),
    send: byId('send-button'),
    human: byId('human-button'),
    newChat: byId('new-chat-button'),
    error: byId('error'),
  });
}

function init() {
  bindDom();
  state.ui = load(UI_KEY) === 'en' ? 'en' : 'ur';
  state.sessionId = load(SESSION_KEY);
  translatePage();
  dom.refreshInputScript = followScript(dom.input);
  submitOnEnter(dom.input);
  dom.form.addEventListener('submit', onSubmit);
  dom.toggle.addEventListener('click', toggleLanguage);
  dom.human.addEventListener('click', () => sendMessage(t('humanMessage')));
  dom.newChat.addEventListener('click', newConversation);
  restoreSession();
}

init();
