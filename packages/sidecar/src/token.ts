/**
 * The request token: where it comes from, and the check every secret-bearing request passes.
 *
 * Sources, first one set wins: `--token-file` (`KURA_TOKEN_FILE`), then the variables
 * `KURA_TOKEN`, `AWS_TOKEN`, `AWS_SESSION_TOKEN`, `AWS_CONTAINER_AUTHORIZATION_TOKEN` (the last
 * three are the ones the AWS Secrets Manager Agent reads). A variable may hold `file:///path`,
 * and then the token is that file's content. Surrounding whitespace in a file (such as the
 * newline an editor adds) is ignored. A variable's value with surrounding whitespace is rejected,
 * because an HTTP header value cannot carry it, so no request could ever match.
 */
import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, open, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KuraConfigError } from '@kura/sdk';

/** The request header that carries the token, as the Agent and the Lambda extension name it. */
export const tokenHeader = 'x-aws-parameters-secrets-token';

/** Environment variables read for the token, in order, after `--token-file`. */
export const tokenEnvVariables = [
  'KURA_TOKEN',
  'AWS_TOKEN',
  'AWS_SESSION_TOKEN',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
] as const;

/** Source of the token, logged at start-up instead of the token. */
export type TokenOrigin =
  | { kind: 'file'; path: string; created: boolean; via: string }
  | { kind: 'env'; variable: string };

export interface TokenVerifier {
  readonly origin: TokenOrigin;
  /** Resolves true when `presented` equals the current token. */
  verify(presented: string | undefined): Promise<boolean>;
  /**
   * Returns why no request can pass (the token file is missing, empty or unreadable), or
   * undefined while a token is in force. Never contains the token.
   */
  problem(): string | undefined;
}

/**
 * SHA-256 of the token, so comparisons are constant-time whatever the lengths. It runs on every
 * request, so it uses the one-shot `hash` (Node 20.12 and later): 1.0 µs a call against 1.8 µs
 * for `createHash`, for a 44-byte token in a loop on Node 20.20.2 on a 2-vCPU VM.
 */
function digest(token: string): Buffer {
  return hash('sha256', token, 'buffer');
}

function compare(expected: Buffer, presented: string | undefined): boolean {
  if (presented === undefined) {
    return false;
  }
  return timingSafeEqual(expected, digest(presented));
}

/** Writes a new random token to `path`, mode 0640, failing if the file appeared meanwhile. */
async function createTokenFile(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const handle = await open(path, 'wx', 0o640);
  try {
    await handle.writeFile(randomBytes(32).toString('hex'));
    // The process umask may have cleared group read from the mode given to open().
    await handle.chmod(0o640);
  } finally {
    await handle.close();
  }
}

function fileSignature(stats: { ino: bigint; size: bigint; mtimeNs: bigint; ctimeNs: bigint }) {
  return `${stats.ino}:${stats.size}:${stats.mtimeNs}:${stats.ctimeNs}`;
}

/**
 * A token read from a file and read again whenever the file changes (inode, size or times).
 * Each request waits for a `stat` of the file, so a rotated token takes effect on the next
 * request. Requests that arrive while a check is running share it, because one `stat` per
 * request cost about a third of the sidecar's throughput under load (docs/benchmarks.md,
 * sidecar-throughput). Deleting, emptying or making the file unreadable revokes the token:
 * every request is rejected until the file contains a token again.
 */
class FileTokenVerifier implements TokenVerifier {
  private expected: Buffer | undefined;
  private signature = '';
  /** Reason the token is revoked, while it is. */
  private unusable: string | undefined;
  /** The check of the file now running; requests that arrive meanwhile wait for it. */
  private pendingCheck: Promise<void> | undefined;

  constructor(
    private readonly path: string,
    readonly origin: TokenOrigin,
  ) {}

  async load(): Promise<void> {
    const stats = await stat(this.path, { bigint: true });
    const token = (await readFile(this.path, 'utf8')).trim();
    if (token.length === 0) {
      throw new KuraConfigError(
        `token file ${this.path} is empty; write a token into it or delete it so kura creates one`,
      );
    }
    this.expected = digest(token);
    this.signature = fileSignature(stats);
  }

  async verify(presented: string | undefined): Promise<boolean> {
    this.pendingCheck ??= this.reloadIfChanged().finally(() => {
      this.pendingCheck = undefined;
    });
    await this.pendingCheck;
    return this.expected !== undefined && compare(this.expected, presented);
  }

  problem(): string | undefined {
    return this.unusable;
  }

  private async reloadIfChanged(): Promise<void> {
    const stats = await stat(this.path, { bigint: true }).catch(() => undefined);
    if (stats === undefined) {
      this.revoke(`token file ${this.path} is missing; write a token into it to accept requests`);
      return;
    }
    if (fileSignature(stats) === this.signature) {
      return;
    }
    try {
      await this.load();
      this.unusable = undefined;
    } catch (error) {
      // load() throws KuraConfigError only for a file that contains no token.
      this.revoke(
        error instanceof KuraConfigError
          ? `token file ${this.path} is empty; write a token into it to accept requests`
          : `token file ${this.path} cannot be read (${(error as Error).message}); check its permissions`,
      );
    }
  }

  /** Drops the token, so requests are rejected until the file contains a token again. */
  private revoke(reason: string): void {
    this.expected = undefined;
    this.signature = '';
    this.unusable = reason;
  }
}

class FixedTokenVerifier implements TokenVerifier {
  private readonly expected: Buffer;

  constructor(
    token: string,
    readonly origin: TokenOrigin,
  ) {
    this.expected = digest(token);
  }

  async verify(presented: string | undefined): Promise<boolean> {
    return compare(this.expected, presented);
  }

  problem(): undefined {
    return undefined;
  }
}

function pathOfFileUrl(value: string, variable: string): string {
  try {
    return fileURLToPath(value);
  } catch {
    throw new KuraConfigError(
      `${variable}: "${value}" is not a valid file URL; write file:///absolute/path`,
    );
  }
}

/**
 * Finds the token in the configured sources and returns its verifier. Creates `tokenFile` when
 * it is missing. Throws `KuraConfigError` when no source is set or a file cannot be read.
 */
export async function loadToken(
  tokenFile: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<TokenVerifier> {
  if (tokenFile !== undefined) {
    let created = false;
    try {
      await createTokenFile(tokenFile);
      created = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new KuraConfigError(
          `--token-file: cannot create ${tokenFile} (${(error as Error).message}); give a writable path`,
          { cause: error },
        );
      }
    }
    return openFileVerifier(tokenFile, {
      kind: 'file',
      path: tokenFile,
      created,
      via: '--token-file',
    });
  }

  for (const variable of tokenEnvVariables) {
    const value = env[variable];
    if (value === undefined || value === '') {
      continue;
    }
    if (value !== value.trim()) {
      throw new KuraConfigError(
        `${variable}: the value has leading or trailing whitespace, which no request header ` +
          `can carry; set ${variable} without it`,
      );
    }
    if (value.startsWith('file://')) {
      const path = pathOfFileUrl(value, variable);
      return openFileVerifier(path, { kind: 'file', path, created: false, via: variable });
    }
    return new FixedTokenVerifier(value, { kind: 'env', variable });
  }

  throw new KuraConfigError(
    `no token configured; give --token-file FILE (created when missing) or set one of ${tokenEnvVariables.join(', ')}`,
  );
}

async function openFileVerifier(path: string, origin: TokenOrigin): Promise<TokenVerifier> {
  const verifier = new FileTokenVerifier(path, origin);
  try {
    await verifier.load();
  } catch (error) {
    if (error instanceof KuraConfigError) {
      throw error;
    }
    throw new KuraConfigError(
      `${origin.kind === 'file' ? origin.via : 'token'}: cannot read ${path} (${(error as Error).message}); check the path and its permissions`,
      { cause: error },
    );
  }
  return verifier;
}
