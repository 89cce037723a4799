// `npm start`: the example app on 127.0.0.1:PORT (default 4317), to open in a browser.
import { startExampleServer } from './app.js';

const server = await startExampleServer({ port: Number(process.env.PORT ?? 4317) });
console.log(`orders dashboard: ${server.origin}/  (stream: ${server.origin}/api/orders/stream)`);
const stop = () => server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
