import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULE_IDS, WARNING_IDS } from '../../src/conventions';
import { RULES } from '../../src/rules/catalogue';
import { rulesMarkdown } from '../../src/rules/docs';

describe('docs/RULES.md', () => {
  it('is what the catalogue generates (regenerate with npx tsx scripts/rules-doc.ts)', () => {
    expect(readFileSync(join(__dirname, '../../docs/RULES.md'), 'utf8'), 'docs/RULES.md is stale: run npx tsx scripts/rules-doc.ts').toBe(rulesMarkdown());
  });

  it('documents every rule with its id, level, why and fix', () => {
    const md = rulesMarkdown();
    for (const r of RULES) {
      expect(md).toContain(`### ${r.id} ${r.name} (${r.level})`);
      expect(md).toContain(`**Why.** ${r.why}`);
      expect(md).toContain(`**Fix.** ${r.fix}`);
    }
  });
});

describe('the rule catalogue', () => {
  it('has one rule per id of RULE_IDS, each id unique, AII-R prefixed and apart from the chart warnings', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(Object.values(RULE_IDS).sort());
    const warnings = new Set<string>(Object.values(WARNING_IDS));
    for (const id of ids) {
      expect(id).toMatch(/^AII-R\d{3}$/);
      expect(warnings.has(id)).toBe(false);
    }
  });

  it('gives every rule a summary, a why and a fix that end in a full stop', () => {
    for (const r of RULES) for (const text of [r.summary, r.why, r.fix]) expect(text, r.id).toMatch(/[.)]$/);
  });
});
