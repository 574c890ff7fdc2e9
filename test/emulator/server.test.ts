import { Writable } from 'node:stream';

import { pino } from 'pino';
import { describe, expect, it } from 'vitest';

import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { emulatorLauncher, smallOrg } from './helpers.js';

const launch = emulatorLauncher();

function signedHeaders(emulator: Emulator, service: string): Record<string, string> {
  return {
    authorization: `AWS4-HMAC-SHA256 Credential=${emulator.callerCredentials.accessKeyId}/20250101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`,
  };
}

describe('emulator server', () => {
  it('logs start and stop', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
        callback();
      },
    });
    const emulator = await startEmulator({ org: smallOrg(), logger: pino(sink) });

    await emulator.close();

    expect(lines.map((line) => line.msg)).toEqual(['emulator listening', 'emulator closed']);
    expect(lines[0]).toMatchObject({ url: emulator.url, accounts: 3 });
  });

  it('rejects hosts other than loopback', async () => {
    const options = { org: smallOrg(), host: '0.0.0.0' } as unknown as Parameters<typeof startEmulator>[0];

    await expect(startEmulator(options)).rejects.toThrow(/only listens on 127\.0\.0\.1/);
  });

  it('missing Authorization is MissingAuthenticationToken', async () => {
    const emulator = await launch({ org: smallOrg() });

    const response = await fetch(emulator.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });

    expect(response.status).toBe(403);
    expect(await response.text()).toContain('<Code>MissingAuthenticationToken</Code>');
    expect(emulator.calls()).toEqual([{ service: 'sts', operation: 'GetCallerIdentity', accountId: undefined, count: 1, errors: 1 }]);
  });

  it('invalid JSON body is SerializationException', async () => {
    const emulator = await launch({ org: smallOrg() });

    const response = await fetch(emulator.url, {
      method: 'POST',
      headers: {
        ...signedHeaders(emulator, 'organizations'),
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSOrganizationsV20161128.ListAccounts',
      },
      body: '{not json',
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ __type: 'SerializationException', Message: 'The request body is not a valid JSON object.' });
    expect(emulator.callCount({ service: 'organizations', operation: 'ListAccounts' })).toBe(1);
  });

  it('unknown Organizations operation is UnknownOperationException', async () => {
    const emulator = await launch({ org: smallOrg() });

    const response = await fetch(emulator.url, {
      method: 'POST',
      headers: { ...signedHeaders(emulator, 'organizations'), 'x-amz-target': 'AWSOrganizationsV20161128.CreateAccount' },
      body: '{}',
    });

    expect(response.status).toBe(400);
    expect(((await response.json()) as { __type: string }).__type).toBe('UnknownOperationException');
  });

  it('requests for other services are rejected uncounted', async () => {
    const emulator = await launch({ org: smallOrg() });

    const response = await fetch(emulator.url, {
      method: 'POST',
      headers: signedHeaders(emulator, 's3'),
      body: 'Action=ListBuckets',
    });

    expect(response.status).toBe(400);
    expect(await response.text()).toContain('<Code>InvalidAction</Code>');
    expect(emulator.callCount()).toBe(0);
  });

  it('query services are told apart by Version without a scope', async () => {
    const emulator = await launch({ org: smallOrg() });

    const response = await fetch(`${emulator.url}/?Action=GetCallerIdentity&Version=2011-06-15`, {
      headers: { authorization: `AWS4-HMAC-SHA256 Credential=${emulator.callerCredentials.accessKeyId}, Signature=0` },
    });

    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">');
  });
});
