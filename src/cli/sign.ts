// silkgate sign | verify | keys — customs message signatures from the command line.
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Config } from '../kernel/config.js';
import type { Locale } from '../kernel/i18n/index.js';
import { signXml, signXmlWithKey, verifyXml } from '../signing/dsig.js';
import { createEportSigner } from '../signing/eport.js';
import { exportPrivateKey, generateKey, importPrivateKey } from '../signing/keys.js';
import { certificatePem, checkCertificate, issueCertificate, readCertificate, type Certificate } from '../signing/x509.js';
import { table } from './output.js';
import { usage } from './usage.js';

const ALGS = ['sm2', 'rsa'] as const;
type Alg = (typeof ALGS)[number];

function secretFromEnv(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const v = process.env[name];
  if (v === undefined) throw usage(`… --passphrase-env ${name}: the environment variable ${name} is not set`);
  return v;
}

function algOption(v: unknown): Alg | undefined {
  if (v === undefined) return undefined;
  if (!ALGS.includes(v as Alg)) throw usage(`… --alg sm2|rsa (got ${String(v)})`);
  return v as Alg;
}

/** silkgate sign FILE (--key K --cert C | --eport) [--alg sm2|rsa] [--passphrase-env VAR] [--out FILE] */
export async function signCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: {
      key: { type: 'string' }, cert: { type: 'string' }, alg: { type: 'string' }, 'passphrase-env': { type: 'string' },
      eport: { type: 'boolean' }, 'eport-url': { type: 'string' }, 'pin-env': { type: 'string' }, out: { type: 'string' },
    },
  });
  const file = positionals[0];
  const alg = algOption(values.alg);
  const text = file ? await readFile(file) : undefined;
  if (!text) throw usage('sign FILE --key KEY.pem --cert CERT.pem [--alg sm2|rsa] [--passphrase-env VAR] [--out FILE]\n       silkgate sign FILE --eport [--alg sm2|rsa] [--eport-url ws://127.0.0.1:61232] [--pin-env VAR]');
  let signed: string;
  if (values.eport) {
    const pin = secretFromEnv(values['pin-env'] as string | undefined);
    const signer = createEportSigner({ algorithm: alg ?? 'sm2', ...(values['eport-url'] ? { url: values['eport-url'] as string } : {}), ...(pin ? { pin } : {}) });
    try {
      signed = await signXml(text, signer);
    } finally {
      await signer.close?.();
    }
  } else {
    if (!values.key || !values.cert) throw usage('sign FILE --key KEY.pem --cert CERT.pem [--alg sm2|rsa]');
    const key = importPrivateKey(await readFile(values.key as string, 'utf8'), secretFromEnv(values['passphrase-env'] as string | undefined));
    const cert = readCertificate(await readFile(values.cert as string));
    if (alg && key.algorithm !== alg) throw usage(`sign: --alg ${alg} but the key is an ${key.algorithm.toUpperCase()} key`);
    if (cert.publicKey.algorithm !== key.algorithm) throw usage(`sign: the certificate holds an ${cert.publicKey.algorithm.toUpperCase()} key, the private key is ${key.algorithm.toUpperCase()}`);
    signed = signXmlWithKey(text, key, cert);
  }
  if (values.out) await writeFile(values.out as string, signed);
  else process.stdout.write(signed);
  return 0;
}

const REASONS: Record<string, Record<Locale, string>> = {
  malformed: { 'zh-CN': '格式错误', en: 'malformed' },
  unsigned: { 'zh-CN': '未签名', en: 'not signed' },
  'unsupported-algorithm': { 'zh-CN': '不支持的算法', en: 'unsupported algorithm' },
  'digest-mismatch': { 'zh-CN': '摘要不符（报文内容被改动）', en: 'digest mismatch (the content was changed)' },
  'signature-mismatch': { 'zh-CN': '签名不符', en: 'signature mismatch' },
  certificate: { 'zh-CN': '证书无效', en: 'certificate invalid' },
};

/** silkgate verify FILE [--ca CERT]… [--json]: exit 0 for a valid signature, 1 otherwise. */
export async function verifyCommand(args: string[], locale: Locale): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ca: { type: 'string', multiple: true }, json: { type: 'boolean' } } });
  const file = positionals[0];
  if (!file) throw usage('verify FILE [--ca CA.pem]… [--json]');
  const anchors: Certificate[] = [];
  for (const p of (values.ca as string[] | undefined) ?? []) anchors.push(readCertificate(await readFile(p)));
  const report = verifyXml(await readFile(file));
  let valid = report.valid;
  let reason = report.reason as string | undefined;
  let detail = report.detail;
  let chain: string | undefined;
  if (report.valid && report.certificate) {
    const check = checkCertificate(report.certificate, anchors);
    chain = check.status;
    if (check.status === 'broken') {
      valid = false;
      reason = 'certificate';
      detail = check.detail;
    }
  }
  const c = report.certificate;
  if (values.json) {
    process.stdout.write(JSON.stringify({
      file, valid, algorithm: report.algorithm ?? null, digest: report.digestAlgorithm ?? null,
      subject: c?.subject ?? null, issuer: c?.issuer ?? null, serial: c?.serial ?? null, keyName: report.keyName ?? null,
      notBefore: c?.notBefore.toISOString() ?? null, notAfter: c?.notAfter.toISOString() ?? null,
      certificateCheck: chain ?? null, reason: reason ?? null, detail: detail ?? null,
    }) + '\n');
    return valid ? 0 : 1;
  }
  const zh = locale === 'zh-CN';
  const rows: string[][] = [
    [zh ? '结果' : 'result', valid ? (zh ? '签名有效' : 'valid signature') : (zh ? '签名无效' : 'INVALID signature')],
    [zh ? '算法' : 'algorithm', report.algorithm ? `${report.algorithm === 'sm2' ? 'SM2-SM3' : 'RSA-SHA1'} (digest ${report.digestAlgorithm?.toUpperCase() ?? '?'})` : '-'],
  ];
  if (c) {
    rows.push([zh ? '证书主体' : 'subject', c.subject], [zh ? '颁发者' : 'issuer', c.issuer], [zh ? '证书序列号' : 'serial', c.serial]);
    if (report.keyName !== undefined) rows.push(['KeyName', report.keyName]);
    rows.push([zh ? '有效期' : 'valid', `${c.notBefore.toISOString()} – ${c.notAfter.toISOString()}`]);
  }
  if (chain) {
    const words: Record<string, [string, string]> = {
      'self-signed': ['自签名证书，自身签名有效', 'self-signed, its own signature verifies'],
      'issued-by-anchor': ['由 --ca 给出的颁发者签发，签名有效', 'issued by a --ca certificate, verifies'],
      'issuer-unknown': ['颁发者未给出（--ca），证书本身的签名未检查', 'issuer not given (--ca): the certificate\'s own signature was not checked'],
      broken: ['证书已损坏', 'certificate broken'],
    };
    rows.push([zh ? '证书检查' : 'certificate', words[chain]![zh ? 0 : 1]]);
  }
  if (!valid) rows.push([zh ? '原因' : 'reason', `${REASONS[reason ?? '']?.[locale] ?? reason}: ${detail ?? ''}`]);
  process.stdout.write(table(rows) + '\n');
  return valid ? 0 : 1;
}

/** silkgate keys new|add|list|generate */
export async function keysCommand(args: string[], config: Config): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest, allowPositionals: true,
    options: {
      alg: { type: 'string' }, cn: { type: 'string' }, o: { type: 'string' }, days: { type: 'string' },
      'out-key': { type: 'string' }, 'out-cert': { type: 'string' }, 'passphrase-env': { type: 'string' },
      key: { type: 'string' }, cert: { type: 'string' }, json: { type: 'boolean' },
    },
  });
  if (sub === 'new') {
    // Files only, no database: a key pair and a self-signed certificate to try signing with.
    const alg = algOption(values.alg) ?? 'sm2';
    if (!values.cn || !values['out-key'] || !values['out-cert']) throw usage('keys new --cn NAME [--o ORG] [--alg sm2|rsa] [--days N] --out-key KEY.pem --out-cert CERT.pem [--passphrase-env VAR]');
    const days = values.days ? Number(values.days) : 365;
    if (!Number.isInteger(days) || days < 1 || days > 36500) throw usage('keys new … --days 1..36500');
    const key = generateKey(alg);
    const cert = issueCertificate({ subject: { CN: values.cn as string, ...(values.o ? { O: values.o as string } : {}), C: 'CN' }, key, days });
    await writeFile(values['out-key'] as string, exportPrivateKey(key, secretFromEnv(values['passphrase-env'] as string | undefined)), { mode: 0o600 });
    await writeFile(values['out-cert'] as string, certificatePem(cert));
    process.stdout.write(`${alg.toUpperCase()} key → ${String(values['out-key'])}, certificate ${cert.serial} (${cert.subject}) → ${String(values['out-cert'])}\n`);
    return 0;
  }
  const who = positionals[0];
  if (!['add', 'list', 'generate'].includes(sub ?? '') || !who) {
    throw usage('keys new --cn NAME --out-key K --out-cert C [--alg sm2|rsa]\n       silkgate keys add ENTERPRISE --cert C [--key K] [--passphrase-env VAR]\n       silkgate keys generate ENTERPRISE [--alg sm2|rsa]\n       silkgate keys list ENTERPRISE [--json]');
  }
  const { createPlatform } = await import('../platform.js');
  const p = await createPlatform(config);
  try {
    const e = await p.registry.get(who);
    if (sub === 'add') {
      if (!values.cert) throw usage('keys add ENTERPRISE --cert C [--key K] [--passphrase-env VAR]');
      const passphrase = secretFromEnv(values['passphrase-env'] as string | undefined);
      const entry = await p.keystore.add(e.id, {
        certificate: await readFile(values.cert as string, 'utf8'),
        ...(values.key ? { privateKey: await readFile(values.key as string, 'utf8') } : {}),
        ...(passphrase ? { passphrase } : {}),
      }, 'cli');
      process.stdout.write(JSON.stringify(entry) + '\n');
    } else if (sub === 'generate') {
      const entry = await p.keystore.generate(e.id, algOption(values.alg) ?? 'sm2', { CN: e.nameZh, O: e.uscc }, 'cli');
      process.stdout.write(JSON.stringify(entry) + '\n');
    } else {
      const entries = await p.keystore.list(e.id);
      if (values.json) process.stdout.write(JSON.stringify(entries) + '\n');
      else process.stdout.write(table([['id', 'alg', 'serial', 'subject', 'not after', 'platform signs', 'active'], ...entries.map((k) => [k.id, k.algorithm, k.keyName, k.subject, k.notAfter, k.platformSigns ? 'yes' : 'no', k.active ? 'yes' : 'no'])]) + '\n');
    }
    return 0;
  } finally {
    await p.close();
  }
}
