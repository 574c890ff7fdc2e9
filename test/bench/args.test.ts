import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from '../../bench/args.js';

describe('parseBenchArgs', () => {
  it('uses the documented defaults', () => {
    expect(parseBenchArgs([])).toEqual({
      scales: [1000, 5000, 10_000],
      repeats: 3,
      latencyMs: 20,
      concurrency: 64,
      organizationsRate: 50,
      baselineAccounts: 1000,
      tagsAccounts: 1000,
      zeroLatencyAccounts: 1000,
      startupRuns: 5,
    });
  });

  it('sorts and deduplicates scales', () => {
    expect(parseBenchArgs(['--scales', '5000, 1000,5000'])?.scales).toEqual([1000, 5000]);
  });

  it('reads the output and profile paths', () => {
    const options = parseBenchArgs(['--output', 'out.json', '--cpu-prof', 'profiles']);

    expect(options?.outputPath).toBe('out.json');
    expect(options?.cpuProfileDir).toBe('profiles');
  });

  it('returns undefined for --help', () => {
    expect(parseBenchArgs(['--help'])).toBeUndefined();
  });

  it.each([
    [['--scales', '1000,abc'], /--scales entry "abc"/],
    [['--scales', '20000'], /--scales entry "20000"/],
    [['--concurrency', '0'], /--concurrency "0"/],
    [['--organizations-rate', '101'], /--organizations-rate "101"/],
    [['--latency-ms', '1.5'], /--latency-ms "1.5"/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(message);
  });

  it('rejects unknown options', () => {
    expect(() => parseBenchArgs(['--scale', '1000'])).toThrow(/--scale/);
  });
});
