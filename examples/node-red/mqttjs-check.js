#!/usr/bin/node
// Runs the MQTT side of the example flows (flows.json) with MQTT.js, as a check that they
// work against a running bridge. It reads flows.json itself, so it does exactly what the flows
// do: subscribes to every `mqtt in` node's topic, publishes the click-to-call `inject` payload
// to the `mqtt out` node's topic with that node's Response Topic and an id as MQTT 5
// Correlation Data, and waits until each subscription got a message (a ringing agent for the
// screen pop, a queue count for the alert, the final correlated reply for click-to-call).
//
//   NODE_PATH=/usr/share/nodejs /usr/bin/node examples/node-red/mqttjs-check.js mqtt://127.0.0.1:1883
//
// Prints one JSON object with the first message per subscription; exits 0 when every
// subscription got one, 1 otherwise (2 without MQTT.js). Uses Debian's node-mqtt (4.3.6).
'use strict';

const fs = require('fs');
const path = require('path');
let mqtt;
try {
  mqtt = require('mqtt');
} catch (error) {
  // Debian installs node-mqtt (and its dependencies) under /usr/share/nodejs, which only
  // Debian's own node searches by itself.
  console.error('MQTT.js not found: apt-get install node-mqtt, and run with NODE_PATH=/usr/share/nodejs');
  process.exit(2);
}

const url = process.argv[2] || 'mqtt://127.0.0.1:1883';
const flows = JSON.parse(fs.readFileSync(path.join(__dirname, 'flows.json'), 'utf8'));
const subscriptions = flows.filter((n) => n.type === 'mqtt in').map((n) => n.topic);
const out = flows.find((n) => n.type === 'mqtt out');
const inject = flows.find((n) => n.type === 'inject');
const request = JSON.parse(inject.payload);
const id = `mqttjs-${Date.now()}-${Math.random().toString(16).slice(2, 8)}`;
const received = Object.fromEntries(subscriptions.map((topic) => [topic, null]));
const replies = [];

/// MQTT topic filter matching (`+` one level, `#` the rest).
function matches(filter, topic) {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length || (f[i] !== '+' && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}

const client = mqtt.connect(url, { protocolVersion: 5, clean: true, reconnectPeriod: 0, connectTimeout: 5000 });

let finished = false;
function finish(code, reason) {
  // Messages keep arriving until the connection is closed: report once.
  if (finished) return;
  finished = true;
  console.log(JSON.stringify({ id, subscriptions, published: out.topic, replies, received, reason }));
  client.end(true, () => process.exit(code));
  setTimeout(() => process.exit(code), 1000);
}

client.on('error', (error) => finish(1, `mqtt error: ${error.message}`));
client.on('connect', () => {
  client.subscribe(subscriptions, { qos: 1 }, (error) => {
    if (error) return finish(1, `subscribe failed: ${error.message}`);
    client.publish(out.topic, JSON.stringify({ id, ...request }), {
      qos: Number(out.qos),
      properties: { responseTopic: out.respTopic, correlationData: Buffer.from(id), contentType: out.contentType },
    });
  });
});
client.on('message', (topic, payload, packet) => {
  const text = payload.toString();
  if (text.length === 0) return;
  const value = JSON.parse(text);
  if (topic === out.respTopic) {
    const properties = packet.properties || {};
    const correlation = properties.correlationData ? properties.correlationData.toString() : null;
    if (correlation !== id) return;
    replies.push({ correlation, ...value });
    // `accepted` comes first; the flow waits for the outcome.
    if (value.status === 'accepted') return;
  }
  for (const filter of subscriptions) {
    if (received[filter] === null && matches(filter, topic)) received[filter] = { topic, ...value };
  }
  if (Object.values(received).every((v) => v !== null)) finish(0, 'complete');
});
setTimeout(() => finish(1, 'timed out after 30 s'), 30000);
