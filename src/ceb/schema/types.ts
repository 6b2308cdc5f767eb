// The message schema as data, compiled from the official XSDs (see generate.ts). The reader, the
// writer and the field checks are all driven by it, so the XSD stays the one source of truth.

export type SimpleType =
  | { readonly t: 'str'; readonly len?: number; readonly minLen?: number; readonly maxLen?: number; readonly collapse?: true }
  | { readonly t: 'dec'; readonly digits?: number; readonly frac?: number }
  | { readonly t: 'int'; readonly digits?: number };

export interface AttrDef {
  readonly name: string;
  readonly required: boolean;
  readonly simple: SimpleType;
}

export interface ElementDef {
  readonly name: string;
  /** Namespace: 'ceb' for the message vocabulary, 'ds' for the XML signature. */
  readonly ns?: 'ds';
  readonly min: number;
  /** Infinity when unbounded. */
  readonly max: number;
  /** The XSD annotation (zh-CN), shortened. */
  readonly doc?: string;
  readonly simple?: SimpleType;
  /** XSD fixed="…": the only value allowed (an empty element takes it). */
  readonly fixed?: string;
  /** XSD default="…": the value an empty element takes. */
  readonly default?: string;
  readonly children?: readonly ElementDef[];
  readonly attrs?: readonly AttrDef[];
  /** xs:any content (ExtendMessage/Message): kept as raw XML. */
  readonly any?: true;
  /** ds:Signature: kept as raw XML. */
  readonly signature?: true;
}

export type Direction = 'import' | 'export';
export type Edition = '202205' | '2018';

export interface MessageSchema {
  readonly edition: Edition;
  readonly direction: Direction;
  /** Root element definitions by name (CEB311Message …). */
  readonly roots: Readonly<Record<string, ElementDef>>;
}
