import { SiteSchema } from './site.ts';
import { SiteRevisionSchema } from './site-revision.ts';
import { UserSchema } from './user.ts';
import { UserRevisionSchema } from './user-revision.ts';

export { SiteSchema, type Site } from './site.ts';
export { UserSchema, type User } from './user.ts';
export { UserRevisionSchema, type UserRevision, USER_REVISION_ACTIONS, type UserRevisionAction } from './user-revision.ts';
export { SiteRevisionSchema, type SiteRevision, REVISION_ACTIONS, type RevisionAction } from './site-revision.ts';

/** Every entity cabinet manages; the registry the ORM, the migrator and schema checks share. */
export const entities = [SiteSchema, UserSchema, SiteRevisionSchema, UserRevisionSchema];
