import { Migration } from '@mikro-orm/migrations';

export class Migration20261123111157_users_search_indexes extends Migration {

  override name = 'Migration20261123111157_users_search_indexes';

  override up(): void | Promise<void> {
    // pg_trgm is a trusted extension: the database owner may create it without superuser rights.
    this.addSql(`create extension if not exists pg_trgm;`);
    this.addSql(`drop index "users_last_seen_idx";`);
    this.addSql(`create index "users_last_seen_user_id_idx" on "users" ("last_seen", "user_id");`);
    this.addSql(`create index "users_email_trgm_idx" on "users" using gin ("email" gin_trgm_ops);`);
    this.addSql(`create index "users_user_id_trgm_idx" on "users" using gin ("user_id" gin_trgm_ops);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "users_last_seen_user_id_idx";`);
    this.addSql(`drop index "users_email_trgm_idx";`);
    this.addSql(`drop index "users_user_id_trgm_idx";`);
    this.addSql(`create index "users_last_seen_idx" on "users" ("last_seen");`);
    // pg_trgm stays: other objects in the database may have come to use it.
  }

}
