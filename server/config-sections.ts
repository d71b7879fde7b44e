/**
 * The sections of the server options that each come from a group of environment variables
 * (email, S3, uploads, webhooks, ...), and the parsers of single values they share. Each
 * throws a ConfigError that names the variable and the form it expects.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllowList } from './core/egress.ts';
import { parseTrustProxy } from './http/proxy-trust.ts';
import type { ServerOptions } from './server.ts';

export class ConfigError extends Error {}

/**
 * PARLEY_ADMIN_BOOTSTRAP, `username:password` (the password may hold colons): the first admin,
 * created when the server starts on a database where no worker holds the admin role.
 */
export function adminBootstrapOf(env: NodeJS.ProcessEnv): ServerOptions['adminBootstrap'] {
  const value = env.PARLEY_ADMIN_BOOTSTRAP;
  if (!value) return undefined;
  const colon = value.indexOf(':');
  const username = colon > 0 ? value.slice(0, colon).trim() : '';
  const password = colon > 0 ? value.slice(colon + 1) : '';
  if (!username || !password) {
    throw new ConfigError(
      'PARLEY_ADMIN_BOOTSTRAP must be username:password, e.g. admin:<a long random password>',
    );
  }
  if (password.length < 10) {
    throw new ConfigError('PARLEY_ADMIN_BOOTSTRAP: the admin password needs at least 10 characters');
  }
  return { username, password };
}

/**
 * Email: PARLEY_SMTP_URL and PARLEY_SMTP_FROM (replies go out), PARLEY_SMTP_LISTEN (Parley's
 * own SMTP receiver, `host:port`) and PARLEY_EMAIL_SIGNING_KEY (the inbound-parse webhook).
 */
export function emailOf(env: NodeJS.ProcessEnv): ServerOptions['email'] {
  const smtpUrl = env.PARLEY_SMTP_URL || undefined;
  const from = env.PARLEY_SMTP_FROM || undefined;
  if (smtpUrl && !/^smtps?:\/\/[^/]/.test(smtpUrl)) {
    throw new ConfigError(
      `PARLEY_SMTP_URL must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@mail.example.com:587, got "${smtpUrl.replace(/\/\/[^@/]*@/, '//…@')}"`,
    );
  }
  if (Boolean(smtpUrl) !== Boolean(from)) {
    throw new ConfigError(
      smtpUrl
        ? 'PARLEY_SMTP_URL needs PARLEY_SMTP_FROM, the address replies are sent from, e.g. "Shop support <support@shop.example>"'
        : 'PARLEY_SMTP_FROM is set but PARLEY_SMTP_URL is not: set the SMTP server to send through, or unset PARLEY_SMTP_FROM',
    );
  }
  const signingKey = env.PARLEY_EMAIL_SIGNING_KEY || undefined;
  if (signingKey && signingKey.length < 16) {
    throw new ConfigError(
      "PARLEY_EMAIL_SIGNING_KEY must be at least 16 characters (your provider's webhook signing key)",
    );
  }
  const listenText = env.PARLEY_SMTP_LISTEN || undefined;
  let listen: { host: string; port: number } | undefined;
  if (listenText) {
    const match = /^(?:(.+):)?(\d{1,5})$/.exec(listenText);
    const port = Number(match?.[2]);
    if (!match || port > 65535) {
      throw new ConfigError(
        `PARLEY_SMTP_LISTEN must be a port or host:port, e.g. 0.0.0.0:25, got "${listenText}"`,
      );
    }
    listen = { host: (match[1] ?? '0.0.0.0').replace(/^\[|\]$/g, ''), port };
  }
  if (!smtpUrl && !listen && !signingKey) return undefined;
  return { smtpUrl, from, listen, signingKey };
}

/** PARLEY_TRUST_PROXY, checked here so a typo stops the start with its fix. */
export function trustProxyOf(env: NodeJS.ProcessEnv): string | undefined {
  const text = env.PARLEY_TRUST_PROXY || undefined;
  try {
    parseTrustProxy(text);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  return text;
}

/** `on` / `off` (also true/false, 1/0) from the environment, or undefined when unset. */
export function onOff(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const text = (env[name] ?? '').trim().toLowerCase();
  if (text === '') return undefined;
  if (['on', 'true', '1'].includes(text)) return true;
  if (['off', 'false', '0'].includes(text)) return false;
  throw new ConfigError(`${name} must be on or off, got "${env[name]}"`);
}

/** A whole number above 0 from the environment, or undefined when unset. */
export function positive(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new ConfigError(`${name} must be a whole number above 0, got "${text}"`);
  }
  return value;
}

/** PARLEY_HTTP_ALLOW: hosts and networks bot requests and webhooks may reach though private. */
export function httpAllowOf(env: NodeJS.ProcessEnv): string[] {
  try {
    return parseAllowList(env.PARLEY_HTTP_ALLOW);
  } catch (err) {
    throw new ConfigError(`PARLEY_HTTP_ALLOW: ${(err as Error).message}`);
  }
}

/** Event webhooks: a URL and the secret that signs what is sent there, or neither. */
export function webhookOf(env: NodeJS.ProcessEnv): ServerOptions['webhook'] {
  const url = env.PARLEY_WEBHOOK_URL;
  if (!url) return undefined;
  if (!/^https?:\/\//.test(url)) {
    throw new ConfigError(`PARLEY_WEBHOOK_URL must be an http(s) URL, got "${url}"`);
  }
  const secret = env.PARLEY_WEBHOOK_SECRET ?? '';
  if (secret.length < 16) {
    throw new ConfigError(
      'PARLEY_WEBHOOK_URL needs PARLEY_WEBHOOK_SECRET (at least 16 characters) to sign events',
    );
  }
  return { url, secret };
}

/** The demo's signing key: made once and kept in the data dir, so sessions survive restarts. */
export function demoSecret(dataDir: string): string {
  const file = join(dataDir, 'demo-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** Upload limits from the environment (PARLEY_UPLOAD_MAX_BYTES and friends); unset ones keep their defaults. */
export function uploadsOf(env: NodeJS.ProcessEnv): ServerOptions['uploads'] {
  return Object.fromEntries(
    Object.entries({
      maxFileSize: positive(env, 'PARLEY_UPLOAD_MAX_BYTES'),
      channelMaxFiles: positive(env, 'PARLEY_CHANNEL_MAX_FILES'),
      channelMaxBytes: positive(env, 'PARLEY_CHANNEL_MAX_BYTES'),
      uploadsPerMinutePerIp: positive(env, 'PARLEY_UPLOADS_PER_MINUTE_PER_IP'),
    }).filter(([, value]) => value !== undefined),
  );
}

const S3_VARIABLES = [
  'PARLEY_S3_ENDPOINT',
  'PARLEY_S3_REGION',
  'PARLEY_S3_ACCESS_KEY_ID',
  'PARLEY_S3_SECRET_ACCESS_KEY',
  'PARLEY_S3_FORCE_PATH_STYLE',
];

/** PARLEY_S3_*: S3-compatible storage for uploaded files, or undefined when no bucket is set. */
export function s3Of(env: NodeJS.ProcessEnv): ServerOptions['s3'] {
  const bucket = env.PARLEY_S3_BUCKET || undefined;
  if (!bucket) {
    const stray = S3_VARIABLES.filter((name) => env[name]);
    if (stray.length > 0) {
      throw new ConfigError(
        `${stray.join(', ')} ${stray.length > 1 ? 'are' : 'is'} set but PARLEY_S3_BUCKET is not: set the bucket to store files in S3, or unset ${stray.length > 1 ? 'them' : 'it'}`,
      );
    }
    return undefined;
  }
  const endpoint = env.PARLEY_S3_ENDPOINT || undefined;
  if (endpoint && !/^https?:\/\/[^/]/.test(endpoint)) {
    throw new ConfigError(
      `PARLEY_S3_ENDPOINT must be an http(s) URL, e.g. https://minio.internal:9000, got "${endpoint}"`,
    );
  }
  // Self-hosted stores ignore the region but the protocol signs with one.
  const region = env.PARLEY_S3_REGION || env.AWS_REGION || (endpoint ? 'us-east-1' : undefined);
  if (!region) {
    throw new ConfigError('PARLEY_S3_BUCKET on AWS needs PARLEY_S3_REGION, e.g. PARLEY_S3_REGION=eu-west-1');
  }
  const accessKeyId = env.PARLEY_S3_ACCESS_KEY_ID || undefined;
  const secretAccessKey = env.PARLEY_S3_SECRET_ACCESS_KEY || undefined;
  if (Boolean(accessKeyId) !== Boolean(secretAccessKey)) {
    throw new ConfigError(
      "PARLEY_S3_ACCESS_KEY_ID and PARLEY_S3_SECRET_ACCESS_KEY go together: set both, or neither to use the AWS SDK's usual credentials (AWS_* variables, an instance role)",
    );
  }
  return {
    bucket,
    endpoint,
    region,
    accessKeyId,
    secretAccessKey,
    forcePathStyle: onOff(env, 'PARLEY_S3_FORCE_PATH_STYLE'),
  };
}
