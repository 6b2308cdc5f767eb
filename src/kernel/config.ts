// One typed configuration, validated and frozen once at boot. Sources, strongest first:
// command-line flags, environment variables, defaults that work on the embedded database.
import { resolve } from 'node:path';
import { AppError } from './errors.js';

export type ZoneId = 'jinhua' | 'zhoushan';
export const ZONE_IDS: readonly ZoneId[] = ['jinhua', 'zhoushan'];
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type DatabaseTarget =
  | { readonly kind: 'sqlite'; readonly file: string }
  | { readonly kind: 'postgres'; readonly url: string };

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly database: DatabaseTarget;
  readonly zone: ZoneId;
  readonly logLevel: LogLevel;
  /** Operator token from SILKGATE_ADMIN_TOKEN; when absent one is generated on first start. */
  readonly adminToken: string | undefined;
  /** CSV files replacing the seeded tax rates and positive list (SILKGATE_TAX_RATES, SILKGATE_POSITIVE_LIST). */
  readonly taxRatesFile: string | undefined;
  readonly positiveListFile: string | undefined;
  /** Monthly exchange rates (SILKGATE_FX_RATES) and export controls by HS code (SILKGATE_EXPORT_CONTROLS), replacing the seeds. */
  readonly fxRatesFile: string | undefined;
  readonly exportControlsFile: string | undefined;
  /** Working-day calendar (public holidays and adjusted working days) for deadlines (SILKGATE_WORK_CALENDAR). */
  readonly workCalendarFile: string | undefined;
  /** HS digits a simplified declaration must give per mode (and customs): SILKGATE_SIMPLIFIED_HS_DIGITS. */
  readonly simplifiedHsDigits: string;
  /** Encrypts the keystore's private keys (SILKGATE_KEYSTORE_SECRET); unset → a secret file in the data directory. */
  readonly keystoreSecret: string | undefined;
  /** Load demo enterprises into an empty registry at start (default: only on the embedded database). */
  readonly demo: boolean;
  /** Where declarations go: the built-in customs simulator (default) or RabbitMQ (an amqp:// URL). */
  readonly customs: { readonly kind: 'simulator'; readonly stepMs: number } | { readonly kind: 'amqp'; readonly url: string };
  /** 申报海关/口岸 used on the lists the platform builds (关区代码; 2900 杭州关区 until the zone sets its own). */
  readonly customsCode: string;
  readonly portCode: string;
  /** A declaration customs has not answered for this long is sent again. */
  readonly resendAfterMs: number;
  /** Every enterprise's credit is computed again when the last computation is this old (0: never by itself). */
  readonly creditEveryHours: number;
}

/** Flags as the CLI parsed them; every value optional. */
export interface ConfigFlags {
  port?: string | undefined;
  host?: string | undefined;
  data?: string | undefined;
  db?: string | undefined;
  zone?: string | undefined;
  logLevel?: string | undefined;
  demo?: boolean | undefined;
  customs?: string | undefined;
}

const fail = (detail: string): never => {
  throw new AppError('invalid', 'CONFIG_INVALID', { detail });
};

export function parseDatabaseTarget(value: string): DatabaseTarget {
  if (/^postgres(ql)?:\/\//.test(value)) {
    try {
      new URL(value);
    } catch {
      // Never echo a password: show the scheme and host part only.
      fail(`database URL is not a valid URL: ${value.replace(/\/\/[^@/]*@/, '//***@')}`);
    }
    return { kind: 'postgres', url: value };
  }
  if (value.startsWith('sqlite:')) {
    const file = value.slice('sqlite:'.length);
    if (!file) fail('sqlite: needs a file path, e.g. sqlite:./data/silkgate.db');
    // A relative path is relative to where the command runs, like any other path on the command line.
    return { kind: 'sqlite', file: file === ':memory:' ? file : resolve(file) };
  }
  return fail(`database must be postgres://… or sqlite:FILE, got "${value}"`);
}

export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const portText = flags.port ?? env.PORT ?? '8080';
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) fail(`port must be 0–65535, got "${portText}"`);
  const dataDir = resolve(flags.data ?? env.SILKGATE_DATA ?? './data');
  const dbText = flags.db ?? env.DATABASE_URL;
  const database: DatabaseTarget = dbText
    ? parseDatabaseTarget(dbText)
    : { kind: 'sqlite', file: resolve(dataDir, 'silkgate.db') };
  const zone = (flags.zone ?? env.SILKGATE_ZONE ?? 'jinhua') as ZoneId;
  if (!ZONE_IDS.includes(zone)) fail(`zone must be one of ${ZONE_IDS.join(', ')}, got "${zone}"`);
  const logLevel = (flags.logLevel ?? env.LOG_LEVEL ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) fail(`log level must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  const adminToken = env.SILKGATE_ADMIN_TOKEN || undefined;
  if (adminToken !== undefined && adminToken.length < 24) fail('SILKGATE_ADMIN_TOKEN must be at least 24 characters');
  const keystoreSecret = env.SILKGATE_KEYSTORE_SECRET || undefined;
  if (keystoreSecret !== undefined && keystoreSecret.length < 24) fail('SILKGATE_KEYSTORE_SECRET must be at least 24 characters');
  const demoEnv = env.SILKGATE_DEMO;
  if (demoEnv !== undefined && demoEnv !== '' && demoEnv !== '0' && demoEnv !== '1') fail(`SILKGATE_DEMO must be 0 or 1, got "${demoEnv}"`);
  const demo = flags.demo ?? (demoEnv ? demoEnv === '1' : !dbText);
  const customsText = flags.customs ?? env.SILKGATE_CUSTOMS ?? 'simulator';
  let customs: Config['customs'];
  if (customsText === 'simulator') {
    const stepText = env.SILKGATE_SIMULATOR_STEP_MS ?? '1000';
    if (!/^\d{1,6}$/.test(stepText)) fail(`SILKGATE_SIMULATOR_STEP_MS must be a whole number of milliseconds, got "${stepText}"`);
    customs = { kind: 'simulator', stepMs: Number(stepText) };
  } else if (/^amqps?:\/\//.test(customsText)) customs = { kind: 'amqp', url: customsText };
  else customs = fail(`customs must be "simulator" or an amqp:// URL, got "${customsText.replace(/\/\/[^@/]*@/, '//***@')}"`);
  const customsCode = env.SILKGATE_CUSTOMS_CODE ?? '2900';
  const portCode = env.SILKGATE_PORT_CODE ?? customsCode;
  for (const [name, v] of [['SILKGATE_CUSTOMS_CODE', customsCode], ['SILKGATE_PORT_CODE', portCode]] as const) {
    if (!/^\d{4}$/.test(v)) fail(`${name} must be a 4-digit customs district code, got "${v}"`);
  }
  const resendText = env.SILKGATE_RESEND_AFTER_MS ?? '60000';
  if (!/^\d{3,9}$/.test(resendText)) fail(`SILKGATE_RESEND_AFTER_MS must be 100 or more milliseconds, got "${resendText}"`);
  const creditText = env.SILKGATE_CREDIT_EVERY_HOURS ?? '24';
  if (!/^\d{1,4}$/.test(creditText)) fail(`SILKGATE_CREDIT_EVERY_HOURS must be a whole number of hours (0 turns the schedule off), got "${creditText}"`);
  const simplifiedHsDigits = env.SILKGATE_SIMPLIFIED_HS_DIGITS ?? '9610:4,9710:6,9810:6';
  if (!/^(\s*(\d{4}\/)?\d{4}:(2|4|6|8|10)\s*)(,\s*(\d{4}\/)?\d{4}:(2|4|6|8|10)\s*)*$/.test(simplifiedHsDigits)) {
    fail(`SILKGATE_SIMPLIFIED_HS_DIGITS must be MODE:DIGITS[,CUSTOMS/MODE:DIGITS…] with digits 2, 4, 6, 8 or 10, got "${simplifiedHsDigits}"`);
  }
  return Object.freeze({
    simplifiedHsDigits,
    resendAfterMs: Number(resendText),
    creditEveryHours: Number(creditText),
    demo,
    customs: Object.freeze(customs),
    customsCode,
    portCode,
    port: Number(portText),
    host: flags.host ?? env.HOST ?? '127.0.0.1',
    dataDir,
    database: Object.freeze(database),
    zone,
    logLevel,
    adminToken,
    keystoreSecret,
    taxRatesFile: env.SILKGATE_TAX_RATES ? resolve(env.SILKGATE_TAX_RATES) : undefined,
    positiveListFile: env.SILKGATE_POSITIVE_LIST ? resolve(env.SILKGATE_POSITIVE_LIST) : undefined,
    fxRatesFile: env.SILKGATE_FX_RATES ? resolve(env.SILKGATE_FX_RATES) : undefined,
    exportControlsFile: env.SILKGATE_EXPORT_CONTROLS ? resolve(env.SILKGATE_EXPORT_CONTROLS) : undefined,
    workCalendarFile: env.SILKGATE_WORK_CALENDAR ? resolve(env.SILKGATE_WORK_CALENDAR) : undefined,
  });
}
