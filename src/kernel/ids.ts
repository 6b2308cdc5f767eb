import { randomUUID } from 'node:crypto';

/** A CEB message guid: 36 characters, upper case (spec 202205 §3, "系统唯一序号"). */
export const newGuid = (): string => randomUUID().toUpperCase();

const GUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
export const isGuid = (s: string): boolean => GUID.test(s);

/** Platform record id (lower-case UUID v4). */
export const newId = (): string => randomUUID();
