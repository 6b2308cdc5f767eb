// silkgate ceb check|parse|render|wrap|unwrap|receipt — the message codec from the command line.
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Locale } from '../kernel/i18n/index.js';
import { checkModel, readMessage, writeMessage, type ReadResult } from '../ceb/codec.js';
import { unwrap, wrap, wrapSv } from '../ceb/dxp.js';
import { renderFormatReceipt } from '../ceb/receipt.js';
import { usage } from './usage.js';

async function expand(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    if ((await stat(p)).isDirectory()) {
      const names = (await readdir(p)).filter((n) => /\.xml$/i.test(n)).sort();
      out.push(...(await expand(names.map((n) => join(p, n)))));
    } else out.push(p);
  }
  return out;
}

const issuesFor = (r: ReadResult, locale: Locale, key: 'errors' | 'warnings') =>
  r[key].map((i) => ({ code: i.code, rule: i.rule, path: i.path, ...(i.line ? { line: i.line } : {}), message: i.message[locale] }));

export async function cebCommand(args: string[], locale: Locale): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      edition: { type: 'string' }, strict: { type: 'boolean' }, pretty: { type: 'boolean' },
      sender: { type: 'string' }, receiver: { type: 'string', multiple: true }, 'msg-id': { type: 'string' },
      'end-node': { type: 'string' }, 'sta-node': { type: 'string' }, type: { type: 'string' },
    },
  });
  const edition = values.edition as '202205' | '2018' | undefined;
  if (edition && edition !== '202205' && edition !== '2018') throw usage('ceb … --edition 202205|2018');
  const readOptions = { tolerant: !values.strict, ...(edition ? { edition } : {}) };
  switch (sub) {
    case 'check': {
      if (!positionals.length) throw usage('ceb check FILE|DIR…');
      let ok = true;
      for (const file of await expand(positionals)) {
        const r = readMessage(await readFile(file), readOptions);
        ok &&= r.valid;
        process.stdout.write(JSON.stringify({
          file, messageType: r.messageType ?? null, version: r.edition ?? null, valid: r.valid,
          errors: issuesFor(r, locale, 'errors'), warnings: issuesFor(r, locale, 'warnings'),
        }) + '\n');
      }
      return ok ? 0 : 1;
    }
    case 'parse': {
      const file = positionals[0];
      if (!file) throw usage('ceb parse FILE');
      const r = readMessage(await readFile(file), readOptions);
      process.stdout.write(JSON.stringify({ messageType: r.messageType ?? null, version: r.edition ?? null, valid: r.valid, message: r.message ?? null, errors: issuesFor(r, locale, 'errors'), warnings: issuesFor(r, locale, 'warnings') }, null, 2) + '\n');
      return r.message ? 0 : 1;
    }
    case 'render': {
      const file = positionals[0];
      if (!file) throw usage('ceb render FILE.json [--type CEB311Message] [--edition 202205|2018] [--pretty]');
      const json = JSON.parse(await readFile(file, 'utf8')) as { messageType?: string; message?: Record<string, unknown> } & Record<string, unknown>;
      // Accepts what `ceb parse` prints ({messageType, message}) or a bare model with --type.
      const type = values.type ?? json.messageType;
      const model = (json.message ?? json) as Record<string, unknown>;
      if (!type) throw usage('ceb render needs --type when the JSON has no messageType');
      const check = checkModel(type, model, { ...(edition ? { edition } : {}) });
      if (!check.valid) {
        for (const e of check.errors) process.stderr.write(`${e.code} ${e.path} ${e.message[locale]}\n`);
        return 1;
      }
      process.stdout.write(writeMessage(type, model, { ...(edition ? { edition } : {}), pretty: values.pretty ?? true }));
      return 0;
    }
    case 'wrap': {
      const file = positionals[0];
      if (!file || !values.sender) throw usage('ceb wrap FILE --sender DXPID [--receiver DXPID…] [--msg-id ID --end-node N --sta-node N]');
      let xml = wrap(await readFile(file, 'utf8'), { senderId: values.sender, ...(values.receiver ? { receiverIds: values.receiver } : {}) });
      if (values['msg-id']) xml = wrapSv(xml, { msgId: values['msg-id'], endNode: values['end-node'] ?? '', staNode: values['sta-node'] ?? '' });
      process.stdout.write(xml + '\n');
      return 0;
    }
    case 'unwrap': {
      const file = positionals[0];
      if (!file) throw usage('ceb unwrap FILE');
      const u = unwrap(await readFile(file), readOptions);
      if (u.errors.length || !u.business) {
        process.stderr.write(JSON.stringify({ envelope: u.envelope, errors: u.errors.map((e) => ({ code: e.code, path: e.path, message: e.message[locale] })) }) + '\n');
        return 1;
      }
      process.stdout.write(Buffer.from(u.dxp!.Data, 'base64').toString('utf8'));
      return u.business.valid ? 0 : 1;
    }
    case 'receipt': {
      const file = positionals[0];
      if (!file) throw usage('ceb receipt FILE');
      const original = await readFile(file, 'utf8');
      const r = readMessage(original, readOptions);
      if (r.valid) return 0;
      process.stdout.write(renderFormatReceipt({ issues: r.errors, original, ...(r.messageType ? { messageType: r.messageType } : {}), locale }) + '\n');
      return 1;
    }
    default:
      throw usage('ceb check|parse|render|wrap|unwrap|receipt');
  }
}
