// The agent page: one agent's state, and the commands of docs/mqtt-api.md ("Commands") sent
// with an MQTT 5 Response Topic and Correlation Data; every reply (or refusal) is listed.
'use strict';

const agentId = new URLSearchParams(window.location.search).get('agent') || '';
const me = { name: null, extension: null, phone: null, members: new Map() };
const pending = new Map(); // correlation id -> list item of the request
let client = null;
let config = null;
let replyTopic = '';
let sequence = 0;

function receive(topic, value, packet) {
  if (topic === replyTopic) return reply(value, packet);
  const levels = topic.split('/');
  const field = levels[levels.length - 2] === 'queueMemberStatus' ? 'queueMemberStatus' : levels[levels.length - 1];
  if (topic === `${config.prefix}/bridge/state`) me.bridgeState = value;
  else if (topic === `${config.prefix}/bridge/ami`) me.bridgeAMI = value;
  else if (field === 'name') me.name = value;
  else if (field === 'extensionStatus') me.extension = value;
  else if (field === 'phoneNumber') me.phone = value;
  else if (field === 'queueMemberStatus') {
    const queue = PBX.decodeSegment(levels[levels.length - 1]);
    if (value === null || value.status === 'loggedoff') me.members.delete(queue);
    else me.members.set(queue, value);
  }
  render();
}

/// Shows a reply next to its request (matched by Correlation Data).
function reply(value, packet) {
  const correlation = packet.properties && packet.properties.correlationData
    ? packet.properties.correlationData.toString() : (value && value.id) || '';
  const item = pending.get(correlation) || PBX.element('li', {});
  if (!item.isConnected) document.getElementById('replies').prepend(item);
  if (!value) return;
  item.dataset.status = value.status;
  item.dataset.command = value.command;
  let text = `${value.command}: ${value.status}`;
  if (value.error) text += ` (${value.error.code}) ${value.error.message}`;
  if (value.data && value.data.queues) {
    const failed = Object.entries(value.data.queues).filter(([, r]) => r.status !== 'ok');
    for (const [queue, r] of failed) text += ` · ${queue}: ${r.message || r.code || r.status}`;
  }
  if (value.data && value.data.channel) text += ` · ${value.data.channel}`;
  if (value.data && value.data.reason) text += ` · ${value.data.reason}`;
  item.querySelector('.reply').textContent = text;
  if (value.status !== 'accepted') pending.delete(correlation);
}

/// Publishes `{p}/cmd/{command}`; the reply comes to this page's own topic.
function send(command, body) {
  const id = `web-${agentId}-${Date.now().toString(36)}-${++sequence}`;
  const E = PBX.element;
  const item = E('li', { 'data-status': 'sent', 'data-command': command, 'data-id': id },
    E('span', { class: 'request' }, `${PBX.clock(new Date())} ${command} ${JSON.stringify(body)} → `),
    E('span', { class: 'reply' }, 'waiting for the bridge…'));
  document.getElementById('replies').prepend(item);
  if (!client || !client.connected) {
    item.dataset.status = 'error';
    item.querySelector('.reply').textContent = 'not sent: the broker is not connected';
    return;
  }
  pending.set(id, item);
  client.publish(`${config.prefix}/cmd/${command}`, JSON.stringify({ id, ...body }), {
    qos: 1,
    properties: { responseTopic: replyTopic, correlationData: id, contentType: 'application/json' },
  }, (error) => {
    if (error) {
      item.dataset.status = 'error';
      item.querySelector('.reply').textContent = `not sent: ${error.message}`;
    }
  });
}

function render() {
  const now = Date.now();
  PBX.bridgeBadge(me.bridgeState, me.bridgeAMI);
  document.getElementById('agent-name').textContent = me.name ? me.name.name : '';
  const paused = [...me.members.values()].filter((m) => m.paused);
  let word = 'unknown';
  let since = null;
  if (paused.length > 0) {
    word = 'paused';
    since = paused.map((m) => m.since).sort().pop();
  } else if (me.extension) {
    word = { not_inuse: 'available', inuse: 'talking', ringing: 'ringing', unavailable: 'offline' }[me.extension.status]
      || me.extension.status;
    since = me.extension.since;
  }
  const status = document.getElementById('status');
  status.textContent = word;
  status.dataset.status = word;
  document.getElementById('status-time').textContent = since ? `for ${PBX.since(since, now)}` : '';
  document.getElementById('talking-to').textContent = me.phone
    ? `${me.phone.number} ${me.phone.name || ''}`.trim() : 'nobody';
  const E = PBX.element;
  const rows = [...me.members.keys()].sort().map((q) => {
    const m = me.members.get(q);
    return E('tr', { 'data-queue': q, 'data-status': m.status },
      E('th', {}, q),
      E('td', { class: 'status' }, m.paused ? 'paused' : m.status),
      E('td', { class: 'reason' }, m.pausedReason),
      E('td', { class: 'calls' }, m.callsTaken),
      E('td', {}, E('button', { type: 'button', class: 'logout', onclick: () => send('queue/remove', { queue: q, agent: agentId }) },
        'Log out')));
  });
  document.querySelector('#memberships tbody').replaceChildren(...rows);
}

document.getElementById('agent-id').textContent = agentId || '(add ?agent=ID to the address)';
document.getElementById('pause-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const reason = document.getElementById('pause-reason').value.trim();
  send('queue/pause', reason ? { agent: agentId, paused: true, reason } : { agent: agentId, paused: true });
});
document.getElementById('resume').addEventListener('click', () => send('queue/pause', { agent: agentId, paused: false }));
document.getElementById('login-form').addEventListener('submit', (event) => {
  event.preventDefault();
  send('queue/add', { queue: document.getElementById('login-queue').value.trim(), agent: agentId });
});
document.getElementById('call-form').addEventListener('submit', (event) => {
  event.preventDefault();
  send('originate', { from: agentId, to: document.getElementById('call-number').value.trim() });
});
document.getElementById('hangup').addEventListener('click', () => send('hangup', { agent: agentId }));

PBX.settings().then((settings) => {
  config = settings;
  const p = config.prefix;
  const a = PBX.encodeSegment(agentId);
  client = PBX.connect(config, `agent-${a}`, (connected) => {
    replyTopic = `${p}/reply/web/${connected.options.clientId}`;
    me.members.clear();
    connected.subscribe([
      `${p}/bridge/state`, `${p}/bridge/ami`, `${p}/agent/${a}/name`, `${p}/agent/${a}/extensionStatus`,
      `${p}/agent/${a}/phoneNumber`, `${p}/agent/${a}/queueMemberStatus/+`, replyTopic,
    ], { qos: 1 });
  }, receive);
  render();
  setInterval(render, 1000);
});
