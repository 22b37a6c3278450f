import { describe, expect, test } from 'vitest';
import { HIDDEN_VALUE, credentialFinding, looksLikeCredentialValue } from '../../src/spec/credentials';

// Fake token material is generated at run time from an arithmetic progression over the base62
// alphabet, so that no literal in this file has a real token's shape and no secret scanner
// flags the repository, yet every fake mixes upper case, lower case and digits.
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
function fake(length: number, alphabet = BASE62, step = 7): string {
  return Array.from({ length }, (_, i) => alphabet[(i * step + 3) % alphabet.length]).join('');
}
const base64url = (text: string) => Buffer.from(text).toString('base64url');
const pemLabel = (kind: string) => `${kind}PRIVATE KEY`;
const pem = (kind: string) =>
  [`-----BEGIN ${pemLabel(kind)}-----`, fake(64, BASE62 + '+/'), fake(40), `-----END ${pemLabel(kind)}-----`].join('\n');
const jwt = [base64url('{"alg":"HS256","typ":"JWT"}'), base64url('{"sub":"1234567890","name":"Test User"}'), fake(43)].join('.');

/** Values that must be reported whatever their key, with the reason they must give. */
const valuePositives: ReadonlyArray<readonly [string, string, RegExp]> = [
  ['a URI with a user and a password', `postgres://app:${fake(12)}@db:5432/app`, /URI with a password/],
  ['a URI with a password only (Redis)', `redis://:${fake(12)}@cache:6379/0`, /URI with a password/],
  ['a URI whose password contains a slash', `postgres://app:${fake(6)}/${fake(6)}@db/app`, /URI with a password/],
  ['a URI whose password is all digits', 'amqp://guest:20240517@rabbit:5672/', /URI with a password/],
  ['a JDBC URL with a password', `jdbc:postgresql://app:${fake(12)}@db:5432/app`, /URI with a password/],
  ['a URI with a password inside a list of URIs', `redis://cache-0:6379,redis://:${fake(12)}@cache-1:6379`, /URI with a password/],
  ['an OpenAI legacy key', `sk-${fake(48)}`, /OpenAI API key \(sk-\.\.\.\)/],
  ['an OpenAI project key', `sk-proj-${fake(120, BASE62 + '_-')}`, /OpenAI API key/],
  ['an OpenAI service-account key', `sk-svcacct-${fake(120)}`, /OpenAI API key/],
  ['an Anthropic API key', `sk-ant-api03-${fake(93, BASE62 + '_-')}AA`, /Anthropic API key/],
  ['a Hugging Face token', `hf_${fake(34, BASE62.slice(0, 52))}`, /Hugging Face access token/],
  ['a GitHub personal access token (ghp_)', `ghp_${fake(36)}`, /GitHub token/],
  ['a GitHub OAuth token (gho_)', `gho_${fake(36)}`, /GitHub token/],
  ['a GitHub user-to-server token (ghu_)', `ghu_${fake(36)}`, /GitHub token/],
  ['a GitHub server-to-server token (ghs_)', `ghs_${fake(36)}`, /GitHub token/],
  ['a GitHub refresh token (ghr_)', `ghr_${fake(36)}`, /GitHub token/],
  ['a GitHub fine-grained personal access token', `github_pat_${fake(22)}_${fake(59, BASE62, 11)}`, /GitHub fine-grained/],
  ['a GitLab personal access token', `glpat-${fake(20, BASE62 + '_-')}`, /GitLab token/],
  ['a GitLab runner token', `glrt-${fake(20)}`, /GitLab token/],
  ['a Slack bot token', `xoxb-${fake(12, '0123456789')}-${fake(13, '0123456789', 3)}-${fake(24)}`, /Slack token/],
  ['a Slack user token', `xoxp-${fake(11, '0123456789')}-${fake(10, '0123456789', 3)}-${fake(11, '0123456789')}-${fake(32)}`, /Slack token/],
  ['a Slack legacy workspace token', `xoxa-2-${fake(12)}`, /Slack token/],
  ['a Slack refresh token', `xoxr-1-${fake(12)}`, /Slack token/],
  ['a Slack legacy token', `xoxs-${fake(10, '0123456789')}-${fake(10, '0123456789', 3)}-${fake(10, '0123456789')}-${fake(10, 'abcdef0123456789')}`, /Slack token/],
  ['a Slack app-level token', `xapp-1-A${fake(10, UPPER_ALNUM)}-${fake(13, '0123456789')}-${fake(64, 'abcdef0123456789')}`, /Slack token/],
  ['an AWS access key ID (AKIA)', `AKIA${fake(16, UPPER_ALNUM)}`, /AWS access key ID/],
  ['an AWS temporary access key ID (ASIA)', `ASIA${fake(16, UPPER_ALNUM)}`, /AWS access key ID/],
  ['a Google API key', `AIza${fake(35, BASE62 + '_-')}`, /Google API key/],
  ['a Stripe live secret key', `sk_live_${fake(24)}`, /Stripe/],
  ['a Stripe live restricted key', `rk_live_${fake(24)}`, /Stripe/],
  ['a Stripe test secret key', `sk_test_${fake(24)}`, /Stripe/],
  ['a JSON Web Token', jwt, /JSON Web Token/],
  ['a PEM private key', pem(''), /PEM-encoded private key/],
  ['a PEM RSA private key', pem('RSA '), /PEM-encoded private key/],
  ['a PEM EC private key', pem('EC '), /PEM-encoded private key/],
  ['a PEM OpenSSH private key', pem('OPENSSH '), /PEM-encoded private key/],
  ['a PEM encrypted private key', pem('ENCRYPTED '), /PEM-encoded private key/],
  ['a Bearer Authorization value', `Bearer ${fake(40, BASE62 + '._-')}`, /HTTP Bearer or Basic credentials/],
  ['a Basic Authorization value', `Basic ${Buffer.from(`app:${fake(12)}`).toString('base64')}`, /HTTP Bearer or Basic credentials/],
  ['an Authorization header line', `Authorization: Bearer ${fake(32)}`, /HTTP Bearer or Basic credentials/],
  ['a token inside a command line', `--model m --api-key ${fake(24)}`, /parameter or flag that names a credential/],
  ['a flag with an equals sign', `--hf-token=${fake(24)} --max-model-len=8192`, /parameter or flag that names a credential/],
  ['a connection string with a password', `Server=db;Database=app;User Id=app;Password=${fake(16)};`, /parameter or flag/],
  ['an Azure storage connection string', `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${fake(40)}==`, /parameter or flag/],
  ['a libpq keyword DSN with a password', `host=db port=5432 user=app password=${fake(16)} dbname=app`, /parameter or flag/],
  ['a URL with a token in its query string', `https://api.example.com/v1/feed?access_token=${fake(24)}&page=2`, /parameter or flag/],
  ['a Java system property holding a password', `-Djavax.net.ssl.trustStorePassword=${fake(12)}`, /parameter or flag/],
];

/** Keys that name credentials, with a value no value pattern matches. */
const keyPositives: ReadonlyArray<readonly [string, RegExp]> = [
  ['DB_PASSWORD', /names a password/],
  ['MYSQL_PASSWD', /names a password/],
  ['DB_PWD', /names a password/],
  ['SMTP_PASS', /names a password/],
  ['GPG_PASSPHRASE', /names a password/],
  ['dbPassword', /names a password/],
  ['db-password', /names a password/],
  ['spring.datasource.password', /names a password/],
  ['APP_SECRET', /names a secret/],
  ['WEBHOOK_SECRETS', /names a secret/],
  ['OAUTH_CLIENT_SECRET', /names a client secret/],
  ['clientSecret', /names a client secret/],
  ['HF_TOKEN', /names a token/],
  ['HUGGING_FACE_HUB_TOKEN', /names a token/],
  ['refreshToken', /names a token/],
  ['GITLAB_PAT', /names a personal access token/],
  ['OPENAI_API_KEY', /names an API key/],
  ['apiKey', /names an API key/],
  ['APIKey', /names an API key/],
  ['x-api-key', /names an API key/],
  ['GOOGLE_CREDENTIALS', /names credentials/],
  ['DB_CREDS', /names credentials/],
  ['TLS_PRIVATE_KEY', /names a private key/],
  ['privateKey', /names a private key/],
  ['AWS_ACCESS_KEY', /names an access key/],
  ['AWS_SECRET_ACCESS_KEY', /names an access key/],
  ['DJANGO_SECRET_KEY', /names a secret key/],
  ['SECRET_KEY_BASE', /names a secret key/],
  ['AZURE_STORAGE_ACCOUNT_KEY', /names an account key/],
  ['FLASK_SESSION_KEY', /names a session key/],
  ['JWT_SIGNING_KEY', /names a signing key/],
  ['DATA_ENCRYPTION_KEY', /names an encryption key/],
  ['MEILI_MASTER_KEY', /names a master key/],
  ['BASIC_AUTH', /names an authorization credential/],
  ['AUTHORIZATION', /names an authorization credential/],
  ['BEARER', /names an authorization credential/],
  ['PASSWORD_HASH', /names a password/],
];

/** Settings that must not be reported. */
const negatives: ReadonlyArray<readonly [string, string, string]> = [
  ['a tokenizer setting', 'TOKENIZER', 'meta-llama/Llama-3.1-8B-Instruct'],
  ['a tokenizer mode', 'TOKENIZER_MODE', 'auto'],
  ['a token count', 'MAX_TOKENS', '4096'],
  ['a count of new tokens', 'MAX_NEW_TOKENS', '512'],
  ['a throughput in tokens', 'TOKENS_PER_SECOND', '250'],
  ['the Hugging Face transfer switch', 'HF_HUB_ENABLE_HF_TRANSFER', '1'],
  ['a token file path', 'TOKEN_FILE', '/var/run/secrets/token'],
  ['a relative token path', 'HF_TOKEN_PATH', './secrets/hf-token'],
  ['a token file name', 'API_TOKEN_FILE', 'token.txt'],
  ['a secrets directory', 'SECRETS_DIR', '/etc/app/secrets'],
  ['Google application credentials path', 'GOOGLE_APPLICATION_CREDENTIALS', '/var/secrets/sa.json'],
  ['a password mounted as a file', 'DB_PASSWORD', '/run/secrets/db-password'],
  ['the name of a Secret', 'SECRET_NAME', 'my-secret'],
  ['the name of a database Secret', 'DB_SECRET_NAME', 'postgres-credentials'],
  ['a reference to a Secret key', 'API_KEY_SECRET_REF', 'openai/api-key'],
  ['a password length policy', 'PASSWORD_MIN_LENGTH', '12'],
  ['a token lifetime', 'TOKEN_TTL_SECONDS', '3600'],
  ['a token lifetime with a unit', 'ACCESS_TOKEN_TTL', '15m'],
  ['an authentication switch', 'AUTH_ENABLED', 'true'],
  ['an authentication type', 'AUTH_TYPE', 'oidc'],
  ['an OAuth token endpoint', 'TOKEN_URL', 'https://auth.example.com/oauth/token'],
  ['the header that carries an API key', 'API_KEY_HEADER', 'X-Api-Key'],
  ['an HTTP URL with a port', 'UPSTREAM_URL', 'http://host:8080/path'],
  ['a URI with a user and no password', 'DATABASE_URL', 'postgres://user@db:5432/app'],
  ['a URI with an empty password', 'DATABASE_URL', 'postgres://user:@db:5432/app'],
  ['a URI whose password is a placeholder', 'DATABASE_URL', 'postgres://app:${DB_PASSWORD}@db:5432/app'],
  ['a URL with a port and an @ in the path', 'REGISTRY_URL', 'https://registry.example.com:8443/@scope/pkg'],
  ['a plain URL', 'API_BASE_URL', 'https://api.example.com/v1'],
  ['a model id', 'MODEL_NAME', 'meta-llama/Llama-3.1-8B-Instruct'],
  ['a model id with sk in it', 'MODEL_NAME', 'sk-model'],
  ['a package name starting with sk-', 'EXTRA_PIP_PACKAGES', 'sk-learn'],
  ['a long slug starting with sk-', 'MODEL_NAME', 'sk-my-very-long-descriptive-model-name-v2'],
  ['a value that names hf_transfer', 'HF_BACKEND', 'hf_transfer'],
  ['a short ghp_ string', 'NOTE', 'ghp_abc'],
  ['a word starting with AKIA', 'NOTE', 'AKIAXX'],
  ['prose about basic auth', 'NOTE', 'Basic auth'],
  ['prose about bearer tokens', 'NOTE', 'Bearer tokens required'],
  ['serving arguments without credentials', 'VLLM_ARGS', '--max-model-len=8192 --tokenizer-mode auto --max-num-seqs 256'],
  ['a switch in a parameter list', 'OPTIONS', 'auth=none;sslmode=require'],
  ['a word containing pass', 'BYPASS_CACHE', 'true'],
  ['a passport setting', 'PASSPORT_STRATEGY', 'local'],
  ['a log level', 'LOG_LEVEL', 'info'],
];

describe('credentialFinding: value patterns', () => {
  test.each(valuePositives)('%s is reported whatever the key', (_, value, reason) => {
    expect(looksLikeCredentialValue(value)?.reason).toMatch(reason);
    expect(credentialFinding('UPSTREAM', value)?.reason).toMatch(reason);
  });

  test('a token under a key that says neither KEY nor TOKEN is reported', () => {
    expect(credentialFinding('OPENAI', `sk-proj-${fake(120)}`)?.reason).toMatch(/OpenAI/);
    expect(credentialFinding('HUGGINGFACE', `hf_${fake(34, BASE62.slice(0, 52))}`)?.reason).toMatch(/Hugging Face/);
  });

  test('the Redis URI with a password only, missed by the old check, is reported', () => {
    expect(credentialFinding('REDIS_URL', 'redis://:s3cret@host:6379/0')?.reason).toBe('the value contains a URI with a password');
  });

  test('an exempt key is still checked against the value patterns', () => {
    expect(credentialFinding('TOKEN_FILE', `ghp_${fake(36)}`)?.reason).toMatch(/GitHub token/);
    expect(credentialFinding('SECRET_NAME', `sk-${fake(48)}`)?.reason).toMatch(/OpenAI/);
    expect(credentialFinding('GOOGLE_APPLICATION_CREDENTIALS', pem(''))?.reason).toMatch(/PEM/);
  });

  test('looksLikeCredentialValue ignores keys: a plain value is not reported on its own', () => {
    expect(looksLikeCredentialValue('hunter2-but-longer')).toBeUndefined();
  });
});

describe('credentialFinding: key rule', () => {
  test.each(keyPositives)('the key %s names a credential', (key, reason) => {
    expect(credentialFinding(key, fake(20))?.reason).toMatch(reason);
  });

  test('a credential key is reported even when its value is short or plain', () => {
    expect(credentialFinding('DB_PASSWORD', 'changeme')?.reason).toBe('the key names a password');
  });

  test('an exempt suffix does not help when the value is not of the announced kind', () => {
    expect(credentialFinding('TOKEN_FILE', 'not a path')).toBeDefined();
    expect(credentialFinding('PASSWORD_MIN_LENGTH', 'hunter2x')).toBeDefined();
    expect(credentialFinding('AUTH_ENABLED', 'letmein')).toBeDefined();
    expect(credentialFinding('SECRET_NAME', fake(24))).toBeDefined();
  });

  test('a relative path exempts only keys that say they hold a file reference', () => {
    expect(credentialFinding('TOKEN_FILE', 'secrets/token')).toBeUndefined();
    expect(credentialFinding('API_TOKEN', 'secrets/token')).toBeDefined();
  });

  test('a one-segment absolute path exempts only keys that say they hold a file reference', () => {
    expect(credentialFinding('TOKEN_PATH', '/token')).toBeUndefined();
    expect(credentialFinding('DB_PASSWORD', '/secret')).toBeDefined();
  });

  test('short ambiguous words count only as the last word of the key', () => {
    expect(credentialFinding('PASS_THROUGH_HEADERS', 'x-request-id')).toBeUndefined();
    expect(credentialFinding('PAT_ROUTES', 'a,b')).toBeUndefined();
    expect(credentialFinding('REDIS_PASS', 'x')).toBeDefined();
  });
});

describe('credentialFinding: false positives', () => {
  test.each(negatives)('%s (%s) is not reported', (_, key, value) => {
    expect(credentialFinding(key, value)).toBeUndefined();
  });

  test('a long ordinary value is checked quickly', () => {
    const value = 'a:b@c/'.repeat(20_000) + 'x=y '.repeat(20_000);
    const start = Date.now();
    expect(credentialFinding('NOTE', value)).toBeUndefined();
    expect(Date.now() - start).toBeLessThan(2_000);
  });
});

describe('credentialFinding: reasons hide the value', () => {
  const examples: ReadonlyArray<readonly [string, string]> = [
    ...valuePositives.map(([, value]) => ['UPSTREAM', value] as const),
    ...keyPositives.map(([key]) => [key, fake(20)] as const),
    ['DB_PASSWORD', 'changeme'],
    ['REDIS_URL', 'redis://:s3cret@host:6379/0'],
  ];

  test('every positive example has a reason, and no reason contains its value or a 10-character piece of it', () => {
    for (const [key, value] of examples) {
      const reason = credentialFinding(key, value)?.reason;
      expect(reason, `${key} should be reported`).toBeDefined();
      expect(reason).not.toContain(value);
      for (let i = 0; i + 10 <= value.length; i++) {
        expect(reason, `${key}: reason quotes part of the value`).not.toContain(value.slice(i, i + 10));
      }
    }
  });

  test('reasons are short phrases about the key or the value', () => {
    for (const [key, value] of examples) {
      const reason = credentialFinding(key, value)?.reason ?? '';
      expect(reason).toMatch(/^the (key|value) /);
      expect(reason.length).toBeLessThan(100);
    }
  });

  test('an error message built from a finding shows HIDDEN_VALUE instead of the value', () => {
    expect(HIDDEN_VALUE).toBe('(value hidden)');
    const value = `postgres://app:${fake(16)}@db:5432/app`;
    const finding = credentialFinding('DB_URL', value);
    const message = `config.extra.DB_URL ${HIDDEN_VALUE} looks like a credential: ${finding?.reason}; put it in a Secret and reference it with secretEnv`;
    expect(message).toBe(
      'config.extra.DB_URL (value hidden) looks like a credential: the value contains a URI with a password; put it in a Secret and reference it with secretEnv',
    );
    expect(message).not.toContain(value.slice(15, 31));
  });
});
