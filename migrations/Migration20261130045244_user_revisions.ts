import { Migration } from '@mikro-orm/migrations';

export class Migration20261130045244_user_revisions extends Migration {

  override name = 'Migration20261130045244_user_revisions';

  override up(): void | Promise<void> {
    this.addSql(`create table "user_revisions" ("id" bigserial primary key, "user_id" text not null, "rev" int not null, "version" int null, "action" text not null, "changed_fields" text[] not null, "old_values" jsonb null, "new_values" jsonb null, "actor" text not null, "note" text null, "created_at" timestamptz not null default now());`);
    this.addSql(`alter table "user_revisions" add constraint "user_revisions_user_id_rev_key" unique ("user_id", "rev");`);

    this.addSql(`alter table "user_revisions" add constraint "user_revisions_action_check" check (action in ('create', 'update', 'delete'));`);
    this.addSql(`create or replace function "user_revisions_append_only_fn"() returns trigger as \$\$ begin raise exception 'user_revisions is append-only: % refused', tg_op using errcode = 'insufficient_privilege'; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "append_only" BEFORE UPDATE OR DELETE on "user_revisions" for each ROW execute function "user_revisions_append_only_fn"();`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop trigger if exists "append_only" on "user_revisions";`);
    this.addSql(`drop function if exists "user_revisions_append_only_fn"();`);
    this.addSql(`drop table if exists "user_revisions" cascade;`);
  }

}
