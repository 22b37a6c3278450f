/** Writes docs/RULES.md from the rule catalogue: `npx tsx scripts/rules-doc.ts`. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rulesMarkdown } from '../src/rules/docs';

const file = join(__dirname, '..', 'docs', 'RULES.md');
writeFileSync(file, rulesMarkdown());
process.stdout.write(`wrote ${file}\n`);
