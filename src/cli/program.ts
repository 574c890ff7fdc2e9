/**
 * The command line: option definitions, and the single place where errors become exit codes.
 * Command modules are imported only when their command runs, which keeps start-up fast.
 */
import { Command, CommanderError, Option } from 'commander';
import { DEFAULT_ORGANIZATIONS_RATE_PER_SECOND } from '../aws/pacing.js';
import { DEFAULT_ACCOUNT_TIMEOUT_SECONDS } from '../scan/limits.js';
import { AuditError, formatProblem, UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { shellCommand } from '../shell-quote.js';
import { LOG_LEVELS } from '../log/levels.js';
import { toolVersion } from '../package-info.js';
import {
  integerParser,
  parseAccountIds,
  parseEndpointUrl,
  parseExternalId,
  parseLogLevel,
  parseOuId,
  parseRoleName,
} from './parse-values.js';

/** The streams of a command: stdout for results, stderr for logs and errors, stdin for confirmations. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Whether stderr is a terminal: readable logs and progress instead of JSON lines. */
  stderrIsTTY: boolean;
  /** The stream a confirmation is read from, and whether a person at a terminal can type it. */
  stdin: NodeJS.ReadableStream;
  stdinIsTTY: boolean;
  env: NodeJS.ProcessEnv;
}

export const DEFAULT_CONCURRENCY = 16;
const LOG_LEVEL_HELP = `log level on stderr: ${LOG_LEVELS.join(', ')}`;

const SCAN_EXIT_CODES_HELP = `
Exit codes (the highest applicable one wins):
  0    every assessed account is compliant, or was remediated
  1    drift remains in at least one account, or a --fix action failed
  2    at least one in-scope account could not be assessed
  3    invalid usage or config, or the organization could not be listed completely
  4    --fix stopped before any write: the plan changes more accounts than --max-accounts-changed
  130  interrupted by SIGINT; 143 interrupted by SIGTERM (the report is marked incomplete)`;
export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** Kept equal to DEFAULT_MAX_ACCOUNTS_CHANGED in src/scan/fix-phase.ts, which the CLI must not import at start-up. */
export const DEFAULT_MAX_ACCOUNTS_CHANGED = 25;

/** Runs the CLI with `argv` (without the node and script entries) and returns the exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  let exitCode: number = ExitCode.Compliant;
  const program = buildProgram(io, argv, (code) => {
    exitCode = code;
  });
  try {
    rejectUnknownCommand(argv, program);
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportError(error, io);
  }
}

function buildProgram(io: CliIo, argv: string[], setExitCode: (code: number) => void): Command {
  const program = new Command('ssm-role-audit')
    .description(
      'Audit the AWS Systems Manager service role for hybrid nodes (SSMServiceRole) in every account of an AWS organization.',
    )
    .version(toolVersion)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showHelpAfterError('(run with --help for the options)');

  const scan = program
    .command('scan', { isDefault: true })
    .description('Read the role in every in-scope account, compare it with the desired state and write reports.')
    .option('--config <file>', 'desired-state file (YAML or JSON), relative to the current directory', 'config/desired-state.yaml')
    .option('--accounts <ids>', 'only these account ids, comma-separated; repeatable', parseAccountIds)
    .option('--exclude-accounts <ids>', 'skip these account ids, comma-separated; repeatable', parseAccountIds)
    .option('--ou <ou-id>', 'only accounts under this organizational unit and its child OUs; repeatable', parseOuId)
    .option(
      '--ou-paths',
      'walk the OU tree so every account in the report shows its OU path (implied by --ou and OU overrides)',
    )
    .option(
      '--concurrency <n>',
      'accounts assessed at the same time (1-512)',
      integerParser('--concurrency', 1, 512),
      DEFAULT_CONCURRENCY,
    )
    .option('--report-dir <dir>', 'folder for the JSON and Markdown reports', 'reports');
  addAccountAccessOptions(scan, 'role assumed in each member account')
    .option(
      '--account-timeout <seconds>',
      'seconds one account may take before its requests are cancelled and it is reported as an error (1-86400)',
      integerParser('--account-timeout', 1, 86_400),
      DEFAULT_ACCOUNT_TIMEOUT_SECONDS,
    )
    .option(
      '--organizations-rate <calls-per-second>',
      'AWS Organizations calls started per second, one at a time; AWS publishes no limit, so keep it low (1-100)',
      integerParser('--organizations-rate', 1, 100),
      DEFAULT_ORGANIZATIONS_RATE_PER_SECOND,
    )
    .option('--fix', 'remediate the drift found: plan, confirm, journal, apply and verify each account')
    .option('--dry-run', 'with --fix: compute and report the plan, write nothing')
    .option('--yes', 'with --fix: apply without asking; required when stdin is not a terminal')
    .option(
      '--max-accounts-changed <n>',
      `with --fix: stop before any write (exit code 4) when the plan changes more accounts than this (1-100000)`,
      integerParser('--max-accounts-changed', 1, 100_000),
      DEFAULT_MAX_ACCOUNTS_CHANGED,
    )
    .addOption(
      new Option('--log-level <level>', LOG_LEVEL_HELP).default('info').argParser(parseLogLevel),
    )
    .addHelpText('after', SCAN_EXIT_CODES_HELP)
    .action(async (options) => {
      const { scanCommand } = await import('../commands/scan.js');
      setExitCode(await scanCommand(options, io, reproduceCommand(argv)));
    });

  const rollback = program
    .command('rollback')
    .description('Restore every account a --fix run changed to its recorded before-state, from the run\'s journal.')
    .argument('<journal-or-report>', 'the .journal.jsonl of a --fix run, or its JSON report')
    .option('--accounts <ids>', 'only these account ids, comma-separated; repeatable', parseAccountIds)
    .option('--dry-run', 'read each account and show the undo actions; write nothing')
    .option('--yes', 'restore without asking; required when stdin is not a terminal')
    .option('--report-dir <dir>', 'folder for the rollback journal (default: the folder of the journal)')
    .option(
      '--concurrency <n>',
      'accounts restored at the same time (1-512)',
      integerParser('--concurrency', 1, 512),
      DEFAULT_CONCURRENCY,
    );
  addAccountAccessOptions(rollback, 'role assumed in each member account; use the remediation role')
    .addOption(new Option('--log-level <level>', LOG_LEVEL_HELP).default('info').argParser(parseLogLevel))
    .action(async (source, options) => {
      const { rollbackCommand } = await import('../commands/rollback.js');
      setExitCode(await rollbackCommand(source, options, io));
    });

  program
    .command('demo')
    .description('Start the local AWS emulator with the demo organization in this process and scan it.')
    .option('--org <file>', 'organization file served by the emulator (default: config/demo-org.yaml of the package)')
    .option('--config <file>', 'desired-state file (default: config/desired-state.yaml of the package)')
    .option('--report-dir <dir>', 'folder for the JSON and Markdown reports', 'reports')
    .option('--fix', 'after the audit, remediate the demo organization (applied without asking) and audit it again')
    .addOption(new Option('--log-level <level>', LOG_LEVEL_HELP).default('warn').argParser(parseLogLevel))
    .action(async (options) => {
      const { demoCommand } = await import('../commands/demo.js');
      setExitCode(await demoCommand(options, io));
    });

  program
    .command('emulator')
    .description('Serve the local AWS emulator (IAM, STS, Organizations) on 127.0.0.1 until interrupted.')
    .requiredOption('--org <file>', 'organization file to serve (YAML or JSON), required; config/demo-org.yaml is a commented example')
    .option('--port <n>', 'TCP port on 127.0.0.1; 0 picks a free one', integerParser('--port', 0, 65535), 0)
    .option(
      '--latency-ms <ms>',
      'delay added to every response, in milliseconds',
      integerParser('--latency-ms', 0, 60_000),
      0,
    )
    .action(async (options) => {
      const { emulatorCommand } = await import('../commands/emulator.js');
      setExitCode(await emulatorCommand(options, io));
    });

  return program;
}

/**
 * `scan` is the default command, so commander would read a mistyped command name as an argument of
 * `scan` and report "too many arguments". Name the mistake instead.
 */
function rejectUnknownCommand(argv: string[], program: Command): void {
  const first = argv[0];
  if (first === undefined || first.startsWith('-')) return;
  const names = program.commands.map((command) => command.name());
  if (names.includes(first) || first === 'help') return;
  throw new UsageError(`Unknown command "${first}".`, [], {
    remedy: `Use one of: ${names.join(', ')} (scan is the default), or run with --help.`,
  });
}

/** Adds the options that reach the accounts: base credentials, endpoint, access role and retries. */
function addAccountAccessOptions(command: Command, accessRoleHelp: string): Command {
  return command
    .option('--profile <name>', 'AWS shared-config profile for the base credentials (default: the SDK credential chain)')
    .option('--region <region>', 'AWS Region of the STS, IAM and Organizations calls (default: AWS_REGION or the profile)')
    .option(
      '--endpoint-url <url>',
      'one endpoint for STS, IAM and Organizations, such as the local emulator (default: AWS_ENDPOINT_URL, else AWS)',
      parseEndpointUrl,
    )
    .option('--access-role-name <name>', accessRoleHelp, parseRoleName, 'OrganizationAccountAccessRole')
    .option('--external-id <id>', 'external id passed to sts:AssumeRole', parseExternalId)
    .option(
      '--max-attempts <n>',
      'attempts per AWS call, first one included; throttling and server errors are retried with backoff (1-20)',
      integerParser('--max-attempts', 1, 20),
      DEFAULT_MAX_ATTEMPTS,
    )
    .option(
      '--request-timeout <ms>',
      'milliseconds without a response before an AWS request is abandoned and retried (100-600000)',
      integerParser('--request-timeout', 100, 600_000),
      DEFAULT_REQUEST_TIMEOUT_MS,
    );
}

/** Returns the command line as typed, for the report's "how to reproduce", with the external id masked. */
function reproduceCommand(argv: string[]): string {
  const masked = argv.map((arg, index) => {
    if (argv[index - 1] === '--external-id') return '<external-id>';
    return arg.replace(/^(--external-id=).*/, '$1<external-id>');
  });
  return shellCommand(['ssm-role-audit', ...masked]);
}


function reportError(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0) {
      return ExitCode.Compliant;
    }
    return ExitCode.InvalidOrIncomplete;
  }
  if (error instanceof UsageError) {
    io.stderr.write(`error: ${error.message}\n`);
    if (error.problems.length > 1) {
      for (const problem of error.problems) io.stderr.write(`  - ${formatProblem(problem)}\n`);
    }
    if (error.remedy) io.stderr.write(`${error.remedy}\n`);
    return ExitCode.InvalidOrIncomplete;
  }
  if (error instanceof AuditError) {
    io.stderr.write(`error [${error.code}]: ${error.message}\n`);
    if (error.remedy) io.stderr.write(`${error.remedy}\n`);
    return ExitCode.InvalidOrIncomplete;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr.write(`error: the run failed before all accounts were assessed: ${detail}\n`);
  return ExitCode.InvalidOrIncomplete;
}
