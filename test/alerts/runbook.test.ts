import { describe, expect, it } from 'vitest';
import { ALERT_CATALOGUE, ALERT_NAMES, buildAlertRuleGroups, catalogueEntry, describeFor, isAlertingRule, runbookMarkdown } from '../../src/alerts';
import { seedInput } from './seed';

describe('the runbook markdown', () => {
  const markdown = runbookMarkdown();

  it('has one table row and one section per alert', () => {
    for (const name of ALERT_NAMES) {
      expect(markdown).toContain(`| [${name}](#${name.toLowerCase()}) | ${catalogueEntry(name).severity} |`);
      expect(markdown).toContain(`\n### ${name}\n`);
    }
    expect(markdown.match(/^### /gm)).toHaveLength(22);
  });

  it('lists the meaning, first checks and likely fixes of each alert', () => {
    for (const e of ALERT_CATALOGUE) {
      const section = markdown.slice(markdown.indexOf(`### ${e.name}\n`)).split(/\n### /)[0];
      expect(section).toContain(`**Meaning.** ${e.meaning}`);
      for (const check of e.firstChecks) expect(section).toContain(`- ${check}`);
      for (const fix of e.likelyFixes) expect(section).toContain(`- ${fix}`);
    }
  });

  it('shows the for of the burn-rate tiers and of alerts that fire at once', () => {
    expect(describeFor(catalogueEntry('InferenceErrorBudgetBurnFast'))).toBe('2m / 15m');
    expect(describeFor(catalogueEntry('InferenceErrorBudgetBurnSlow'))).toBe('1h / 3h');
    expect(describeFor(catalogueEntry('InferenceModelLoadFailed'))).toBe('at once');
    expect(describeFor(catalogueEntry('InferenceGpuUnderutilized'))).toBe('1h');
  });

  it('uses the anchors the rules link to', () => {
    const anchors = new Set([...markdown.matchAll(/\]\(#([a-z0-9]+)\)/g)].map((m) => m[1]));
    for (const rule of buildAlertRuleGroups(seedInput()).flatMap((g) => g.rules).filter(isAlertingRule)) {
      expect(anchors.has(rule.annotations.runbook_url.split('#')[1]), rule.alert).toBe(true);
    }
  });
});
