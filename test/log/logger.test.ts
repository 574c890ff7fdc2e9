import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import { TextSink } from '../_helpers/scan-harness.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

describe('createLogger', () => {
  it.each([false, true])('redacts credential fields (pretty %s)', (pretty) => {
    const sink = new TextSink();
    const logger = createLogger({ level: 'debug', pretty, destination: sink });

    logger.info(
      {
        credentials: { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: SECRET },
        session: { sessionToken: SECRET },
        request: { headers: { authorization: `AWS4-HMAC-SHA256 Credential=${SECRET}` } },
      },
      'assumed role',
    );

    expect(sink.text).toContain('assumed role');
    expect(sink.text).toContain('[redacted]');
    expect(sink.text).not.toContain(SECRET);
  });

  it('writes JSON lines with the message last', () => {
    const sink = new TextSink();
    createLogger({ level: 'info', pretty: false, destination: sink }).info({ accountId: '111122223333' }, 'done');

    expect(sink.lines()).toEqual([expect.objectContaining({ accountId: '111122223333', msg: 'done', level: 30 })]);
  });

  it('drops lines below the level', () => {
    const sink = new TextSink();
    createLogger({ level: 'warn', pretty: false, destination: sink }).info('hidden');

    expect(sink.text).toBe('');
  });
});
