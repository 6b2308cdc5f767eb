// silkgate intake FILE|DIR… — POST /api/v1/messages from files: each file is filed through the
// pipeline as the token's enterprise; one JSON line per document answer or per refused file.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Config } from '../kernel/config.js';
import { AppError } from '../kernel/errors.js';
import { text, type Locale, type MessageCode } from '../kernel/i18n/index.js';
import { createPlatform, type Platform } from '../platform.js';
import type { Principal } from '../registry/index.js';
import type { Enterprise } from '../registry/model.js';
import { parseJsonSubmission, parseXmlSubmission } from '../clearance/parse.js';
import { UsageError, usage } from './usage.js';

const FILED = /\.(xml|json)$/i;

/** A setup mistake (token, path) in the reader's language; main prints it with exit code 2. */
const mistake = (code: MessageCode, locale: Locale, params: Record<string, string> = {}) =>
  new UsageError(`silkgate: ${code}: ${text(code, params)[locale]}`);

/** The principal of a token, or a usage error: a CLI run has no one to ask for a better token. */
export async function principalOf(platform: Platform, token: string, locale: Locale): Promise<Principal> {
  const p = await platform.registry.authenticate(token);
  if (!p) throw mistake('CLI_INTAKE_TOKEN_INVALID', locale);
  return p;
}

/** Named files as given; folders walked recursively in name order, so a run is repeatable. */
async function expand(paths: readonly string[], locale: Locale): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const s = await stat(p).catch(() => undefined);
    if (!s) throw mistake('CLI_INTAKE_NO_SUCH_PATH', locale, { path: p });
    if (!s.isDirectory()) {
      out.push(p);
      continue;
    }
    // Symbolic links to folders are not followed: a link loop would never end.
    const entries = (await readdir(p, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.isDirectory()) out.push(...(await expand([join(p, e.name)], locale)));
      else if (FILED.test(e.name)) out.push(join(p, e.name));
    }
  }
  return out;
}

async function submissionOf(file: string) {
  const bytes = await readFile(file);
  if (!/\.json$/i.test(file)) return parseXmlSubmission(bytes);
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new AppError('invalid', 'CLI_INTAKE_JSON_SYNTAX', { detail: (err as Error).message });
  }
  return parseJsonSubmission(body);
}

/** The refused-file line: the HTTP 400 body of the same refusal, in one locale. */
function refusal(file: string, err: AppError, locale: Locale) {
  return {
    file, status: 'refused', code: err.code, message: err.text[locale],
    issues: err.issues.map((i) => ({ code: i.code, path: i.path, message: i.message[locale], ...('line' in i ? { line: (i as { line?: number }).line } : {}) })),
    ...err.details,
  };
}

/** One line on stderr, redrawn at most ten times a second; silent when stderr is not a terminal. */
function progressBar(total: number, locale: Locale) {
  const tty = process.stderr.isTTY === true;
  const started = Date.now();
  let drawn = 0;
  return (n: { files: number; documents: number; refused: number }, last = false) => {
    if (!tty || (!last && Date.now() - drawn < 100)) return;
    drawn = Date.now();
    const width = 24;
    const full = total ? Math.round((width * n.files) / total) : width;
    const rate = (n.documents / Math.max((drawn - started) / 1000, 0.001)).toFixed(1);
    const words = text('CLI_INTAKE_PROGRESS', { done: n.files, total, documents: n.documents, rate, refused: n.refused })[locale];
    process.stderr.write(`\r${'█'.repeat(full)}${'░'.repeat(width - full)} ${words}\x1b[K${last ? '\n' : ''}`);
  };
}

export async function intakeCommand(args: string[], config: Config, locale: Locale): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: { token: { type: 'string' }, wait: { type: 'boolean' } },
  });
  if (!positionals.length) throw usage('intake [--token TOKEN] [--wait] FILE|DIR…');
  const token = values.token || process.env.SILKGATE_TOKEN;
  if (!token) throw mistake('CLI_INTAKE_TOKEN_MISSING', locale);
  const files = await expand(positionals, locale);

  const platform = await createPlatform(config);
  try {
    const principal = await principalOf(platform, token, locale);
    if (principal.kind !== 'enterprise') throw mistake('INTAKE_ENTERPRISE_ONLY', locale);
    const enterprise: Enterprise = await platform.registry.get(principal.enterpriseId);
    const { pipeline } = platform;
    // Without --wait the run only files: an unstarted pipeline leaves the declarations in the
    // outbox for the running server to send (the built-in simulator's receipts would otherwise be
    // lost when the command exits).
    if (values.wait) await pipeline.start();
    if (!files.length) process.stderr.write(`silkgate: ${text('CLI_INTAKE_NO_FILES')[locale]}\n`);

    const n = { files: 0, documents: 0, refused: 0 };
    const draw = progressBar(files.length, locale);
    for (const file of files) {
      try {
        const answer = await pipeline.submit(enterprise, await submissionOf(file));
        for (const r of answer.receipts) {
          n.documents++;
          if (r.status === 'refused') n.refused++;
          process.stdout.write(JSON.stringify({ file, ...r }) + '\n');
        }
      } catch (err) {
        // A file the intake refuses (unreadable, wrong sender …) is reported; the run goes on.
        if (!(err instanceof AppError)) throw err;
        n.refused++;
        process.stdout.write(JSON.stringify(refusal(file, err, locale)) + '\n');
      }
      n.files++;
      draw(n);
    }
    draw(n, true);
    if (values.wait) {
      if (process.stderr.isTTY) process.stderr.write(text('CLI_INTAKE_WAITING')[locale] + '\n');
      await pipeline.drain();
    }
    return n.refused ? 1 : 0;
  } finally {
    await platform.close();
  }
}
