// The wallboard: every queue and agent the bridge publishes, live. It only reads retained
// state topics (docs/mqtt-api.md), so a page opened at any time shows everything at once.
'use strict';

/// What the page knows, keyed by the unencoded ids.
const board = {
  prefix: 'pbx',
  bridgeState: null,
  bridgeAMI: null,
  queues: new Map(), // q -> { count, stats, statsAt }
  agents: new Map(), // a -> { name, extension, phone, members: Map(q -> member) }
};

function queueEntry(q) {
  if (!board.queues.has(q)) board.queues.set(q, { count: null, stats: null, statsAt: 0 });
  return board.queues.get(q);
}
function agentEntry(a) {
  if (!board.agents.has(a)) board.agents.set(a, { name: null, extension: null, phone: null, members: new Map() });
  return board.agents.get(a);
}

/// Files one retained message into `board`; a zero-length payload (value null) is a clear.
function receive(topic, value) {
  const levels = topic.slice(board.prefix.length + 1).split('/');
  const [kind, id, field, sub] = [levels[0], levels[1] && PBX.decodeSegment(levels[1]), levels[2], levels[3]];
  if (kind === 'bridge') {
    if (id === 'state') board.bridgeState = value;
    if (id === 'ami') board.bridgeAMI = value;
  } else if (kind === 'queue') {
    const entry = queueEntry(id);
    if (field === 'count') entry.count = value;
    if (field === 'stats') {
      entry.stats = value;
      entry.statsAt = Date.now();
    }
    if (entry.count === null && entry.stats === null) board.queues.delete(id);
  } else if (kind === 'agent') {
    const entry = agentEntry(id);
    if (field === 'name') entry.name = value;
    if (field === 'extensionStatus') entry.extension = value;
    if (field === 'phoneNumber') entry.phone = value;
    if (field === 'queueMemberStatus' && sub !== undefined) {
      const queue = PBX.decodeSegment(sub);
      if (value === null || value.status === 'loggedoff') entry.members.delete(queue);
      else entry.members.set(queue, value);
    }
    if (!entry.name && !entry.extension && !entry.phone && entry.members.size === 0) board.agents.delete(id);
  }
  scheduleRender();
}

let renderPending = false;
function scheduleRender() {
  if (renderPending) return;
  renderPending = true;
  setTimeout(() => {
    renderPending = false;
    render();
  }, 50);
}

const busyWords = ['inuse', 'busy', 'ringing', 'ringinuse', 'onhold'];

/// Seconds the longest caller has waited now: ticking from `oldestWaitingSince` when the
/// bridge publishes it, else from `longestWaitSeconds` plus the time since that arrived.
function longestWait(entry, now) {
  const stats = entry.stats;
  const waiting = entry.count ? entry.count.count : stats ? stats.waiting : 0;
  if (!stats || waiting === 0) return { text: '–', exact: true, seconds: 0 };
  if (stats.oldestWaitingSince) {
    const seconds = (now - Date.parse(stats.oldestWaitingSince)) / 1000;
    return { text: PBX.duration(seconds), exact: true, seconds };
  }
  const seconds = stats.longestWaitSeconds + (now - entry.statsAt) / 1000;
  return { text: '≥ ' + PBX.duration(seconds), exact: false, seconds };
}

function queueRow(q, entry, now) {
  const s = entry.stats || {};
  const waiting = entry.count ? entry.count.count : (s.waiting ?? 0);
  const wait = longestWait(entry, now);
  let busy = '';
  if (s.membersByStatus) busy = busyWords.reduce((sum, word) => sum + (s.membersByStatus[word] || 0), 0);
  else if (s.members !== undefined) busy = Math.max(0, s.members - s.available - s.paused);
  let level = s.serviceLevel === undefined ? '' : `${s.serviceLevel}%`;
  if (s.serviceLevelSeconds) level += ` ≤${s.serviceLevelSeconds}s`;
  const E = PBX.element;
  return E('tr', { 'data-queue': q, class: waiting > 0 ? 'has-waiting' : '' },
    E('th', { class: 'name' }, q),
    E('td', { class: 'waiting' }, waiting),
    E('td', { class: 'longest', title: wait.exact ? '' : 'estimated: this bridge does not publish oldestWaitingSince' }, wait.text),
    E('td', { class: 'available' }, s.available ?? ''),
    E('td', { class: 'busy' }, busy),
    E('td', { class: 'paused' }, s.paused ?? ''),
    E('td', { class: 'completed' }, s.completed ?? ''),
    E('td', { class: 'abandoned' }, s.abandoned ?? ''),
    E('td', { class: 'sl' }, level));
}

/// The one word the board shows for an agent, and since when.
function agentStatus(entry) {
  const paused = [...entry.members.values()].filter((m) => m.paused);
  if (paused.length > 0) {
    const latest = paused.map((m) => m.since).sort().pop();
    return { word: 'paused', since: latest, reason: paused.map((m) => m.pausedReason).filter((r) => r).join(', ') };
  }
  const ext = entry.extension;
  if (!ext) return { word: 'unknown', since: null, reason: '' };
  const words = { not_inuse: 'available', inuse: 'talking', busy: 'busy', ringing: 'ringing', ringinuse: 'ringing',
    onhold: 'on hold', unavailable: 'offline' };
  return { word: words[ext.status] || ext.status, since: ext.since, reason: '' };
}

function agentRow(a, entry, now) {
  const status = agentStatus(entry);
  const E = PBX.element;
  const queues = [...entry.members.keys()].sort().map((q) =>
    E('span', { class: entry.members.get(q).paused ? 'chip paused' : 'chip' }, q));
  const phone = entry.phone ? `${entry.phone.number}${entry.phone.name ? ' ' + entry.phone.name : ''}` : '';
  return E('tr', { 'data-agent': a, 'data-status': status.word },
    E('th', { class: 'name' }, a, entry.name ? E('small', {}, ' ' + entry.name.name) : null),
    E('td', { class: 'status' }, E('span', { class: 'state', 'data-status': status.word }, status.word)),
    E('td', { class: 'time' }, status.since ? PBX.since(status.since, now) : ''),
    E('td', { class: 'number' }, phone),
    E('td', { class: 'queues' }, ...queues),
    E('td', { class: 'reason' }, status.reason));
}

const byId = (x, y) => x.localeCompare(y, undefined, { numeric: true });

function render() {
  const now = Date.now();
  PBX.bridgeBadge(board.bridgeState, board.bridgeAMI);
  document.body.dataset.bridge = board.bridgeState ? board.bridgeState.state : 'unknown';
  document.getElementById('clock').textContent = PBX.clock(new Date(now));
  const queues = [...board.queues.keys()].sort(byId).map((q) => queueRow(q, board.queues.get(q), now));
  document.querySelector('#queues tbody').replaceChildren(...queues);
  const agents = [...board.agents.keys()].sort(byId).map((a) => agentRow(a, board.agents.get(a), now));
  document.querySelector('#agents tbody').replaceChildren(...agents);
}

PBX.settings().then((config) => {
  board.prefix = config.prefix;
  const p = config.prefix;
  PBX.connect(config, 'wallboard', (client) => {
    // A fresh session gets every retained value again: start from nothing.
    board.queues.clear();
    board.agents.clear();
    client.subscribe([
      `${p}/bridge/state`, `${p}/bridge/ami`, `${p}/queue/+/count`, `${p}/queue/+/stats`,
      `${p}/agent/+/name`, `${p}/agent/+/extensionStatus`, `${p}/agent/+/phoneNumber`,
      `${p}/agent/+/queueMemberStatus/+`,
    ], { qos: 1 });
  }, receive);
  render();
  setInterval(render, 1000);
});
