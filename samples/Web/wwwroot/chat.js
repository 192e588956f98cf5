// The chat page: joins through GET /api/chat/{room}/events (Server-Sent Events) and acts through POSTs.
'use strict';
const params = new URLSearchParams(location.search);
const $ = id => document.getElementById(id);
let session = null, room = null, me = null, typing = false, typingTimer = null;

function notice(text) { $('notice').textContent = text; $('notice').hidden = !text; }

async function post(path, body) {
  const response = await fetch(`/api/chat/${encodeURIComponent(room)}/${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ session, ...body }),
  });
  if (!response.ok) notice(`Could not ${path}: ${await response.text()}`);
}

function addLine(line) {
  if (document.querySelector(`#messages li[data-id="${CSS.escape(line.id)}"]`)) return;   // history and live may meet
  const li = document.createElement('li');
  li.dataset.testid = 'message';
  li.dataset.id = line.id;
  li.dataset.author = line.author;
  const who = document.createElement('b');
  who.textContent = line.author;
  li.append(who, ': ', line.text);
  $('messages').append(li);
}

function renderMembers(members) {
  $('members').replaceChildren(...members.map(m => {
    const li = document.createElement('li');
    li.dataset.testid = 'member';
    li.dataset.name = m.name;
    li.dataset.typing = m.typing;
    li.textContent = m.name + (m.name === me ? ' (you)' : '');
    if (m.typing) { const t = document.createElement('span'); t.className = 'typing'; t.textContent = 'typing…'; li.append(t); }
    return li;
  }));
  const others = members.filter(m => m.typing && m.name !== me).map(m => m.name);
  $('typing').textContent = others.length ? `${others.join(', ')} ${others.length > 1 ? 'are' : 'is'} typing…` : '';
}

function setTyping(value) {
  if (typing === value) return;
  typing = value;
  post('typing', { typing: value });
}

async function join(user, roomName) {
  me = user; room = roomName;
  history.replaceState(null, '', `?room=${encodeURIComponent(room)}&user=${encodeURIComponent(user)}`);
  const info = await (await fetch('/api/info')).json();
  $('backend').textContent = `on ${info.chat.description}`;
  if (info.chat.notOffered) { notice(`Not offered on ${info.chat.backend}: ${info.chat.notOffered}`); return; }
  $('join').hidden = true;
  $('whoami').textContent = `· ${user} in ${room}`;
  const events = new EventSource(`/api/chat/${encodeURIComponent(room)}/events?user=${encodeURIComponent(user)}`);
  events.addEventListener('hello', e => { session = JSON.parse(e.data).session; $('chat').hidden = false; notice(''); });
  events.addEventListener('history', e => JSON.parse(e.data).forEach(addLine));
  events.addEventListener('message', e => addLine(JSON.parse(e.data)));
  events.addEventListener('members', e => renderMembers(JSON.parse(e.data)));
  events.onerror = () => notice('Connection to the server lost; reconnecting…');
}

$('join').addEventListener('submit', e => {
  e.preventDefault();
  const form = new FormData(e.target);
  join(form.get('user'), form.get('room'));
});

$('text').addEventListener('input', () => {
  setTyping($('text').value.length > 0);
  clearTimeout(typingTimer);
  typingTimer = setTimeout(() => setTyping(false), 5000);   // idle for a while: no longer typing
});

$('say').addEventListener('submit', async e => {
  e.preventDefault();
  const text = $('text').value.trim();
  if (!text) return;
  $('text').value = '';
  clearTimeout(typingTimer);
  typing = false;                       // the server clears it with the message
  await post('messages', { text });
});

if (params.get('user') && params.get('room')) join(params.get('user'), params.get('room'));
else if (params.get('room')) document.querySelector('#join [name=room]').value = params.get('room');
