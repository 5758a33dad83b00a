import { Migration } from '@mikro-orm/migrations';

export class Migration20261123105151_row_versions_history extends Migration {

  override name = 'Migration20261123105151_row_versions_history';

  override up(): void | Promise<void> {
    this.addSql(`create table "site_revisions" ("id" bigserial primary key, "site_id" text not null, "rev" int not null, "version" int null, "action" text not null, "changed_fields" text[] not null, "old_values" jsonb null, "new_values" jsonb null, "actor" text not null, "note" text null, "created_at" timestamptz not null default now());`);
    this.addSql(`alter table "site_revisions" add constraint "site_revisions_site_id_rev_key" unique ("site_id", "rev");`);

    this.addSql(`alter table "sites" add "version" int not null default 1, add "updated_at" timestamptz not null default now();`);
    this.addSql(`alter table "sites" add constraint "sites_ai_prompt_max_chars" check (char_length(ai_prompt) <= 100000);`);
    this.addSql(`create or replace function "sites_bump_version_fn"() returns trigger as \$\$ begin new.version := old.version + 1; new.updated_at := now(); return new; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "bump_version" BEFORE UPDATE on "sites" for each ROW
  when ((old.* IS DISTINCT FROM new.*)) execute function "sites_bump_version_fn"();`);

    this.addSql(`alter table "users" add "version" int not null default 1, add "updated_at" timestamptz not null default now();`);
    this.addSql(`create or replace function "users_bump_version_fn"() returns trigger as \$\$ begin new.version := old.version + 1; new.updated_at := now(); return new; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "bump_version" BEFORE UPDATE on "users" for each ROW
  when ((old.* IS DISTINCT FROM new.*)) execute function "users_bump_version_fn"();`);

    this.addSql(`alter table "site_revisions" add constraint "site_revisions_action_check" check (action in ('create', 'update', 'delete', 'restore'));`);
    this.addSql(`create or replace function "site_revisions_append_only_fn"() returns trigger as \$\$ begin raise exception 'site_revisions is append-only: % refused', tg_op using errcode = 'insufficient_privilege'; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "append_only" BEFORE UPDATE OR DELETE on "site_revisions" for each ROW execute function "site_revisions_append_only_fn"();`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop trigger if exists "append_only" on "site_revisions";`);
    this.addSql(`drop function if exists "site_revisions_append_only_fn"();`);
    this.addSql(`drop table if exists "site_revisions" cascade;`);

    this.addSql(`alter table "sites" drop constraint "sites_ai_prompt_max_chars";`);
    this.addSql(`drop trigger if exists "bump_version" on "sites";`);
    this.addSql(`drop function if exists "sites_bump_version_fn"();`);
    this.addSql(`alter table "sites" drop column "version", drop column "updated_at";`);

    this.addSql(`drop trigger if exists "bump_version" on "users";`);
    this.addSql(`drop function if exists "users_bump_version_fn"();`);
    this.addSql(`alter table "users" drop column "version", drop column "updated_at";`);
  }

}
