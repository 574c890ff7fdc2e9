/**
 * Prints a plan at the terminal and reads the person's approval.
 */
import { createInterface } from 'node:readline/promises';
import type { CliIo } from '../cli/program.js';
import type { AccountPlan } from '../remediate/index.js';

/** Formats the plan as text: each account with its actions in the order they run. */
export function describePlans(plans: AccountPlan[]): string {
  const lines: string[] = [];
  for (const plan of plans) {
    lines.push(`${plan.accountId} ${plan.roleArn}`);
    plan.actions.forEach((action, index) => {
      lines.push(`  ${index + 1}. ${action.kind} ${action.target}: ${action.reason}`);
      // A new trust policy is printed in full, so every condition it adds is visible before approval.
      if ((action.kind === 'UpdateAssumeRolePolicy' || action.kind === 'CreateRole') && action.after) {
        lines.push(`     new trust policy: ${action.after}`);
      }
    });
    for (const finding of plan.unfixable) lines.push(`  needs a person: ${finding.code} ${finding.subject}`);
  }
  return lines.join('\n');
}

/** Prints `question` and resolves true only when the reply is y or yes. */
export async function askYesNo(io: CliIo, question: string): Promise<boolean> {
  const readline = createInterface({ input: io.stdin, output: io.stderr, terminal: io.stdinIsTTY });
  try {
    const answer = await readline.question(`${question} [y/N] `);
    return /^(y|yes)$/i.test(answer.trim());
  } finally {
    readline.close();
  }
}

/** Returns the confirmation step of `--fix` on a terminal, which prints the plan and then reads a reply. */
export function confirmPlansAtTerminal(io: CliIo): (plans: AccountPlan[]) => Promise<boolean> {
  return async (plans) => {
    const actions = plans.reduce((sum, plan) => sum + plan.actions.length, 0);
    io.stderr.write(`\nPlanned changes:\n${describePlans(plans)}\n\n`);
    return askYesNo(io, `Apply ${actions} change(s) to the service role in ${plans.length} account(s)?`);
  };
}
