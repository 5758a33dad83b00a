import type { SiteInput } from './validation/site-input.ts';
import type { UserInput } from './validation/user-input.ts';

export type { SiteInput, UserInput };

/**
 * What the console and the commands see of the data: plain objects and service interfaces, no ORM types.
 * UI components receive implementations through context (src/ui/services-context.tsx).
 */
export interface SiteRecord {
  siteId: string;
  domain: string;
  aiScriptId: string | null;
  aiPrompt: string;
  brandName: string;
  language: string;
  hubspotPipeline: string | null;
  hubspotStage: string | null;
  createdAt: Date;
}

/** A row of the sites list: everything but the prompt, plus its size. */
export interface SiteSummary extends Omit<SiteRecord, 'aiPrompt'> {
  promptChars: number;
}

export type SiteSortKey = 'siteId' | 'domain' | 'brandName' | 'language' | 'promptChars' | 'createdAt';

export interface ListOptions<K extends string> {
  /** Case-insensitive substring filter; plain text, never SQL. */
  filter?: string;
  sort?: K;
  descending?: boolean;
  limit?: number;
  offset?: number;
  signal?: AbortSignal;
}

export interface Page<T> {
  rows: T[];
  /** Rows matching the filter, when cheap to know (sites); undefined for large tables. */
  total?: number;
  hasMore: boolean;
}

/** The result of a write: the row before and after, and which fields changed. */
export interface SiteChange {
  before: SiteRecord | null;
  after: SiteRecord | null;
  changed: (keyof SiteRecord)[];
}

export interface SiteService {
  list(options?: ListOptions<SiteSortKey>): Promise<Page<SiteSummary>>;
  get(siteId: string): Promise<SiteRecord | null>;
  /** Validates and inserts; a taken site id or domain is a CabinetError (code `conflict`). */
  create(input: SiteInput): Promise<SiteRecord>;
  /** Validates the fields present and updates them; unknown site: CabinetError (code `not-found`). */
  update(siteId: string, patch: Partial<SiteInput>): Promise<SiteChange>;
  delete(siteId: string): Promise<SiteRecord>;
}

export interface UserRecord {
  userId: string;
  email: string;
  firstSeen: Date;
  lastSeen: Date;
}

export type UserSortKey = 'lastSeen' | 'firstSeen' | 'email' | 'userId';

export interface UserChange {
  before: UserRecord | null;
  after: UserRecord | null;
  changed: (keyof UserRecord)[];
}

export interface UserService {
  list(options?: ListOptions<UserSortKey>): Promise<Page<UserRecord>>;
  get(userId: string): Promise<UserRecord | null>;
  create(input: UserInput): Promise<UserRecord>;
  update(userId: string, patch: Partial<UserInput>): Promise<UserChange>;
  delete(userId: string): Promise<UserRecord>;
}

/** What the console's header shows about the connection. */
export interface ConnectionInfo {
  label: string;
  embedded: boolean;
  role: string;
  readOnly: boolean;
  pendingMigrations: number;
  /** Set when --allow-non-tailnet let a non-tailnet target through. */
  guardWarning?: string;
}

export interface Services {
  sites: SiteService;
  users: UserService;
  connection: ConnectionInfo;
}
