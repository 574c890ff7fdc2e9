import { describe, expect, it } from 'vitest';
import { summarizeProfile } from '../../bench/profile-summary.js';

// root -> send (@smithy/core) -> sign (@smithy/signature-v4); root -> (garbage collector)
const profile = {
  nodes: [
    { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 }, children: [2, 4] },
    { id: 2, callFrame: { functionName: 'send', url: '/x/node_modules/@smithy/core/index.js', lineNumber: 9 }, children: [3] },
    { id: 3, callFrame: { functionName: 'sign', url: '/x/node_modules/@smithy/signature-v4/index.js', lineNumber: 0 } },
    { id: 4, callFrame: { functionName: '(garbage collector)', url: '', lineNumber: -1 } },
  ],
  samples: [2, 3, 3, 4],
  // Each sample lasts until the next one: send 1 ms, sign 2 ms and 3 ms, the last sample none.
  timeDeltas: [0, 1000, 2000, 3000],
};

describe('summarizeProfile', () => {
  it('adds self time by package', () => {
    const summary = summarizeProfile(profile, /^send /);

    expect(summary).toContain('total 6 ms of samples');
    expect(summary).toMatch(/5 ms\s+83\.3%\s+@smithy\/signature-v4/);
    expect(summary).toMatch(/1 ms\s+16\.7%\s+@smithy\/core/);
  });

  it('adds inclusive time of matching frames', () => {
    const summary = summarizeProfile(profile, /^send /);

    // send is on the stack of its own sample and of both sign samples.
    expect(summary).toMatch(/6 ms\s+100\.0%\s+send @smithy\/core\/index\.js:10/);
    expect(summary).not.toMatch(/sign @smithy/);
  });
});
