import type { EntityManager } from '@mikro-orm/postgresql';
import { SiteSchema, type Site } from '../db/entities/index.ts';
import { toDatabaseError } from '../db/db-errors.ts';
import { CabinetError } from '../lib/errors.ts';
import type { ListOptions, Page, SiteChange, SiteRecord, SiteService, SiteSortKey, SiteSummary } from './types.ts';
import { likeContains } from './like.ts';
import { validateSite, validateSitePatch, type SiteInput } from './validation/site-input.ts';
import { toWriteError } from './write-errors.ts';

const SORT_COLUMNS: Record<SiteSortKey, string> = {
  siteId: 'site_id',
  domain: 'domain',
  brandName: 'brand_name',
  language: 'language',
  promptChars: 'prompt_chars',
  createdAt: 'created_at',
};

const EDITABLE = ['domain', 'aiScriptId', 'aiPrompt', 'brandName', 'language', 'hubspotPipeline', 'hubspotStage'] as const;

export function siteToRecord(site: Site): SiteRecord {
  return {
    siteId: site.siteId,
    domain: site.domain,
    aiScriptId: site.aiScriptId ?? null,
    aiPrompt: site.aiPrompt,
    brandName: site.brandName,
    language: site.language,
    hubspotPipeline: site.hubspotPipeline ?? null,
    hubspotStage: site.hubspotStage ?? null,
    createdAt: new Date(site.createdAt),
  };
}

function constraintMessages(input: { siteId?: string; domain?: string | null }): Record<string, string> {
  return {
    sites_pkey: `a site with id ${input.siteId ?? '?'} already exists`,
    sites_domain_key: `domain ${input.domain ?? '?'} is already used by another site`,
  };
}

/** Sites over MikroORM: every call runs in its own fork of the entity manager. */
export class OrmSiteService implements SiteService {
  readonly #em: EntityManager;

  constructor(em: EntityManager) {
    this.#em = em;
  }

  async list(options: ListOptions<SiteSortKey> = {}): Promise<Page<SiteSummary>> {
    const em = this.#em.fork();
    const limit = Math.max(1, Math.min(options.limit ?? 500, 5000));
    const offset = Math.max(0, options.offset ?? 0);
    const column = SORT_COLUMNS[options.sort ?? 'siteId'];
    const direction = options.descending ? 'desc' : 'asc';
    const params: unknown[] = [];
    let where = '';
    if (options.filter?.trim()) {
      const pattern = likeContains(options.filter.trim());
      where = `where site_id ilike ? or domain ilike ? or brand_name ilike ?`;
      params.push(pattern, pattern, pattern);
    }
    try {
      const rows = await em.getConnection().execute<Record<string, unknown>[]>(
        `select site_id, domain, ai_script_id, brand_name, language, hubspot_pipeline, hubspot_stage, created_at,
                char_length(ai_prompt) as prompt_chars, count(*) over () as total
           from sites ${where}
          order by ${column} ${direction}, site_id asc
          limit ${limit + 1} offset ${offset}`,
        params,
      );
      const page = rows.slice(0, limit).map(
        (r): SiteSummary => ({
          siteId: String(r.site_id),
          domain: String(r.domain),
          aiScriptId: (r.ai_script_id as string | null) ?? null,
          brandName: String(r.brand_name),
          language: String(r.language),
          hubspotPipeline: (r.hubspot_pipeline as string | null) ?? null,
          hubspotStage: (r.hubspot_stage as string | null) ?? null,
          createdAt: new Date(r.created_at as string),
          promptChars: Number(r.prompt_chars),
        }),
      );
      const total = rows[0] ? Number(rows[0].total) : 0;
      return { rows: page, total, hasMore: rows.length > limit };
    } catch (error) {
      throw toDatabaseError(error);
    }
  }

  async get(siteId: string): Promise<SiteRecord | null> {
    try {
      const site = await this.#em.fork().findOne(SiteSchema, { siteId });
      return site ? siteToRecord(site) : null;
    } catch (error) {
      throw toDatabaseError(error);
    }
  }

  async create(input: SiteInput): Promise<SiteRecord> {
    const fields = validateSite(input);
    const em = this.#em.fork();
    try {
      const site = em.create(SiteSchema, { ...fields, aiPrompt: fields.aiPrompt ?? '' } as never);
      await em.flush();
      // created_at comes from the database default.
      await em.refresh(site);
      return siteToRecord(site);
    } catch (error) {
      throw toWriteError(error, constraintMessages(fields));
    }
  }

  async update(siteId: string, patch: Partial<SiteInput>): Promise<SiteChange> {
    const fields = validateSitePatch(patch);
    const em = this.#em.fork();
    try {
      const site = await em.findOne(SiteSchema, { siteId });
      if (!site) throw new CabinetError(`no site with id ${siteId}`, { code: 'not-found' });
      const before = siteToRecord(site);
      const changed = EDITABLE.filter((k) => k in fields && fields[k] !== before[k]);
      if (changed.length > 0) {
        em.assign(site, Object.fromEntries(changed.map((k) => [k, fields[k]])) as never);
        await em.flush();
      }
      return { before, after: siteToRecord(site), changed };
    } catch (error) {
      throw toWriteError(error, constraintMessages({ siteId, domain: fields.domain ?? null }));
    }
  }

  async delete(siteId: string): Promise<SiteRecord> {
    const em = this.#em.fork();
    try {
      const site = await em.findOne(SiteSchema, { siteId });
      if (!site) throw new CabinetError(`no site with id ${siteId}`, { code: 'not-found' });
      const before = siteToRecord(site);
      em.remove(site);
      await em.flush();
      return before;
    } catch (error) {
      throw toWriteError(error, {});
    }
  }
}
