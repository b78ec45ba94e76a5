// Shared by the wallboard (index.html) and the agent page (agent.html): where the broker is,
// the topic layout of docs/mqtt-api.md, the connection badge, and small formatting helpers.
// Plain browser JavaScript, no build step; MQTT.js comes from vendor/mqtt.min.js.
'use strict';

const PBX = (() => {
  const query = new URLSearchParams(window.location.search);

  /// Settings, most specific first: the query string (?broker=ws://host:9001&prefix=pbx&
  /// username=…&password=…), then config.json when the daemon serves the pages (http.web),
  /// then ws://<this page's host>:9001 (deploy/mosquitto.conf's websockets listener) and `pbx`.
  async function settings() {
    let served = {};
    if (window.location.protocol.startsWith('http')) {
      try {
        const response = await fetch('config.json', { cache: 'no-store' });
        if (response.ok) served = await response.json();
      } catch (error) {
        // Any static web server works: without config.json the defaults below apply.
      }
    }
    const host = window.location.hostname || '127.0.0.1';
    return {
      broker: query.get('broker') || served.broker || `ws://${host}:9001`,
      prefix: query.get('prefix') || served.prefix || 'pbx',
      username: query.get('username') || undefined,
      password: query.get('password') || undefined,
    };
  }

  /// One topic segment from an agent id or queue name, and back (docs/mqtt-api.md, "Ids in topics").
  function encodeSegment(id) {
    return id.replace(/[%/+#\u0000]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
  }
  function decodeSegment(segment) {
    return segment.replace(/%([0-9A-Fa-f]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
  }

  /// Connects with MQTT 5 and keeps the connection badge (#connection) current. `onConnect`
  /// runs on every (re)connect, so subscriptions come back after a broker restart.
  function connect(config, clientPrefix, onConnect, onMessage) {
    const badge = document.getElementById('connection');
    const show = (state, text) => {
      badge.dataset.state = state;
      badge.textContent = text;
    };
    show('connecting', `connecting to ${config.broker}`);
    const client = mqtt.connect(config.broker, {
      protocolVersion: 5,
      clean: true,
      clientId: `${clientPrefix}-${Math.random().toString(16).slice(2, 10)}`,
      username: config.username,
      password: config.password,
      reconnectPeriod: 2000,
      connectTimeout: 5000,
    });
    client.on('connect', () => {
      show('connected', `broker connected (${config.broker})`);
      onConnect(client);
    });
    client.on('reconnect', () => show('connecting', `reconnecting to ${config.broker}`));
    client.on('close', () => {
      if (badge.dataset.state === 'connected') show('disconnected', 'broker connection lost');
    });
    client.on('offline', () => show('disconnected', `broker unreachable (${config.broker})`));
    client.on('error', (error) => show('disconnected', `broker error: ${error.message}`));
    client.on('message', (topic, payload, packet) => {
      const text = payload.toString();
      let value = null;
      if (text.length > 0) {
        try {
          value = JSON.parse(text);
        } catch (error) {
          console.warn('not JSON on', topic, text);
          return;
        }
      }
      onMessage(topic, value, packet);
    });
    return client;
  }

  /// The bridge badge (#bridge): `{p}/bridge/state` and `{p}/bridge/ami`. Offline is red.
  function bridgeBadge(state, ami) {
    const badge = document.getElementById('bridge');
    if (!state) {
      badge.dataset.state = 'unknown';
      badge.textContent = 'bridge: no state published';
      return;
    }
    const online = state.state === 'online';
    const amiUp = ami && ami.state === 'connected';
    badge.dataset.state = online ? (amiUp ? 'online' : 'degraded') : 'offline';
    let text = online ? `bridge online ${state.version || ''}` : 'BRIDGE OFFLINE';
    if (online && ami) text += ` · Asterisk ${ami.state}`;
    if (online && ami && ami.error) text += `: ${ami.error}`;
    if (!online && state.since) text += ` since ${clock(new Date(state.since))}`;
    badge.textContent = text;
  }

  /// `m:ss` or `h:mm:ss` for a duration in seconds (never negative).
  function duration(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const rest = String(s % 60).padStart(2, '0');
    return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
  }
  function since(iso, now) {
    const t = Date.parse(iso);
    return Number.isNaN(t) ? '' : duration((now - t) / 1000);
  }
  function clock(date) {
    return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  }

  /// An element with text and attributes, the only way these pages build DOM (no innerHTML,
  /// so ids, names and reasons from the broker are never parsed as markup).
  function element(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes || {})) {
      if (value === undefined || value === null) continue;
      if (key.startsWith('data-') || key === 'class' || key === 'title') node.setAttribute(key, value);
      else node[key] = value;
    }
    for (const child of children) {
      if (child === undefined || child === null) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  return { settings, encodeSegment, decodeSegment, connect, bridgeBadge, duration, since, clock, element };
})();
