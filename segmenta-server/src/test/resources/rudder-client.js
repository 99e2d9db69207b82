// Sends the tracking scenario through RudderStack's Node SDK with its defaults (gzip bodies, /v1/batch, HTTP Basic,
// flushAt 20), pointed at the Segmenta server under test. The last event says it happened two days before it was
// sent (originalTimestamp), which the server must keep, corrected by sentAt for the device's clock.
const Analytics = require('@rudderstack/rudder-sdk-node');

const client = new Analytics(process.env.WRITE_KEY, { dataPlaneUrl: process.env.HOST });
const failed = [];
const cb = (err) => { if (err) { failed.push(err.message || String(err)); } };

client.page({ anonymousId: 'anon-rs', name: 'Home', properties: { url: 'https://shop.example/?utm_campaign=autumn', referrer: 'https://news.example/' },
  context: { campaign: { source: 'newsletter', medium: 'email', name: 'autumn' },
    userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148' } }, cb);
client.track({ anonymousId: 'anon-rs', event: 'Product Viewed', properties: { product_id: 'p-7', category: 'bags', price: 80 } }, cb);
client.track({ anonymousId: 'anon-rs', event: 'Product Added', properties: { product_id: 'p-7', category: 'bags', price: 80, quantity: 1 } }, cb);
client.identify({ userId: 'rs-1', anonymousId: 'anon-rs', traits: { email: 'rudder.user@example.com', firstName: 'Rune', plan: 'basic' } }, cb);
client.track({ userId: 'rs-1', event: 'Order Completed',
  properties: { order_id: 'rs-o-1', total: 160, currency: 'EUR', products: [{ product_id: 'p-7', category: 'bags', price: 80, quantity: 2 }] } }, cb);
client.alias({ userId: 'rs-1', previousId: 'old-rs-device' }, cb);
for (let i = 0; i < 500; i++) {
  client.track({ userId: 'rs-1', event: 'Bulk Ping', properties: { n: i } }, cb);
}
const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
client.track({ userId: 'rs-1', event: 'Late Event', originalTimestamp: twoDaysAgo, messageId: 'rs-late-1' }, cb);

client.flush().then(() => {
  if (failed.length) {
    console.error('client errors:', failed.slice(0, 3).join('; '));
    process.exitCode = 1;
  }
  console.log('flushed');
});
