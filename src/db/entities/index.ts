import { SiteSchema } from './site.ts';
import { SiteRevisionSchema } from './site-revision.ts';
import { UserSchema } from './user.ts';

export { SiteSchema, type Site } from './site.ts';
export { UserSchema, type User } from './user.ts';
export { SiteRevisionSchema, type SiteRevision, REVISION_ACTIONS, type RevisionAction } from './site-revision.ts';

/** Every entity cabinet manages; the registry the ORM, the migrator and schema checks share. */
export const entities = [SiteSchema, UserSchema, SiteRevisionSchema];
