/**
 * YAML manifests to objects, each with the file and the line its document starts on (what
 * SARIF and the text report point at). `kind: List` documents are expanded into their items.
 */
import { LineCounter, parseAllDocuments } from 'yaml';
import { K8sObject, SourceLocation } from './types';

export interface ParsedManifests {
  readonly objects: K8sObject[];
  readonly locations: SourceLocation[];
}

/** Thrown for text that is not YAML: names the file and line. */
export class ManifestParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestParseError';
  }
}

/**
 * Parses every document of a YAML (or JSON) text.
 * @param file the name reported in locations and errors
 * @throws ManifestParseError when a document is not valid YAML
 */
export function parseManifests(text: string, file: string): ParsedManifests {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const objects: K8sObject[] = [];
  const locations: SourceLocation[] = [];
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    if (doc.errors.length) {
      const e = doc.errors[0];
      const { line, col } = lineCounter.linePos(e.pos[0]);
      throw new ManifestParseError(`${file}:${line}:${col}: not valid YAML: ${e.message.split('\n')[0]}`);
    }
    const value = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) continue;
    // The line of the document's first content node (after comments and `---`).
    const start = doc.contents?.range?.[0] ?? doc.range[0];
    const line = lineCounter.linePos(start).line;
    const items: unknown[] = value?.kind === 'List' && Array.isArray(value.items) ? value.items : [value];
    for (const item of items) {
      objects.push(item as K8sObject);
      locations.push({ file, line });
    }
  }
  return { objects, locations };
}
