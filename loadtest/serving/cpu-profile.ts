import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * Profiles the main thread (the server) while `run` executes, with the inspector's sampling
 * profiler: `--cpu-prof` would profile the whole run, seeding and every other scenario included.
 * Writes a .cpuprofile (open it in Chrome DevTools) and returns the top functions by self time.
 */
export async function profiled<T>(file: string, run: () => Promise<T>): Promise<{ value: T; top: string[] }> {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) => session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 200 });
  await post('Profiler.start');
  let value: T;
  let profile: Profile;
  try {
    value = await run();
  } finally {
    ({ profile } = (await post('Profiler.stop')) as { profile: Profile });
    session.disconnect();
  }
  writeFileSync(file, JSON.stringify(profile));
  return { value, top: summarize(profile) };
}

/** The app's own compiled code (src/), not a dependency's src/ folder. */
const OWN_CODE = /^(?:file:\/\/)?(?:(?!node_modules).)*\/src\//;

const frameName = (node: ProfileNode) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${relative(process.cwd(), url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : '';
  return `${functionName || '(anonymous)'} ${where}`.trim();
};

/**
 * The top 12 functions by self time, then the top 12 of the app's own code (src/) by total time
 * (themselves and what they call), as shares of the samples; idle and GC as V8 names them.
 */
function summarize(profile: Profile): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    all += dt;
    const key = frameName(byId.get(id)!);
    self.set(key, (self.get(key) ?? 0) + dt);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at)!;
      if (!OWN_CODE.test(node.callFrame.url)) continue;
      const name = frameName(node);
      if (seen.has(name)) continue;
      seen.add(name);
      total.set(name, (total.get(name) ?? 0) + dt);
    }
  });
  const top = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([name, us]) => `${((100 * us) / all).toFixed(1).padStart(5)}%  ${name}`);
  return ['self time:', ...top(self), 'total time, src/ only:', ...top(total)];
}
