// The todo-list page: opens the list through GET /api/todo/{list}/events (Server-Sent Events) and edits through POSTs.
'use strict';
const params = new URLSearchParams(location.search);
const $ = id => document.getElementById(id);
let session = null, list = null, items = [];

function notice(text) { $('notice').textContent = text; $('notice').hidden = !text; }

async function post(path, body) {
  const response = await fetch(`/api/todo/${encodeURIComponent(list)}/${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ session, ...body }),
  });
  if (!response.ok) { notice(`Could not ${path}: ${await response.text()}`); return null; }
  return response.json();
}

function button(label, testid, title, onclick) {
  const b = document.createElement('button');
  b.type = 'button'; b.textContent = label; b.title = title; b.dataset.testid = testid; b.onclick = onclick;
  return b;
}

function render(state) {
  items = state.items;
  $('status').textContent = state.offline ? `offline, ${state.pending} edit(s) waiting` : 'online';
  $('offline').checked = state.offline;
  $('items').replaceChildren(...items.map((item, index) => {
    const li = document.createElement('li');
    li.dataset.testid = 'item';
    li.dataset.id = item.id;
    li.dataset.title = item.title;
    li.classList.toggle('done', item.done);
    const done = document.createElement('input');
    done.type = 'checkbox'; done.checked = item.done; done.dataset.testid = 'done';
    done.onchange = () => post(`items/${encodeURIComponent(item.id)}/done`, { done: done.checked });
    const title = document.createElement('span');
    title.dataset.testid = 'title'; title.textContent = item.title;
    const by = document.createElement('span');
    by.className = 'by'; by.textContent = item.updatedBy ? `(${item.updatedBy})` : '';
    li.append(done, title, by,
      button('↑', 'up', 'Move up', () => post(`items/${encodeURIComponent(item.id)}/move`, { index: index - 1 })),
      button('↓', 'down', 'Move down', () => post(`items/${encodeURIComponent(item.id)}/move`, { index: index + 1 })),
      button('✎', 'rename', 'Rename', () => rename(li, item)),
      button('✕', 'remove', 'Remove', () => post(`items/${encodeURIComponent(item.id)}/remove`, {})));
    return li;
  }));
}

function rename(li, item) {
  const input = document.createElement('input');
  input.type = 'text'; input.value = item.title; input.dataset.testid = 'rename-input';
  input.onkeydown = e => {
    if (e.key === 'Enter' && input.value.trim()) post(`items/${encodeURIComponent(item.id)}/title`, { title: input.value.trim() });
    if (e.key === 'Enter' || e.key === 'Escape') render({ items, offline: $('offline').checked, pending: 0 });
  };
  li.querySelector('[data-testid=title]').replaceWith(input);
  input.focus();
}

async function open(user, listName) {
  list = listName;
  history.replaceState(null, '', `?list=${encodeURIComponent(list)}&user=${encodeURIComponent(user)}`);
  const info = await (await fetch('/api/info')).json();
  $('backend').textContent = `on ${info.todo.description}`;
  if (info.todo.notOffered) { notice(`Not offered on ${info.todo.backend}: ${info.todo.notOffered}`); return; }
  $('join').hidden = true;
  $('whoami').textContent = `· ${user} on ${list}`;
  const events = new EventSource(`/api/todo/${encodeURIComponent(list)}/events?user=${encodeURIComponent(user)}`);
  events.addEventListener('hello', e => { session = JSON.parse(e.data).session; $('todo').hidden = false; notice(''); });
  events.addEventListener('items', e => render(JSON.parse(e.data)));
  events.onerror = () => notice('Connection to the server lost; reconnecting…');
}

$('join').addEventListener('submit', e => {
  e.preventDefault();
  const form = new FormData(e.target);
  open(form.get('user'), form.get('list'));
});

$('add').addEventListener('submit', async e => {
  e.preventDefault();
  const title = $('title').value.trim();
  if (!title) return;
  $('title').value = '';
  await post('items', { title });
});

$('offline').addEventListener('change', async () => {
  const result = await post('offline', { offline: $('offline').checked });
  if (result && result.report) {
    const r = result.report;
    $('report').textContent = `Back online: ${r.applied} edit(s) applied` + (r.dropped.length ? `; not applied: ${r.dropped.join('; ')}` : '');
  }
  $('status').textContent = $('offline').checked ? 'offline' : 'online';
});

if (params.get('user') && params.get('list')) open(params.get('user'), params.get('list'));
else if (params.get('list')) document.querySelector('#join [name=list]').value = params.get('list');
