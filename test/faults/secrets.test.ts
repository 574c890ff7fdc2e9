import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AwsClientFactory } from '../../src/aws/api.js';
import { redactSecrets } from '../../src/aws/redact.js';
import { printSummary } from '../../src/commands/summary.js';
import type { Emulator } from '../../src/emulator/index.js';
import { ExitCode } from '../../src/exit-codes.js';
import { assertNoSecrets } from '../../src/report/secrets.js';
import { emulatorLauncher } from '../emulator/helpers.js';
import { TextSink } from '../_helpers/scan-harness.js';
import { CALLER_SECRET, faultOrg, memberId, scanWithFaults, type FaultScan } from './helpers.js';

const launch = emulatorLauncher();

const SIGNATURE = 'f0e1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f';
const SESSION_TOKEN_IN_MESSAGE = `FwoGZXIvYXdzEBYaDH${'Qk9HVVNUT0tFTg'.repeat(8)}`;
/** An error message that echoes the request's credentials, as a misbehaving proxy might. */
const LEAKY_MESSAGE =
  'Request rejected. Authorization: AWS4-HMAC-SHA256 Credential=AKIAFAULTCALLER00001/20260101/us-east-1/iam/aws4_request, ' +
  `SignedHeaders=host;x-amz-date, Signature=${SIGNATURE}\nX-Amz-Security-Token: ${SESSION_TOKEN_IN_MESSAGE}\n` +
  `aws_secret_access_key=${CALLER_SECRET}`;

describe('redactSecrets', () => {
  it.each([
    ['an Authorization header', `Authorization: AWS4-HMAC-SHA256 Credential=AKIA/x, Signature=${SIGNATURE}`, '[redacted]'],
    ['a bare SigV4 value', `sent AWS4-HMAC-SHA256 Credential=AKIA/x, Signature=${SIGNATURE}`, 'sent [redacted]'],
    ['a security token header', `X-Amz-Security-Token: ${SESSION_TOKEN_IN_MESSAGE}`, '[redacted]'],
    ['a presigned URL signature', `?X-Amz-Signature=${SIGNATURE}&X-Amz-Date=1`, '?[redacted]&X-Amz-Date=1'],
    ['a credentials file line', `aws_secret_access_key = ${CALLER_SECRET}`, '[redacted]'],
    ['a JSON secret field', `{"SecretAccessKey":"${CALLER_SECRET}"}`, '{"[redacted]"}'],
    ['a bare secret access key', `key ${CALLER_SECRET} leaked`, 'key [redacted] leaked'],
    ['a long token', `token ${SESSION_TOKEN_IN_MESSAGE}`, 'token [redacted]'],
  ])('removes %s', (_name, text, expected) => {
    expect(redactSecrets(text)).toBe(expected);
  });

  it.each([
    ['an AWS error message', 'User: arn:aws:iam::111111111111:user/auditor is not authorized to perform: iam:GetRole'],
    ['a request id', 'request id 3f2b8c1e-9d4a-4b7e-8c2f-1a2b3c4d5e6f'],
    ['a SHA-1 digest', 'digest 2fd4e1c67a2d28fced849ee1bb76e7391b93eb12'],
  ])('keeps %s', (_name, text) => {
    expect(redactSecrets(text)).toBe(text);
  });
});

/** Wraps the factory to keep every session secret and token that AssumeRole hands out. */
function captureSessions(secrets: string[]): (clients: AwsClientFactory) => AwsClientFactory {
  return (clients) => ({
    sts: (counter, signal) => {
      const view = clients.sts(counter, signal);
      return {
        ...view,
        assumeRole: async (input) => {
          const output = await view.assumeRole(input);
          secrets.push(output.Credentials!.SecretAccessKey!, output.Credentials!.SessionToken!);
          return output;
        },
      };
    },
    organizations: () => clients.organizations(),
    iam: (credentials, counter, signal) => clients.iam(credentials, counter, signal),
    close: () => clients.close(),
  });
}

/** Everything the run wrote: the log, the summary on stdout, and every file in the report directory. */
async function outputsOf(run: FaultScan): Promise<Record<string, string>> {
  const stdout = new TextSink();
  printSummary(stdout, run.report, run.paths);
  const outputs: Record<string, string> = { log: run.logs.text, stdout: stdout.text };
  const reportDir = dirname(run.paths.jsonPath);
  for (const name of await readdir(reportDir)) {
    outputs[name] = await readFile(join(reportDir, name), 'utf8');
  }
  return outputs;
}

function expectNoSecret(outputs: Record<string, string>, secrets: string[]): void {
  for (const [name, text] of Object.entries(outputs)) {
    for (const secret of secrets) {
      expect(text.includes(secret), `${name} contains ${secret.slice(0, 6)}...`).toBe(false);
    }
    expect(text, name).not.toContain('AWS4-HMAC-SHA256');
    expect(() => assertNoSecrets(text), name).not.toThrow();
  }
}

async function leakyEmulator(): Promise<Emulator> {
  return launch({ org: faultOrg({ members: 3 }), faultSeed: 11 });
}

describe('secrets in outputs', () => {
  it('a debug-level run with leaky AWS errors writes no secret', async () => {
    const emulator = await leakyEmulator();
    // Member 1 fails for good with the leaky message; member 2 gets it once and is retried.
    emulator.faults.add({ service: 'iam', operation: 'GetRole', accountId: memberId(1), kind: 'error', code: 'InvalidInput', httpStatus: 400, message: LEAKY_MESSAGE });
    emulator.faults.add({ service: 'iam', operation: 'GetRole', accountId: memberId(2), kind: 'error', code: 'ServiceFailure', httpStatus: 500, message: LEAKY_MESSAGE, times: 1 });
    emulator.faults.add({ kind: 'throttle', probability: 0.2 });
    const sessionSecrets: string[] = [];

    const run = await scanWithFaults(emulator, {
      logLevel: 'debug',
      aws: { maxAttempts: 10 },
      wrapClients: captureSessions(sessionSecrets),
    });

    expect(sessionSecrets).toHaveLength(6);
    const failed = run.report.accounts.find((account) => account.accountId === memberId(1));
    expect(failed?.error?.message).toBe('Request rejected. [redacted]\n[redacted]\n[redacted]');
    expect(run.report.exitCode).toBe(ExitCode.AccountErrors);
    expect(run.logs.text).toContain('IAM call failed with ServiceFailure; retrying');

    const outputs = await outputsOf(run);
    expect(Object.keys(outputs).sort()).toEqual(
      ['latest.json', 'latest.md', 'log', 'stdout', run.paths.jsonPath.split('/').pop()!, run.paths.markdownPath.split('/').pop()!].sort(),
    );
    expectNoSecret(outputs, [CALLER_SECRET, SIGNATURE, SESSION_TOKEN_IN_MESSAGE, ...sessionSecrets]);
  });

  it('a leaky listing error is redacted in the incomplete report', async () => {
    const emulator = await leakyEmulator();
    emulator.faults.add({ service: 'organizations', operation: 'ListAccounts', kind: 'error', code: 'InvalidInputException', httpStatus: 400, message: LEAKY_MESSAGE });

    const run = await scanWithFaults(emulator, { logLevel: 'debug' });

    expect(run.report.complete).toBe(false);
    expect(run.report.incompleteReason).toContain('InvalidInputException: Request rejected. [redacted]');
    expectNoSecret(await outputsOf(run), [CALLER_SECRET, SIGNATURE, SESSION_TOKEN_IN_MESSAGE]);
  });
});
