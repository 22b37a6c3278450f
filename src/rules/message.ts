/** Finding messages in the library's style: `path (value) rule; fix`, secrets hidden. */
import { describeValue, hideSecret } from '../spec/problems';

/** `path (value) message`, the value hidden when it looks like a credential. */
export function problem(path: string, value: unknown, message: string): string {
  const key = /([A-Za-z0-9_-]+)\]?$/.exec(path)?.[1] ?? path;
  const shown = Array.isArray(value) && value.length <= 4 && value.every((v) => typeof v === 'string') ? `[${value.join(', ')}]` : describeValue(hideSecret([key], value));
  return `${path} (${shown}) ${message}`;
}
