// The dashboard: one EventSource for the whole page. Orders and alerts share it and are told
// apart by event type, so the page holds one of the browser's six HTTP/1.1 connections per origin.
const streamUrl = new URLSearchParams(location.search).get('stream') ?? '/api/orders/stream';
const badge = document.querySelector('[data-testid="connection-badge"]');
const banner = document.querySelector('[data-testid="alert-banner"]');
const feed = document.querySelector('[data-testid="update-feed"]');
const lastEventId = document.querySelector('[data-testid="last-event-id"]');
const pause = document.querySelector('[data-testid="pause"]');

const source = new EventSource(streamUrl);

function showState(label) {
  badge.textContent = label;
  badge.dataset.readyState = String(source.readyState);
}

function remember(event) {
  lastEventId.textContent = event.lastEventId || 'none';
}

source.addEventListener('open', () => showState('Live'));
source.addEventListener('error', () => {
  // CONNECTING after an error: the browser retries by itself. CLOSED: it has given up for good
  // (a 204, a non-200 status or a wrong content type); only a new EventSource would try again.
  showState(source.readyState === EventSource.CLOSED ? 'Offline' : 'Reconnecting…');
});
source.addEventListener('order_update', (event) => {
  const order = JSON.parse(event.data);
  const item = document.createElement('li');
  item.dataset.eventId = event.lastEventId;
  item.textContent = `${order.orderId} ${order.status}`;
  feed.append(item);
  remember(event);
});
source.addEventListener('alert', (event) => {
  banner.textContent = event.data;
  banner.hidden = false;
  remember(event);
});
pause.addEventListener('click', () => {
  source.close();
  showState('Paused');
});
