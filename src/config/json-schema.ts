/**
 * The JSON Schema of the desired-state config, generated from the zod schema so that the two never
 * disagree. Editors use it for completion and checks (the YAML language server reads the
 * `# yaml-language-server: $schema=...` comment at the top of the file).
 */
import { z } from 'zod';

import { desiredStateSchema } from './schema.js';

/** Repository path of the committed schema, relative to the project root. */
export const JSON_SCHEMA_PATH = 'schemas/desired-state.schema.json';

/**
 * Builds the JSON Schema of the file as a user writes it: keys with defaults are optional. Draft-07
 * because it is the draft that editors and the YAML language server support most widely. The
 * schema checks shape and formats only; the cross-value rules (duplicate ARNs, `replacedBy`, an
 * empty `match`) are enforced when the tool loads the file.
 */
export function buildDesiredStateJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(desiredStateSchema, { target: 'draft-7', io: 'input' }) as Record<string, unknown>;
}

/** Renders the JSON Schema as the committed file: two-space indentation and a final newline. */
export function renderDesiredStateJsonSchema(): string {
  return `${JSON.stringify(buildDesiredStateJsonSchema(), null, 2)}\n`;
}
