/**
 * Summarizes a V8 CPU profile written by `npm run bench -- --cpu-prof <dir>`: CPU time by package
 * (self time), and the inclusive time of the functions that a pattern matches.
 *
 *   node dist/bench/profile-summary.js <file.cpuprofile> [function-pattern]
 */
import { readFile } from 'node:fs/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  /** Microseconds between consecutive samples; the first is relative to the profile's start. */
  timeDeltas: number[];
}

/** Returns the package of a frame (`@smithy/core`), its project file (`dist/src/...`), or V8's own label. */
function ownerOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  const packageName = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (packageName) return packageName;
  if (url.includes('/dist/')) return url.replace(/.*\/dist\//, 'dist/');
  if (url.startsWith('node:')) return 'node internals';
  return functionName ? `(${functionName.replace(/^\((.*)\)$/, '$1')})` : '(native)';
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/.*node_modules\//, '').replace(/.*\/dist\//, 'dist/');
  return `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
}

function formatRows(rows: Array<[string, number]>, totalUs: number, limit: number): string {
  return rows
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, us]) => `${(us / 1000).toFixed(0).padStart(8)} ms ${((100 * us) / totalUs).toFixed(1).padStart(5)}%  ${name}`)
    .join('\n');
}

/** Returns the summary as text: self time by owner, then inclusive time of the frames that match `pattern`. */
export function summarizeProfile(profile: CpuProfile, pattern: RegExp): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

  const selfByOwner = new Map<string, number>();
  const inclusiveByFrame = new Map<string, number>();
  let totalUs = 0;
  for (let index = 0; index < profile.samples.length; index += 1) {
    // A sample's time is the gap to the next sample, so the last sample has none.
    const us = profile.timeDeltas[index + 1] ?? 0;
    totalUs += us;
    const leaf = byId.get(profile.samples[index]!)!;
    selfByOwner.set(ownerOf(leaf), (selfByOwner.get(ownerOf(leaf)) ?? 0) + us);

    // Count each frame once per sample, so recursion does not count twice.
    const seen = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = parentOf.get(id)) {
      const name = frameName(byId.get(id)!);
      if (seen.has(name) || !pattern.test(name)) continue;
      seen.add(name);
      inclusiveByFrame.set(name, (inclusiveByFrame.get(name) ?? 0) + us);
    }
  }

  return [
    `total ${(totalUs / 1000).toFixed(0)} ms of samples`,
    '',
    'self time by package:',
    formatRows([...selfByOwner], totalUs, 25),
    '',
    `inclusive time of frames matching ${pattern}:`,
    formatRows([...inclusiveByFrame], totalUs, 40),
  ].join('\n');
}

const DEFAULT_PATTERN =
  '^(resolveMiddleware|signRequest|deserializeResponse|serializeRequest|handle|IAMClient|getRuntimeConfig|assessAccount|evaluateRole|logAccountResult|writeReports) ';

async function main(): Promise<number> {
  const [file, pattern] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('Usage: node dist/bench/profile-summary.js <file.cpuprofile> [function-pattern]\n');
    return 2;
  }
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  process.stdout.write(`${summarizeProfile(profile, new RegExp(pattern ?? DEFAULT_PATTERN))}\n`);
  return 0;
}

if (process.argv[1]?.endsWith('profile-summary.js')) {
  process.exitCode = await main();
}
