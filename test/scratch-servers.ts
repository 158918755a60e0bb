import { startRedis, startBigtableEmulator, startSpannerEmulator } from './support/real-servers';
(async () => {
  const t = Date.now();
  const [r, b, s] = await Promise.all([startRedis(), startBigtableEmulator(), startSpannerEmulator()]);
  console.log(r.host, b.host, s.host, Date.now() - t, 'ms');
  await Promise.all([r.stop(), b.stop(), s.stop()]);
  console.log('stopped', Date.now() - t);
})();
