/**
 * `ssm-role-audit emulator`: serves the local AWS emulator until SIGINT or SIGTERM, so other AWS tools
 * (the AWS CLI, other SDKs) can be pointed at it with `AWS_ENDPOINT_URL`.
 */
import type { CliIo } from '../cli/program.js';
import { loadOrgFile, startEmulator } from '../emulator/index.js';

export interface EmulatorCommandOptions {
  org: string;
  port: number;
  latencyMs: number;
}

export async function emulatorCommand(options: EmulatorCommandOptions, io: CliIo): Promise<number> {
  const emulator = await startEmulator({
    org: await loadOrgFile(options.org),
    port: options.port,
    latencyMs: options.latencyMs,
  });
  const { accessKeyId, secretAccessKey } = emulator.callerCredentials;
  io.stdout.write(
    [
      `Emulating IAM, STS and Organizations for ${options.org} at ${emulator.url}`,
      'Point AWS tools at it with:',
      `  export AWS_ENDPOINT_URL=${emulator.url}`,
      `  export AWS_REGION=${emulator.region}`,
      `  export AWS_ACCESS_KEY_ID=${accessKeyId}`,
      // Fake credentials from the org file, printed so a user can copy them; they open nothing real.
      `  export AWS_SECRET_ACCESS_KEY=${secretAccessKey}`,
      '  export AWS_EC2_METADATA_DISABLED=true',
      '  unset AWS_PROFILE AWS_SESSION_TOKEN',
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  await emulator.close();
  io.stdout.write(`Stopped on ${signal}.\n`);
  return 0;
}
