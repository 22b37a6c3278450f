/**
 * Credential detection for plain configuration.
 *
 * Application settings are rendered into a ConfigMap, and ConfigMaps end up in clear in the
 * manifests users commit to git. Credentials must come from Secrets instead (`secretEnv`). This
 * module decides whether one `key=value` setting looks like a credential. It is pure: no cdk8s,
 * no imports from the project, no I/O.
 *
 * A finding carries only a `reason`: a short constant phrase chosen from this file. Reasons are
 * never built from the value (nor from the key), so they can go into error messages and logs
 * as they are; callers print {@link HIDDEN_VALUE} where the value would go.
 *
 * Two rules, values first:
 *
 * 1. **Value patterns** ({@link looksLikeCredentialValue}) apply to every setting, whatever its
 *    key: URIs with a password, well-known token formats, JWTs, PEM private keys, HTTP
 *    Authorization values, and `name=value` / `--flag value` settings whose name is a credential.
 * 2. **The key rule** (see "Key rule" below) applies when no value pattern matched: the key names
 *    a credential (`DB_PASSWORD`, `apiKey`, `x-api-key`, `spring.datasource.password`), unless
 *    the key's last word says it holds something else (a file path, a Secret's name, a length,
 *    a switch...) and the value is of that kind.
 */

/** Printed in place of a value that may be a credential. */
export const HIDDEN_VALUE = '(value hidden)';

/** Why a setting looks like a credential. `reason` never contains the value or any part of it. */
export interface CredentialFinding {
  readonly reason: string;
}

/**
 * Whether `key=value` looks like a credential that must not go into a ConfigMap.
 * Value patterns are checked first (their reasons are the more specific), then the key rule.
 */
export function credentialFinding(key: string, value: string): CredentialFinding | undefined {
  return looksLikeCredentialValue(value) ?? keyFinding(key, value);
}

/** Whether the value alone looks like a credential (value patterns only; the key is not consulted). */
export function looksLikeCredentialValue(value: string): CredentialFinding | undefined {
  for (const pattern of VALUE_PATTERNS) {
    if (pattern.test(value)) return { reason: pattern.reason };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Key rule
//
// The key is split into lower-case words at `_`, `-`, `.`, other punctuation and camelCase
// boundaries: `DB_PASSWORD`, `dbPassword`, `db-password` and `db.password` all give
// [db, password]; `APIKey` gives [api, key]. Credential words match whole words only, so
// `TOKENIZER` (one word, not `token`) and `PASSPORT` do not match. The plural `tokens` is not a
// credential word: in model-serving configuration it counts LLM tokens (`MAX_TOKENS`,
// `MAX_NEW_TOKENS`, `TOKENS_PER_SECOND`).
//
// If the key contains a credential word, the setting is a credential, except when:
//
// - the value is an absolute file path with at least two segments (`/var/secrets/sa.json`): it
//   says where a credential is mounted and holds none, whatever the key
//   (`GOOGLE_APPLICATION_CREDENTIALS=/var/secrets/sa.json`, `DB_PASSWORD=/run/secrets/db`);
// - the credential word is not the key's last word, the last word is one of the HEAD_EXEMPTIONS
//   below (reference, descriptor, quantity or switch words) and the value is of the kind that
//   word announces: `TOKEN_FILE` holding a path, `SECRET_NAME` holding a name,
//   `PASSWORD_MIN_LENGTH` holding a small number, `AUTH_ENABLED` holding a boolean.
//   `PASSWORD_HASH` or `SECRET_KEY_BASE` end in other words, so they stay credentials.
//
// Value patterns are checked before the key rule, so an exempt key holding, say, a GitHub token
// (`TOKEN_FILE=ghp_...`) is still reported.
// ---------------------------------------------------------------------------------------------

interface CredentialWords {
  /** Consecutive key words, lower case. */
  readonly words: readonly string[];
  readonly reason: string;
  /** Short or ambiguous words (`pass`, `pat`, `cred`) count only as the key's last word. */
  readonly lastWordOnly?: boolean;
}

const PASSWORD = 'the key names a password';
const SECRET = 'the key names a secret';
const TOKEN = 'the key names a token';
const API_KEY = 'the key names an API key';
const CREDENTIALS = 'the key names credentials';
const PRIVATE_KEY = 'the key names a private key';
const ACCESS_KEY = 'the key names an access key';
const AUTHORIZATION = 'the key names an authorization credential';

const credentialWords: readonly CredentialWords[] = [
  { words: ['password'], reason: PASSWORD },
  { words: ['passwords'], reason: PASSWORD },
  { words: ['passwd'], reason: PASSWORD },
  { words: ['pwd'], reason: PASSWORD },
  { words: ['passphrase'], reason: PASSWORD },
  { words: ['pass'], reason: PASSWORD, lastWordOnly: true },
  { words: ['secret'], reason: SECRET },
  { words: ['secrets'], reason: SECRET },
  { words: ['client', 'secret'], reason: 'the key names a client secret' },
  { words: ['clientsecret'], reason: 'the key names a client secret' },
  { words: ['token'], reason: TOKEN },
  { words: ['authtoken'], reason: TOKEN },
  { words: ['accesstoken'], reason: TOKEN },
  { words: ['refreshtoken'], reason: TOKEN },
  { words: ['apitoken'], reason: TOKEN },
  { words: ['bearertoken'], reason: TOKEN },
  { words: ['pat'], reason: 'the key names a personal access token', lastWordOnly: true },
  { words: ['api', 'key'], reason: API_KEY },
  { words: ['apikey'], reason: API_KEY },
  { words: ['credential'], reason: CREDENTIALS },
  { words: ['credentials'], reason: CREDENTIALS },
  { words: ['creds'], reason: CREDENTIALS },
  { words: ['cred'], reason: CREDENTIALS, lastWordOnly: true },
  { words: ['private', 'key'], reason: PRIVATE_KEY },
  { words: ['privatekey'], reason: PRIVATE_KEY },
  { words: ['access', 'key'], reason: ACCESS_KEY },
  { words: ['accesskey'], reason: ACCESS_KEY },
  { words: ['secret', 'key'], reason: 'the key names a secret key' },
  { words: ['secretkey'], reason: 'the key names a secret key' },
  { words: ['account', 'key'], reason: 'the key names an account key' },
  { words: ['session', 'key'], reason: 'the key names a session key' },
  { words: ['sessionkey'], reason: 'the key names a session key' },
  { words: ['signing', 'key'], reason: 'the key names a signing key' },
  { words: ['encryption', 'key'], reason: 'the key names an encryption key' },
  { words: ['master', 'key'], reason: 'the key names a master key' },
  { words: ['auth'], reason: AUTHORIZATION },
  { words: ['authorization'], reason: AUTHORIZATION },
  { words: ['bearer'], reason: AUTHORIZATION },
];

/** Path segments: ordinary file-name characters only. */
const SEGMENT = '[A-Za-z0-9._@+-]+';
const ABSOLUTE_PATH = new RegExp(`^/(?:${SEGMENT}/)*${SEGMENT}/?$`);
/** An absolute path of two or more segments: where a credential is mounted, e.g. `/var/secrets/sa.json`. */
const MOUNTED_FILE_PATH = new RegExp(`^/(?:${SEGMENT}/)+${SEGMENT}/?$`);
const RELATIVE_PATH = new RegExp(`^(?:~/|\\.{1,2}/)?(?:${SEGMENT}/)*${SEGMENT}/?$`);

/** A file path: absolute, or relative with a directory part or a file extension (`token.txt`). */
function isPath(value: string): boolean {
  if (ABSOLUTE_PATH.test(value)) return true;
  return RELATIVE_PATH.test(value) && (value.includes('/') || /\.[A-Za-z0-9]{1,10}$/.test(value));
}

/** A small number, optionally with a duration unit: `12`, `3600`, `30s`, `1.5h`. */
function isSmallNumber(value: string): boolean {
  return /^\d{1,9}(?:\.\d+)?(?:ms|s|m|h|d)?$/.test(value);
}

function isBoolean(value: string): boolean {
  return /^(?:true|false|yes|no|on|off|0|1)$/i.test(value);
}

/**
 * A run of 16+ letters and digits mixing upper case, lower case and digits, as random tokens
 * are; names, words and URLs rarely are.
 */
function looksRandom(value: string): boolean {
  return value
    .split(/[^A-Za-z0-9]+/)
    .some((run) => run.length >= 16 && /[a-z]/.test(run) && /[A-Z]/.test(run) && /\d/.test(run));
}

/**
 * A name, word, host or URL without whitespace: `my-secret`, `my-secret/token`, `oidc`,
 * `X-Api-Key`, `https://auth.example.com/token`; and not random-looking.
 */
function isPlainIdentifier(value: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,252}$/.test(value) && !looksRandom(value);
}

/**
 * Last words after which a credential word no longer names the value, each with the kind of value
 * it announces. Kept short on purpose; a key outside this list that contains a credential word
 * is reported.
 */
const HEAD_EXEMPTIONS: ReadonlyMap<string, (value: string) => boolean> = new Map<string, (value: string) => boolean>([
  // References to a file: `TOKEN_FILE`, `HF_TOKEN_PATH`, `SECRETS_DIR`.
  ...['file', 'filename', 'path', 'filepath', 'dir', 'directory', 'folder', 'mount'].map((w) => [w, isPath] as const),
  // References to a Secret or another object, and descriptors of how a credential is used:
  // `SECRET_NAME`, `API_KEY_SECRET_REF`, `AUTH_TYPE`, `TOKEN_URL`, `API_KEY_HEADER`.
  ...[
    'name',
    'names',
    'ref',
    'reference',
    'namespace',
    'type',
    'kind',
    'mode',
    'method',
    'scheme',
    'header',
    'algorithm',
    'alg',
    'format',
    'provider',
    'strategy',
    'policy',
    'url',
    'uri',
    'endpoint',
    'host',
    'hostname',
    'issuer',
    'audience',
    'realm',
    'scope',
    'scopes',
  ].map((w) => [w, isPlainIdentifier] as const),
  // Quantities and policies: `PASSWORD_MIN_LENGTH`, `TOKEN_TTL_SECONDS`, `MAX_TOKEN_LEN`.
  ...[
    'length',
    'len',
    'count',
    'size',
    'limit',
    'min',
    'max',
    'ttl',
    'timeout',
    'expiry',
    'expiration',
    'expires',
    'lifetime',
    'age',
    'interval',
    'seconds',
    'secs',
    'sec',
    'ms',
    'millis',
    'milliseconds',
    'minutes',
    'mins',
    'hours',
    'days',
    'retries',
    'attempts',
    'bits',
    'rounds',
    'port',
  ].map((w) => [w, isSmallNumber] as const),
  // Switches: `AUTH_ENABLED`, `TOKEN_REQUIRED`.
  ...['enabled', 'enable', 'disabled', 'disable', 'required', 'require', 'allowed'].map((w) => [w, isBoolean] as const),
]);

function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word.length > 0)
    .map((word) => word.toLowerCase());
}

/** The credential words that end last in the key (the longest, if several end there). */
function lastCredentialWords(words: readonly string[]): { end: number; reason: string } | undefined {
  let found: { end: number; reason: string } | undefined;
  for (let start = 0; start < words.length; start++) {
    for (const entry of credentialWords) {
      const end = start + entry.words.length;
      if (end > words.length || (entry.lastWordOnly && end !== words.length)) continue;
      if (!entry.words.every((word, i) => words[start + i] === word)) continue;
      if (!found || end > found.end) found = { end, reason: entry.reason };
    }
  }
  return found;
}

function keyFinding(key: string, value: string): CredentialFinding | undefined {
  const words = keyWords(key);
  const match = lastCredentialWords(words);
  if (!match) return undefined;
  if (MOUNTED_FILE_PATH.test(value)) return undefined;
  if (match.end < words.length) {
    const accepts = HEAD_EXEMPTIONS.get(words[words.length - 1]);
    if (accepts?.(value)) return undefined;
  }
  return { reason: match.reason };
}

// ---------------------------------------------------------------------------------------------
// Value patterns
//
// Token formats follow the issuers' published formats (and the gitleaks rule set,
// github.com/gitleaks/gitleaks cmd/generate/config/rules, where issuers publish no regex).
// Each requires enough characters after the prefix that words and flag values do not match
// (`sk-learn`, `hf_transfer`, `1`). Tokens are found anywhere in the value (as an argument, in a
// header list...), delimited so that they are not the middle of a longer word.
// ---------------------------------------------------------------------------------------------

interface ValuePattern {
  readonly reason: string;
  test(value: string): boolean;
}

/** Not preceded by a token character. */
const START = '(?<![A-Za-z0-9_-])';
/** Not followed by a token character. */
const END = '(?![A-Za-z0-9_-])';

function token(source: string, flags = ''): (value: string) => boolean {
  const re = new RegExp(`${START}${source}${END}`, flags);
  return (value) => re.test(value);
}

/** A token whose random part (capture group 1) mixes upper and lower case, as random base62 does. */
function mixedCaseToken(source: string): (value: string) => boolean {
  const re = new RegExp(`${START}${source}${END}`, 'g');
  return (value) => [...value.matchAll(re)].some((m) => /[a-z]/.test(m[1]) && /[A-Z]/.test(m[1]));
}

/** `${NAME}`, `$(NAME)`, `$NAME` or `{{ ... }}`: a reference to a value supplied elsewhere. */
const PLACEHOLDER = /^(?:\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$\([A-Za-z_][A-Za-z0-9_]*\)|\$[A-Za-z_][A-Za-z0-9_]*|\{\{[^{}]*\}\})$/;

/**
 * A URI whose userinfo has a password (RFC 3986 §3.2.1, `scheme://user:password@host` and
 * `scheme://:password@host`). `scheme://user@host` has no password and `http://host:8080/path`
 * a port. The password part may contain `/` (unencoded base64); digits followed by `/` are a
 * port (`http://host:8080/@scope/pkg`). Found anywhere, so `jdbc:postgresql://...` and lists of
 * URIs are covered. A password that is only a placeholder (`${DB_PASSWORD}`) holds no secret.
 */
function hasUriWithPassword(value: string): boolean {
  const scheme = /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*:\/\//g;
  for (const m of value.matchAll(scheme)) {
    const rest = value.slice((m.index ?? 0) + m[0].length);
    const userinfo = /^[^\s/?#@:]*:([^\s?#@]*)@/.exec(rest);
    if (!userinfo) continue;
    const password = userinfo[1];
    if (password === '' || /^\d+\//.test(password) || PLACEHOLDER.test(password)) continue;
    return true;
  }
  return false;
}

/** Setting values that are switches or placeholders rather than credentials. */
const TRIVIAL_SETTING = /^(?:true|false|yes|no|on|off|none|null|nil|0|1|enabled?|disabled?)$/i;

/**
 * `name=value` settings and `--flag value` arguments inside the value whose name is a credential
 * by the key rule: connection strings (`Server=db;Password=...`, `AccountKey=...`), libpq
 * keyword DSNs (`host=db password=...`), URL query strings (`?access_token=...`), command-line
 * arguments (`--api-key=...`, `--hf-token ...`).
 */
function hasCredentialSetting(value: string): boolean {
  const pieces = value.split(/[\s;&?,]+/).filter((piece) => piece.length > 0);
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i];
    const eq = piece.indexOf('=');
    let name: string;
    let setting: string;
    if (eq > 0) {
      name = piece.slice(0, eq);
      setting = piece.slice(eq + 1);
    } else if (piece.startsWith('--') && i + 1 < pieces.length && !pieces[i + 1].startsWith('-')) {
      name = piece;
      setting = pieces[i + 1];
    } else {
      continue;
    }
    name = name.replace(/^-+/, '');
    if (!/^[A-Za-z][A-Za-z0-9_.-]*$/.test(name)) continue;
    if (setting === '' || TRIVIAL_SETTING.test(setting) || PLACEHOLDER.test(setting)) continue;
    if (keyFinding(name, setting)) return true;
  }
  return false;
}

/**
 * An HTTP Authorization value with the Bearer (RFC 6750) or Basic (RFC 7617) scheme: the scheme,
 * then a token68 of 8+ characters that is not a plain lower-case word (`Basic auth`,
 * `bearer tokens` are prose, not credentials).
 */
function hasAuthorizationValue(value: string): boolean {
  const re = /(?:^|[\s:,;="'])(?:bearer|basic)\s+([A-Za-z0-9._~+/-]{8,}=*)(?=$|[\s,;"'])/gi;
  return [...value.matchAll(re)].some((m) => /[^a-z]/.test(m[1]));
}

const VALUE_PATTERNS: readonly ValuePattern[] = [
  {
    // RFC 7468 labels: PRIVATE KEY, RSA/EC/DSA/OPENSSH/ENCRYPTED PRIVATE KEY, PGP PRIVATE KEY BLOCK.
    reason: 'the value is a PEM-encoded private key',
    test: (value) => /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/.test(value),
  },
  { reason: 'the value contains a URI with a password', test: hasUriWithPassword },
  {
    // sk-ant-api03-..., sk-ant-admin01-..., sk-ant-oat01-... (gitleaks anthropic.go: 93+ characters).
    reason: 'the value looks like an Anthropic API key (sk-ant-...)',
    test: token('sk-ant-[a-z]+[0-9]*-[A-Za-z0-9_-]{32,}'),
  },
  {
    // Legacy sk- + 48 base62 characters, and sk-proj-/sk-svcacct-/sk-admin- keys of 100+
    // characters (gitleaks openai.go). 32+ characters mixing upper and lower case, so that
    // slugs such as `sk-learn` or `sk-my-long-model-name` do not match.
    reason: 'the value looks like an OpenAI API key (sk-...)',
    test: mixedCaseToken('sk-(?:(?:proj|svcacct|admin)-)?([A-Za-z0-9_-]{32,})'),
  },
  {
    // hf_ + 34 letters (huggingface.co/docs/hub/security-tokens; gitleaks huggingface.go).
    reason: 'the value looks like a Hugging Face access token (hf_...)',
    test: mixedCaseToken('hf_([A-Za-z0-9]{30,})'),
  },
  {
    // github_pat_ + 22 + _ + 59 characters (GitHub fine-grained personal access tokens).
    reason: 'the value looks like a GitHub fine-grained personal access token',
    test: token('github_pat_[A-Za-z0-9]{22,}_[A-Za-z0-9]{40,}'),
  },
  {
    // ghp_ (personal), gho_ (OAuth), ghu_ (user-to-server), ghs_ (server-to-server), ghr_ (refresh)
    // + 36 base62 characters, up to 255 (github.blog/changelog/2021-03-31-authentication-token-format-updates-are-generally-available).
    reason: 'the value looks like a GitHub token (ghp_, gho_, ghu_, ghs_ or ghr_)',
    test: token('gh[pousr]_[A-Za-z0-9]{36,255}'),
  },
  {
    // glpat- personal/project/group tokens and the other GitLab prefixes
    // (docs.gitlab.com/ee/security/tokens/#token-prefixes; gitleaks gitlab.go: 20+ characters).
    reason: 'the value looks like a GitLab token (glpat-...)',
    test: token('gl(?:pat|dt|rt|ptt|cbt|oas|soat|ft|imt|agent|ffct)-[A-Za-z0-9_.-]{20,}'),
  },
  {
    // Bot xoxb-, user xoxp-, refresh/config xoxe-, legacy xoxa-/xoxr-/xoxo-/xoxs-, all with numeric
    // team/user IDs; app-level xapp-1-... (api.slack.com/authentication/token-types; gitleaks slack.go).
    reason: 'the value looks like a Slack token (xoxb-, xoxp-, xapp-...)',
    test: (value) =>
      new RegExp(`${START}xox[abeoprs]-[0-9]+-[A-Za-z0-9-]{8,}`).test(value) ||
      new RegExp(`${START}xapp-[0-9]-[A-Z0-9]+-[0-9]+-[A-Za-z0-9]+`).test(value),
  },
  {
    // Access key IDs: AKIA (long-term), ASIA (STS temporary), ABIA (STS bearer), ACCA
    // (context-specific) + 16 upper-case letters and digits (AWS IAM unique identifier prefixes).
    reason: 'the value looks like an AWS access key ID (AKIA.../ASIA...)',
    test: (value) => /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])/.test(value),
  },
  {
    // AIza + 35 characters (gitleaks gcp.go, Google API keys).
    reason: 'the value looks like a Google API key (AIza...)',
    test: token('AIza[A-Za-z0-9_-]{35}'),
  },
  {
    // Secret sk_ and restricted rk_ keys; Stripe's own detection regex is (sk|rk)_live_[0-9a-z]{10,128}
    // (gitlab.com/gitlab-org/gitlab/-/issues/458019). Test-mode keys are credentials too.
    reason: 'the value looks like a Stripe secret or restricted key (sk_live_/rk_live_...)',
    test: token('[sr]k_(?:live|test)_[A-Za-z0-9]{10,}'),
  },
  {
    // RFC 7519 compact form: base64url header and payload, both JSON objects (`{"` encodes as `eyJ`).
    reason: 'the value looks like a JSON Web Token',
    test: token('eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*'),
  },
  {
    reason: 'the value looks like HTTP Bearer or Basic credentials',
    test: hasAuthorizationValue,
  },
  { reason: 'the value sets a parameter or flag that names a credential', test: hasCredentialSetting },
];
