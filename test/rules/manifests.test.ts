import { describe, expect, it } from 'vitest';
import { ManifestParseError, parseManifests } from '../../src/rules/manifests';

describe('parseManifests', () => {
  it('gives each object the line its document content starts on, past comments and separators', () => {
    const text = ['# header', '---', 'kind: A', 'metadata: {name: a}', '---', '', '# about b', 'kind: B', '---', '---', 'kind: C', ''].join('\n');
    const { objects, locations } = parseManifests(text, 'm.yaml');
    expect(objects.map((o) => o.kind)).toEqual(['A', 'B', 'C']);
    expect(locations).toEqual([
      { file: 'm.yaml', line: 3 },
      { file: 'm.yaml', line: 8 },
      { file: 'm.yaml', line: 11 },
    ]);
  });

  it('expands kind: List into its items, each at the line of the list', () => {
    const { objects, locations } = parseManifests('apiVersion: v1\nkind: List\nitems:\n  - kind: A\n  - kind: B\n', 'l.yaml');
    expect(objects.map((o) => o.kind)).toEqual(['A', 'B']);
    expect(locations.map((l) => l.line)).toEqual([1, 1]);
  });

  it('reads JSON too, and nothing from an empty file', () => {
    expect(parseManifests('{"kind": "A"}', 'a.json').objects).toEqual([{ kind: 'A' }]);
    expect(parseManifests('', 'e.yaml').objects).toEqual([]);
  });

  it('names the file, line and column of YAML that does not parse', () => {
    expect(() => parseManifests('kind: A\n---\nkind: [B\n', 'bad.yaml')).toThrow(ManifestParseError);
    expect(() => parseManifests('kind: A\n---\nkind: [B\n', 'bad.yaml')).toThrow(/^bad\.yaml:\d+:\d+: not valid YAML: /);
  });
});
