import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { DemoSeed } from './demo-host.js';

/**
 * Seeds the demo host on a worker thread, so that the ~50 operations the real core runs to make its history (with
 * their journal, lock and events.log files) run while this thread loads the console (Ink, React), which takes as long.
 * This module is light on purpose (the CLI imports it first); the worker imports the demo host itself.
 */
export function seedInWorker(dir?: string): Promise<DemoSeed> {
  return new Promise((resolve, reject) => {
    // The same extension as this module: .js when built, .ts under tsx (whose loader the worker inherits).
    const ext = import.meta.url.slice(import.meta.url.lastIndexOf('.'));
    const worker = new Worker(new URL(`./seed-worker${ext}`, import.meta.url), { workerData: { lxcriDemoSeed: { dir } } });
    worker.once('message', (seed: DemoSeed) => resolve(seed));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the demo seed worker exited (${code}) without a seed`)));
  });
}

const request = (isMainThread ? undefined : (workerData as { lxcriDemoSeed?: { dir?: string } } | undefined))?.lxcriDemoSeed;
if (request) {
  const { seedDemo } = await import('./demo-host.js');
  parentPort!.postMessage(await seedDemo(request.dir ? { dir: request.dir } : {}));
}
