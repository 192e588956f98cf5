// The chat page with the official Ably SDK (ably-js) running in the browser, beside the .NET-backed page (chat.html):
// same channel (chat:<room>), same messages ({ text } named "message") and presence ({ typing }). The page never sees the
// API key: ably-js asks this server for a signed TokenRequest (authUrl), which the library's AblyTokenRequests makes.
'use strict';
const params = new URLSearchParams(location.search);
const $ = id => document.getElementById(id);
let channel = null, me = null;
const members = new Map();

function notice(text) { $('notice').textContent = text; $('notice').hidden = !text; }

function addLine(message) {
  if (message.name !== 'message' || document.querySelector(`#messages li[data-id="${CSS.escape(message.id)}"]`)) return;
  const li = document.createElement('li');
  li.dataset.testid = 'message';
  li.dataset.id = message.id;
  li.dataset.author = message.clientId;
  const who = document.createElement('b');
  who.textContent = message.clientId;
  li.append(who, ': ', message.data?.text ?? '');
  $('messages').append(li);
}

function renderMembers() {
  $('members').replaceChildren(...[...members.values()].sort().map(name => {
    const li = document.createElement('li');
    li.dataset.testid = 'member';
    li.dataset.name = name;
    li.textContent = name + (name === me ? ' (you)' : '');
    return li;
  }));
}

async function join(user, room) {
  me = user;
  history.replaceState(null, '', `?room=${encodeURIComponent(room)}&user=${encodeURIComponent(user)}`);
  const info = await (await fetch('/api/info')).json();
  if (!info.ablyBrowser) { notice(`Not offered: ${info.ablyBrowserNotOffered}`); return; }
  if (typeof Ably === 'undefined') { notice('ably-js is not installed: run npm ci --prefix tests/interop'); return; }
  $('backend').textContent = `on ${info.chat.description}, from this page`;
  const client = new Ably.Realtime({
    authUrl: `/api/ably/token-request?clientId=${encodeURIComponent(user)}`,
    clientId: user,
    ...info.ablyBrowser,                 // the emulator's endpoint, port and tls; empty for the hosted service
  });
  channel = client.channels.get(`chat:${room}`);
  await channel.subscribe('message', addLine);
  await channel.presence.subscribe(m => {
    if (m.action === 'leave' || m.action === 'absent') members.delete(m.connectionId + ':' + m.clientId);
    else members.set(m.connectionId + ':' + m.clientId, m.clientId);
    renderMembers();
  });
  await channel.presence.enter({ typing: false });
  for (const m of await channel.presence.get()) members.set(m.connectionId + ':' + m.clientId, m.clientId);
  renderMembers();
  const past = await channel.history({ untilAttach: true, limit: 100 });
  past.items.reverse().forEach(addLine);
  $('join').hidden = true;
  $('chat').hidden = false;
  $('whoami').textContent = `· ${user} in ${room}`;
}

$('join').addEventListener('submit', e => {
  e.preventDefault();
  const form = new FormData(e.target);
  join(form.get('user'), form.get('room')).catch(err => notice(`Could not join: ${err.message}`));
});

$('say').addEventListener('submit', async e => {
  e.preventDefault();
  const text = $('text').value.trim();
  if (!text) return;
  $('text').value = '';
  await channel.publish('message', { text });
});

if (params.get('user') && params.get('room')) join(params.get('user'), params.get('room')).catch(err => notice(`Could not join: ${err.message}`));
