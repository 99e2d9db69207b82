// Sends a small session through Segment's own Node client library, pointed at the Segmenta server under test.
const { Analytics } = require('@segment/analytics-node');

const analytics = new Analytics({ writeKey: process.env.WRITE_KEY, host: process.env.HOST, flushAt: 4, flushInterval: 200, maxRetries: 2 });
analytics.on('error', (err) => { console.error('client error:', err && (err.message || err.code || err)); process.exitCode = 1; });

analytics.page({ anonymousId: 'anon-npm', name: 'Home', properties: { url: 'https://shop.example/?utm_source=facebook', referrer: 'https://www.facebook.com/' },
  context: { campaign: { source: 'facebook', medium: 'social', name: 'spring' } } });
analytics.track({ anonymousId: 'anon-npm', event: 'Product Viewed', properties: { product_id: 'p-2', category: 'shoes', price: 9.5 } });
analytics.identify({ userId: 'npm-1', anonymousId: 'anon-npm', traits: { email: 'npm.client@example.com', firstName: 'Nora', plan: 'pro' } });
analytics.track({ userId: 'npm-1', event: 'Order Completed',
  properties: { order_id: 'n-1', total: 42, currency: 'EUR', products: [{ product_id: 'p-2', price: 21, quantity: 2, category: 'shoes' }] } });
analytics.track({ userId: 'npm-1', event: 'Newsletter Subscribed', properties: { list: 'weekly' } });
analytics.group({ userId: 'npm-1', groupId: 'acme' });
analytics.screen({ userId: 'npm-1', name: 'Basket' });
analytics.alias({ userId: 'npm-1', previousId: 'old-device-9' });

analytics.closeAndFlush({ timeout: 10000 }).then(() => console.log('flushed'));
