/**
 * Exit codes of `ssm-role-audit`, stable across releases. When several apply, the highest wins.
 */
export const ExitCode = {
  /** Every assessed account is compliant. */
  Compliant: 0,
  /** At least one account has drift. */
  Drift: 1,
  /** At least one in-scope account could not be assessed. */
  AccountErrors: 2,
  /** Invalid usage or config, or the organization could not be enumerated. */
  InvalidOrIncomplete: 3,
  /** `--fix` stopped before any write: the plan would change more accounts than `--max-accounts-changed`. */
  FixAborted: 4,
  /** Stopped by SIGINT (128 + 2): accounts in progress finished, the rest were not started. */
  InterruptedBySigint: 130,
  /** Stopped by SIGTERM (128 + 15): accounts in progress finished, the rest were not started. */
  InterruptedBySigterm: 143,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

const MEANINGS: Record<number, string> = {
  [ExitCode.Compliant]: 'every assessed account is compliant',
  [ExitCode.Drift]: 'drift found',
  [ExitCode.AccountErrors]: 'at least one in-scope account could not be assessed',
  [ExitCode.InvalidOrIncomplete]: 'invalid usage or config, or the organization could not be enumerated',
  [ExitCode.FixAborted]: '--fix stopped before any write: the plan would change more accounts than --max-accounts-changed',
  [ExitCode.InterruptedBySigint]: 'interrupted by SIGINT; the report is incomplete',
  [ExitCode.InterruptedBySigterm]: 'interrupted by SIGTERM; the report is incomplete',
};

export function describeExitCode(code: number): string {
  return MEANINGS[code] ?? 'unknown exit code';
}
