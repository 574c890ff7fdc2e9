/**
 * Writes the JSON Schema of the desired-state config to schemas/desired-state.schema.json.
 * Run it from the project root after a build (`npm run schema` does both):
 * `node dist/src/config/write-json-schema.js [output path]`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

import { JSON_SCHEMA_PATH, renderDesiredStateJsonSchema } from './json-schema.js';

// npm runs scripts in the project root, so the default path is relative to the working directory.
const outputPath = resolve(process.argv[2] ?? JSON_SCHEMA_PATH);

await mkdir(dirname(outputPath), { recursive: true });
await writeFile(outputPath, renderDesiredStateJsonSchema(), 'utf8');
console.log(`Wrote ${outputPath}`);
