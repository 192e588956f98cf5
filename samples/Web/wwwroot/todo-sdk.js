// The shared todo list with the official Firebase web SDK running in the browser, beside the .NET-backed page
// (todo.html): the same items, at todo-lists/<list>/items/<push id> as { title, done, order, createdBy, updatedBy },
// listened to in `order` order. Edits write only the fields they change, as the library-backed page does.
'use strict';
const params = new URLSearchParams(location.search);
const $ = id => document.getElementById(id);
const list = params.get('list') || 'groceries';
const user = params.get('user') || 'web';
let items = null, maxOrder = 0;

function notice(text) { $('notice').textContent = text; $('notice').hidden = !text; }

function render(snapshot) {
  const rows = [];
  maxOrder = 0;
  snapshot.forEach(child => {
    const item = child.val();
    maxOrder = Math.max(maxOrder, item.order ?? 0);
    const li = document.createElement('li');
    li.dataset.testid = 'item';
    li.dataset.title = item.title ?? '';
    li.className = item.done ? 'done' : '';
    const done = document.createElement('input');
    done.type = 'checkbox'; done.checked = !!item.done; done.dataset.testid = 'done';
    done.onchange = () => child.ref.update({ done: done.checked, updatedBy: user });
    const title = document.createElement('span');
    title.dataset.testid = 'title'; title.textContent = item.title ?? '';
    li.append(done, ' ', title);
    rows.push(li);
  });
  $('items').replaceChildren(...rows);
}

async function start() {
  const info = await (await fetch('/api/info')).json();
  const settings = info.firebaseBrowser;
  if (!settings) { notice(`Not offered: ${info.firebaseBrowserNotOffered}`); return; }
  if (typeof firebase === 'undefined') { notice('The Firebase web SDK is not installed: run npm ci --prefix tests/interop'); return; }
  $('backend').textContent = `on ${info.todo.description}, from this page`;
  $('whoami').textContent = `· ${user} in ${list}`;
  firebase.initializeApp({ projectId: 'demo-samples', databaseURL: settings.databaseURL });
  const db = firebase.database();
  if (settings.emulatorHost) db.useEmulator(settings.emulatorHost, settings.emulatorPort);
  items = db.ref(settings.items.replace('LIST', list));
  items.orderByChild('order').on('value', render, err => notice(`Cannot read the list: ${err.message}`));
}

$('add').addEventListener('submit', async e => {
  e.preventDefault();
  const title = $('title').value.trim();
  if (!title || !items) return;
  $('title').value = '';
  await items.push({ title, done: false, order: maxOrder + 1, createdBy: user, updatedBy: user });
});

start().catch(err => notice(`Could not open the list: ${err.message}`));
