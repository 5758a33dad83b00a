import { Migration } from '@mikro-orm/migrations';

export class Migration20261123103921_initial_schema extends Migration {

  override name = 'Migration20261123103921_initial_schema';

  override up(): void | Promise<void> {
    this.addSql(`create table "sites" ("site_id" text not null, "domain" text not null, "ai_script_id" text null, "ai_prompt" text not null default '', "brand_name" text not null, "language" text not null default 'en', "hubspot_pipeline" text null, "hubspot_stage" text null, "created_at" timestamptz not null default now(), primary key ("site_id"));`);
    this.addSql(`alter table "sites" add constraint "sites_domain_key" unique ("domain");`);

    this.addSql(`create table "users" ("user_id" text not null, "email" text not null, "first_seen" timestamptz not null default now(), "last_seen" timestamptz not null default now(), primary key ("user_id"));`);
    this.addSql(`create index "users_last_seen_idx" on "users" ("last_seen");`);
    this.addSql(`create index "users_email_lower_idx" on "users" (lower("email") text_pattern_ops);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "sites" cascade;`);
    this.addSql(`drop table if exists "users" cascade;`);
  }

}
