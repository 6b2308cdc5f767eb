#!/usr/bin/env node
// silkgate — the platform's command line. `serve` runs the platform; the rest work on its database.
import { parseArgs } from 'node:util';
import { loadConfig } from '../kernel/config.js';
import { cliLocale, reportError } from './output.js';
import { UsageError } from './usage.js';

const HELP = `silkgate — 丝路通 跨境电商综试区线上综合服务平台

  silkgate serve [--port N] [--host H] [--data DIR] [--db URL] [--zone jinhua|zhoushan] [--no-demo]
                          with demo data it also files gentle demo traffic (SILKGATE_DEMO_TRAFFIC=0 turns it off)
  silkgate migrate                         create or upgrade the database
  silkgate admin-token reset               revoke every operator token and issue a new one
  silkgate enterprise add --uscc C --name N --roles ebc,logistics [--customs-code C] [--dxp-id D]
                          [--county 330782] [--park YWZB] [--cluster yiwu-commodities] [--credit-level L]
  silkgate enterprise import FILE          .csv, .json or .jsonl; all rows or none
  silkgate enterprise list [--q TEXT] [--role R] [--county C] [--limit N] [--offset N] [--json]
  silkgate enterprise show ID|USCC|CUSTOMS_CODE [--json]
  silkgate enterprise token ID|USCC [--label L]   issue an API token (shown once)

  silkgate intake [--token T] [--wait] FILE|DIR…   file CEB messages (.xml: CEB or DxpMsg; .json: {messageType, message})
                          as the token's enterprise (or SILKGATE_TOKEN); folders walked in name order; one JSON line
                          per document or refused file; exit 1 if anything was refused. --wait: send to customs here
                          and wait for the receipts (otherwise the running server sends them)
  silkgate status order|payment|waybill|inventory KEY [--token T] [--json]
                          state, match result, receipts and history; KEY code:number (e.g. ebpCode:orderNo),
                          for inventory copNo, preNo or invtNo; without --token the operator's view

  silkgate simulate [--rate N] [--duration S] [--mode import|export|mixed] [--faults SHARE] [--seed N]
                    [--url BASE] [--label L] [--json]
                          realistic traffic through the HTTP API of a running server (defaults: 5 parcels/s for
                          60 s, mixed, 5 % deliberate faults, --url http://127.0.0.1:8080); give the server's
                          --data / --db: the database is opened only to issue tokens and item records for the demo
                          enterprises. Summary on stdout (--json: the figures); exit 1 if no request was answered

  silkgate ceb check FILE|DIR…             one JSON line per file {file, messageType, version, valid, errors, warnings}
  silkgate ceb parse FILE                  the message as JSON
  silkgate ceb render FILE.json [--pretty] the XML of a JSON model (as printed by parse)
  silkgate ceb wrap FILE --sender DXPID    wrap in a DxpMsg (add --msg-id --end-node --sta-node for DxpMsgSv)
  silkgate ceb unwrap FILE                 the business message inside a DxpMsg / DxpMsgSv
  silkgate ceb receipt FILE                the CEB900 format receipt for a message that fails its checks
  (ceb options: --edition 202205|2018 to force the edition, --strict to make known defects errors)

  silkgate sign FILE --key KEY.pem --cert CERT.pem [--alg sm2|rsa] [--passphrase-env VAR] [--out FILE]
                          the message with its enveloped XML signature (SM2-SM3 or RSA-SHA1, C14N) on stdout;
                          --eport [--eport-url URL] [--pin-env VAR] signs with the E-port client's card instead
  silkgate verify FILE [--ca CA.pem]… [--json]
                          exit 0 for a valid signature, 1 otherwise; prints algorithm, certificate subject and
                          serial and, on failure, why (digest mismatch, signature mismatch, unsupported algorithm …)
  silkgate keys new --cn NAME [--o ORG] [--alg sm2|rsa] [--days N] --out-key K.pem --out-cert C.pem
                          a key pair and a self-signed certificate in files (to try signing; not valid at customs)
  silkgate keys add ENTERPRISE --cert C.pem [--key K.pem] [--passphrase-env VAR]
                          register a certificate (with its key, the platform signs the enterprise's declarations)
  silkgate keys generate ENTERPRISE [--alg sm2|rsa]    a platform-made key and certificate (demo)
  silkgate keys list ENTERPRISE [--json]

  silkgate tax quote FILE [--rates RATES.csv] [--day YYYY-MM-DD] [--ytd YUAN] [--pretty]
                          the comprehensive tax of each list in a CEB621, or of each order in a CEB311 (its items
                          resolve through the product records in the database: --data / --db); CEB816 field names,
                          per-line detail, the rule applied, -621005/-621018 refusals; seed rates unless --rates

  silkgate summary build --ebc CODE --month YYYY-MM [--flag 1|2] [--item-name] [--mode declaration|statistics] [--out DIR]
                          the month's consolidated declaration (CEB701 files) of an exporter's closed B lists

Common: --data DIR (SILKGATE_DATA, default ./data), --db postgres://… (DATABASE_URL), --lang en|zh-CN
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
    options: {
      port: { type: 'string' }, host: { type: 'string' }, data: { type: 'string' }, db: { type: 'string' },
      zone: { type: 'string' }, 'log-level': { type: 'string' }, lang: { type: 'string' }, help: { type: 'boolean', short: 'h' },
      demo: { type: 'boolean' }, 'no-demo': { type: 'boolean' },
    },
  });
  const locale = cliLocale(values.lang as string | undefined);
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(HELP);
    return command || values.help ? 0 : 2;
  }
  try {
    // The codec commands need no database or configuration.
    if (command === 'ceb') return await (await import('./ceb.js')).cebCommand(stripGlobal(argv.slice(argv.indexOf('ceb') + 1)), locale);
    if (command === 'sign') return await (await import('./sign.js')).signCommand(stripGlobal(argv.slice(argv.indexOf('sign') + 1)));
    if (command === 'verify') return await (await import('./sign.js')).verifyCommand(stripGlobal(argv.slice(argv.indexOf('verify') + 1)), locale);
    const config = loadConfig({
      port: values.port as string | undefined, host: values.host as string | undefined, data: values.data as string | undefined,
      db: values.db as string | undefined, zone: values.zone as string | undefined, logLevel: values['log-level'] as string | undefined,
      demo: values['no-demo'] ? false : (values.demo as boolean | undefined),
    });
    switch (command) {
      case 'serve':
        // Sub-commands load their modules on demand: the HTTP stack is not needed to list enterprises.
        await (await import('./serve.js')).serve(config);
        return -1;
      case 'migrate': {
        const p = await (await import('../platform.js')).createPlatform(config);
        process.stdout.write(`${p.store.describe}: ${p.store.applied.length ? `applied ${p.store.applied.join(', ')}` : 'up to date'}\n`);
        await p.close();
        return 0;
      }
      case 'admin-token': {
        if (rest[0] !== 'reset') {
          process.stderr.write('usage: silkgate admin-token reset\n');
          return 2;
        }
        const p = await (await import('../platform.js')).createPlatform(config);
        try {
          const token = await p.registry.resetAdminToken('reset from the command line');
          const { writeFileSync, mkdirSync } = await import('node:fs');
          mkdirSync(config.dataDir, { recursive: true });
          writeFileSync(`${config.dataDir}/admin-token`, token + '\n', { mode: 0o600 });
          process.stdout.write(`${token}\n`);
        } finally {
          await p.close();
        }
        return 0;
      }
      case 'enterprise':
        return await (await import('./enterprise.js')).enterpriseCommand(stripGlobal(argv.slice(argv.indexOf('enterprise') + 1)), config, locale);
      case 'intake':
        return await (await import('./intake.js')).intakeCommand(stripGlobal(argv.slice(argv.indexOf('intake') + 1)), config, locale);
      case 'status':
        return await (await import('./status.js')).statusCommand(stripGlobal(argv.slice(argv.indexOf('status') + 1)), config, locale);
      case 'summary':
        return await (await import('./summary.js')).summaryCommand(stripGlobal(argv.slice(argv.indexOf('summary') + 1)), config);
      case 'tax':
        return await (await import('./tax.js')).taxCommand(stripGlobal(argv.slice(argv.indexOf('tax') + 1)), config);
      case 'keys':
        return await (await import('./sign.js')).keysCommand(stripGlobal(argv.slice(argv.indexOf('keys') + 1)), config);
      case 'simulate':
        return await (await import('./simulate.js')).simulateCommand(stripGlobal(argv.slice(argv.indexOf('simulate') + 1)), config, locale);
      default:
        process.stderr.write(`silkgate: unknown command "${command}"\n\n${HELP}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(err.message + '\n');
      return 2;
    }
    return reportError(err, locale);
  }
}

/** Removes the global flags (handled above) so each sub-command sees only its own. */
function stripGlobal(args: string[]): string[] {
  const global = new Set(['--port', '--host', '--data', '--db', '--zone', '--log-level', '--lang']);
  const switches = new Set(['--demo', '--no-demo']);
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const name = a.split('=')[0]!;
    if (switches.has(a)) continue;
    if (global.has(name)) {
      if (!a.includes('=')) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

main(process.argv.slice(2)).then((code) => {
  if (code >= 0) process.exitCode = code;
});
