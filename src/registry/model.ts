import type { Role, Status } from './rules/catalogue.js';

export interface Contact {
  name: string;
  phone?: string;
  email?: string;
  title?: string;
}

/** What a caller submits to register an enterprise. */
export interface EnterpriseInput {
  uscc: string;
  customsCode?: string | null;
  dxpId?: string | null;
  nameZh: string;
  nameEn?: string | null;
  roles: string[];
  county?: string | null;
  park?: string | null;
  cluster?: string | null;
  creditLevel?: string;
  status?: string;
  address?: string | null;
  contacts?: Contact[];
}

/** A change: any field but the USCC, which identifies the enterprise for good. null clears a field. */
export type EnterprisePatch = Partial<Omit<EnterpriseInput, 'uscc'>>;

export interface Enterprise {
  id: string;
  uscc: string;
  customsCode: string | null;
  dxpId: string | null;
  nameZh: string;
  nameEn: string | null;
  roles: Role[];
  county: string | null;
  park: string | null;
  cluster: string | null;
  creditLevel: string;
  creditLevelGiven: string;
  status: Status;
  address: string | null;
  contacts: Contact[];
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface EnterpriseQuery {
  q?: string;
  role?: string;
  county?: string;
  park?: string;
  cluster?: string;
  status?: string;
  creditLevel?: string;
  limit?: number;
  offset?: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}
