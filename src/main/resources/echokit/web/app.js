// EchoKit browser page: sends text messages over a WebSocket to this server's echo, shows each echo with its
// round-trip time, and charts the round trips of the last minute. Plain JavaScript, no build step.
'use strict';

/** The chart and the statistics cover this much time. */
const WINDOW_MS = 60_000;
/** Older log entries are dropped past this count, so a page left sending every second stays small. */
const LOG_LIMIT = 200;
/** How often the chart is redrawn, so that points slide left even when no echo comes in. */
const REDRAW_MS = 500;
/** What the "send one every second" box does. */
const AUTO_SEND_MS = 1000;

const el = (id) => document.getElementById(id);
const statusEl = el('status');
const urlEl = el('url');
const reconnectEl = el('reconnect');
const messageEl = el('message');
const sendEl = el('send');
const autoEl = el('auto');
const statsEl = el('stats');
const chartEl = el('chart');
const logEl = el('log');

const wsPath = document.querySelector('meta[name="echokit-ws-path"]').content;
const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${wsPath}`;

/** Messages sent and not yet echoed, oldest first: an echo server answers in order. */
const pending = [];
/** Round trips of the last minute: {at: ms since page load, rtt: ms}. */
const samples = [];
let socket = null;
let autoTimer = null;

function setStatus(state, text) {
  statusEl.className = `status ${state}`;
  statusEl.textContent = text;
}

function connect() {
  reconnectEl.hidden = true;
  pending.length = 0;
  setStatus('connecting', 'connecting');
  urlEl.textContent = wsUrl;
  socket = new WebSocket(wsUrl);
  socket.addEventListener('open', () => {
    setStatus('open', 'open');
    sendEl.disabled = false;
  });
  socket.addEventListener('message', (event) => onEcho(event.data));
  socket.addEventListener('close', (event) => {
    sendEl.disabled = true;
    setStatus('closed', `closed (${event.code}${event.reason ? ': ' + event.reason : ''})`);
    reconnectEl.hidden = false;
  });
}

function send(text) {
  if (!socket || socket.readyState !== WebSocket.OPEN) {
    return;
  }
  pending.push({ text, sentAt: performance.now() });
  socket.send(text);
}

function onEcho(data) {
  const now = performance.now();
  const sent = pending.shift();
  if (!sent) {
    return;
  }
  const rtt = now - sent.sentAt;
  samples.push({ at: now, rtt });
  addLogEntry(typeof data === 'string' ? data : '(binary)', rtt, data === sent.text);
  updateStats();
  drawChart();
}

function addLogEntry(text, rtt, matches) {
  const item = document.createElement('li');
  item.className = matches ? 'echo' : 'echo mismatch';
  item.dataset.rtt = rtt.toFixed(3);
  const textEl = document.createElement('span');
  textEl.className = 'text';
  textEl.textContent = text;
  const rttEl = document.createElement('span');
  rttEl.className = 'rtt';
  rttEl.textContent = `${formatMs(rtt)}${matches ? '' : ' (echo differs from what was sent)'}`;
  item.append(textEl, rttEl);
  logEl.prepend(item);
  while (logEl.children.length > LOG_LIMIT) {
    logEl.lastElementChild.remove();
  }
}

function formatMs(ms) {
  return ms < 10 ? `${ms.toFixed(2)} ms` : ms < 100 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

function recentSamples() {
  const since = performance.now() - WINDOW_MS;
  while (samples.length > 0 && samples[0].at < since) {
    samples.shift();
  }
  return samples;
}

function updateStats() {
  const recent = recentSamples();
  if (recent.length === 0) {
    statsEl.textContent = 'no echoes in the last minute';
    return;
  }
  const sorted = recent.map((s) => s.rtt).sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  statsEl.textContent = `${recent.length} echo${recent.length === 1 ? '' : 'es'}: min ${formatMs(sorted[0])}, `
    + `median ${formatMs(median)}, max ${formatMs(sorted[sorted.length - 1])}`;
}

/** The smallest of 1, 2, 5 × 10^n at or above {@code value}: a round top for the chart's axis. */
function niceCeiling(value) {
  const power = Math.pow(10, Math.floor(Math.log10(value)));
  for (const step of [1, 2, 5, 10]) {
    if (step * power >= value) {
      return step * power;
    }
  }
  return 10 * power;
}

function drawChart() {
  const ratio = window.devicePixelRatio || 1;
  const width = chartEl.clientWidth;
  const height = chartEl.clientHeight;
  if (chartEl.width !== Math.round(width * ratio) || chartEl.height !== Math.round(height * ratio)) {
    chartEl.width = Math.round(width * ratio);
    chartEl.height = Math.round(height * ratio);
  }
  const g = chartEl.getContext('2d');
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, width, height);

  const left = 56;
  const right = width - 10;
  const top = 10;
  const bottom = height - 24;
  const recent = recentSamples();
  const maxRtt = niceCeiling(Math.max(0.1, ...recent.map((s) => s.rtt)));
  const now = performance.now();
  const x = (at) => right - ((now - at) / WINDOW_MS) * (right - left);
  const y = (rtt) => bottom - (rtt / maxRtt) * (bottom - top);

  g.font = '11px system-ui, sans-serif';
  g.lineWidth = 1;
  g.strokeStyle = '#d5dae1';
  g.fillStyle = '#5b6472';
  g.textAlign = 'right';
  g.textBaseline = 'middle';
  for (let i = 0; i <= 4; i++) {
    const value = (maxRtt * i) / 4;
    g.beginPath();
    g.moveTo(left, y(value));
    g.lineTo(right, y(value));
    g.stroke();
    g.fillText(formatMs(value), left - 6, y(value));
  }
  g.textBaseline = 'top';
  for (const secondsAgo of [60, 45, 30, 15, 0]) {
    // The end labels are aligned inwards so that they stay inside the canvas.
    g.textAlign = secondsAgo === 60 ? 'left' : secondsAgo === 0 ? 'right' : 'center';
    g.fillText(secondsAgo === 0 ? 'now' : `−${secondsAgo} s`, x(now - secondsAgo * 1000), bottom + 6);
  }

  if (recent.length === 0) {
    return;
  }
  g.strokeStyle = '#1f6feb';
  g.lineWidth = 1.5;
  g.beginPath();
  recent.forEach((s, i) => (i === 0 ? g.moveTo(x(s.at), y(s.rtt)) : g.lineTo(x(s.at), y(s.rtt))));
  g.stroke();
  g.fillStyle = '#1f6feb';
  for (const s of recent) {
    g.beginPath();
    g.arc(x(s.at), y(s.rtt), 2.5, 0, 2 * Math.PI);
    g.fill();
  }
}

el('form').addEventListener('submit', (event) => {
  event.preventDefault();
  send(messageEl.value);
});
reconnectEl.addEventListener('click', connect);
autoEl.addEventListener('change', () => {
  clearInterval(autoTimer);
  autoTimer = autoEl.checked ? setInterval(() => send(messageEl.value), AUTO_SEND_MS) : null;
});
setInterval(() => {
  updateStats();
  drawChart();
}, REDRAW_MS);

connect();
drawChart();
